// Hospitality rules (客户招待申请, DESIGN.md §2) as pure functions of data: the approval chain
// an amount needs, who approves each step, the per-head guideline check and the overspend
// check. Money is bigint fen throughout; every comparison is exact integer arithmetic.
import type { ApproverRole, Tier } from "@prisma/client";
import { chainForAmount, resolveChain, type ApproverPool, type ResolvedStep } from "../approvals/rules.js";
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
