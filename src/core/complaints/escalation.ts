// Writing an escalation, shared by the manual "escalate" button and the SLA sweep so both climb
// the same ladder, leave the same trail (event, audit, outbox) and lose a race the same way.
import type { Complaint, Prisma } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import type { Actor, Tx } from "../shared/context.js";
import type { TenantView } from "../tenants/tenants.js";
import { nextAssignee, type Breach, type EscalationStep, type LadderCandidate } from "./rules.js";

export interface Ladder {
  /** The member's supervisors, nearest first. */
  chain: LadderCandidate[];
  /** The tenant's MANAGERs, oldest first (a stable choice when the chain runs out). */
  managers: LadderCandidate[];
}

export async function loadLadder(tx: Tx, tenantId: string, memberId: string): Promise<Ladder> {
  const chain = await tx.$queryRaw<Array<{ id: string; active: boolean }>>`
    WITH RECURSIVE chain(id, supervisor_id, active, depth) AS (
      SELECT m.id, m."supervisorId", m.active, 0 FROM "Member" m WHERE m.id = ${memberId} AND m."tenantId" = ${tenantId}
      UNION ALL
      SELECT s.id, s."supervisorId", s.active, c.depth + 1
      FROM chain c JOIN "Member" s ON s.id = c.supervisor_id AND s."tenantId" = ${tenantId}
      WHERE c.depth < 50
    )
    SELECT id, active FROM chain WHERE depth > 0 ORDER BY depth`;
  const managers = await tx.member.findMany({
    where: { tenantId, role: "MANAGER" },
    select: { id: true, active: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { chain, managers };
}

/** Who sits one rung above `memberId` (see nextAssignee). */
export async function rungAbove(tx: Tx, tenantId: string, memberId: string): Promise<string> {
  const ladder = await loadLadder(tx, tenantId, memberId);
  return nextAssignee(memberId, ladder.chain, ladder.managers);
}

export type EscalationTrigger = Breach | "manual";

export interface PlannedStep extends Omit<EscalationStep, "breach"> {
  trigger: EscalationTrigger;
}

export interface WrittenStep extends PlannedStep {
  previousAssigneeId: string;
  assigneeId: string;
}

/**
 * Applies `steps` to `complaint` (as read in this transaction) with one conditional update: if
 * another transaction escalated, acknowledged or resolved it meanwhile, nothing is written and
 * null is returned, so two sweeps or two clicks never escalate twice.
 */
export async function writeEscalation(
  tx: Tx,
  args: { tenant: TenantView; complaint: Complaint; steps: PlannedStep[]; actor: Actor | null; reason: string | null; now: Date },
): Promise<WrittenStep[] | null> {
  const { tenant, complaint: c, steps, actor, now } = args;
  const written: WrittenStep[] = [];
  let assigneeId = c.assigneeId;
  for (const step of steps) {
    const previousAssigneeId = assigneeId;
    if (step.escalates) assigneeId = await rungAbove(tx, c.tenantId, assigneeId);
    written.push({ ...step, previousAssigneeId, assigneeId });
  }
  const last = written[written.length - 1];
  if (!last) return [];
  const breaches = new Set(steps.map((s) => s.trigger));

  const where: Prisma.ComplaintWhereInput = {
    id: c.id,
    tenantId: c.tenantId,
    status: c.status,
    escalationLevel: c.escalationLevel,
    assigneeId: c.assigneeId,
    ...(breaches.has("ack") ? { ackBreachedAt: null } : {}),
    ...(breaches.has("resolve") ? { resolveBreachedAt: null } : {}),
  };
  const data: Prisma.ComplaintUpdateManyMutationInput = {
    escalationLevel: last.toLevel,
    assigneeId: last.assigneeId,
    ...(breaches.has("ack") ? { ackBreachedAt: now } : {}),
    ...(breaches.has("resolve") ? { resolveBreachedAt: now } : {}),
  };
  const updated = await tx.complaint.updateMany({ where, data });
  if (updated.count === 0) return null;

  await tx.complaintEvent.createMany({
    data: written.map((s) => ({
      tenantId: c.tenantId,
      complaintId: c.id,
      kind: s.escalates ? ("ESCALATED" as const) : ("NOTE" as const),
      actorId: actor?.memberId ?? null,
      fromLevel: s.fromLevel,
      toLevel: s.toLevel,
      assigneeId: s.assigneeId,
      note: s.trigger === "manual" ? args.reason : `sla:${s.trigger}`,
      at: now,
    })),
  });
  await recordAudit(tx, {
    tenantId: c.tenantId,
    actorId: actor?.memberId ?? null,
    platform: actor?.platform ?? null,
    action: "complaint.escalated",
    entityType: "Complaint",
    entityId: c.id,
    before: { escalationLevel: c.escalationLevel, assigneeId: c.assigneeId, ackBreachedAt: c.ackBreachedAt, resolveBreachedAt: c.resolveBreachedAt },
    after: {
      escalationLevel: last.toLevel,
      assigneeId: last.assigneeId,
      ...(breaches.has("ack") ? { ackBreachedAt: now } : {}),
      ...(breaches.has("resolve") ? { resolveBreachedAt: now } : {}),
      triggers: steps.map((s) => s.trigger),
      by: actor ? "member" : "system",
      ...(args.reason ? { reason: args.reason } : {}),
    },
  });

  const messages: EnqueueInput[] = [];
  for (const s of written) {
    const base = {
      complaintId: c.id,
      number: c.number,
      customerId: c.customerId,
      severity: c.severity,
      fromLevel: s.fromLevel,
      toLevel: s.toLevel,
      trigger: s.trigger,
      assigneeId: s.assigneeId,
      previousAssigneeId: s.previousAssigneeId,
      byId: actor?.memberId ?? null,
    };
    // Levels only ever rise (a reopen keeps the level), so the level makes an escalation's key
    // unique; a breach recorded at the top level is keyed by its cycle instead.
    const key = s.escalates
      ? `complaint:${c.id}:escalated:L${s.toLevel}`
      : `complaint:${c.id}:breach:${s.trigger}:cycle${c.reopenCount}`;
    const kind = s.escalates ? "complaint.escalated" : "complaint.sla_breached";
    const common = { tenantId: c.tenantId, platform: tenant.platform, entityType: "Complaint", entityId: c.id } as const;
    messages.push(
      { ...common, target: `member:${s.assigneeId}`, intent: { kind, audience: "assignee", ...base }, dedupeKey: `${key}:member` },
      { ...common, target: "channel:complaints", intent: { kind, audience: "channel", ...base }, dedupeKey: `${key}:channel` },
    );
  }
  await enqueueNotifications(tx, messages);
  return written;
}
