// View → Slack Block Kit (messages) and Form → Slack modal (views.open). Pure functions that
// return plain JSON typed by the local interfaces below; the Slack adapter sends it.
// Shapes and limits: docs.slack.dev/reference/block-kit and …/views/modal-views (see limits.ts).
import { FORM_ERROR_KEY, type Form, type FormField, type FormOption } from "../views/form.js";
import {
  moreText,
  parseMarkdownLite,
  refsAsLabels,
  replaceRefs,
  summaryOf,
  type Button,
  type ConfirmDialog,
  type Field,
  type ListBlock,
  type View,
  type ViewBlock,
} from "../views/view.js";
import { clip, fitSerialized, fitUnits, SLACK_LIMITS as L, viewUnits, type Unit } from "./limits.js";

export interface SlackPlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface SlackMrkdwn {
  type: "mrkdwn";
  text: string;
}

export type SlackText = SlackPlainText | SlackMrkdwn;

export interface SlackConfirm {
  title: SlackPlainText;
  text: SlackPlainText;
  confirm: SlackPlainText;
  deny: SlackPlainText;
  style?: "primary" | "danger";
}

export interface SlackButton {
  type: "button";
  text: SlackPlainText;
  action_id: string;
  value: string;
  style?: "primary" | "danger";
  confirm?: SlackConfirm;
}

export interface SlackOption {
  text: SlackPlainText;
  value: string;
}

export type SlackInputElement =
  | {
      type: "plain_text_input";
      action_id: string;
      multiline?: boolean;
      max_length?: number;
      initial_value?: string;
      placeholder?: SlackPlainText;
    }
  | {
      type: "number_input";
      action_id: string;
      is_decimal_allowed: boolean;
      min_value?: string;
      initial_value?: string;
      placeholder?: SlackPlainText;
    }
  | { type: "datepicker"; action_id: string; initial_date?: string; placeholder?: SlackPlainText }
  | {
      type: "static_select";
      action_id: string;
      options: SlackOption[];
      initial_option?: SlackOption;
      placeholder?: SlackPlainText;
    }
  | {
      // Options come from the app while the user types (block_suggestion, answered with
      // renderSlackOptions): Slack's own filter cannot search names by pinyin or within a scope.
      type: "external_select";
      action_id: string;
      min_query_length: number;
      initial_option?: SlackOption;
      placeholder?: SlackPlainText;
    }
  | { type: "users_select"; action_id: string; initial_user?: string; placeholder?: SlackPlainText };

export type SlackBlock =
  | { type: "header"; text: SlackPlainText }
  | { type: "section"; text?: SlackMrkdwn; fields?: SlackMrkdwn[] }
  | { type: "context"; elements: SlackMrkdwn[] }
  | { type: "divider" }
  | { type: "actions"; elements: SlackButton[] }
  | {
      type: "input";
      block_id: string;
      label: SlackPlainText;
      element: SlackInputElement;
      optional?: boolean;
      hint?: SlackPlainText;
    };

/** Arguments for chat.postMessage / chat.update / response_url. */
export interface SlackMessage {
  /** Notification and accessibility fallback (Slack shows it where blocks cannot be). */
  text: string;
  blocks: SlackBlock[];
}

