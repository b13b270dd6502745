// Hospitality rules (客户招待申请, DESIGN.md §2) as pure functions of data: the approval chain
// an amount needs, who approves each step, the per-head guideline check and the overspend
// check. Money is bigint fen throughout; every comparison is exact integer arithmetic.
import type { ApproverRole, Role, Tier } from "@prisma/client";
import { InvalidInputError } from "../shared/errors.js";
import type { TenantSettings } from "../tenants/settings.js";

/** ≤ supervisorOnlyMaxFen: supervisor; ≤ managerMaxFen: + manager; above: + final approver. */
export function approvalChainFor(settings: TenantSettings, estimatedFen: bigint): ApproverRole[] {
  const h = settings.hospitality;
  if (estimatedFen <= BigInt(h.supervisorOnlyMaxFen)) return ["SUPERVISOR"];
  if (estimatedFen <= BigInt(h.managerMaxFen)) return ["SUPERVISOR", "MANAGER"];
  return ["SUPERVISOR", "MANAGER", "FINAL"];
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

export interface ApproverCandidate {
  id: string;
  role: Role;
  active: boolean;
}

export interface ApproverPool {
  requesterId: string;
  /** The requester's supervisor chain, nearest first. */
  supervisors: ApproverCandidate[];
  /** Every MANAGER of the tenant, in a stable order (the fallback when none is above). */
  managers: ApproverCandidate[];
  /** Every ADMIN of the tenant, in a stable order. */
  admins: ApproverCandidate[];
  /** settings.hospitality.finalApproverId resolved to a member of the tenant, if set and found. */
  finalApprover: ApproverCandidate | null;
}

export interface ResolvedStep {
  position: number;
  role: ApproverRole;
  approverId: string;
  /** Set when this approver already holds an earlier step: the step is recorded but skipped. */
  collapsedInto: number | null;
}

/**
 * Who approves each step of `chain`. Nobody approves their own request (the requester is passed
 * over) and nobody is asked twice: a repeated approver's step collapses into their first one.
 * Throws hospitality.no_approver {step} when a step has nobody.
 */
export function resolveApprovers(chain: readonly ApproverRole[], pool: ApproverPool): ResolvedStep[] {
  const eligible = (c: ApproverCandidate | null | undefined): c is ApproverCandidate =>
    !!c && c.active && c.id !== pool.requesterId;
  const pick = (role: ApproverRole): ApproverCandidate | undefined => {
    switch (role) {
      case "SUPERVISOR":
        return pool.supervisors.find(eligible);
      case "MANAGER":
        return (
          pool.supervisors.find((c) => eligible(c) && c.role === "MANAGER") ??
          pool.managers.find((c) => eligible(c) && c.role === "MANAGER")
        );
      case "FINAL":
        return eligible(pool.finalApprover) ? pool.finalApprover : pool.admins.find((c) => eligible(c) && c.role === "ADMIN");
    }
  };
  const firstPositionOf = new Map<string, number>();
  return chain.map((role, index) => {
    const approver = pick(role);
    if (!approver) throw new InvalidInputError("hospitality.no_approver", { step: role });
    const position = index + 1;
    const earlier = firstPositionOf.get(approver.id);
    if (earlier === undefined) firstPositionOf.set(approver.id, position);
    return { position, role, approverId: approver.id, collapsedInto: earlier ?? null };
  });
}
