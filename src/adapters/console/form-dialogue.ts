// A form in the console: one field at a time, each checked as it is entered (the conversation's
// checkField: the field's own reading, the grammar's dates, which customer a name means), so a
// rejected value asks again only that field and an ambiguous customer is chosen there and then.
// Before anything is submitted the console shows every value and asks: nothing is created with
// a field left empty that the member did not see empty. Errors the submission finds ask again
// only the fields in error; every other value is kept.
import { t, type Locale } from "../../conversation/i18n/index.js";
import type { ActionReply, Conversation, PlatformUser } from "../../conversation/port.js";
import { renderTextForm, resolveTextAnswer, type TextForm, type TextFormStep } from "../../conversation/render/text.js";
import type { Form } from "../../conversation/views/form.js";

interface Choosing {
  options: { number: number; value: string; label: string }[];
}

export type DialogueOutcome =
  /** Still asking: print `lines`, then the prompt. */
  | { kind: "asking"; lines: string[] }
  | { kind: "cancelled"; lines: string[] }
  /** Submitted and answered with something other than errors. */
  | { kind: "done"; lines: string[]; result: ActionReply };

export class FormDialogue {
  private readonly text: TextForm;
  private readonly values: Record<string, string | undefined> = {};
  /** How an accepted value reads to the member where it differs from the raw value (dates). */
  private readonly shown: Record<string, string> = {};
  /** Indexes of the fields still to ask, in order. */
  private queue: number[];
  private choosing: Choosing | undefined;
  private confirming = false;

  constructor(
    private readonly form: Form,
    private readonly locale: Locale,
    private readonly conversation: Conversation,
  ) {
    this.text = renderTextForm(form);
    this.queue = form.fields.map((_, i) => i);
  }

  /** The title, intro and how to answer, printed once when the form opens. */
  opening(): string {
    return [`== ${this.text.title} ==`, this.text.intro, t(this.locale, "console.form_cancel_hint")].filter(Boolean).join("\n");
  }

  /** What to print before reading the next answer. */
  prompt(): string {
    if (this.confirming) return this.summary();
    const step = this.step();
    const lines = [step.prompt];
    if (!step.required) lines.push(`  ${t(this.locale, "console.form_optional")}`);
    if (this.choosing) {
      lines.push(...this.choosing.options.map((o) => `  [${o.number}] ${o.label}`), `  ${t(this.locale, "console.form_pick")}`);
    }
    return lines.join("\n");
  }

  async answer(user: PlatformUser, line: string): Promise<DialogueOutcome> {
    const typed = line.trim();
    if (typed === "/cancel") return { kind: "cancelled", lines: [t(this.locale, "console.form_cancelled")] };
    if (this.confirming) return this.confirm(user, typed);

    const index = this.queue[0]!;
    const field = this.form.fields[index]!;
    const step = this.step();
    if (this.choosing) {
      const picked = /^\d+$/.test(typed) ? this.choosing.options.find((o) => o.number === Number(typed)) : undefined;
      this.choosing = undefined;
      if (picked) return this.accept(picked.value, undefined);
    }
    const raw = resolveTextAnswer(step, line);
    if (step.required && (raw === undefined || raw.trim() === "")) {
      return { kind: "asking", lines: [t(this.locale, "console.form_required", { label: field.label })] };
    }
    const check = await this.conversation.checkField({ user, actionId: this.form.actionId, payload: this.form.payload, field, value: raw });
    if (check.kind === "error") {
      return { kind: "asking", lines: [t(this.locale, "console.form_field_error", { field: field.label, message: check.message })] };
    }
    if (check.kind === "choose") {
      this.choosing = { options: check.options.map((o, i) => ({ number: i + 1, value: o.value, label: o.label })) };
      return { kind: "asking", lines: [check.message] };
    }
    return this.accept(check.value, check.shown);
  }

  private step(): TextFormStep {
    return this.text.steps[this.queue[0]!]!;
  }

  private accept(value: string | undefined, shown: string | undefined): DialogueOutcome {
    const field = this.form.fields[this.queue.shift()!]!;
    this.values[field.name] = value;
    if (shown !== undefined) this.shown[field.name] = shown;
    else delete this.shown[field.name];
    if (this.queue.length === 0) this.confirming = true;
    return { kind: "asking", lines: [] };
  }

  private summary(): string {
    const lines = this.form.fields.map((field, i) => {
      const value = this.values[field.name];
      const shown = value === undefined || value === "" ? "—" : (this.shown[field.name] ?? field.options?.find((o) => o.value === value)?.label ?? value);
      return t(this.locale, "console.form_summary_line", { number: i + 1, label: field.label, value: shown });
    });
    return [t(this.locale, "console.form_summary", { submit: this.text.submitLabel }), ...lines, t(this.locale, "console.form_confirm")].join("\n");
  }

  private async confirm(user: PlatformUser, typed: string): Promise<DialogueOutcome> {
    if (/^(n|no|否|取消)$/i.test(typed)) return { kind: "cancelled", lines: [t(this.locale, "console.form_cancelled")] };
    if (/^\d+$/.test(typed)) {
      const index = Number(typed) - 1;
      if (index >= 0 && index < this.form.fields.length) {
        this.confirming = false;
        this.queue = [index];
        return { kind: "asking", lines: [] };
      }
    }
    if (!(typed === "" || /^(y|yes|是|确认|提交)$/i.test(typed))) {
      return { kind: "asking", lines: [t(this.locale, "console.form_confirm_unknown", { count: this.form.fields.length })] };
    }
    const result = await this.conversation.submit({ user, actionId: this.form.actionId, payload: this.form.payload, values: this.values });
    const reply = result.reply;
    if (reply.kind !== "form_errors") return { kind: "done", lines: [], result };
    const lines: string[] = [];
    const again: number[] = [];
    for (const [name, message] of Object.entries(reply.errors)) {
      const index = this.form.fields.findIndex((f) => f.name === name);
      lines.push(index >= 0 ? t(this.locale, "console.form_field_error", { field: this.form.fields[index]!.label, message }) : message);
      if (index >= 0) again.push(index);
    }
    // Only the fields in error are asked again; an error no field owns leaves the summary up.
    if (again.length > 0) {
      this.queue = again.sort((a, b) => a - b);
      this.confirming = false;
    }
    return { kind: "asking", lines };
  }
}