/** The `view` argument of views.open / views.update. */
export interface SlackModal {
  type: "modal";
  callback_id: string;
  title: SlackPlainText;
  submit: SlackPlainText;
  close?: SlackPlainText;
  private_metadata: string;
  blocks: SlackBlock[];
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * Slack mrkdwn needs only these three escaped (docs.slack.dev "Formatting text"); a view's
 * references become Slack's own mentions, which Slack shows as the current name.
 */
export function escapeSlack(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return replaceRefs(escaped, (ref) => (ref.kind === "user" ? `<@${ref.id}>` : `<#${ref.id}>`));
}

/** Markdown-lite → mrkdwn. Bold gets spaces around it where a word touches it: Slack only
 * formats *bold* at word boundaries, which Chinese text never has. */
export function slackMarkdown(source: string): string {
  return parseMarkdownLite(source)
    .map((line) => {
      let out = line.bullet ? "• " : "";
      line.spans.forEach((span, index) => {
        if (!span.bold) {
          out += escapeSlack(span.text);
          return;
        }
        if (out.length > 0 && !/\s$/.test(out)) out += " ";
        out += `*${escapeSlack(span.text)}*`;
        const next = line.spans[index + 1];
        if (next && !/^\s/.test(next.text)) out += " ";
      });
      return out;
    })
    .join("\n");
}

const plain = (text: string, max: number): SlackPlainText => ({ type: "plain_text", text: clip(refsAsLabels(text), max), emoji: true });
const mrkdwn = (source: string, max: number): SlackMrkdwn => ({
  type: "mrkdwn",
  text: fitSerialized(source, max, slackMarkdown),
});
// Labels and values are plain strings: escaped, never interpreted.
const fieldText = (field: Field): SlackMrkdwn => ({
  type: "mrkdwn",
  text: fitSerialized(`${field.label}\n${field.value}`, L.fieldText, (source) => {
    const [label = "", ...rest] = source.split("\n");
    return `*${escapeSlack(label)}*\n${escapeSlack(rest.join("\n"))}`;
  }),
});

// ---------------------------------------------------------------------------------------------
// Messages

/** The `view` argument of views.publish for the App Home tab. */
export interface SlackHomeView {
  type: "home";
  blocks: SlackBlock[];
}

/** A view as the App Home tab (views.publish): up to 100 blocks, the rest counted in "… N more". */
export function renderSlackHome(view: View): SlackHomeView {
  return { type: "home", blocks: renderSlackBlocks(view, L.homeBlocks) };
}

export function renderSlackMessage(view: View): SlackMessage {
  return { text: fitSerialized(summaryOf(view), L.fallbackText, escapeSlack), blocks: renderSlackBlocks(view, L.messageBlocks) };
}

function renderSlackBlocks(view: View, maxBlocks: number): SlackBlock[] {
  const units: Unit<SlackBlock>[] = [];
  if (view.header) {
    units.push({ elements: [{ type: "header", text: plain(view.header.title, L.headerText) }] });
    const badge = [view.header.tag ? `*${escapeSlack(view.header.tag.text)}*` : "", escapeSlack(view.header.subtitle ?? "")]
      .filter(Boolean)
      .join(" · ");
    if (badge) units.push({ elements: [{ type: "context", elements: [{ type: "mrkdwn", text: clip(badge, L.contextText) }] }] });
  }
  const body = viewUnits(view.blocks, listUnits, blockElements);
  units.push(...body.units);
  const blocks = fitUnits({
    units,
    hiddenBeyond: body.hiddenBeyond,
    cost: (elements) => [elements.length],
    base: [0],
    limits: [maxBlocks],
    note: (count) => contextBlock([`_${moreText(view, count)}_`]),
  });
  return blocks;
}

function blockElements(block: Exclude<ViewBlock, ListBlock>): SlackBlock[] {
  switch (block.kind) {
    case "text":
      return [{ type: "section", text: mrkdwn(block.text, L.sectionText) }];
    case "fields":
      return chunk(block.fields, L.sectionFields).map((fields) => ({ type: "section", fields: fields.map(fieldText) }));
    case "context":
      return contextBlock(block.lines);
    case "divider":
      return [{ type: "divider" }];
    case "actions":
      return actionsBlocks(block.buttons);
  }
}

function listUnits(block: ListBlock, list: number): Unit<SlackBlock>[] {
  const head: SlackBlock[] = [];
  if (block.title) {
    const title = fitSerialized(block.title, L.sectionText, (source) => `*${escapeSlack(source)}*`);
    head.push({ type: "section", text: { type: "mrkdwn", text: title } });
  }
  if (block.items.length === 0 && (block.totalCount ?? 0) === 0 && block.emptyText) {
    head.push(...contextBlock([block.emptyText]));
  }
  const units: Unit<SlackBlock>[] = [{ elements: head, list }];
  for (const item of block.items) {
    const fields = (item.fields ?? []).slice(0, L.sectionFields).map(fieldText);
    const section: SlackBlock = {
      type: "section",
      text: mrkdwn(item.text, L.sectionText),
      ...(fields.length > 0 ? { fields } : {}),
    };
    units.push({ elements: [section, ...actionsBlocks(item.buttons ?? [])], list, item: true });
  }
  return units;
}

function contextBlock(lines: string[]): SlackBlock[] {
  return chunk(lines, L.contextElements).map((group) => ({
    type: "context",
    elements: group.map((line) => mrkdwn(line, L.contextText)),
  }));
}

function actionsBlocks(buttons: Button[]): SlackBlock[] {
  // A value longer than Slack allows cannot be cut without breaking it; encodeButtonPayload
  // keeps payloads far below, so such a button can only be a bug and is left out.
  const usable = buttons.filter((button) => button.payload.length <= L.buttonValue);
  return chunk(usable, L.actionsElements).map((group) => {
    const seen = new Map<string, number>();
    return { type: "actions", elements: group.map((button) => slackButton(button, seen)) };
  });
}

/** Separates a repeated action_id from its "~n" suffix (ids must be unique within a block). */
export function baseActionId(actionId: string): string {
  return actionId.replace(/~\d+$/, "");
}

function slackButton(button: Button, seen: Map<string, number>): SlackButton {
  const base = clip(button.actionId, L.actionId - 4);
  const count = (seen.get(base) ?? 0) + 1;
  seen.set(base, count);
  return {
    type: "button",
    text: plain(button.label, L.buttonText),
    action_id: count === 1 ? base : `${base}~${count}`,
    value: button.payload,
    ...(button.style ? { style: button.style } : {}),
    ...(button.confirm ? { confirm: slackConfirm(button.confirm, button.style) } : {}),
  };
}

function slackConfirm(confirm: ConfirmDialog, style: Button["style"]): SlackConfirm {
  return {
    title: plain(confirm.title, L.confirmTitle),
    text: plain(confirm.text, L.confirmText),
    confirm: plain(confirm.confirm, L.confirmButton),
    deny: plain(confirm.deny, L.confirmButton),
    ...(style ? { style } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Modals

export interface SlackModalOptions {
  /** Values to show again (reopening a form); raw strings as validateForm receives them. */
  values?: Record<string, string | undefined>;
}

export function renderSlackModal(form: Form, options: SlackModalOptions = {}): SlackModal {
  const blocks: SlackBlock[] = [];
  if (form.intro) blocks.push({ type: "section", text: mrkdwn(form.intro, L.sectionText) });
  const room = L.modalBlocks - blocks.length;
  for (const field of form.fields.slice(0, room)) {
    const initial = options.values?.[field.name] ?? field.default;
    // A settled customer is preselected as itself (its id), as the picker's own options are.
    const initialId = initial === field.default ? field.defaultId : undefined;
    blocks.push({
      type: "input",
      block_id: clip(field.name, L.blockId),
      label: plain(field.label, L.inputLabel),
      element: inputElement(field, initial, initialId),
      ...(field.required ? {} : { optional: true }),
      ...(field.hint ? { hint: plain(field.hint, L.inputHint) } : {}),
    });
  }
  return {
    type: "modal",
    callback_id: clip(form.actionId, L.callbackId),
    title: plain(form.title, L.modalTitle),
    submit: plain(form.submitLabel, L.modalButton),
    ...(form.cancelLabel ? { close: plain(form.cancelLabel, L.modalButton) } : {}),
    // Clipping would corrupt the payload; encodeButtonPayload keeps it far below the limit.
    private_metadata: form.payload,
    blocks,
  };
}

function inputElement(field: FormField, initial: string | undefined, initialId?: string): SlackInputElement {
  const action_id = clip(field.name, L.actionId);
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, L.placeholder) } : {};
  const options = (field.options ?? []).slice(0, L.selectOptions).map(
    (option): SlackOption => ({ text: plain(option.label, L.optionText), value: clip(option.value, L.optionValue) }),
  );
  const hasText = initial !== undefined && initial !== "";
  switch (field.kind) {
    case "text":
    case "textarea":
      return {
        type: "plain_text_input",
        action_id,
        ...(field.kind === "textarea" ? { multiline: true } : {}),
        max_length: Math.min(field.maxLength ?? L.plainTextInputMax, L.plainTextInputMax),
        ...(hasText ? { initial_value: initial } : {}),
        ...placeholder,
      };
    case "number":
    case "amount": {
      // Slack's number input takes digits only: "1,500,000.00" as the form prefills it goes in as 1500000.00.
      const digits = hasText ? initial!.replace(/[,，\s]/g, "") : "";
      return {
        type: "number_input",
        action_id,
        is_decimal_allowed: field.kind === "amount",
        ...(field.kind === "amount" ? { min_value: "0" } : {}),
        ...(/^-?\d+(\.\d+)?$/.test(digits) ? { initial_value: digits } : {}),
        ...placeholder,
      };
    }
    case "date":
      return {
        type: "datepicker",
        action_id,
        ...(hasText && /^\d{4}-\d{2}-\d{2}$/.test(initial!) ? { initial_date: initial } : {}),
        ...placeholder,
      };
    case "member":
      return { type: "users_select", action_id, ...(hasText ? { initial_user: initial } : {}), ...placeholder };
    case "select":
    case "customer": {
      if (field.kind === "customer" && options.length === 0) {
        // A settled customer is preselected by id; a name that was not (several match, or none)
        // is offered as typed, and submitted unchanged it is looked up like a typed name. A value
        // longer than an option value allows is left out.
        const value = initialId ?? initial;
        const prefilled = hasText && value!.length <= L.optionValue ? { initial_option: { text: plain(initial!, L.optionText), value: value! } } : {};
        // One character is a whole word in Chinese (华), so the search starts at the first one
        // (Slack's default is 3).
        return { type: "external_select", action_id, min_query_length: CUSTOMER_MIN_QUERY, ...prefilled, ...placeholder };
      }
      const selected = options.find((option) => option.value === initial);
      return { type: "static_select", action_id, options, ...(selected ? { initial_option: selected } : {}), ...placeholder };
    }
  }
}

/** Characters typed before Slack asks for options of a customer picker. */
export const CUSTOMER_MIN_QUERY = 1;

/** The answer to a block_suggestion: at most 100 options, their text within 75 characters. */
export function renderSlackOptions(options: readonly FormOption[]): { options: SlackOption[] } {
  return {
    options: options
      .filter((option) => option.value.length <= L.optionValue)
      .slice(0, L.selectOptions)
      .map((option) => ({ text: plain(option.label, L.optionText), value: option.value })),
  };
}

/** The answer to a view_submission that shows each message under its field. */
export function slackFormErrors(
  form: Pick<Form, "fields">,
  messages: Record<string, string>,
): { response_action: "errors"; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  for (const [name, message] of Object.entries(messages)) {
    // Slack can only attach an error to an input block; a form-wide one goes on the first.
    const blockId = name === FORM_ERROR_KEY ? form.fields[0]?.name : name;
    if (blockId && form.fields.some((field) => field.name === blockId) && !errors[blockId]) {
      errors[blockId] = clip(message, L.inputHint);
    }
  }
  return { response_action: "errors", errors };
}

type SlackStateValue = {
  type?: string;
  value?: string | null;
  selected_date?: string | null;
  selected_user?: string | null;
  selected_option?: { value?: string } | null;
};

/** view.state.values of a view_submission → raw values keyed by field name (block_id). */
export function readSlackFormValues(stateValues: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!stateValues || typeof stateValues !== "object") return out;
  for (const [blockId, actions] of Object.entries(stateValues as Record<string, unknown>)) {
    if (!actions || typeof actions !== "object") continue;
    for (const state of Object.values(actions as Record<string, SlackStateValue>)) {
      if (!state || typeof state !== "object") continue;
      const value = state.value ?? state.selected_date ?? state.selected_user ?? state.selected_option?.value ?? undefined;
      out[blockId] = typeof value === "string" ? value : undefined;
    }
  }
  return out;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
