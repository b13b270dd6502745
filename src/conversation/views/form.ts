// The neutral Form: what "missing details open a form" means on every platform (Slack modal,
// Feishu form card, console prompts). Submitted values arrive as loose strings from each
// platform; validateForm normalizes them per field kind, runs the use case's own zod schema and
// returns errors keyed by field name, so Slack (response_action: errors, block_id = field name)
// and Feishu (the card re-rendered with a note under the field) can show each one in place.
import { z } from "zod";
import type { ErrorParams } from "../../core/shared/errors.js";
import { cleanBounded, TEXT_LIMITS } from "../../core/shared/hygiene.js";
import { isLocalDate, type LocalDate } from "../../core/shared/time.js";
import { parseDate } from "../grammar/values.js";
import type { EncodedButtonPayload } from "./payload.js";

export type FormFieldKind = "text" | "textarea" | "number" | "amount" | "date" | "select" | "member" | "customer";

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  /** Key of the value in the submission and in the use case's schema (camelCase). */
  name: string;
  label: string;
  kind: FormFieldKind;
  required: boolean;
  /**
   * Choices for "select"; optional for "customer" (a picker instead of free text) and "member"
   * (values are platform user ids there, which is what the platforms' people pickers return).
   */
  options?: FormOption[];
  /** Prefilled raw value: "YYYY-MM-DD" for dates, an option value for selects. */
  default?: string;
  /**
   * For "customer": the id of the customer `default` names, when the name was settled as the form
   * was sent (customer-field.ts), so a searching picker can preselect the customer itself.
   */
  defaultId?: string;
  /**
   * How the default reads to the member where it is shown as text (the console): a date in their
   * convention ("11月23日"), which the date parser reads back. Pickers keep the raw default.
   */
  defaultLabel?: string;
  placeholder?: string;
  maxLength?: number;
  /** One line of help under the field. */
  hint?: string;
  /**
   * For "date": how a day without a year or a bare weekday reads (the grammar's lean): a visit
   * that happened leans to the past; anything planned (the default) to the future.
   */
  lean?: "past" | "future";
}

export interface Form {
  formId: string;
  title: string;
  submitLabel: string;
  cancelLabel?: string;
  /** Markdown-lite text above the fields. */
  intro?: string;
  fields: FormField[];
  /** The action a submission routes to (Slack callback_id, Feishu submit value, console). */
  actionId: string;
  /** Hidden state carried through the platform and back (Slack private_metadata…). */
  payload: EncodedButtonPayload;
}

// Field names double as Slack block ids and Feishu component names, which must be unique in a
// card; our own names in rendered forms contain "_", so camelCase names can never collide.
const FIELD_NAME = /^[a-z][a-zA-Z0-9]{0,63}$/;

export const formFieldSchema = z.strictObject({
  name: z.string().regex(FIELD_NAME),
  label: z.string().min(1),
  kind: z.enum(["text", "textarea", "number", "amount", "date", "select", "member", "customer"]),
  required: z.boolean(),
  options: z.array(z.strictObject({ value: z.string().min(1), label: z.string().min(1) })).optional(),
  default: z.string().optional(),
  defaultId: z.string().optional(),
  defaultLabel: z.string().optional(),
  placeholder: z.string().optional(),
  maxLength: z.number().int().positive().optional(),
  hint: z.string().optional(),
  lean: z.enum(["past", "future"]).optional(),
});

export const formSchema = z
  .strictObject({
    formId: z.string().min(1),
    title: z.string().min(1),
    submitLabel: z.string().min(1),
    cancelLabel: z.string().min(1).optional(),
    intro: z.string().optional(),
    fields: z.array(formFieldSchema).min(1),
    actionId: z.string().min(1),
    payload: z.string().min(1),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    form.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: "custom", path: ["fields", index, "name"], message: `duplicate field ${field.name}` });
      }
      seen.add(field.name);
      if (field.kind === "select" && !(field.options && field.options.length > 0)) {
        ctx.addIssue({ code: "custom", path: ["fields", index, "options"], message: "a select needs options" });
      }
    });
  });

