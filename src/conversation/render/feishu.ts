// View → Feishu/Lark card JSON 2.0, Form → a card with a form container. Pure functions that
// return plain JSON typed by the local interfaces below; the Feishu adapter sends it as an
// `interactive` message (content = JSON string) or returns it from a card callback.
// Shapes: open.feishu.cn/document/feishu-cards/card-json-v2-structure and the
// card-json-v2-components pages (markdown, column_set, button, form, input, select_static,
// date_picker, select_person). Limits with their sources: limits.ts.
import { FORM_ERROR_KEY, type Form, type FormField } from "../views/form.js";
import {
  moreText,
  parseMarkdownLite,
  refsAsLabels,
  replaceRefs,
  summaryOf,
  type Button,
  type Field,
  type ListBlock,
  type Tone,
  type View,
  type ViewBlock,
} from "../views/view.js";
import { clip, FEISHU_LIMITS as L, fitSerialized, fitUnits, viewUnits, type Unit } from "./limits.js";

export interface FeishuText {
  tag: "plain_text";
  content: string;
}

/** What a callback button sends back; Feishu's SDK only passes object values through. */
export interface FeishuCallbackValue {
  action: string;
  payload: string;
  /** Set on a form's submit button: which form the form_value belongs to. */
  form?: string;
}

export interface FeishuMarkdown {
  tag: "markdown";
  content: string;
  text_size?: "normal" | "notation";
}

export interface FeishuButton {
  tag: "button";
  text: FeishuText;
  type: "default" | "primary" | "danger";
  behaviors: { type: "callback"; value: FeishuCallbackValue }[];
  // Feishu's dialog has its own fixed OK/Cancel labels: only title and text can be set.
  confirm?: { title: FeishuText; text: FeishuText };
  name?: string;
  form_action_type?: "submit";
}

export interface FeishuColumn {
  tag: "column";
  width: "weighted" | "auto";
  weight?: number;
  elements: FeishuElement[];
}

export interface FeishuColumnSet {
  tag: "column_set";
  flex_mode: "none" | "flow";
  horizontal_spacing?: "small" | "medium";
  columns: FeishuColumn[];
}

export interface FeishuInput {
  tag: "input";
  name: string;
  required: boolean;
  width: "fill";
  input_type?: "multiline_text";
  rows?: number;
  max_length?: number;
  default_value?: string;
  placeholder?: FeishuText;
}

export interface FeishuSelectStatic {
  tag: "select_static";
  name: string;
  required: boolean;
  width: "fill";
  options: { text: FeishuText; value: string }[];
  initial_option?: string;
  placeholder?: FeishuText;
}

export interface FeishuDatePicker {
  tag: "date_picker";
  name: string;
  required: boolean;
  width: "fill";
  initial_date?: string;
  placeholder?: FeishuText;
}

export interface FeishuSelectPerson {
  tag: "select_person";
  name: string;
  required: boolean;
  width: "fill";
  options: { value: string }[];
  initial_option?: string;
  placeholder?: FeishuText;
}

export interface FeishuForm {
  tag: "form";
  name: string;
  elements: FeishuElement[];
}

export type FeishuElement =
  | FeishuMarkdown
  | { tag: "hr" }
  | FeishuButton
  | FeishuColumnSet
  | FeishuInput
  | FeishuSelectStatic
  | FeishuDatePicker
  | FeishuSelectPerson
  | FeishuForm;

export type FeishuTemplate = "blue" | "green" | "orange" | "red" | "grey";

export interface FeishuHeader {
  title: FeishuText;
  subtitle?: FeishuText;
  text_tag_list?: { tag: "text_tag"; text: FeishuText; color: "neutral" | "blue" | "green" | "orange" | "red" }[];
  template: FeishuTemplate;
}

export interface FeishuCard {
  schema: "2.0";
  config: { update_multi: true; summary?: { content: string } };
  header?: FeishuHeader;
  body: { elements: FeishuElement[] };
}

// ---------------------------------------------------------------------------------------------
// Text

