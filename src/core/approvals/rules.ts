// Approval chains as pure functions of data (DESIGN.md §2, wave 2 "Approvals"): which roles an
// amount needs (bands from tenant settings) and who holds each step on the supervisor tree.
// One resolver serves every kind of request (hospitality, credit); the kind only names its
// error codes.
import type { ApproverRole, Role } from "@prisma/client";
import { InvalidInputError } from "../shared/errors.js";

/** ≤ supervisorOnlyMaxFen: supervisor; ≤ managerMaxFen: + manager; above: + final approver. */
export interface AmountBands {
  supervisorOnlyMaxFen: number;
  managerMaxFen: number;
}

export function chainForAmount(bands: AmountBands, amountFen: bigint): ApproverRole[] {
  if (amountFen <= BigInt(bands.supervisorOnlyMaxFen)) return ["SUPERVISOR"];
  if (amountFen <= BigInt(bands.managerMaxFen)) return ["SUPERVISOR", "MANAGER"];
  return ["SUPERVISOR", "MANAGER", "FINAL"];
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
  /** The kind's designated final approver resolved to a member of the tenant, if set and found. */
  finalApprover: ApproverCandidate | null;
  /** Separation of duties: the customer's own account manager never approves for that customer. */
  customerOwnerId?: string | null;
  /** Members away today → their delegate (or null: the step goes to the next level). */
  absent?: ReadonlyMap<string, string | null>;
  /** The delegates named in `absent`, to check they may approve. */
  delegates?: ReadonlyMap<string, ApproverCandidate>;
  /** Members who may not hold the step for another reason (they already hold another step). */
  excluded?: ReadonlySet<string>;
}

/** Why a step went to someone other than the first person in line. */
export type RoutedReason = "OWNER" | "AWAY" | "AWAY_DELEGATE" | "INACTIVE";

export interface ResolvedStep {
  position: number;
  role: ApproverRole;
  approverId: string;
  /** Set when this approver already holds an earlier step: the step is recorded but skipped. */
  collapsedInto: number | null;
  /** The person first in line when the step was routed past them (absent otherwise). */
  routedFromId?: string;
  routedReason?: RoutedReason;
}

interface Pick {
  approver: ApproverCandidate;
  routedFromId?: string;
  routedReason?: RoutedReason;
}

/**
 * Who approves each step of `chain`. Nobody approves their own request (the requester is passed
 * over), the customer's account manager is passed over (the step moves up), an approver away
 * today hands the step to their delegate or, without one, to the next level, and nobody is
 * asked twice: a repeated approver's step collapses into their first one. Throws
 * `<codePrefix>.no_approver {step}` when a step has nobody.
 */
export function resolveChain(chain: readonly ApproverRole[], pool: ApproverPool, codePrefix: string): ResolvedStep[] {
  const absent = pool.absent ?? new Map<string, string | null>();
  const blocked = (c: ApproverCandidate) =>
    !c.active || c.id === pool.requesterId || c.id === pool.customerOwnerId || (pool.excluded?.has(c.id) ?? false);

  /** The first candidate who may hold the step, with the reason anyone before them was passed over. */
  const first = (candidates: Iterable<ApproverCandidate | null | undefined>, accept: (c: ApproverCandidate) => boolean): Pick | undefined => {
    let passed: { id: string; reason: RoutedReason } | undefined;
    for (const c of candidates) {
      if (!c || !accept(c)) continue;
      if (c.id === pool.customerOwnerId && c.id !== pool.requesterId && c.active) {
        passed ??= { id: c.id, reason: "OWNER" };
        continue;
      }
      if (blocked(c)) continue;
      if (absent.has(c.id)) {
        const delegate = pool.delegates?.get(absent.get(c.id) ?? "");
        if (delegate && !blocked(delegate) && !absent.has(delegate.id)) {
          return { approver: delegate, routedFromId: c.id, routedReason: "AWAY_DELEGATE" };
        }
        passed ??= { id: c.id, reason: "AWAY" };
        continue;
      }
      return { approver: c, ...(passed ? { routedFromId: passed.id, routedReason: passed.reason } : {}) };
    }
    return undefined;
  };
  const anyone = () => true;
  const isManager = (c: ApproverCandidate) => c.role === "MANAGER";
  const pick = (role: ApproverRole): Pick | undefined => {
    switch (role) {
      case "SUPERVISOR":
        return first(pool.supervisors, anyone);
      case "MANAGER":
        return first([...pool.supervisors.filter(isManager), ...pool.managers.filter(isManager)], anyone);
      case "FINAL": {
        // Without a designated final approver the department's manager signs off (the highest
        // one above the requester, else any), not the IT admin; an ADMIN only when no manager
        // can take the step.
        const managers = [...pool.supervisors.filter(isManager).reverse(), ...pool.managers.filter(isManager)];
        return first([pool.finalApprover, ...managers, ...pool.admins], (c) => c === pool.finalApprover || c.role === "MANAGER" || c.role === "ADMIN");
      }
    }
  };
  const firstPositionOf = new Map<string, number>();
  return chain.map((role, index) => {
    const picked = pick(role);
    if (!picked) throw new InvalidInputError(`${codePrefix}.no_approver`, { step: role });
    const position = index + 1;
    const earlier = firstPositionOf.get(picked.approver.id);
    if (earlier === undefined) firstPositionOf.set(picked.approver.id, position);
    return {
      position,
      role,
      approverId: picked.approver.id,
      collapsedInto: earlier ?? null,
      ...(picked.routedFromId ? { routedFromId: picked.routedFromId, routedReason: picked.routedReason! } : {}),
    };
  });
}
