// Credit control (信用调查与控制) as pure functions of data: what a customer owes, what is
// overdue, the credit still available, whether the limit is exceeded, and when the next
// credit review (资信调查) is due. Money is bigint fen; dates are tenant-local.
import type { Tier } from "@prisma/client";
import { DateTime } from "luxon";
import type { LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";

export interface ReceivableLine {
  amountFen: bigint;
  paidFen: bigint;
  dueDate: LocalDate;
}

export interface CreditExposure {
  /** Unpaid across all invoices (an overpaid invoice counts as nothing owed, not as credit). */
  outstandingFen: bigint;
  /** Unpaid on invoices whose due date is before today. */
  overdueFen: bigint;
  overdueInvoices: number;
  /** limit − outstanding; null when the customer has no limit. May be negative. */
  availableFen: bigint | null;
  /** Outstanding above the limit (a customer without a limit is never over it). */
  overLimit: boolean;
}

export function creditExposure(lines: readonly ReceivableLine[], limitFen: bigint | null, today: LocalDate): CreditExposure {
  let outstandingFen = 0n;
  let overdueFen = 0n;
  let overdueInvoices = 0;
  for (const l of lines) {
    const open = l.amountFen > l.paidFen ? l.amountFen - l.paidFen : 0n;
    outstandingFen += open;
    if (open > 0n && l.dueDate < today) {
      overdueFen += open;
      overdueInvoices++;
    }
  }
  return {
    outstandingFen,
    overdueFen,
    overdueInvoices,
    availableFen: limitFen === null ? null : limitFen - outstandingFen,
    overLimit: limitFen !== null && outstandingFen > limitFen,
  };
}

/** The next review: VIP yearly by default, other tiers per settings.credit.reviewEveryMonths. */
export function nextReviewOn(settings: TenantSettings, tier: Tier, reviewedOn: LocalDate): LocalDate {
  const months = settings.credit.reviewEveryMonths[tier];
  return DateTime.fromISO(reviewedOn, { zone: "utc" }).plus({ months }).toISODate()!;
}

/** Ratings as credit departments write them: AAA … D, optionally with + or −. */
export const CREDIT_RATING = /^(AAA|AA|A|BBB|BB|B|CCC|CC|C|D)[+-]?$/u;