/** Checks a form definition once, where a builder makes it (a bad one is a programming error). */
export function defineForm(form: Form): Form {
  formSchema.parse(form);
  return form;
}

/**
 * The form with some fields turned into a choice among `options` (an ambiguous customer name
 * settled on a platform whose forms cannot search): the field's typed value is dropped (it is not
 * one of the options) and `note` says what the options leave out.
 */
export function formWithChoices(form: Form, choices: Record<string, { options: FormOption[]; note?: string }> | undefined): Form {
  if (!choices) return form;
  return {
    ...form,
    fields: form.fields.map((field) => {
      const choice = choices[field.name];
      if (!choice || choice.options.length === 0) return field;
      const { default: _typed, defaultId: _id, maxLength: _max, ...rest } = field;
      return { ...rest, options: choice.options, ...(choice.note ? { hint: choice.note } : {}) };
    }),
  };
}

/** An error to show next to a field: a catalog key and its placeholders. */
export interface FieldError {
  code: string;
  params: ErrorParams;
}

/** Errors keyed by field name; FORM_ERROR_KEY holds the ones no single field owns. */
export type FormErrors = Record<string, FieldError>;

export const FORM_ERROR_KEY = "_form";

/**
 * The value of the "no customer" choice a picker of customers offers for a field that is not
 * required (a select menu has no way to be emptied once something is picked): read as not given.
 */
export const NO_CUSTOMER_VALUE = "accord:none";

/** Every code validateForm produces by itself (messages in i18n/catalog/views.ts). */
export const FORM_ERROR_CODES = [
  "form.required",
  "form.too_long",
  "form.too_short",
  "form.too_small",
  "form.too_big",
  "form.not_a_number",
  "form.invalid_amount",
  "form.invalid_date",
  "form.invalid_option",
  "form.invalid",
] as const;

export type FieldValue = string | number;

export type FieldResult = { ok: true; value: FieldValue | undefined } | { ok: false; error: FieldError };

/**
 * What reading a field needs beyond its text: the tenant-local day, so a date field accepts
 * what the command grammar accepts (明天, 下周五, next mon, 12/1), through the grammar's one
 * date parser. Without it only YYYY-MM-DD is read.
 */
export interface FieldContext {
  today: LocalDate;
}

const INTEGER = /^-?\d+$/;
const AMOUNT = /^\d+(\.\d{1,2})?$/;
// Feishu's date picker answers "2024-04-01 +0800"; only the calendar day matters.
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:\s+[+-]\d{4})?$/;

/**
 * Normalizes one raw submitted value for its field: "" means not given. Amounts stay decimal
 * strings of yuan ("1200.50") so the schema turns them into fen with yuanToFen, never a float.
 */
