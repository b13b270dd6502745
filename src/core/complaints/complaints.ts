// Complaint use cases (客户投诉处理, DESIGN.md §2): register, acknowledge, resolve, close, reopen
// and escalate by hand. Each is one transaction with its ComplaintEvent, audit row and
// notification intents; status changes are conditional updates so a double click or two people
// racing produce one change and a clear "already done by X" for the other.
import type { Complaint, ComplaintEventKind, ComplaintStatus, Prisma } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { onOrNextWorkingDay } from "../calendar/calendar.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { canActFor, seesWholeTenant } from "../members/authorization.js";
import { supervisorChain } from "../members/members.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError, ForbiddenError, NotFoundError } from "../shared/errors.js";
import { addDays, localDateOf, toDateColumn } from "../shared/time.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { rungAbove, writeEscalation } from "./escalation.js";
import { isActive, MAX_ESCALATION_LEVEL, nextStatus, slaSchedule, type ComplaintAction } from "./rules.js";
import {
  complaintRefSchema,
  escalateComplaintSchema,
  parseComplaintInput,
  registerComplaintSchema,
  reopenComplaintSchema,
  resolveComplaintSchema,
} from "./schemas.js";

/** A complaint as the use cases return it: plain data, ids only. */
export interface ComplaintData {
  id: string;
  tenantId: string;
  number: number;
  customerId: string;
  reporterId: string;
  assigneeId: string;
  severity: Complaint["severity"];
  category: Complaint["category"];
  description: string;
  status: ComplaintStatus;
  escalationLevel: number;
  ackDueAt: Date;
  resolveDueAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  resolution: string | null;
  reopenCount: number;
  ackBreachedAt: Date | null;
  resolveBreachedAt: Date | null;
  createdAt: Date;
}

export function toComplaintData(c: Complaint): ComplaintData {
  return {
    id: c.id,
    tenantId: c.tenantId,
    number: c.number,
    customerId: c.customerId,
    reporterId: c.reporterId,
    assigneeId: c.assigneeId,
    severity: c.severity,
    category: c.category,
    description: c.description,
    status: c.status,
    escalationLevel: c.escalationLevel,
    ackDueAt: c.ackDueAt,
    resolveDueAt: c.resolveDueAt,
    acknowledgedAt: c.acknowledgedAt,
    resolvedAt: c.resolvedAt,
    closedAt: c.closedAt,
    resolution: c.resolution,
    reopenCount: c.reopenCount,
    ackBreachedAt: c.ackBreachedAt,
    resolveBreachedAt: c.resolveBreachedAt,
    createdAt: c.createdAt,
  };
}

const AUDIT_FIELDS = ["status", "assigneeId", "escalationLevel", "ackDueAt", "resolveDueAt", "ackBreachedAt", "resolveBreachedAt", "resolution"] as const;
function auditView(c: Complaint): Record<string, unknown> {
  return Object.fromEntries(AUDIT_FIELDS.map((k) => [k, c[k]]));
}

export async function loadComplaint(db: Tx | CoreDeps["db"], tenantId: string, complaintId: string): Promise<Complaint> {
  const c = await db.complaint.findFirst({ where: { id: complaintId, tenantId } });
  if (!c) throw new NotFoundError("complaint.not_found", { complaint: complaintId });
  return c;
}

/** Assignee, anyone who may act for them (their supervisors up the tree), MANAGER and ADMIN. */
async function requireMayWork(tx: Tx, actor: Actor, c: Complaint): Promise<void> {
  if (!(await canActFor(tx, actor, c.assigneeId))) throw new ForbiddenError("complaint.forbidden", { number: c.number });
}

/** Anyone involved: the reporter, the assignee, anyone up the assignee's chain, MANAGER and ADMIN. */
export async function isInvolved(db: Tx | CoreDeps["db"], actor: Actor, c: Pick<Complaint, "reporterId" | "assigneeId" | "tenantId">): Promise<boolean> {
  if (seesWholeTenant(actor) || actor.memberId === c.reporterId || actor.memberId === c.assigneeId) return true;
  if (await canActFor(db, actor, c.assigneeId)) return true;
  const chain = await supervisorChain(db, c.tenantId, c.assigneeId);
  return chain.some((m) => m.id === actor.memberId);
}

async function requireInvolved(tx: Tx, actor: Actor, c: Complaint): Promise<void> {
  if (!(await isInvolved(tx, actor, c))) throw new ForbiddenError("complaint.forbidden", { number: c.number });
}

