// A leaver (admin deactivate): everything they hold goes to a successor in one transaction —
// their customers, their open callbacks and complaints (whatever customer), the approval steps
// waiting for them, the members reporting to them — and they are marked inactive, which stops
// their digests (digests/teams.ts reads Member.active) and makes Accord refuse their commands.
import { recordAudit } from "../audit/audit.js";
import { moveCustomers } from "../customers/handover.js";
import { rerouteStepsHeldBy } from "../approvals/reroute.js";
import { enqueueNotifications } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { ConflictError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { loadTenant } from "../tenants/tenants.js";
import { requireRoleAtLeast } from "./authorization.js";

export interface DeactivationResult {
  memberId: string;
  successorId: string;
  customers: number;
  callbacks: number;
  complaints: number;
  approvalSteps: number;
  reports: number;
}

export async function deactivateMember(deps: CoreDeps, actor: Actor, memberId: string, successorId: string): Promise<DeactivationResult> {
  requireRoleAtLeast(actor, "ADMIN");
  if (memberId === actor.memberId) throw new InvalidInputError("member.cannot_deactivate_self");
  if (memberId === successorId) throw new InvalidInputError("member.successor_is_leaver");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const leaver = await tx.member.findFirst({ where: { tenantId: actor.tenantId, id: memberId } });
    if (!leaver) throw new NotFoundError("member.not_found", { member: memberId });
    if (!leaver.active) throw new ConflictError("member.already_inactive", { member: leaver.displayName });
    const successor = await tx.member.findFirst({ where: { tenantId: actor.tenantId, id: successorId, active: true } });
    if (!successor) throw new NotFoundError("member.not_found", { member: successorId });
    if (leaver.role === "ADMIN") {
      const others = await tx.member.count({ where: { tenantId: actor.tenantId, role: "ADMIN", active: true, id: { not: leaver.id } } });
      if (others === 0) throw new InvalidInputError("member.last_admin");
    }
    await tx.member.update({ where: { id: leaver.id }, data: { active: false } });
    const reason = "member_deactivated";
    const owned = await tx.customer.findMany({ where: { tenantId: actor.tenantId, ownerId: leaver.id }, select: { id: true } });
    const moved = await moveCustomers(tx, actor, owned.map((c) => c.id), leaver.id, successor.id, reason, now);
    // What the leaver held for customers they did not own.
    const callbacks = await tx.callback.updateMany({
      where: { tenantId: actor.tenantId, status: "PENDING", assigneeId: leaver.id },
      data: { assigneeId: successor.id },
    });
    const complaints = await tx.complaint.findMany({
      where: { tenantId: actor.tenantId, status: { in: ["OPEN", "ACKNOWLEDGED"] }, assigneeId: leaver.id },
      select: { id: true },
    });
    if (complaints.length > 0) {
      await tx.complaint.updateMany({ where: { id: { in: complaints.map((c) => c.id) } }, data: { assigneeId: successor.id } });
      await tx.complaintEvent.createMany({
        data: complaints.map((c) => ({ tenantId: actor.tenantId, complaintId: c.id, kind: "REASSIGNED" as const, actorId: actor.memberId, assigneeId: successor.id, note: reason, at: now })),
      });
    }
    // The leaver's reports now report to the successor (who, if one of them, moves up instead).
    if (successor.supervisorId === leaver.id) await tx.member.update({ where: { id: successor.id }, data: { supervisorId: leaver.supervisorId } });
    const reports = await tx.member.updateMany({
      where: { tenantId: actor.tenantId, supervisorId: leaver.id, id: { not: successor.id } },
      data: { supervisorId: successor.id },
    });
    // After the ladder changed: the approval engine re-resolves each step the leaver held
    // (same role, next level, delegate); a step nobody else can take goes to the successor.
    const rerouted = await rerouteStepsHeldBy(tx, actor.tenantId, leaver.id, "INACTIVE", now, actor);
    const leftOver = await tx.approvalStep.updateMany({
      where: { tenantId: actor.tenantId, approverId: leaver.id, status: { in: ["PENDING", "WAITING"] } },
      data: { approverId: successor.id },
    });
    const result: DeactivationResult = {
      memberId: leaver.id,
      successorId: successor.id,
      customers: owned.length,
      callbacks: moved.callbacks + callbacks.count,
      complaints: moved.complaints + complaints.length,
      approvalSteps: rerouted.rerouted + leftOver.count,
      reports: reports.count,
    };
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "member.deactivated",
      entityType: "Member",
      entityId: leaver.id,
      before: { active: true, supervisorId: leaver.supervisorId },
      after: { active: false, ...result },
    });
    if (successor.id !== actor.memberId) {
      await enqueueNotifications(tx, [
        {
          tenantId: actor.tenantId,
          platform: tenant.platform,
          target: `member:${successor.id}`,
          intent: { kind: "member.succeeded", leaverId: leaver.id, byMemberId: actor.memberId, ...result },
          dedupeKey: `member.deactivated:${leaver.id}:${successor.id}`,
          entityType: "Member",
          entityId: leaver.id,
        },
      ]);
    }
    return result;
  });
}
