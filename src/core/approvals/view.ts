// Approval steps as plain data for the views of every kind of request.
import type { ApprovalStep, ApprovalStepStatus, ApproverRole } from "@prisma/client";
import type { CoreDeps, Tx } from "../shared/context.js";
import { collapsedInto } from "./engine.js";

type Queryable = Tx | CoreDeps["db"];

export interface MemberName {
  id: string;
  name: string;
}

export interface ApprovalStepView {
  id: string;
  position: number;
  role: ApproverRole;
  status: ApprovalStepStatus;
  approver: MemberName;
  decidedBy: MemberName | null;
  decidedAt: Date | null;
  reason: string | null;
  pendingSince: Date | null;
  /** The earlier step this one collapsed into (same approver), or null. */
  collapsedInto: number | null;
  /** Who was first in line when the step was routed past them (away, deactivated, the customer's owner), and why. */
  routedFrom: MemberName | null;
  routedReason: string | null;
}

export async function memberNames(db: Queryable, tenantId: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.member.findMany({ where: { tenantId, id: { in: unique } }, select: { id: true, displayName: true } });
  return new Map(rows.map((m) => [m.id, m.displayName]));
}

/** Every member id a request's steps mention. */
export function stepMemberIds(steps: readonly ApprovalStep[]): string[] {
  return steps.flatMap((s) => [s.approverId, ...(s.decidedById ? [s.decidedById] : []), ...(s.routedFromId ? [s.routedFromId] : [])]);
}

export function toStepView(s: ApprovalStep, name: (id: string) => MemberName): ApprovalStepView {
  const collapsed = collapsedInto(s);
  return {
    id: s.id,
    position: s.position,
    role: s.role,
    status: s.status,
    approver: name(s.approverId),
    decidedBy: s.decidedById ? name(s.decidedById) : null,
    decidedAt: s.decidedAt,
    reason: collapsed === null ? s.reason : null,
    pendingSince: s.pendingSince,
    collapsedInto: collapsed,
    routedFrom: s.routedFromId ? name(s.routedFromId) : null,
    routedReason: s.routedReason,
  };
}