/** The display name of whoever last did `kind` to the complaint, for "already done by X". */
async function lastActorName(tx: Tx, c: Complaint, kind: ComplaintEventKind): Promise<string> {
  const event = await tx.complaintEvent.findFirst({
    where: { tenantId: c.tenantId, complaintId: c.id, kind },
    orderBy: { at: "desc" },
    select: { actorId: true },
  });
  if (!event?.actorId) return "";
  const member = await tx.member.findFirst({ where: { tenantId: c.tenantId, id: event.actorId }, select: { displayName: true } });
  return member?.displayName ?? "";
}

const EVENT_OF: Record<ComplaintAction, ComplaintEventKind> = {
  acknowledge: "ACKNOWLEDGED",
  resolve: "RESOLVED",
  close: "CLOSED",
  reopen: "REOPENED",
};

/** Refuses an illegal or repeated transition, naming who did it first when it is a repeat. */
async function requireTransition(tx: Tx, c: Complaint, action: ComplaintAction): Promise<ComplaintStatus> {
  try {
    return nextStatus(c.status, action);
  } catch (err) {
    if (err instanceof ConflictError && err.code !== "complaint.invalid_transition") {
      throw new ConflictError(err.code, { by: await lastActorName(tx, c, EVENT_OF[action]) });
    }
    throw err;
  }
}

function notification(tenant: TenantView, c: Pick<Complaint, "id" | "tenantId">, target: EnqueueInput["target"], intent: EnqueueInput["intent"], dedupeKey: string): EnqueueInput {
  return { tenantId: c.tenantId, platform: tenant.platform, target, intent, dedupeKey, entityType: "Complaint", entityId: c.id };
}

export async function registerComplaint(deps: CoreDeps, actor: Actor, input: unknown): Promise<ComplaintData> {
  const data = parseComplaintInput(registerComplaintSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const customer = await tx.customer.findFirst({
      where: { id: data.customerId, tenantId: actor.tenantId },
      select: { id: true, ownerId: true },
    });
    if (!customer) throw new NotFoundError("complaint.customer_not_found", { customer: data.customerId });
    const [counter] = await tx.$queryRaw<Array<{ number: number }>>`
      UPDATE "Tenant" SET "nextComplaintNo" = "nextComplaintNo" + 1
      WHERE id = ${actor.tenantId} RETURNING "nextComplaintNo" - 1 AS number`;
    if (!counter) throw new NotFoundError("tenant.not_found", { tenantId: actor.tenantId });
    const deadlines = slaSchedule(tenant.settings, await loadWorkCalendar(tx, tenant), data.severity, now);
    const c = await tx.complaint.create({
      data: {
        tenantId: actor.tenantId,
        number: Number(counter.number),
        customerId: customer.id,
        reporterId: actor.memberId,
        assigneeId: customer.ownerId,
        severity: data.severity,
        category: data.category,
        description: data.description,
        sourceLink: data.sourceLink ?? null,
        ...deadlines,
        createdAt: now,
      },
    });
    await tx.complaintEvent.create({
      data: { tenantId: c.tenantId, complaintId: c.id, kind: "REGISTERED", actorId: actor.memberId, assigneeId: c.assigneeId, toLevel: 0, at: now },
    });
    await recordAudit(tx, {
      tenantId: c.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "complaint.registered",
      entityType: "Complaint",
      entityId: c.id,
      after: { number: c.number, customerId: c.customerId, severity: c.severity, category: c.category, ...auditView(c) },
    });
    const intent = { kind: "complaint.registered", complaintId: c.id, number: c.number, customerId: c.customerId, severity: c.severity, assigneeId: c.assigneeId, reporterId: c.reporterId };
    const key = `complaint:${c.id}:registered`;
    // An owner registering a complaint about their own customer already has the card as the
    // answer to the command: a second "assigned to you" message would say it again.
    const messages = [
      ...(c.assigneeId !== actor.memberId
        ? [notification(tenant, c, `member:${c.assigneeId}`, { ...intent, audience: "assignee" }, `${key}:assignee`)]
        : []),
      notification(tenant, c, "channel:complaints", { ...intent, audience: "channel" }, `${key}:channel`),
    ];
    if (c.severity === "CRITICAL") {
      const supervisorId = await rungAbove(tx, c.tenantId, c.assigneeId);
      if (supervisorId !== c.assigneeId) {
        messages.push(notification(tenant, c, `member:${supervisorId}`, { ...intent, audience: "supervisor", supervisorId }, `${key}:supervisor`));
      }
    }
    await enqueueNotifications(tx, messages);
    return toComplaintData(c);
  });
}

