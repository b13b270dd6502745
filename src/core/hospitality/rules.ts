// Hospitality rules (客户招待申请, DESIGN.md §2) as pure functions of data: the approval chain
// an amount needs, who approves each step, the per-head guideline check and the overspend
// check. Money is bigint fen throughout; every comparison is exact integer arithmetic.
import type { ApproverRole, Tier } from "@prisma/client";
import { chainForAmount, resolveChain, type ApproverPool, type ResolvedStep } from "../approvals/rules.js";
import type { LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";

/** ≤ supervisorOnlyMaxFen: supervisor; ≤ managerMaxFen: + manager; above: + final approver. */
export function approvalChainFor(settings: TenantSettings, estimatedFen: bigint): ApproverRole[] {
  return chainForAmount(settings.hospitality, estimatedFen);
}

/** The amount per person (guests + own staff), rounded half up to the fen, for display. */
export function perHeadFen(estimatedFen: bigint, heads: number): bigint {
  if (!Number.isInteger(heads) || heads < 1) throw new RangeError(`heads must be a positive integer, got ${heads}`);
  const h = BigInt(heads);
  return (estimatedFen * 2n + h) / (2n * h);
}

/** The tier's per-head guideline. Tier C has its own setting, defaulting to B's. */
export function perHeadGuidelineFen(settings: TenantSettings, tier: Tier): bigint {
  return BigInt(settings.hospitality.perHeadGuidelineFen[tier]);
}

export interface PerHeadCheck {
  perHeadFen: bigint;
  guidelineFen: bigint;
  /** True when the exact per-head amount is above the guideline (equal is within it). */
  flagged: boolean;
}

export function perHeadFlag(settings: TenantSettings, tier: Tier, estimatedFen: bigint, heads: number): PerHeadCheck {
  const guidelineFen = perHeadGuidelineFen(settings, tier);
  // Compare totals, not the rounded quotient: 1,000.01 for two people is over a 500 guideline.
  const flagged = estimatedFen > guidelineFen * BigInt(heads);
  return { perHeadFen: perHeadFen(estimatedFen, heads), guidelineFen, flagged };
}

export interface OverspendCheck {
  /** actual − approved (negative when under budget). */
  overByFen: bigint;
  /** True when actual > approved × (1 + tolerance). */
  flagged: boolean;
}

export function overspend(actualFen: bigint, approvedFen: bigint, tolerancePercent: number): OverspendCheck {
  // The tolerance is configurable with decimals (7.5 %): scale it to basis points so the
  // comparison stays in integers.
  const toleranceBp = BigInt(Math.round(tolerancePercent * 100));
  const flagged = actualFen * 10_000n > approvedFen * (10_000n + toleranceBp);
  return { overByFen: actualFen - approvedFen, flagged };
}

export type { ApproverCandidate, ApproverPool, ResolvedStep } from "../approvals/rules.js";

/**
 * Who approves each step of `chain` (the engine's resolver, with hospitality's error codes):
 * throws hospitality.no_approver {step} when a step has nobody.
 */
export function resolveApprovers(chain: readonly ApproverRole[], pool: ApproverPool): ResolvedStep[] {
  return resolveChain(chain, pool, "hospitality");
}

export type BudgetPeriodKind = "month" | "quarter" | "year";

export interface BudgetPeriod {
  kind: BudgetPeriodKind;
  year: number;
  /** Month 1–12 or quarter 1–4 (absent for a year). */
  index?: number;
  /** First day of the period, inclusive. */
  from: LocalDate;
  /** First day after the period, exclusive. */
  to: LocalDate;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The budget period (calendar month, quarter or year) a tenant-local date falls in. */
export function budgetPeriodOf(date: LocalDate, kind: BudgetPeriodKind): BudgetPeriod {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (kind === "year") return { kind, year, from: `${year}-01-01`, to: `${year + 1}-01-01` };
  const [index, firstMonth, months] = kind === "month" ? [month, month, 1] : [Math.ceil(month / 3), Math.floor((month - 1) / 3) * 3 + 1, 3];
  const endMonth = firstMonth + months;
  const to = endMonth > 12 ? `${year + 1}-01-01` : `${year}-${pad(endMonth)}-01`;
  return { kind, year, index, from: `${year}-${pad(firstMonth)}-01`, to };
}

/** The tier's budget per period; null when the tenant set none (0) for that tier. */
export function budgetFenFor(settings: TenantSettings, tier: Tier): bigint | null {
  const value = BigInt(settings.hospitality.budgetFen[tier]);
  return value > 0n ? value : null;
}

export interface BudgetUse {
  period: BudgetPeriod;
  budgetFen: bigint;
  /** Pending and approved estimates plus settled actuals of the customer in the period. */
  usedFen: bigint;
  /** budget − used, never below 0 (being over is `exceeded`). */
  remainingFen: bigint;
  /** True when used is above the budget (exactly at it is within). */
  exceeded: boolean;
}

export function budgetUse(period: BudgetPeriod, budgetFen: bigint, usedFen: bigint): BudgetUse {
  const left = budgetFen - usedFen;
  return { period, budgetFen, usedFen, remainingFen: left > 0n ? left : 0n, exceeded: usedFen > budgetFen };
}
