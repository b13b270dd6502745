// Typed domain errors. `code` is stable and doubles as the message-catalog key
// (conversation/i18n); `params` fill the message's placeholders. Adapters never invent text.
// A list (the known regions…) stays a list: the catalog writes it the way the reader's language does.
export type ErrorParams = Record<string, string | number | readonly string[]>;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly params: ErrorParams = {},
  ) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`);
    this.name = new.target.name;
  }
}

/** The thing asked for does not exist in this tenant (or is not visible: we do not leak which). */
export class NotFoundError extends DomainError {}
/** The actor may not do this. */
export class ForbiddenError extends DomainError {}
/** Input that parsed but breaks a rule (a date in the past, a rejection without reason…). */
export class InvalidInputError extends DomainError {}
/** The state changed under the actor (already decided, already closed, stale card…). */
export class ConflictError extends DomainError {}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
