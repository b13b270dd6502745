// Callbacks (回访, DESIGN.md §2 Callback): scheduled, completed, snoozed and skipped by the
// assignee or whoever may act for them. Every decision is a conditional write on status PENDING,
// so a double click or two people racing produce one decision and a clear "already done by X".
import { Prisma, type Callback, type CallbackReason, type CallbackResult, type CallbackStatus, type Customer, type Tier } from "@prisma/client";
import { DateTime } from "luxon";
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { requireCanActFor } from "../members/authorization.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError, InvalidInputError } from "../shared/errors.js";
import { fromDateColumn, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { callbackInTenant, customerForActor, lockCustomer, requireMayHandleCallback, touchLastContact } from "./access.js";
import { effectiveTier, syncCadenceCallback, type CadenceSync } from "./cadence.js";
import { idField, localDateField, optionalInt, optionalText, parseInput } from "./input.js";
import { checkDueDate, compareDueCallbacks, daysOverdue, snoozedDueDate } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

export interface CallbackView {
  id: string;
  customerId: string;
  assigneeId: string;
  dueOn: LocalDate;
  reason: CallbackReason;
  status: CallbackStatus;
  note: string | null;
  result: CallbackResult | null;
  outcome: string | null;
  satisfaction: number | null;
  snoozeCount: number;
  /** The due date before the first postponement (KPIs count the callback on it); null if never postponed. */
  originalDueOn: LocalDate | null;
  sourceVisitId: string | null;
  sourceComplaintId: string | null;
  completedAt: Date | null;
  completedById: string | null;
  createdAt: Date;
}

export function toCallbackView(c: Callback): CallbackView {
  return {
    id: c.id,
    customerId: c.customerId,
    assigneeId: c.assigneeId,
    dueOn: fromDateColumn(c.dueOn),
    reason: c.reason,
    status: c.status,
    note: c.note,
    result: c.result,
    outcome: c.outcome,
    satisfaction: c.satisfaction,
    snoozeCount: c.snoozeCount,
    originalDueOn: c.originalDueOn ? fromDateColumn(c.originalDueOn) : null,
    sourceVisitId: c.sourceVisitId,
    sourceComplaintId: c.sourceComplaintId,
    completedAt: c.completedAt,
    completedById: c.completedById,
    createdAt: c.createdAt,
  };
}

/** The open cadence callback after a change, as use cases report it. */
export type CadenceRef = { callbackId: string; dueOn: LocalDate } | null;

export function cadenceRefOf(sync: CadenceSync): CadenceRef {
  return sync.action === "none" || sync.action === "closed" ? null : { callbackId: sync.callbackId, dueOn: sync.dueOn };
}

export function cadenceCustomerOf(customer: Customer) {
  return { id: customer.id, tenantId: customer.tenantId, ownerId: customer.ownerId, tier: effectiveTier(customer) };
}

async function context(deps: CoreDeps, actor: Actor) {
  const now = deps.clock.now();
  const tenant = await loadTenant(deps.db, actor.tenantId);
  return { now, tenant, today: localDateOf(now, tenant.timeZone) };
}

/** Throws the conflict that says who closed the callback and when (tenant-local time). */
async function throwClosed(db: Queryable, callback: Callback, timeZone: string): Promise<never> {
  const by = callback.completedById
    ? await db.member.findFirst({ where: { id: callback.completedById, tenantId: callback.tenantId }, select: { displayName: true } })
    : null;
  const at = callback.completedAt ?? callback.updatedAt;
  throw new ConflictError(callback.status === "SKIPPED" ? "callback.already_skipped" : "callback.already_done", {
    // Closed by Accord itself (a customer re-tiered to C) has no member behind it.
    by: by?.displayName ?? "Accord",
    at: DateTime.fromJSDate(at, { zone: timeZone }).toFormat("yyyy-MM-dd HH:mm"),
  });
}

/**
 * The callback, checked against the actor, read again after locking its customer so its status
 * is the one every concurrent decision on that customer sees.
 */
async function lockedCallback(tx: Tx, actor: Actor, callbackId: string): Promise<Callback> {
  const seen = await callbackInTenant(tx, actor.tenantId, callbackId);
  await requireMayHandleCallback(tx, actor, seen);
  await lockCustomer(tx, actor.tenantId, seen.customerId);
  return callbackInTenant(tx, actor.tenantId, seen.id);
}

// ---------------------------------------------------------------------------------------------
// scheduleCallback

export const scheduleCallbackSchema = z.object({
  customerId: idField("callback.invalid_input"),
  dueOn: localDateField("callback.invalid_date"),
  note: optionalText(500, "callback.text_too_long"),
  /** Defaults to the customer's owner. */
  assigneeId: idField("callback.invalid_input").nullish(),
});
export type ScheduleCallbackInput = z.input<typeof scheduleCallbackSchema>;

/** A MANUAL callback for the customer's owner, or for an assignee the actor may act for. */
export async function scheduleCallback(deps: CoreDeps, actor: Actor, input: ScheduleCallbackInput | unknown): Promise<CallbackView> {
  const data = parseInput(scheduleCallbackSchema, input, "callback.invalid_input");
  const { today } = await context(deps, actor);
  checkDueDate(today, data.dueOn);
  return inTransaction(deps, async (tx) => {
    const customer = await customerForActor(tx, actor, data.customerId, "callback.customer_not_found");
    const assigneeId = data.assigneeId ?? customer.ownerId;
    if (assigneeId !== customer.ownerId) {
      const assignee = await tx.member.findFirst({ where: { id: assigneeId, tenantId: actor.tenantId, active: true } });
      if (!assignee) throw new InvalidInputError("callback.unknown_assignee", { member: assigneeId });
    }
    if (assigneeId !== actor.memberId) await requireCanActFor(tx, actor, assigneeId, "callback");
    const created = await tx.callback.create({
      data: {
        tenantId: actor.tenantId,
        customerId: customer.id,
        assigneeId,
        dueOn: toDateColumn(data.dueOn),
        reason: "MANUAL",
        note: data.note ?? null,
      },
    });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "callback.scheduled",
      entityType: "Callback",
      entityId: created.id,
      after: { customerId: customer.id, assigneeId, dueOn: data.dueOn, reason: "MANUAL", note: created.note },
    });
    return toCallbackView(created);
  });
}

