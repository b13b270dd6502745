import { InvalidInputError } from "../shared/errors.js";

export interface CustomerCandidate {
  id: string;
  name: string;
}

/**
 * A name that matches several customers by prefix. `candidates` (at most
 * AMBIGUOUS_CANDIDATE_LIMIT, by name) lets the conversation layer offer them as choices;
 * params.names carries the same names for a plain-text message.
 */
export class AmbiguousCustomerError extends InvalidInputError {
  constructor(
    readonly query: string,
    readonly candidates: CustomerCandidate[],
    readonly more: boolean,
    /** Matches outside the viewer's scope: counted, never named (customers/search.ts). */
    readonly outsideScope = 0,
  ) {
    super("customer.ambiguous", {
      query,
      names: candidates.length === 0 ? "…" : candidates.map((c) => c.name).join(", ") + (more || outsideScope > 0 ? ", …" : ""),
      count: candidates.length,
      outside: outsideScope,
    });
  }
}

export const AMBIGUOUS_CANDIDATE_LIMIT = 10;
