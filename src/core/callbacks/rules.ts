// Pure callback rules (DESIGN.md §2 Callback, §2 Digests): functions of data and "today", no I/O.
// Dates are tenant-local calendar days ('YYYY-MM-DD'), which compare correctly as strings.
import type { Tier } from "@prisma/client";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, daysBetween, type LocalDate } from "../shared/time.js";

/**
 * How far ahead a callback may be scheduled. A real follow-up is rarely planned more than a
 * year out; a date beyond two years is almost always a typo ("2062") that would otherwise sit
 * unseen in the list for ever.
 */
export const MAX_SCHEDULE_AHEAD_DAYS = 731;

/** A snooze moves the call by a day unless told otherwise. */
export const SNOOZE_DEFAULT_DAYS = 1;
/**
 * Snoozing is for "not today"; pushing a call out by more than a month is re-planning and
 * should be a skip with a reason (audited) or a new scheduled callback.
 */
export const SNOOZE_MAX_DAYS = 30;

/** Refuses a due date in the past (callback.date_in_past) or implausibly far out. */
export function checkDueDate(today: LocalDate, due: LocalDate): void {
  if (due < today) throw new InvalidInputError("callback.date_in_past", { date: due, today });
  if (due > addDays(today, MAX_SCHEDULE_AHEAD_DAYS)) {
    throw new InvalidInputError("callback.date_too_far", { date: due, max: addDays(today, MAX_SCHEDULE_AHEAD_DAYS) });
  }
}

/** Whole days a callback is past its due date; 0 when due today or later. */
export function daysOverdue(today: LocalDate, due: LocalDate): number {
  return Math.max(0, daysBetween(due, today));
}

/** Due today or overdue: what a member must act on today. */
export function isDue(today: LocalDate, due: LocalDate): boolean {
  return due <= today;
}

export type SnoozeRequest = { days?: number | undefined; until?: LocalDate | undefined };

/**
 * The new due date of a snoozed callback. The snooze counts from the later of today and the
 * current due date: snoozing an overdue call by one day means "tomorrow", snoozing one due next
 * week by one day means "a day after that", never earlier than it already was.
 */
export function snoozedDueDate(today: LocalDate, due: LocalDate, request: SnoozeRequest): LocalDate {
  const base = due > today ? due : today;
  const latest = addDays(base, SNOOZE_MAX_DAYS);
  if (request.until !== undefined) {
    if (request.until <= base) throw new InvalidInputError("callback.snooze_not_later", { date: request.until, due: base });
    if (request.until > latest) throw new InvalidInputError("callback.snooze_too_far", { max: SNOOZE_MAX_DAYS });
    return request.until;
  }
  const days = request.days ?? SNOOZE_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new InvalidInputError("callback.snooze_not_later", { date: base, due: base });
  if (days > SNOOZE_MAX_DAYS) throw new InvalidInputError("callback.snooze_too_far", { max: SNOOZE_MAX_DAYS });
  return addDays(base, days);
}

const TIER_RANK: Record<Tier, number> = { VIP: 0, A: 1, B: 2, C: 3 };

const NAME_ORDER = new Intl.Collator("zh-CN", { sensitivity: "base", numeric: true });

export interface DueOrderKey {
  tier: Tier;
  daysOverdue: number;
  customerName: string;
  id: string;
}

/**
 * The order of a member's due list (DESIGN.md §2 Digests): VIP first (then A, B, C), then the
 * most overdue first, then by customer name; the id only makes the order total.
 */
export function compareDueCallbacks(a: DueOrderKey, b: DueOrderKey): number {
  return (
    TIER_RANK[a.tier] - TIER_RANK[b.tier] ||
    b.daysOverdue - a.daysOverdue ||
    NAME_ORDER.compare(a.customerName, b.customerName) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