export function validateFieldValue(field: FormField, raw: unknown, context?: FieldContext): FieldResult {
  const rawText = raw === undefined || raw === null ? "" : typeof raw === "string" ? raw : String(raw);
  // The input-hygiene step for form fields; a field without its own maxLength still has the
  // house bound for its shape, so no submitted text is unbounded.
  const max = field.maxLength ?? (field.kind === "textarea" ? TEXT_LIMITS.description : TEXT_LIMITS.line);
  const cleaned = cleanBounded(rawText, field.kind === "textarea" ? "multiline" : "name", max);
  if (!cleaned.ok) return fail("form.too_long", { max });
  const trimmed = field.kind === "customer" && cleaned.text.trim() === NO_CUSTOMER_VALUE ? "" : cleaned.text.trim();
  if (trimmed === "") {
    return field.required ? fail("form.required") : { ok: true, value: undefined };
  }
  switch (field.kind) {
    case "text":
    case "textarea":
    case "member":
    case "customer": {
      if (field.maxLength !== undefined && [...trimmed].length > field.maxLength) {
        return fail("form.too_long", { max: field.maxLength });
      }
      if (field.kind === "customer" && field.options && !field.options.some((o) => o.value === trimmed)) {
        return fail("form.invalid_option");
      }
      return { ok: true, value: trimmed };
    }
    case "number": {
      const compact = trimmed.replace(/[,，\s]/g, "");
      if (!INTEGER.test(compact) || !Number.isSafeInteger(Number(compact))) return fail("form.not_a_number");
      return { ok: true, value: Number(compact) };
    }
    case "amount": {
      const compact = trimmed.replace(/[,，\s¥￥]/g, "").replace(/(元|CNY|RMB)$/i, "");
      if (!AMOUNT.test(compact)) return fail("form.invalid_amount");
      return { ok: true, value: compact };
    }
    case "date": {
      const match = DATE_PREFIX.exec(trimmed);
      if (match && isLocalDate(match[1]!)) return { ok: true, value: match[1]! };
      if (!context) return fail("form.invalid_date");
      const parsed = parseDate(trimmed, { today: context.today, lean: field.lean ?? "future" });
      if (!parsed?.ok) return fail("form.invalid_date");
      return { ok: true, value: parsed.value };
    }
    case "select": {
      if (!field.options?.some((option) => option.value === trimmed)) return fail("form.invalid_option");
      return { ok: true, value: trimmed };
    }
  }
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

/**
 * Validates a submission: each field by its kind, then the whole by the use case's schema.
 * Values for names the form does not declare are ignored (a platform may add its own keys).
 */
export function validateForm<S extends z.ZodType>(
  form: Pick<Form, "fields">,
  values: Record<string, unknown>,
  schema: S,
  context?: FieldContext,
): FormResult<z.output<S>> {
  const errors: FormErrors = {};
  const normalized: Record<string, FieldValue> = {};
  for (const field of form.fields) {
    const result = validateFieldValue(field, values[field.name], context);
    if (!result.ok) errors[field.name] = result.error;
    else if (result.value !== undefined) normalized[field.name] = result.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const parsed = schema.safeParse(normalized);
  if (parsed.success) return { ok: true, data: parsed.data };
  const names = new Set(form.fields.map((field) => field.name));
  for (const issue of parsed.error.issues) {
    const head = issue.path[0];
    const key = typeof head === "string" && names.has(head) ? head : FORM_ERROR_KEY;
    if (errors[key]) continue;
    errors[key] = errorForIssue(issue, key === FORM_ERROR_KEY ? undefined : normalized[key]);
  }
  return { ok: false, errors };
}

// zod's own messages are English prose; the user sees our catalog instead. A schema may name a
// catalog key itself (refine(..., { message: "hospitality.date_in_past" })), which passes through.
const CATALOG_KEY = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function errorForIssue(issue: z.core.$ZodIssue, value: FieldValue | undefined): FieldError {
  switch (issue.code) {
    case "invalid_type":
      return value === undefined ? error("form.required") : error("form.invalid");
    case "too_small":
      return issue.origin === "string"
        ? error("form.too_short", { min: Number(issue.minimum) })
        : issue.origin === "number" || issue.origin === "bigint"
          ? error("form.too_small", { min: Number(issue.minimum) })
          : error("form.invalid");
    case "too_big":
      return issue.origin === "string"
        ? error("form.too_long", { max: Number(issue.maximum) })
        : issue.origin === "number" || issue.origin === "bigint"
          ? error("form.too_big", { max: Number(issue.maximum) })
          : error("form.invalid");
    case "invalid_value":
      return error("form.invalid_option");
    case "custom":
      return CATALOG_KEY.test(issue.message) ? error(issue.message) : error("form.invalid");
    default:
      return error("form.invalid");
  }
}

function error(code: string, params: ErrorParams = {}): FieldError {
  return { code, params };
}

function fail(code: string, params: ErrorParams = {}): { ok: false; error: FieldError } {
  return { ok: false, error: error(code, params) };
}
