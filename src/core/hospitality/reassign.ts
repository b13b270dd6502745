// When an approver leaves (admin deactivate), the approval steps still waiting for them are
// re-resolved: the same role on the requester's ladder, now without the leaver (rules.ts
// resolveApprovers passes over inactive members), else the successor. A step that was already
// asking the leaver asks its new approver (outbox), with the request's current version.
//
// MERGE NOTE: the one approval engine (src/core/approvals) replaces this module's rules; point
// reassignPendingStepsOf at the engine's re-resolution and keep its signature.
import { recordAudit } from "../audit/audit.js";
import { enqueueNotifications } from "../outbox/outbox.js";
import type { Tx } from "../shared/context.js";
import type { TenantView } from "../tenants/tenants.js";
import { loadApproverPool } from "./approvers.js";
import { approvalRequestedMessage } from "./hospitality.js";
import { resolveApprovers } from "./rules.js";

export interface ReassignedStep {
  stepId: string;
  requestId: string;
  approverId: string;
}

/**
 * Gives every WAITING or PENDING step held by `memberId` (already marked inactive) to whoever
 * the ladder now names, else `successorId`. Audited per step; run inside the caller's transaction.
 */
export async function reassignPendingStepsOf(
  tx: Tx,
  tenant: Pick<TenantView, "id" | "platform" | "settings">,
  memberId: string,
  successorId: string,
  actorId: string | null,
  now: Date,
): Promise<ReassignedStep[]> {
  const steps = await tx.approvalStep.findMany({
    where: { tenantId: tenant.id, approverId: memberId, status: { in: ["WAITING", "PENDING"] } },
    include: { request: { select: { id: true, number: true, requesterId: true, version: true } } },
    orderBy: [{ requestId: "asc" }, { position: "asc" }],
  });
  const out: ReassignedStep[] = [];
  for (const step of steps) {
    const pool = await loadApproverPool(tx, tenant.id, step.request.requesterId, tenant.settings.hospitality.finalApproverId ?? null);
    let approverId = successorId;
    try {
      approverId = resolveApprovers([step.role], pool)[0]!.approverId;
    } catch {
      // Nobody left on the ladder for this role: the successor takes the leaver's place.
    }
    if (approverId === step.request.requesterId) approverId = successorId;
    await tx.approvalStep.update({
      where: { id: step.id },
      data: { approverId, ...(step.status === "PENDING" ? { pendingSince: now, lastRemindedAt: null } : {}) },
    });
    await recordAudit(tx, {
      tenantId: tenant.id,
      actorId,
      platform: null,
      action: "hospitality.step_reassigned",
      entityType: "HospitalityRequest",
      entityId: step.requestId,
      before: { stepId: step.id, approverId: memberId },
      after: { stepId: step.id, approverId, reason: "approver_deactivated" },
    });
    if (step.status === "PENDING") {
      const message = approvalRequestedMessage(tenant.platform, tenant.id, step.requestId, step.request.number, { id: step.id, approverId, position: step.position }, step.request.version);
      await enqueueNotifications(tx, [{ ...message, dedupeKey: `${message.dedupeKey}:${approverId}` }]);
    }
    out.push({ stepId: step.id, requestId: step.requestId, approverId });
  }
  return out;
}
