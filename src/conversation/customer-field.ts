// The customer field of a form, on every platform: what a picker offers while the member types
// (Slack's external_select), which customer a submitted value means (a picked id or a typed
// name), and the choices that settle an ambiguous name on a platform without a searching picker
// (the Feishu form card is redrawn with a select of them). One path for all, so a rule about
// customers in forms exists once.
import { AmbiguousCustomerError } from "../core/customers/errors.js";
import { customerNamedExactly, findCustomer, loadCustomerFor, loadCustomerRow, lookupCustomerInTenant } from "../core/customers/lookup.js";
import { normalizeName } from "../core/customers/rules.js";
import { MATCH_EXACT, searchCustomers } from "../core/customers/search.js";
import { isDomainError } from "../core/shared/errors.js";
import { cleanBounded, TEXT_LIMITS } from "../core/shared/hygiene.js";
import type { FieldChoices } from "./port.js";
import type { Session } from "./session.js";
import { NO_CUSTOMER_VALUE, type Form, type FormOption } from "./views/form.js";

// Picker values are customer ids; anything else a member submits is a typed name.
const CUSTOMER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Slack answers at most 100 options to one block_suggestion. */
export const CUSTOMER_OPTION_LIMIT = 100;

/** True when a submitted value is a picker's customer id rather than a typed name. */
export function isCustomerIdValue(value: string): boolean {
  return CUSTOMER_ID.test(value.trim());
}

export interface CustomerRef {
  id: string;
  name: string;
}

/**
 * The customer a submitted customer field means: a picker's customer id, or a typed name (exact,
 * case-insensitive, an unambiguous prefix, substring or pinyin). `anyOwner`: any customer of the
 * tenant (a complaint may name any), else only one the member may act for. Throws the lookup's
 * domain errors (AmbiguousCustomerError with the in-scope candidates).
 */
export async function customerOfFieldValue(session: Session, value: string, options: { anyOwner?: boolean } = {}): Promise<CustomerRef> {
  const text = value.trim();
  if (isCustomerIdValue(text)) {
    const row = options.anyOwner
      ? await loadCustomerRow(session.deps.db, session.tenant.id, text)
      : await loadCustomerFor(session.deps.db, session.actor, text);
    return { id: row.id, name: row.name };
  }
  const found = options.anyOwner
    ? await lookupCustomerInTenant(session.deps.db, session.tenant.id, text, session.actor)
    : await findCustomer(session.deps, session.actor, text);
  return { id: found.id, name: found.name };
}

/**
 * What a customer picker offers for `query`: the customers in the member's scope whose name
 * matches (customers/search.ts: exact, prefix, substring, pinyin), best first, valued by id.
 * Nothing outside the scope is offered, except for a form that may name any customer of the
 * tenant (`anyOwner`): there the customer whose whole name was typed comes first, wherever it
 * belongs (the member knows the name; the command takes it just the same). A field that is not
 * required starts with "no customer".
 */
export async function customerOptions(session: Session, query: string, field: { required: boolean; anyOwner?: boolean }): Promise<FormOption[]> {
  const none: FormOption[] = field.required ? [] : [{ value: NO_CUSTOMER_VALUE, label: session.t("form.no_customer") }];
  const typed = cleanBounded(query, "name", TEXT_LIMITS.name);
  if (!typed.ok || normalizeName(typed.text) === "") return none;
  const found = await searchCustomers(session.deps, session.actor, typed.text, { limit: CUSTOMER_OPTION_LIMIT - none.length });
  const hits = found.hits.map((hit) => ({ value: hit.id, label: hit.name }));
  if (field.anyOwner && found.outsideScope > 0 && !found.hits.some((hit) => hit.rank === MATCH_EXACT)) {
    const exact = await customerNamedExactly(session.deps.db, session.tenant.id, typed.text);
    if (exact) return [...none, { value: exact.id, label: exact.name }, ...hits].slice(0, CUSTOMER_OPTION_LIMIT);
  }
  return [...none, ...hits];
}

/**
 * The form as it is sent: a customer field prefilled with a name (typed with the command) gets
 * the customer it names — the full name and its id (`defaultId`) — when the name means exactly one
 * customer the member may act for. Otherwise it stays as typed, for the submission to settle.
 */
export async function settleCustomerDefaults(session: Session, form: Form): Promise<Form> {
  const open = form.fields.filter((f) => f.kind === "customer" && !f.options && f.default && !f.defaultId && !isCustomerIdValue(f.default));
  if (open.length === 0) return form;
  const settled = new Map<string, CustomerRef>();
  for (const field of open) {
    try {
      const found = await findCustomer(session.deps, session.actor, field.default!);
      settled.set(field.name, { id: found.id, name: found.name });
    } catch (err) {
      if (!isDomainError(err)) throw err;
    }
  }
  if (settled.size === 0) return form;
  return {
    ...form,
    fields: form.fields.map((f) => {
      const customer = settled.get(f.name);
      return customer ? { ...f, default: customer.name, defaultId: customer.id } : f;
    }),
  };
}

/**
 * The choices that settle an ambiguous name: its in-scope candidates by id; what they leave out
 * is only counted (customers outside the scope are never named).
 */
export function customerChoicesOf(session: Session, err: AmbiguousCustomerError): FieldChoices | undefined {
  if (err.candidates.length === 0) return undefined;
  const notes = [
    ...(err.more ? [session.t("form.more_candidates", { count: err.candidates.length })] : []),
    ...(err.outsideScope > 0 ? [session.t("customer.outside_scope", { count: err.outsideScope })] : []),
  ];
  return {
    options: err.candidates.map((c) => ({ value: c.id, label: c.name })),
    // Chinese sentences follow one another without a space.
    ...(notes.length > 0 ? { note: notes.join(session.locale === "zh-CN" ? "" : " ") } : {}),
  };
}