// ---------------------------------------------------------------------------------------------
// completeCallback

export const CALLBACK_RESULTS = ["REACHED", "NO_ANSWER", "CALL_LATER"] as const;

export const completeCallbackSchema = z.object({
  callbackId: idField("callback.invalid_input"),
  /** The quick choice: reached the customer, nobody answered, asked to be called later. */
  result: z
    .enum(CALLBACK_RESULTS, { error: "callback.invalid_result" })
    .nullish()
    .transform((v) => v ?? undefined),
  outcome: optionalText(1000, "callback.text_too_long"),
  satisfaction: optionalInt(1, 5, "callback.invalid_satisfaction"),
});
export type CompleteCallbackInput = z.input<typeof completeCallbackSchema>;

export interface CompleteCallbackResult {
  callback: CallbackView;
  /** The customer's open cadence callback afterwards (re-armed from today), null for tier C. */
  cadence: CadenceRef;
}

/**
 * Marks a callback DONE with its outcome: a quick-choice result, a line of text, or both (one of
 * them is required: a tap that records nothing made the churn score forget a silent customer).
 * A callback that reached the customer is a contact (DESIGN.md §2 churn signal: "days since last
 * visit or done callback"): it moves the customer's last contact. "No answer" is an attempt, not
 * a contact: the last contact and the churn score's contact gap stay. Either way the cadence
 * restarts from today; a CADENCE callback is replaced by the next one in the same transaction,
 * so the invariant holds at every commit.
 */
export async function completeCallback(
  deps: CoreDeps,
  actor: Actor,
  input: CompleteCallbackInput | unknown,
): Promise<CompleteCallbackResult> {
  const data = parseInput(completeCallbackSchema, input, "callback.invalid_input");
  if (!data.result && !data.outcome) throw new InvalidInputError("callback.outcome_required", { field: "outcome" });
  const contact = data.result !== "NO_ANSWER";
  const { now, tenant, today } = await context(deps, actor);
  return inTransaction(deps, async (tx) => {
    const before = await lockedCallback(tx, actor, data.callbackId);
    if (before.status !== "PENDING") return throwClosed(tx, before, tenant.timeZone);
    // The decision: only one transaction can move the row out of PENDING (the customer lock
    // already serializes ours; the condition also holds against any other writer).
    const won = await tx.callback.updateMany({
      where: { id: before.id, tenantId: actor.tenantId, status: "PENDING" },
      data: {
        status: "DONE",
        result: data.result ?? null,
        outcome: data.outcome ?? null,
        satisfaction: data.satisfaction ?? null,
        completedAt: now,
        completedById: actor.memberId,
        openCadenceKey: null,
      },
    });
    if (won.count === 0) return throwClosed(tx, await callbackInTenant(tx, actor.tenantId, before.id), tenant.timeZone);
    const customer = await tx.customer.findFirstOrThrow({ where: { id: before.customerId, tenantId: actor.tenantId } });
    const by = { actorId: actor.memberId, platform: actor.platform };
    const cadence = await syncCadenceCallback(tx, tenant.settings, cadenceCustomerOf(customer), today, contact ? today : null, by);
    if (contact) await touchLastContact(tx, actor.tenantId, before.customerId, now);
    const after = await tx.callback.findUniqueOrThrow({ where: { id: before.id } });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "callback.completed",
      entityType: "Callback",
      entityId: before.id,
      before: { status: before.status },
      after: { status: after.status, result: after.result, outcome: after.outcome, satisfaction: after.satisfaction },
    });
    return { callback: toCallbackView(after), cadence: cadenceRefOf(cadence) };
  });
}

