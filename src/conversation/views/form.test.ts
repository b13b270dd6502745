import { describe, expect, it } from "vitest";
import { z } from "zod";
import { yuanToFen } from "../../core/shared/money.js";
import { viewsCatalog } from "../i18n/catalog/views.js";
import {
  defineForm,
  FORM_ERROR_CODES,
  FORM_ERROR_KEY,
  formWithChoices,
  formSchema,
  NO_CUSTOMER_VALUE,
  validateFieldValue,
  validateForm,
  type Form,
  type FormField,
} from "./form.js";
import { encodeButtonPayload } from "./payload.js";

const form: Form = defineForm({
  formId: "hospitality.request",
  title: "Request hospitality",
  submitLabel: "Submit",
  actionId: "hospitality.request.submit",
  payload: encodeButtonPayload({ expiresAt: new Date("2026-12-01T00:00:00Z") }),
  fields: [
    { name: "customer", label: "Customer", kind: "customer", required: true },
    {
      name: "kind",
      label: "Kind",
      kind: "select",
      required: true,
      options: [
        { value: "MEAL", label: "Meal" },
        { value: "BANQUET", label: "Banquet" },
      ],
    },
    { name: "amount", label: "Amount", kind: "amount", required: true },
    { name: "date", label: "Date", kind: "date", required: true },
    { name: "guests", label: "Guests", kind: "number", required: true },
    { name: "purpose", label: "Purpose", kind: "textarea", required: false, maxLength: 10 },
  ],
});

// The use case's own schema, as the grammar/core would export it.
const schema = z
  .object({
    customer: z.string().min(2),
    kind: z.enum(["MEAL", "BANQUET"]),
    amount: z.string().transform((yuan) => yuanToFen(yuan)),
    date: z.string(),
    guests: z.number().int().min(1).max(50),
    purpose: z.string().optional(),
  })
  .refine((value) => value.date >= "2026-11-23", { path: ["date"], message: "hospitality.date_in_past" });

const good = { customer: "华东机电", kind: "BANQUET", amount: "¥8,600.50", date: "2026-11-28 +0800", guests: "6", purpose: "" };

describe("validateForm", () => {
  it("normalizes platform values per kind and returns the schema's output", () => {
    const result = validateForm(form, good, schema);
    expect(result).toEqual({
      ok: true,
      data: { customer: "华东机电", kind: "BANQUET", amount: 860_050n, date: "2026-11-28", guests: 6 },
    });
  });

  it("returns one error per field, keyed by field name, for every field that fails its kind", () => {
    const result = validateForm(
      form,
      { customer: "  ", kind: "CAKE", amount: "8600.555", date: "2026-02-30", guests: "six", purpose: "far too long text" },
      schema,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        customer: { code: "form.required", params: {} },
        kind: { code: "form.invalid_option", params: {} },
        amount: { code: "form.invalid_amount", params: {} },
        date: { code: "form.invalid_date", params: {} },
        guests: { code: "form.not_a_number", params: {} },
        purpose: { code: "form.too_long", params: { max: 10 } },
      },
    });
  });

  it("maps the schema's own issues to catalog codes under the field that caused them", () => {
    const result = validateForm(form, { ...good, customer: "华", guests: "51" }, schema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      customer: { code: "form.too_short", params: { min: 2 } },
      guests: { code: "form.too_big", params: { max: 50 } },
    });
  });

  it("passes a catalog key named by the schema (a refinement's message) through as the code", () => {
    const result = validateForm(form, { ...good, date: "2026-11-22" }, schema);
    expect(result).toEqual({ ok: false, errors: { date: { code: "hospitality.date_in_past", params: {} } } });
  });

  it("files an issue no field owns under the form-wide key", () => {
    const crossField = z
      .object({ customer: z.string(), guests: z.number() })
      .refine((v) => v.guests < 10, { message: "Too many people" });
    const result = validateForm({ fields: form.fields.filter((f) => f.name === "customer" || f.name === "guests") }, { customer: "A", guests: "12" }, crossField);
    expect(result).toEqual({ ok: false, errors: { [FORM_ERROR_KEY]: { code: "form.invalid", params: {} } } });
  });

  it("reports a value the schema requires but the form left optional as required", () => {
    const loose = defineForm({ ...form, fields: form.fields.map((f) => ({ ...f, required: false })) });
    const result = validateForm(loose, { ...good, guests: "" }, schema);
    expect(result).toEqual({ ok: false, errors: { guests: { code: "form.required", params: {} } } });
  });

  it("ignores values for names the form does not declare", () => {
    const result = validateForm(form, { ...good, form_submit: "x", extra: "y" }, schema);
    expect(result.ok).toBe(true);
  });
});

