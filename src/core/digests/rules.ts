// Pure rules of the morning digests (DESIGN.md §2 Digests).
import type { Tier } from "@prisma/client";

const TIER_RANK: Record<Tier, number> = { VIP: 0, A: 1, B: 2, C: 3 };

export function tierRank(tier: Tier): number {
  return TIER_RANK[tier];
}

export interface OrderableCallback {
  tier: Tier;
  daysOverdue: number;
  customerName: string;
  callbackId: string;
}

/** Callback digest order: VIP first, then A, B, C; within a tier the most overdue first. */
export function compareDigestCallbacks(a: OrderableCallback, b: OrderableCallback): number {
  return (
    tierRank(a.tier) - tierRank(b.tier) ||
    b.daysOverdue - a.daysOverdue ||
    (a.customerName < b.customerName ? -1 : a.customerName > b.customerName ? 1 : 0) ||
    (a.callbackId < b.callbackId ? -1 : a.callbackId > b.callbackId ? 1 : 0)
  );
}

/**
 * The window of the team's callback completion rate: the COMPLETION_WINDOW_DAYS days before
 * the digest date (today's callbacks are still in progress, so they do not count yet).
 */
export const COMPLETION_WINDOW_DAYS = 30;

/**
 * Completion rate = callbacks due in the window that are DONE / all callbacks due in the
 * window (pending, done or skipped), as a fraction 0..1; null when nothing was due. A snoozed
 * callback moves its due date, so it counts where it is due now.
 */
export function completionRate(done: number, due: number): number | null {
  return due > 0 ? done / due : null;
}