// Characters Feishu markdown would interpret, as the HTML entities its rich-text page lists
// (card-json-v2-components/content-components/rich-text, "特殊字符转义说明"). "(", ")" and "!"
// only mean something next to "[" "]", which are always escaped, so they stay readable.
const ALWAYS: Record<string, string> = {
  "&": "&#38;",
  "<": "&#60;",
  ">": "&#62;",
  "*": "&#42;",
  _: "&#95;",
  "~": "&#126;",
  "`": "&#96;",
  "[": "&#91;",
  "]": "&#93;",
  "#": "&#35;",
  $: "&#36;",
  "\\": "&#92;",
  "|": "&#124;",
};
const SPECIAL = /[&<>*_~`[\]#$\\|]/g;
// ":" starts an emoji key (":OK:", ":DONE:") only when a letter follows; "said: yes" and
// "09:00" stay as they are.
const EMOJI_COLON = /:(?=[A-Za-z])/g;
// Harmless mid-line, but a list, heading or rule marker at the start of a line.
const LINE_START = /^(\s*)([-+=]|\d+\.)/;

/** Escapes literal text for a Feishu markdown element. */
export function escapeFeishu(text: string, atLineStart = false): string {
  if (!text.includes("\uE000")) return escapeMarkdownText(text, atLineStart);
  // A view's references become Feishu mentions (<at id=ou_…></at>, which notify) or the group's
  // name; they are set aside while the rest is escaped, so their ids stay intact.
  const mentions: string[] = [];
  const marked = replaceRefs(text, (ref) => {
    mentions.push(ref.kind === "user" ? `<at id=${ref.id}></at>` : escapeMarkdownText(ref.label, false));
    return `\uE002${mentions.length - 1}\uE003`;
  });
  return escapeMarkdownText(marked, atLineStart).replace(/\uE002(\d+)\uE003/g, (_, i: string) => mentions[Number(i)] ?? "");
}

function escapeMarkdownText(text: string, atLineStart: boolean): string {
  return text
    .split("\n")
    .map((line, index) => {
      const escaped = line.replace(SPECIAL, (ch) => ALWAYS[ch]!).replace(EMOJI_COLON, "&#58;");
      if (index === 0 && !atLineStart) return escaped;
      return escaped.replace(LINE_START, (_, space: string, marker: string) => {
        return `${space}${marker.replace(/[-+=.]/, (c) => `&#${c.charCodeAt(0)};`)}`;
      });
    })
    .join("\n");
}

/** Markdown-lite → Feishu markdown. Feishu, like Slack, wants spaces around **bold**. */
export function feishuMarkdown(source: string): string {
  return parseMarkdownLite(source)
    .map((line) => {
      let out = line.bullet ? "- " : "";
      line.spans.forEach((span, index) => {
        if (!span.bold) {
          out += escapeFeishu(span.text, index === 0 && !line.bullet);
          return;
        }
        if (out.length > 0 && !/\s$/.test(out)) out += " ";
        out += `**${escapeFeishu(span.text)}**`;
        const next = line.spans[index + 1];
        if (next && !/^\s/.test(next.text)) out += " ";
      });
      return out;
    })
    .join("\n");
}

const text = (content: string, max: number): FeishuText => ({ tag: "plain_text", content: clip(refsAsLabels(content), max) });
const markdown = (source: string, size?: "notation"): FeishuMarkdown => ({
  tag: "markdown",
  content: fitSerialized(source, L.markdownText, feishuMarkdown),
  ...(size ? { text_size: size } : {}),
});
const escapedBold = (plainText: string) => `**${escapeFeishu(plainText)}**`;

// ---------------------------------------------------------------------------------------------
// Cards

const TEMPLATE: Record<Tone, FeishuTemplate> = {
  neutral: "grey",
  info: "blue",
  success: "green",
  warning: "orange",
  danger: "red",
};
const TAG_COLOR: Record<Tone, "neutral" | "blue" | "green" | "orange" | "red"> = {
  neutral: "neutral",
  info: "blue",
  success: "green",
  warning: "orange",
  danger: "red",
};

export function renderFeishuCard(view: View): FeishuCard {
  const card = skeleton(refsAsLabels(summaryOf(view)), view.header && header(view.header));
  const { units, hiddenBeyond } = viewUnits(view.blocks, listUnits, blockElements);
  card.body.elements = fitUnits({
    units,
    hiddenBeyond,
    cost: feishuCost,
    base: feishuCost([card as unknown as FeishuElement]),
    limits: [L.cardElements, L.cardBytes],
    note: (count) => [markdown(moreText(view, count), "notation")],
  });
  return card;
}

function skeleton(summary: string, cardHeader: FeishuHeader | undefined): FeishuCard {
  return {
    schema: "2.0",
    config: { update_multi: true, ...(summary ? { summary: { content: clip(summary, L.summaryText) } } : {}) },
    ...(cardHeader ? { header: cardHeader } : {}),
    body: { elements: [] },
  };
}

function header(viewHeader: NonNullable<View["header"]>): FeishuHeader {
  return {
    title: text(viewHeader.title, L.headerTitle),
    ...(viewHeader.subtitle ? { subtitle: text(viewHeader.subtitle, L.headerSubtitle) } : {}),
    ...(viewHeader.tag
      ? {
          text_tag_list: [
            { tag: "text_tag", text: text(viewHeader.tag.text, L.tagText), color: TAG_COLOR[viewHeader.tag.tone ?? "neutral"] },
          ],
        }
      : {}),
    template: viewHeader.tone ? TEMPLATE[viewHeader.tone] : "blue",
  };
}

function blockElements(block: Exclude<ViewBlock, ListBlock>): FeishuElement[] {
  switch (block.kind) {
    case "text":
      return [markdown(block.text)];
    case "fields":
      return pairs(block.fields).map((row) => ({
        tag: "column_set",
        flex_mode: "none",
        columns: row.map((field) => ({
          tag: "column",
          width: "weighted",
          weight: 1,
          elements: [{ tag: "markdown", content: fieldMarkdown(field, "\n") }],
        })),
      }));
    case "context":
      return block.lines.length > 0 ? [markdown(block.lines.join("\n"), "notation")] : [];
    case "divider":
      return [{ tag: "hr" }];
    case "actions":
      return buttonRow(block.buttons);
  }
}

function fieldMarkdown(field: Field, separator: string): string {
  return fitSerialized(`${field.label}\n${field.value}`, L.markdownText, (source) => {
    const [label = "", ...rest] = source.split("\n");
    return `${escapedBold(label)}${separator}${escapeFeishu(rest.join("\n"), separator === "\n")}`;
  });
}

function listUnits(block: ListBlock, list: number): Unit<FeishuElement>[] {
  const head: FeishuElement[] = [];
  if (block.title) {
    head.push({ tag: "markdown", content: fitSerialized(block.title, L.markdownText, escapedBold) });
  }
  if (block.items.length === 0 && (block.totalCount ?? 0) === 0 && block.emptyText) {
    head.push(markdown(block.emptyText, "notation"));
  }
  const units: Unit<FeishuElement>[] = [{ elements: head, list }];
  for (const item of block.items) {
    // Item fields ride in the item's markdown: a column set per item would spend the
    // 200-element budget several times faster.
    const fields = (item.fields ?? []).map((field) => fieldMarkdown(field, ": ")).join(" · ");
    const body = fitSerialized(item.text, Math.max(200, L.markdownText - fields.length - 1), feishuMarkdown);
    const content = fields ? `${body}\n${fields}` : body;
    units.push({ elements: [{ tag: "markdown", content }, ...buttonRow(item.buttons ?? [])], list, item: true });
  }
  return units;
}

function buttonRow(buttons: Button[]): FeishuElement[] {
  if (buttons.length === 0) return [];
  // 2.0 cards dropped the "action" row; a flowing column set keeps buttons side by side.
  return [
    {
      tag: "column_set",
      flex_mode: "flow",
      horizontal_spacing: "small",
      columns: buttons.map((button) => ({ tag: "column", width: "auto", elements: [feishuButton(button)] })),
    },
  ];
}

function feishuButton(button: Button): FeishuButton {
  return {
    tag: "button",
    text: text(button.label, L.buttonText),
    type: button.style ?? "default",
    behaviors: [{ type: "callback", value: { action: button.actionId, payload: button.payload } }],
    ...(button.confirm
      ? { confirm: { title: text(button.confirm.title, L.headerTitle), text: text(button.confirm.text, L.markdownText) } }
      : {}),
  };
}

function pairs<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += 2) out.push(items.slice(i, i + 2));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Budget: the 200-element count includes text objects (plain_text), so everything carrying a
// `tag` is counted; bytes are measured as the card travels, an escaped JSON string in UTF-8.

export function countFeishuElements(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countFeishuElements(item), 0);
  if (!value || typeof value !== "object") return 0;
  const own = typeof (value as { tag?: unknown }).tag === "string" ? 1 : 0;
  return Object.values(value).reduce((sum: number, item) => sum + countFeishuElements(item), own);
}

/** Bytes the card adds to a message request body (content is the card as a JSON string). */
export function feishuCardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(card)), "utf8");
}

function feishuCost(elements: FeishuElement[]): number[] {
  // Each element adds its own escaped bytes plus a separating comma.
  const bytes = elements.reduce((sum, element) => sum + feishuCardBytes(element) - 2 + 1, 0);
  return [countFeishuElements(elements), bytes];
}

// ---------------------------------------------------------------------------------------------
// Forms

export interface FeishuFormOptions {
  /** Raw values to show again, e.g. when the card is re-rendered with errors. */
  values?: Record<string, string | undefined>;
  /** Localized messages by field name (FORM_ERROR_KEY for the whole form). */
  errors?: Record<string, string>;
}

/** Our own component names contain "_", which field names (camelCase) never do. */
export const FEISHU_FORM_NAME = "form_container";
export const FEISHU_SUBMIT_NAME = "form_submit";

export function renderFeishuForm(form: Form, options: FeishuFormOptions = {}): FeishuCard {
  const card = skeleton(form.title, { title: text(form.title, L.headerTitle), template: "blue" });
  const errors = options.errors ?? {};
  if (form.intro) card.body.elements.push(markdown(form.intro));
  if (errors[FORM_ERROR_KEY]) card.body.elements.push(errorNote(errors[FORM_ERROR_KEY]));
  const elements: FeishuElement[] = [];
  for (const field of form.fields) {
    const label = `${escapedBold(field.label)}${field.required ? " <font color='red'>*</font>" : ""}`;
    elements.push({ tag: "markdown", content: label });
    elements.push(component(field, options.values?.[field.name] ?? field.default));
    if (field.hint) elements.push(markdown(field.hint, "notation"));
    if (errors[field.name]) elements.push(errorNote(errors[field.name]!));
  }
  elements.push({
    tag: "button",
    name: FEISHU_SUBMIT_NAME,
    form_action_type: "submit",
    type: "primary",
    text: text(form.submitLabel, L.buttonText),
    behaviors: [{ type: "callback", value: { action: form.actionId, payload: form.payload, form: form.formId } }],
  });
  card.body.elements.push({ tag: "form", name: FEISHU_FORM_NAME, elements });
  return card;
}

function errorNote(message: string): FeishuMarkdown {
  return { tag: "markdown", content: `<font color='red'>${escapeFeishu(clip(message, L.markdownText))}</font>`, text_size: "notation" };
}

function component(field: FormField, initial: string | undefined): FeishuElement {
  const base = { name: field.name, required: field.required, width: "fill" as const };
  const placeholder = field.placeholder ? { placeholder: text(field.placeholder, L.placeholder) } : {};
  const hasValue = initial !== undefined && initial !== "";
  switch (field.kind) {
    case "date":
      return {
        tag: "date_picker",
        ...base,
        ...(hasValue && /^\d{4}-\d{2}-\d{2}$/.test(initial!) ? { initial_date: initial } : {}),
        ...placeholder,
      };
    case "member":
      return {
        tag: "select_person",
        ...base,
        // An empty list offers everyone in the chat (single-select-user-picker).
        options: (field.options ?? []).map((option) => ({ value: option.value })),
        ...(hasValue && field.options?.some((option) => option.value === initial) ? { initial_option: initial } : {}),
        ...placeholder,
      };
    case "select":
    case "customer":
      if (field.options && field.options.length > 0) {
        return {
          tag: "select_static",
          ...base,
          options: field.options.map((option) => ({ text: text(option.label, L.buttonText), value: option.value })),
          ...(hasValue && field.options.some((option) => option.value === initial) ? { initial_option: initial } : {}),
          ...placeholder,
        };
      }
      return input(field, base, initial, placeholder);
    case "text":
    case "textarea":
    case "number":
    case "amount":
      // Cards have no number input; validateForm checks numbers and amounts on submit.
      return input(field, base, initial, placeholder);
  }
}

function input(
  field: FormField,
  base: { name: string; required: boolean; width: "fill" },
  initial: string | undefined,
  placeholder: { placeholder?: FeishuText },
): FeishuInput {
  return {
    tag: "input",
    ...base,
    ...(field.kind === "textarea" ? { input_type: "multiline_text" as const, rows: 3 } : {}),
    max_length: Math.min(field.maxLength ?? L.inputMaxLength, L.inputMaxLength),
    ...(initial !== undefined && initial !== "" ? { default_value: clip(initial, L.inputMaxLength) } : {}),
    ...placeholder,
  };
}

/** `action.value` of a card.action.trigger → our action id and payload, if it is ours. */
export function readFeishuAction(value: unknown): FeishuCallbackValue | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { action, payload, form } = value as Record<string, unknown>;
  if (typeof action !== "string" || typeof payload !== "string") return undefined;
  return { action, payload, ...(typeof form === "string" ? { form } : {}) };
}

/** `action.form_value` of a form submission → raw values keyed by field name. */
export function readFeishuFormValues(formValue: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!formValue || typeof formValue !== "object") return out;
  for (const [name, value] of Object.entries(formValue as Record<string, unknown>)) {
    out[name] = typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
  }
  return out;
}