describe("validateFieldValue", () => {
  const field = (kind: FormField["kind"], extra: Partial<FormField> = {}): FormField => ({ name: "f", label: "F", kind, required: false, ...extra });

  it.each([
    ["amount", "1,200", "1200"],
    ["amount", "￥ 99.9 元", "99.9"],
    ["amount", "0", "0"],
    ["number", "1,024", 1024],
    ["number", "-3", -3],
    ["date", "2028-02-29", "2028-02-29"],
    ["date", "2024-04-01 +0800", "2024-04-01"],
    ["text", "  spaced  ", "spaced"],
  ] as const)("accepts %s %j as %j", (kind, raw, value) => {
    expect(validateFieldValue(field(kind), raw)).toEqual({ ok: true, value });
  });

  it.each([
    ["amount", "-5", "form.invalid_amount"],
    ["amount", "1.234", "form.invalid_amount"],
    ["number", "1.5", "form.not_a_number"],
    ["number", "99999999999999999999", "form.not_a_number"],
    ["date", "2027-02-29", "form.invalid_date"],
    ["date", "tomorrow", "form.invalid_date"],
  ] as const)("refuses %s %j with %s", (kind, raw, code) => {
    expect(validateFieldValue(field(kind), raw)).toEqual({ ok: false, error: { code, params: {} } });
  });

  it("treats blank as absent: fine when optional, form.required when required", () => {
    expect(validateFieldValue(field("text"), "   ")).toEqual({ ok: true, value: undefined });
    expect(validateFieldValue(field("text", { required: true }), null)).toEqual({ ok: false, error: { code: "form.required", params: {} } });
  });

  it("counts characters, not UTF-16 units, against maxLength", () => {
    expect(validateFieldValue(field("text", { maxLength: 2 }), "客户").ok).toBe(true);
    expect(validateFieldValue(field("text", { maxLength: 2 }), "客户经理")).toEqual({ ok: false, error: { code: "form.too_long", params: { max: 2 } } });
  });

  it("limits a customer field with options to those options", () => {
    const picker = field("customer", { options: [{ value: "c1", label: "Huadong" }] });
    expect(validateFieldValue(picker, "c1").ok).toBe(true);
    expect(validateFieldValue(picker, "c2")).toEqual({ ok: false, error: { code: "form.invalid_option", params: {} } });
  });
});

describe("defineForm", () => {
  it("rejects duplicate field names, selects without options and names that could collide", () => {
    const base = { ...form, fields: [form.fields[0]!] };
    expect(() => defineForm({ ...base, fields: [form.fields[0]!, form.fields[0]!] })).toThrow(/duplicate/);
    expect(() => defineForm({ ...base, fields: [{ name: "kind", label: "K", kind: "select", required: true }] })).toThrow(/options/);
    expect(() => defineForm({ ...base, fields: [{ name: "form_submit", label: "X", kind: "text", required: true }] })).toThrow();
  });
});

describe("customer fields", () => {
  const optional: FormField = { name: "customer", label: "Customer", kind: "customer", required: false };

  it("reads the picker's 'no customer' choice as not given, and as missing when the field is required", () => {
    expect(validateFieldValue(optional, NO_CUSTOMER_VALUE)).toEqual({ ok: true, value: undefined });
    expect(validateFieldValue({ ...optional, required: true }, NO_CUSTOMER_VALUE)).toEqual({ ok: false, error: { code: "form.required", params: {} } });
  });

  it("turns a field into a choice among the candidates, dropping what was typed and noting what is left out", () => {
    const typed = { ...form, fields: form.fields.map((f) => (f.name === "customer" ? { ...f, default: "华", maxLength: 200 } : f)) };
    const chosen = formWithChoices(typed, { customer: { options: [{ value: "id-1", label: "华夏银行" }], note: "3 more outside your scope." } });
    const field = chosen.fields.find((f) => f.name === "customer")!;
    expect(field).toEqual({ name: "customer", label: "Customer", kind: "customer", required: true, options: [{ value: "id-1", label: "华夏银行" }], hint: "3 more outside your scope." });
    expect(chosen.fields.filter((f) => f.name !== "customer")).toEqual(typed.fields.filter((f) => f.name !== "customer"));
    // Still a valid form: it is stored and read back (Feishu's PostedForm).
    expect(formSchema.safeParse(chosen).success).toBe(true);
    expect(formWithChoices(typed, undefined)).toBe(typed);
  });
});

describe("viewsCatalog", () => {
  it("has every view-layer code in both languages with the same placeholders", () => {
    const codes = [...FORM_ERROR_CODES, "button.malformed", "button.expired", "button.not_yours"];
    for (const code of codes) {
      const en = viewsCatalog.en[code];
      const zh = viewsCatalog["zh-CN"][code];
      expect(en, code).toBeTruthy();
      expect(zh, code).toBeTruthy();
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(zh!), code).toEqual(placeholders(en!));
    }
    expect(Object.keys(viewsCatalog.en).sort()).toEqual(Object.keys(viewsCatalog["zh-CN"]).sort());
  });
});