interface TransitionPlan {
  action: ComplaintAction;
  data: (c: Complaint, now: Date) => Omit<Prisma.ComplaintUpdateManyMutationInput, "status">;
  note?: string | null;
}

/**
 * The shared body of acknowledge / resolve / close / reopen: check, conditional update on the
 * status read (a concurrent change makes it miss and report the conflict), event, audit.
 */
async function transition(
  tx: Tx,
  actor: Actor,
  c: Complaint,
  plan: TransitionPlan,
  now: Date,
): Promise<Complaint> {
  const to = await requireTransition(tx, c, plan.action);
  const updated = await tx.complaint.updateMany({
    where: { id: c.id, tenantId: c.tenantId, status: c.status },
    data: { ...plan.data(c, now), status: to },
  });
  if (updated.count === 0) {
    // Someone else changed it between our read and our write: report what they did.
    const fresh = await loadComplaint(tx, c.tenantId, c.id);
    await requireTransition(tx, fresh, plan.action);
    throw new ConflictError("complaint.changed", { number: c.number });
  }
  const after = await loadComplaint(tx, c.tenantId, c.id);
  await tx.complaintEvent.create({
    data: { tenantId: c.tenantId, complaintId: c.id, kind: EVENT_OF[plan.action], actorId: actor.memberId, assigneeId: after.assigneeId, note: plan.note ?? null, at: now },
  });
  await recordAudit(tx, {
    tenantId: c.tenantId,
    actorId: actor.memberId,
    platform: actor.platform,
    action: `complaint.${EVENT_OF[plan.action].toLowerCase()}`,
    entityType: "Complaint",
    entityId: c.id,
    before: auditView(c),
    after: auditView(after),
  });
  return after;
}

export async function acknowledgeComplaint(deps: CoreDeps, actor: Actor, input: unknown): Promise<ComplaintData> {
  const { complaintId } = parseComplaintInput(complaintRefSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const c = await loadComplaint(tx, actor.tenantId, complaintId);
    await requireMayWork(tx, actor, c);
    const after = await transition(tx, actor, c, {
      action: "acknowledge",
      // A late acknowledgement still counts as a breach for the KPIs, even if no sweep saw it.
      data: (cur, at) => ({ acknowledgedAt: at, ...(cur.ackBreachedAt === null && at > cur.ackDueAt ? { ackBreachedAt: at } : {}) }),
    }, now);
    return toComplaintData(after);
  });
}

export async function resolveComplaint(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
): Promise<ComplaintData & { callbackId: string; callbackDueOn: string }> {
  const { complaintId, resolution } = parseComplaintInput(resolveComplaintSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const c = await loadComplaint(tx, actor.tenantId, complaintId);
    await requireMayWork(tx, actor, c);
    const after = await transition(tx, actor, c, {
      action: "resolve",
      data: (cur, at) => ({ resolvedAt: at, resolution, ...(cur.resolveBreachedAt === null && at > cur.resolveDueAt ? { resolveBreachedAt: at } : {}) }),
      note: resolution,
    }, now);

    // Ask the customer whether they are satisfied (DESIGN §2): a callback N local days later,
    // for whoever owns the customer now. A re-resolution after a reopen moves the pending one.
    const tenant = await loadTenant(tx, actor.tenantId);
    const customer = await tx.customer.findFirstOrThrow({ where: { id: c.customerId, tenantId: c.tenantId }, select: { ownerId: true } });
    // Lands on a working day: nobody calls a customer on the Spring Festival to ask if they are happy.
    const dueOn = onOrNextWorkingDay(
      await loadWorkCalendar(tx, tenant),
      addDays(localDateOf(now, tenant.timeZone), tenant.settings.afterComplaintCallbackDays),
    );
    const pending = await tx.callback.findFirst({
      where: { tenantId: c.tenantId, sourceComplaintId: c.id, reason: "AFTER_COMPLAINT", status: "PENDING" },
    });
    // Language-neutral: the callback is shown with its reason ("after a complaint", 投诉后回访).
    const note = `#${c.number}`;
    const callback = pending
      ? await tx.callback.update({ where: { id: pending.id }, data: { dueOn: toDateColumn(dueOn), assigneeId: customer.ownerId } })
      : await tx.callback.create({
          data: {
            tenantId: c.tenantId,
            customerId: c.customerId,
            assigneeId: customer.ownerId,
            dueOn: toDateColumn(dueOn),
            reason: "AFTER_COMPLAINT",
            sourceComplaintId: c.id,
            note,
          },
        });
    await recordAudit(tx, {
      tenantId: c.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: pending ? "callback.rescheduled" : "callback.scheduled",
      entityType: "Callback",
      entityId: callback.id,
      ...(pending ? { before: { dueOn: pending.dueOn, assigneeId: pending.assigneeId } } : {}),
      after: { customerId: c.customerId, assigneeId: callback.assigneeId, dueOn, reason: "AFTER_COMPLAINT", sourceComplaintId: c.id },
    });
    if (c.reporterId !== actor.memberId) {
      await enqueueNotifications(tx, [
        notification(
          tenant,
          c,
          `member:${c.reporterId}`,
          { kind: "complaint.resolved", audience: "reporter", complaintId: c.id, number: c.number, customerId: c.customerId, byId: actor.memberId },
          `complaint:${c.id}:resolved:cycle${c.reopenCount}:reporter`,
        ),
      ]);
    }
    return { ...toComplaintData(after), callbackId: callback.id, callbackDueOn: dueOn };
  });
}