// ---------------------------------------------------------------------------------------------
// snoozeCallback

export const snoozeCallbackSchema = z
  .object({
    callbackId: idField("callback.invalid_input"),
    days: optionalInt(1, Number.MAX_SAFE_INTEGER, "callback.snooze_not_later"),
    until: localDateField("callback.invalid_date").nullish(),
  })
  .refine((v) => v.days === undefined || v.until == null, { error: "callback.invalid_input", path: ["until"] });
export type SnoozeCallbackInput = z.input<typeof snoozeCallbackSchema>;

/**
 * Postpones a pending callback: by `days` (default 1) or to `until`, at most 30 days on. The
 * first postponement keeps the original due date (KPIs count the callback on it and measure
 * "on time" against it) and every one is recorded (count, time, audit row).
 */
export async function snoozeCallback(deps: CoreDeps, actor: Actor, input: SnoozeCallbackInput | unknown): Promise<CallbackView> {
  const data = parseInput(snoozeCallbackSchema, input, "callback.invalid_input");
  const { tenant, today } = await context(deps, actor);
  return inTransaction(deps, async (tx) => {
    const before = await callbackInTenant(tx, actor.tenantId, data.callbackId);
    await requireMayHandleCallback(tx, actor, before);
    if (before.status !== "PENDING") return throwClosed(tx, before, tenant.timeZone);
    const dueOn = snoozedDueDate(today, fromDateColumn(before.dueOn), { days: data.days, until: data.until ?? undefined });
    // Conditional on what we read: a second click on the same (now stale) Snooze button must not
    // snooze twice.
    const moved = await tx.callback.updateMany({
      where: { id: before.id, tenantId: actor.tenantId, status: "PENDING", dueOn: before.dueOn, snoozeCount: before.snoozeCount },
      data: {
        dueOn: toDateColumn(dueOn),
        snoozeCount: before.snoozeCount + 1,
        originalDueOn: before.originalDueOn ?? before.dueOn,
        postponedAt: deps.clock.now(),
      },
    });
    if (moved.count === 0) {
      const now = await callbackInTenant(tx, actor.tenantId, before.id);
      if (now.status !== "PENDING") return throwClosed(tx, now, tenant.timeZone);
      throw new ConflictError("callback.changed");
    }
    const after = await tx.callback.findUniqueOrThrow({ where: { id: before.id } });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "callback.snoozed",
      entityType: "Callback",
      entityId: before.id,
      before: { dueOn: fromDateColumn(before.dueOn), snoozeCount: before.snoozeCount },
      after: { dueOn, snoozeCount: after.snoozeCount, originalDueOn: fromDateColumn(after.originalDueOn ?? before.dueOn) },
    });
    return toCallbackView(after);
  });
}

// ---------------------------------------------------------------------------------------------
// skipCallback

export const skipCallbackSchema = z.object({
  callbackId: idField("callback.invalid_input"),
  reason: z
    .string({ error: "callback.skip_reason_required" })
    .trim()
    .min(1, { error: "callback.skip_reason_required" })
    .max(500, { error: "callback.text_too_long" }),
});
export type SkipCallbackInput = z.input<typeof skipCallbackSchema>;

export interface SkipCallbackResult {
  callback: CallbackView;
  /** The customer's open cadence callback afterwards; a skipped cadence call is re-armed from today. */
  cadence: CadenceRef;
}

