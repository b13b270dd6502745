// Pure visit rules (DESIGN.md §2 Visit): functions of data and "now", no I/O.
import type { CallbackReason } from "@prisma/client";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, type LocalDate } from "../shared/time.js";

/**
 * A visit may be stamped a little in the future: the clocks of the user's phone, the platform
 * and this server disagree by seconds to minutes. More than that is a mistake, and a future
 * "last contact" would silence the churn signal.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * A visit satisfies an open callback due up to this many days after the visit day.
 * Why 7: a callback asks "get in touch with this customer around that day". A contact in the
 * week before the due date already did that, and calling the customer again a few days after
 * seeing them is noise for them and a useless task for the account manager. A callback due
 * further out (a follow-up promised for next quarter) serves a later need and stays open.
 * Overdue callbacks (due before the visit) are always satisfied: the contact happened, late.
 */
export const VISIT_SATISFIES_WINDOW_DAYS = 7;

export function checkOccurredAt(occurredAt: Date, now: Date): void {
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new InvalidInputError("visit.occurred_in_future", { at: occurredAt.toISOString() });
  }
}

/** Whether a visit on `visitDate` satisfies a callback due on `callbackDue` (both local days). */
export function visitSatisfiesCallback(
  visitDate: LocalDate,
  callbackDue: LocalDate,
  windowDays: number = VISIT_SATISFIES_WINDOW_DAYS,
): boolean {
  return callbackDue <= addDays(visitDate, windowDays);
}

/**
 * An AFTER_COMPLAINT callback exists to ask the customer for a satisfaction score on how the
 * complaint was handled (it feeds the satisfaction KPI and the churn signal); a visit records
 * no score, so it does not close one. Every other reason is about being in touch.
 */
export function visitClosesReason(reason: CallbackReason): boolean {
  return reason !== "AFTER_COMPLAINT";
}

export interface OpenCallbackRef {
  id: string;
  reason: CallbackReason;
  dueOn: LocalDate;
}

/** The open callbacks a visit on `visitDate` closes. */
export function callbacksClosedByVisit<T extends OpenCallbackRef>(
  visitDate: LocalDate,
  open: readonly T[],
  windowDays: number = VISIT_SATISFIES_WINDOW_DAYS,
): T[] {
  return open.filter((c) => visitClosesReason(c.reason) && visitSatisfiesCallback(visitDate, c.dueOn, windowDays));
}

/** The later of the stored last contact and a new contact: a back-dated visit never moves it back. */
export function laterContact(existing: Date | null, contact: Date): Date {
  return existing && existing.getTime() > contact.getTime() ? existing : contact;
}

const VISIT_OUTCOME = /^visit:([0-9a-f-]{36})$/;

/**
 * The outcome stored on a callback a visit closed: a reference, not prose, so every view can
 * render it in the reader's language and link to the visit.
 */
export function visitOutcome(visitId: string): string {
  return `visit:${visitId}`;
}

export function visitIdFromOutcome(outcome: string | null): string | null {
  return outcome ? (VISIT_OUTCOME.exec(outcome)?.[1] ?? null) : null;
}
