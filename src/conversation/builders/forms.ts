// Turning form results and domain errors into replies the adapters know how to show.
import { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { isDomainError } from "../../core/shared/errors.js";
import { customerChoicesOf } from "../customer-field.js";
import type { ActionReply, Reply } from "../port.js";
import type { Session } from "../session.js";
import { FORM_ERROR_KEY, type FormErrors, type FormField } from "../views/form.js";
import { errorText, errorView } from "./common.js";

export function formErrorsReply(session: Session, errors: FormErrors): ActionReply {
  const out: Record<string, string> = {};
  for (const [field, e] of Object.entries(errors)) out[field] = errorText(session, e);
  return { reply: { kind: "form_errors", errors: out } };
}

/**
 * One field's error after a submission, `message` shown under it. An ambiguous customer name
 * also carries its candidates, so a platform without a searching picker can redraw the field as
 * a choice among them (customer-field.ts).
 */
export function oneFieldError(session: Session, field: string, err: unknown, message: string): ActionReply {
  const choices = err instanceof AmbiguousCustomerError ? customerChoicesOf(session, err) : undefined;
  return { reply: { kind: "form_errors", errors: { [field]: message }, ...(choices ? { choices: { [field]: choices } } : {}) } };
}

/**
 * A domain error raised while handling a submitted form: shown next to the field it names
 * (errors with a `field` param), otherwise as a message. `fieldOf` maps use-case field names
 * (customerId) back to form field names (customer).
 */
export function domainErrorReply(session: Session, err: unknown, fieldOf: (name: string) => string | undefined = (n) => n): ActionReply {
  if (isDomainError(err) && typeof err.params.field === "string") {
    const field = fieldOf(err.params.field);
    if (field) return oneFieldError(session, field, err, errorText(session, err));
  }
  if (!isDomainError(err)) throw err;
  return { reply: { kind: "view", view: errorView(session, err) } };
}

export function viewReply(reply: Reply): ActionReply {
  return { reply };
}

export { FORM_ERROR_KEY };

/**
 * The link to the chat message a record is captured from (message shortcuts): an ordinary,
 * editable field named "sourceLink"; the core checks it (an https address) and stores it.
 */
export function sourceLinkField(session: Session, link: string): FormField {
  return { name: "sourceLink", label: session.t("views.field.source_link"), kind: "text", required: false, maxLength: 500, ...(link ? { default: link } : {}) };
}