/** Closes a callback without a contact; the reason is kept as its outcome. */
export async function skipCallback(deps: CoreDeps, actor: Actor, input: SkipCallbackInput | unknown): Promise<SkipCallbackResult> {
  const data = parseInput(skipCallbackSchema, input, "callback.invalid_input");
  const { now, tenant, today } = await context(deps, actor);
  return inTransaction(deps, async (tx) => {
    const before = await lockedCallback(tx, actor, data.callbackId);
    if (before.status !== "PENDING") return throwClosed(tx, before, tenant.timeZone);
    const won = await tx.callback.updateMany({
      where: { id: before.id, tenantId: actor.tenantId, status: "PENDING" },
      data: { status: "SKIPPED", outcome: data.reason, completedAt: now, completedById: actor.memberId, openCadenceKey: null },
    });
    if (won.count === 0) return throwClosed(tx, await callbackInTenant(tx, actor.tenantId, before.id), tenant.timeZone);
    let cadence: CadenceSync | null = null;
    if (before.reason === "CADENCE") {
      // Not a contact: the last contact stays, and the next cadence call counts from today.
      const customer = await tx.customer.findFirstOrThrow({ where: { id: before.customerId, tenantId: actor.tenantId } });
      cadence = await syncCadenceCallback(tx, tenant.settings, cadenceCustomerOf(customer), today, null, {
        actorId: actor.memberId,
        platform: actor.platform,
      });
    }
    const after = await tx.callback.findUniqueOrThrow({ where: { id: before.id } });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "callback.skipped",
      entityType: "Callback",
      entityId: before.id,
      before: { status: before.status },
      after: { status: after.status, reason: data.reason },
    });
    const open =
      cadence === null
        ? await tx.callback.findFirst({ where: { tenantId: actor.tenantId, openCadenceKey: before.customerId } })
        : null;
    return {
      callback: toCallbackView(after),
      cadence: cadence ? cadenceRefOf(cadence) : open ? { callbackId: open.id, dueOn: fromDateColumn(open.dueOn) } : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Due lists

export interface DueCallback {
  id: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  assigneeId: string;
  dueOn: LocalDate;
  daysOverdue: number;
  reason: CallbackReason;
  note: string | null;
  snoozeCount: number;
}

interface DueRow {
  id: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  assigneeId: string;
  dueOn: string;
  reason: CallbackReason;
  note: string | null;
  snoozeCount: number;
}

/**
 * PENDING callbacks due on or before `today` (a tenant-local day) for the given assignees (null:
 * everyone in the tenant), with their customer, in due-list order. One query for any number of
 * assignees, so the morning digest can use it for a whole team.
 */
export async function dueCallbacksFor(
  db: Queryable,
  tenantId: string,
  today: LocalDate,
  assigneeIds: readonly string[] | null,
): Promise<DueCallback[]> {
  if (assigneeIds !== null && assigneeIds.length === 0) return [];
  const byAssignee = assigneeIds === null ? Prisma.empty : Prisma.sql`AND cb."assigneeId" IN (${Prisma.join(assigneeIds)})`;
  // DATE columns are read as text: a Date built by the driver would carry the server's offset.
  const rows = await db.$queryRaw<DueRow[]>`
    SELECT cb.id, cb."customerId", cu.name AS "customerName",
           COALESCE(cu."tierOverride", cu.tier)::text AS tier, cb."assigneeId",
           to_char(cb."dueOn", 'YYYY-MM-DD') AS "dueOn", cb.reason::text AS reason, cb.note, cb."snoozeCount"
    FROM "Callback" cb
    JOIN "Customer" cu ON cu.id = cb."customerId" AND cu."tenantId" = cb."tenantId"
    WHERE cb."tenantId" = ${tenantId} AND cb.status = 'PENDING' AND cb."dueOn" <= ${today}::date ${byAssignee}`;
  return rows
    .map((r) => ({ ...r, snoozeCount: Number(r.snoozeCount), daysOverdue: daysOverdue(today, r.dueOn) }))
    .sort(compareDueCallbacks);
}

/** The actor's callbacks due today (tenant-local) and overdue: VIP first, most overdue first, then name. */
export async function myCallbacks(deps: CoreDeps, actor: Actor): Promise<DueCallback[]> {
  const { today } = await context(deps, actor);
  return dueCallbacksFor(deps.db, actor.tenantId, today, [actor.memberId]);
}

export interface OpenCallback extends CallbackView {
  assigneeName: string;
  daysOverdue: number;
}

/** The customer's open (PENDING) callbacks, soonest first. */
export async function callbacksForCustomer(deps: CoreDeps, actor: Actor, customerId: string): Promise<OpenCallback[]> {
  const id = parseInput(z.object({ customerId: idField("callback.invalid_input") }), { customerId }, "callback.invalid_input").customerId;
  const { today } = await context(deps, actor);
  const customer = await customerForActor(deps.db, actor, id, "callback.customer_not_found");
  const open = await deps.db.callback.findMany({
    where: { tenantId: actor.tenantId, customerId: customer.id, status: "PENDING" },
    orderBy: [{ dueOn: "asc" }, { createdAt: "asc" }],
  });
  const assignees = await deps.db.member.findMany({
    where: { tenantId: actor.tenantId, id: { in: [...new Set(open.map((c) => c.assigneeId))] } },
    select: { id: true, displayName: true },
  });
  const names = new Map(assignees.map((m) => [m.id, m.displayName]));
  return open.map((c) => ({
    ...toCallbackView(c),
    assigneeName: names.get(c.assigneeId) ?? c.assigneeId,
    daysOverdue: daysOverdue(today, fromDateColumn(c.dueOn)),
  }));
}
