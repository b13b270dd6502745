// A form field checked as it is entered: the field's own reading (validateFieldValue, with the
// grammar's dates) and, for a customer field, which customer the name means, so an ambiguous
// name is settled with a chooser at that field instead of after the whole form.
import { AmbiguousCustomerError } from "../core/customers/errors.js";
import { lookupCustomerInTenant } from "../core/customers/lookup.js";
import { isDomainError } from "../core/shared/errors.js";
import { errorText, scheduleDay } from "./builders/common.js";
import type { FieldCheck } from "./port.js";
import type { Session } from "./session.js";
import { validateFieldValue, type FormField } from "./views/form.js";

export async function checkFormField(session: Session, field: FormField, value: string | undefined): Promise<FieldCheck> {
  const read = validateFieldValue(field, value, session);
  if (!read.ok) return { kind: "error", message: session.t(read.error.code, read.error.params) };
  const normalized = read.value === undefined ? undefined : String(read.value);
  // The day the grammar read ("next fri"), as the member will check it before submitting.
  if (field.kind === "date" && normalized !== undefined) return { kind: "ok", value: normalized, shown: scheduleDay(session, normalized) };
  // A picker's options already name one customer each; only typed names are looked up.
  if (field.kind !== "customer" || field.options || normalized === undefined) return { kind: "ok", value: normalized };
  try {
    // The viewer only limits which candidates are offered; who may act for the customer is the
    // submission's question (a complaint may name any customer of the tenant).
    const customer = await lookupCustomerInTenant(session.deps.db, session.tenant.id, normalized, session.actor);
    return { kind: "ok", value: customer.name };
  } catch (err) {
    if (err instanceof AmbiguousCustomerError && err.candidates.length > 0) {
      return {
        kind: "choose",
        message: session.t("form.choose_customer", { query: err.query }),
        options: err.candidates.map((c) => ({ value: c.name, label: c.name })),
      };
    }
    if (isDomainError(err)) return { kind: "error", message: errorText(session, err) };
    throw err;
  }
}
