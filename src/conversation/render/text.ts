// View → plain text for the local console. Buttons become numbered choices ("[1] Approve
// [2] Reject") that the console maps back to an action id and payload; a form becomes a list of
// prompts the console asks one field at a time.
import type { Form, FormField, FormFieldKind } from "../views/form.js";
import type { EncodedButtonPayload } from "../views/payload.js";
import { moreText, plainTextOf, refsAsLabels, type Button, type ConfirmDialog, type Field, type View, type ViewBlock } from "../views/view.js";
import { TEXT_LIMITS } from "./limits.js";

export interface TextChoice {
  number: number;
  label: string;
  actionId: string;
  payload: EncodedButtonPayload;
  style?: "primary" | "danger";
  /** Ask this before acting (the console's "are you sure?"). */
  confirm?: ConfirmDialog;
}

export interface TextRendering {
  text: string;
  choices: TextChoice[];
}

export interface TextRenderOptions {
  /**
   * The number of the first button (1 by default). The console numbers the buttons of every card
   * still on screen apart, so a button from an earlier reply keeps its number.
   */
  firstNumber?: number;
}

export function renderText(view: View, options: TextRenderOptions = {}): TextRendering {
  const choices: TextChoice[] = [];
  const first = options.firstNumber ?? 1;
  const sections: string[] = [];
  if (view.header) {
    const tag = view.header.tag ? `  [${view.header.tag.text}]` : "";
    sections.push([`${view.header.title}${tag}`, view.header.subtitle].filter(Boolean).join("\n"));
  }
  for (const block of view.blocks) {
    const rendered = renderBlock(view, block, choices, first);
    if (rendered) sections.push(rendered);
  }
  // The console has no mentions: references read as their labels.
  return { text: refsAsLabels(sections.join("\n\n")), choices };
}

function renderBlock(view: View, block: ViewBlock, choices: TextChoice[], first: number): string {
  switch (block.kind) {
    case "text":
      return plainTextOf(block.text);
    case "fields":
      return block.fields.map(fieldLine).join("\n");
    case "context":
      return block.lines.map(plainTextOf).join("\n");
    case "divider":
      return "----------------------------------------";
    case "actions":
      return choiceLine(block.buttons, choices, first);
    case "list": {
      const lines: string[] = [];
      if (block.title) lines.push(block.title);
      const shown = block.items.slice(0, TEXT_LIMITS.listItems);
      for (const item of shown) {
        lines.push(indentRest(`• ${plainTextOf(item.text)}`, "  "));
        if (item.fields && item.fields.length > 0) lines.push(`  ${item.fields.map(fieldLine).join(" · ")}`);
        if (item.buttons && item.buttons.length > 0) lines.push(`  ${choiceLine(item.buttons, choices, first)}`);
      }
      const hidden = Math.max(block.totalCount ?? block.items.length, block.items.length) - shown.length;
      if (hidden > 0) lines.push(moreText(view, hidden));
      if (block.items.length === 0 && (block.totalCount ?? 0) === 0 && block.emptyText) {
        lines.push(plainTextOf(block.emptyText));
      }
      return lines.join("\n");
    }
  }
}

// A Chinese label takes the full-width colon (客户经理：张伟), as every zh-CN message does.
const ENDS_IN_CJK = /[\p{Script=Han}）]$/u;

function fieldLine(field: Field): string {
  return ENDS_IN_CJK.test(field.label) ? `${field.label}：${field.value}` : `${field.label}: ${field.value}`;
}