export async function closeComplaint(deps: CoreDeps, actor: Actor, input: unknown): Promise<ComplaintData> {
  const { complaintId } = parseComplaintInput(complaintRefSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const c = await loadComplaint(tx, actor.tenantId, complaintId);
    await requireMayWork(tx, actor, c);
    const after = await transition(tx, actor, c, { action: "close", data: (_cur, at) => ({ closedAt: at }) }, now);
    return toComplaintData(after);
  });
}

/**
 * Back to OPEN with fresh deadlines counted from the reopen: the old ones are long past, and
 * keeping them would escalate at the next sweep, blaming the team for the reopen instead of for
 * being slow. The assignee and level stay (whoever held it still knows it best; levels never go
 * down), and the cycle's timestamps and breach markers are cleared so the new deadlines are
 * enforced too (earlier cycles remain in the timeline and the audit log).
 */
export async function reopenComplaint(deps: CoreDeps, actor: Actor, input: unknown): Promise<ComplaintData> {
  const { complaintId, reason } = parseComplaintInput(reopenComplaintSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const calendar = await loadWorkCalendar(tx, tenant);
    const c = await loadComplaint(tx, actor.tenantId, complaintId);
    await requireInvolved(tx, actor, c);
    const after = await transition(tx, actor, c, {
      action: "reopen",
      data: (cur, at) => ({
        ...slaSchedule(tenant.settings, calendar, cur.severity, at),
        ackWarnedAt: null,
        resolveWarnedAt: null,
        acknowledgedAt: null,
        resolvedAt: null,
        closedAt: null,
        // The previous resolution stays in the RESOLVED event's note; this cycle has none yet.
        resolution: null,
        ackBreachedAt: null,
        resolveBreachedAt: null,
        reopenCount: { increment: 1 },
      }),
      note: reason,
    }, now);
    const intent = { kind: "complaint.reopened", complaintId: c.id, number: c.number, customerId: c.customerId, severity: c.severity, assigneeId: after.assigneeId, byId: actor.memberId };
    const key = `complaint:${c.id}:reopened:${after.reopenCount}`;
    await enqueueNotifications(tx, [
      notification(tenant, c, `member:${after.assigneeId}`, { ...intent, audience: "assignee" }, `${key}:assignee`),
      notification(tenant, c, "channel:complaints", { ...intent, audience: "channel" }, `${key}:channel`),
    ]);
    return toComplaintData(after);
  });
}

export async function escalateComplaint(deps: CoreDeps, actor: Actor, input: unknown): Promise<ComplaintData> {
  const { complaintId, reason } = parseComplaintInput(escalateComplaintSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const c = await loadComplaint(tx, actor.tenantId, complaintId);
    await requireInvolved(tx, actor, c);
    if (!isActive(c.status)) throw new ConflictError("complaint.not_active", { number: c.number, status: c.status });
    if (c.escalationLevel >= MAX_ESCALATION_LEVEL) throw new ConflictError("complaint.max_level", { level: MAX_ESCALATION_LEVEL });
    const written = await writeEscalation(tx, {
      tenant,
      complaint: c,
      steps: [{ trigger: "manual", fromLevel: c.escalationLevel, toLevel: c.escalationLevel + 1, escalates: true }],
      actor,
      reason,
      now,
    });
    // Lost a race with another click or the sweep: they already moved it a level up.
    if (written === null) throw new ConflictError("complaint.already_escalated", { number: c.number });
    return toComplaintData(await loadComplaint(tx, c.tenantId, c.id));
  });
}