function indentRest(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

function choiceLine(buttons: Button[], choices: TextChoice[], first: number): string {
  return buttons
    .map((button) => {
      const choice: TextChoice = {
        number: first + choices.length,
        label: button.label,
        actionId: button.actionId,
        payload: button.payload,
        ...(button.style ? { style: button.style } : {}),
        ...(button.confirm ? { confirm: button.confirm } : {}),
      };
      choices.push(choice);
      return `[${choice.number}] ${button.label}`;
    })
    .join("  ");
}

/** The console's "are you sure?" for a choice with a confirm dialog. */
export function renderTextConfirm(confirm: ConfirmDialog): string {
  return `${confirm.title}\n${confirm.text}\n[y] ${confirm.confirm}  [n] ${confirm.deny}`;
}

// ---------------------------------------------------------------------------------------------
// Forms: one prompt per field.

export interface TextFormStep {
  name: string;
  /** The field's label, for naming it in an error ("年采购额：请输入金额", never "annual"). */
  label: string;
  kind: FormFieldKind;
  required: boolean;
  /** What to print before reading the answer. */
  prompt: string;
  options?: { number: number; value: string; label: string }[];
  default?: string;
}

export interface TextForm {
  title: string;
  intro?: string;
  steps: TextFormStep[];
  submitLabel: string;
  actionId: string;
  payload: EncodedButtonPayload;
}

// Formats that read the same in every language; anything wordier belongs in the field's hint. A
// date has none: the grammar reads 11月20日, Nov 20, 12/1, 明天, next fri and 2026-12-01 alike, and
// its default shows in the member's convention.
const FORMAT_HINT: Partial<Record<FormFieldKind, string>> = {
  amount: "¥0.00",
};

export function renderTextForm(form: Form): TextForm {
  return {
    title: form.title,
    ...(form.intro ? { intro: plainTextOf(form.intro) } : {}),
    steps: form.fields.map(textStep),
    submitLabel: form.submitLabel,
    actionId: form.actionId,
    payload: form.payload,
  };
}

// A scale (satisfaction 5…1) is numbered by its own values, so [5] means 5, not "the first line".
const SCALE_VALUE = /^\d{1,2}$/;

function optionSteps(field: FormField): TextFormStep["options"] {
  const options = field.options;
  if (!options) return undefined;
  const scale = options.every((o) => SCALE_VALUE.test(o.value)) && new Set(options.map((o) => o.value)).size === options.length;
  if (!scale) return options.map((option, index) => ({ number: index + 1, value: option.value, label: option.label }));
  return options.map((option) => ({
    number: Number(option.value),
    value: option.value,
    // "5 – 非常满意" reads "[5] 非常满意": the number is already in the brackets.
    label: option.label.replace(new RegExp(`^${option.value}\\s*[–—:：.、-]?\\s*`), "") || option.label,
  }));
}

function textStep(field: FormField): TextFormStep {
  const options = optionSteps(field);
  const format = FORMAT_HINT[field.kind];
  // Among Chinese the format goes in full-width brackets right after the label: 年采购额（¥0.00）.
  const chinese = ENDS_IN_CJK.test(field.label);
  const head = [
    `${field.label}${format && chinese ? `（${format}）` : ""}${field.required ? " *" : ""}`,
    format && !chinese ? `(${format})` : "",
    // A select's default reads as its option's label (拜访方式 [实地拜访]), a date's in the member's
    // convention (拜访日期 [11月23日]), never the stored value.
    field.default ? `[${field.defaultLabel ?? options?.find((o) => o.value === field.default)?.label ?? field.default}]` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const lines = [head];
  if (field.hint) lines.push(`  ${field.hint}`);
  if (field.placeholder) lines.push(`  ${field.placeholder}`);
  if (options) lines.push(...options.map((option) => `  [${option.number}] ${option.label}`));
  return {
    name: field.name,
    label: field.label,
    kind: field.kind,
    required: field.required,
    prompt: lines.join("\n"),
    ...(options ? { options } : {}),
    ...(field.default !== undefined ? { default: field.default } : {}),
  };
}

/**
 * Turns what was typed into the raw value validateFieldValue expects: an empty answer takes the
 * default, an option may be picked by its number, its value or its label.
 */
export function resolveTextAnswer(step: TextFormStep, answer: string): string | undefined {
  const typed = answer.trim();
  if (typed === "") return step.default;
  if (!step.options) return typed;
  const byNumber = /^\d+$/.test(typed) ? step.options.find((option) => option.number === Number(typed)) : undefined;
  const byValue = step.options.find((option) => option.value === typed);
  const byLabel = step.options.find((option) => option.label.toLowerCase() === typed.toLowerCase());
  return (byNumber ?? byValue ?? byLabel)?.value ?? typed;
}
