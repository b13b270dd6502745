// Planned visits (联络计划) and the visit cadence (tiers.visitEveryDays, DESIGN.md §2 tiers table):
// every customer of a tier with a visit cadence always has its next planned visit (one open
// CADENCE plan, enforced by the unique openCadenceKey like the callback cadence), planned on a
// working day; a face-to-face visit satisfies the plans due around it and restarts the cadence;
// `visit plan` adds a plan by hand.
import type { Tier, VisitKind, VisitPlan } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { onOrNextWorkingDay, type WorkCalendar } from "../calendar/calendar.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { customerForActor } from "../callbacks/access.js";
import { effectiveTier, nextCadenceDate, resyncedDue } from "../callbacks/cadence.js";
import { MAX_SCHEDULE_AHEAD_DAYS } from "../callbacks/rules.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, fromDateColumn, isLocalDate, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { VISIT_SATISFIES_WINDOW_DAYS } from "../visits/rules.js";

/** Kinds of visit that count for the on-site visit cadence: meeting the customer in person. */
export const FACE_TO_FACE: readonly VisitKind[] = ["ON_SITE", "RECEPTION"];

export function visitCadenceDays(settings: TenantSettings, tier: Tier): number | null {
  return tier === "C" ? null : settings.tiers.visitEveryDays[tier];
}


export interface PlannedVisitView {
  id: string;
  customerId: string;
  assigneeId: string;
  plannedOn: LocalDate;
  purpose: string | null;
  reason: VisitPlan["reason"];
  status: VisitPlan["status"];
}

export function toPlannedVisitView(p: VisitPlan): PlannedVisitView {
  return {
    id: p.id,
    customerId: p.customerId,
    assigneeId: p.assigneeId,
    plannedOn: fromDateColumn(p.plannedOn),
    purpose: p.purpose,
    reason: p.reason,
    status: p.status,
  };
}

export interface PlanVisitInput {
  customerId: string;
  date: LocalDate;
  purpose?: string | null | undefined;
}

export interface PlanVisitResult {
  plan: PlannedVisitView;
  /** The planned day is not a working day in the tenant's calendar (allowed: customers are met on Saturdays too). */
  nonWorkingDay: boolean;
}

/** `visit plan <customer> <date> [purpose]`: a visit planned by hand, today or later, for the customer's account manager. */
export async function planVisit(deps: CoreDeps, actor: Actor, input: PlanVisitInput): Promise<PlanVisitResult> {
  if (!isLocalDate(input.date)) throw new InvalidInputError("plan.invalid_date", { value: input.date });
  const purpose = input.purpose?.trim() ? input.purpose.trim() : null;
  if (purpose && [...purpose].length > 200) throw new InvalidInputError("plan.purpose_too_long", { max: 200 });
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const today = localDateOf(now, tenant.timeZone);
    if (input.date < today) throw new InvalidInputError("plan.date_in_past", { date: input.date, today });
    if (input.date > addDays(today, MAX_SCHEDULE_AHEAD_DAYS)) throw new InvalidInputError("plan.date_too_far", { date: input.date });
    const customer = await customerForActor(tx, actor, input.customerId, "plan.customer_not_found");
    const created = await tx.visitPlan.create({
      data: {
        tenantId: actor.tenantId,
        customerId: customer.id,
        assigneeId: customer.ownerId,
        plannedOn: toDateColumn(input.date),
        purpose,
        reason: "MANUAL",
        createdById: actor.memberId,
      },
    });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "visit_plan.created",
      entityType: "VisitPlan",
      entityId: created.id,
      after: { customerId: customer.id, assigneeId: created.assigneeId, plannedOn: input.date, purpose, reason: "MANUAL" },
    });
    const cal = await loadWorkCalendar(tx, tenant);
    return { plan: toPlannedVisitView(created), nonWorkingDay: onOrNextWorkingDay(cal, input.date) !== input.date };
  });
}

export interface VisitPlanSync {
  /** Plans the visit completed. */
  done: PlannedVisitView[];
  /** The customer's open cadence plan afterwards (null: its tier has no visit cadence). */
  next: PlannedVisitView | null;
}

/**
 * After a logged visit (inside its transaction): a face-to-face visit completes the customer's
 * open plans due up to VISIT_SATISFIES_WINDOW_DAYS after the visit day (the same window as for
 * callbacks) and restarts the visit cadence from the visit day. Any other kind leaves plans alone.
 */
export async function syncVisitPlansAfterVisit(
  tx: Tx,
  tenant: TenantView,
  customer: { id: string; tenantId: string; ownerId: string; tier: Tier; tierOverride: Tier | null },
  visit: { id: string; kind: VisitKind; occurredAt: Date },
  today: LocalDate,
  actorId: string,
): Promise<VisitPlanSync> {
  if (!FACE_TO_FACE.includes(visit.kind)) return { done: [], next: null };
  const visitDay = localDateOf(visit.occurredAt, tenant.timeZone);
  const done = await tx.visitPlan.updateManyAndReturn({
    where: { tenantId: tenant.id, customerId: customer.id, status: "PLANNED", plannedOn: { lte: toDateColumn(addDays(visitDay, VISIT_SATISFIES_WINDOW_DAYS)) } },
    data: { status: "DONE", visitId: visit.id, openCadenceKey: null },
  });
  for (const p of done) {
    await recordAudit(tx, {
      tenantId: tenant.id,
      actorId,
      platform: null,
      action: "visit_plan.done",
      entityType: "VisitPlan",
      entityId: p.id,
      before: { status: "PLANNED" },
      after: { status: "DONE", visitId: visit.id },
    });
  }
  // A back-dated visit older than the latest one must not pull the next visit in.
  const latest = await tx.visit.findFirst({
    where: { tenantId: tenant.id, customerId: customer.id, kind: { in: [...FACE_TO_FACE] } },
    orderBy: { occurredAt: "desc" },
    select: { occurredAt: true },
  });
  const lastVisit = latest ? localDateOf(latest.occurredAt, tenant.timeZone) : visitDay;
  const next = await syncCadencePlan(tx, tenant, await loadWorkCalendar(tx, tenant), customer, today, lastVisit > visitDay ? lastVisit : visitDay);
  return { done: done.map(toPlannedVisitView), next };
}

/**
 * One customer's visit cadence inside the transaction that created or changed it, so a new or
 * re-tiered customer has its next planned visit at once rather than at the next daily sweep
 * (ensureVisitCadence stays the safety net). A tier change recounts from the last face-to-face
 * visit; a churned customer has no visit cadence.
 */
export async function syncCustomerVisitCadence(
  tx: Tx,
  tenant: TenantView,
  customer: { id: string; tenantId: string; ownerId: string; tier: Tier; tierOverride: Tier | null; status: string },
  today: LocalDate,
  tierChanged: boolean,
): Promise<PlannedVisitView | null> {
  if (customer.status === "CHURNED") {
    await tx.visitPlan.updateMany({ where: { tenantId: tenant.id, openCadenceKey: customer.id, status: "PLANNED" }, data: { status: "CANCELLED", openCadenceKey: null } });
    return null;
  }
  let lastVisit: LocalDate | null = null;
  if (tierChanged) {
    const latest = await tx.visit.findFirst({
      where: { tenantId: tenant.id, customerId: customer.id, kind: { in: [...FACE_TO_FACE] } },
      orderBy: { occurredAt: "desc" },
      select: { occurredAt: true },
    });
    lastVisit = latest ? localDateOf(latest.occurredAt, tenant.timeZone) : null;
  }
  return syncCadencePlan(tx, tenant, await loadWorkCalendar(tx, tenant), customer, today, lastVisit);
}

/** Brings one customer's open cadence plan in line with its tier, owner and last visit. */
export async function syncCadencePlan(
  tx: Tx,
  tenant: TenantView,
  cal: WorkCalendar,
  customer: { id: string; tenantId: string; ownerId: string; tier: Tier; tierOverride: Tier | null },
  today: LocalDate,
  lastVisit: LocalDate | null,
): Promise<PlannedVisitView | null> {
  const cadence = visitCadenceDays(tenant.settings, effectiveTier(customer));
  const open = await tx.visitPlan.findFirst({ where: { tenantId: tenant.id, openCadenceKey: customer.id } });
  if (cadence === null) {
    if (open) await tx.visitPlan.updateMany({ where: { id: open.id, status: "PLANNED" }, data: { status: "CANCELLED", openCadenceKey: null } });
    return null;
  }
  const due = nextCadenceDate(cal, today, lastVisit, cadence);
  if (!open) {
    const created = await tx.visitPlan.create({
      data: { tenantId: tenant.id, customerId: customer.id, assigneeId: customer.ownerId, plannedOn: toDateColumn(due), reason: "CADENCE", openCadenceKey: customer.id },
    });
    return toPlannedVisitView(created);
  }
  const current = fromDateColumn(open.plannedOn);
  const plannedOn = resyncedDue(current, due, lastVisit !== null);
  if (plannedOn === current && open.assigneeId === customer.ownerId) return toPlannedVisitView(open);
  const moved = await tx.visitPlan.update({ where: { id: open.id }, data: { plannedOn: toDateColumn(plannedOn), assigneeId: customer.ownerId } });
  return toPlannedVisitView(moved);
}

/**
 * The set-based cadence for a whole tenant (the daily sweep and the first plan of the day): every
 * customer of a tier with a visit cadence and no open cadence plan gets one, counted from its last
 * face-to-face visit; open cadence plans follow their customer's owner. Returns plans created.
 */
const CADENCE_FILL_BATCH = 5_000;

export async function ensureVisitCadence(deps: CoreDeps, tenant: TenantView, now: Date): Promise<number> {
  const today = localDateOf(now, tenant.timeZone);
  const cadences = tenant.settings.tiers.visitEveryDays;
  let created = 0;
  let calendar: WorkCalendar | null = null;
  // In batches by customer id: a first fill plans every VIP/A/B customer of a department (79,000
  // of 100,000 in bench:core), and one result set of them all would hold them all in memory.
  for (let after = ""; ; ) {
    const missing = await deps.db.$queryRaw<Array<{ id: string; ownerId: string; tier: Tier; lastVisit: Date | null }>>`
      SELECT c.id, c."ownerId", COALESCE(c."tierOverride", c.tier)::text AS tier,
        (SELECT max(v."occurredAt") FROM "Visit" v
          WHERE v."tenantId" = c."tenantId" AND v."customerId" = c.id AND v.kind IN ('ON_SITE', 'RECEPTION')) AS "lastVisit"
      FROM "Customer" c
      WHERE c."tenantId" = ${tenant.id} AND COALESCE(c."tierOverride", c.tier) <> 'C' AND c.status <> 'CHURNED' AND c.id > ${after}
        AND NOT EXISTS (SELECT 1 FROM "VisitPlan" p WHERE p."tenantId" = c."tenantId" AND p."openCadenceKey" = c.id)
      ORDER BY c.id LIMIT ${CADENCE_FILL_BATCH}`;
    if (missing.length === 0) break;
    after = missing[missing.length - 1]!.id;
    const cal = (calendar ??= await loadWorkCalendar(deps.db, tenant));
    const planned = missing.map((m) =>
      nextCadenceDate(cal, today, m.lastVisit ? localDateOf(m.lastVisit, tenant.timeZone) : null, cadences[m.tier as "VIP" | "A" | "B"]),
    );
    created += await deps.db.$executeRaw`
      INSERT INTO "VisitPlan" (id, "tenantId", "customerId", "assigneeId", "plannedOn", reason, status, "openCadenceKey", "updatedAt")
      SELECT gen_random_uuid()::text, ${tenant.id}, r.customer, r.owner, r.planned::date, 'CADENCE', 'PLANNED', r.customer, now()
      FROM unnest(${missing.map((m) => m.id)}::text[], ${missing.map((m) => m.ownerId)}::text[], ${planned}::text[])
        AS r(customer, owner, planned)
      ON CONFLICT DO NOTHING`;
    if (missing.length < CADENCE_FILL_BATCH) break;
  }
  await deps.db.$executeRaw`
    UPDATE "VisitPlan" p SET "assigneeId" = c."ownerId", "updatedAt" = now()
    FROM "Customer" c
    WHERE p."tenantId" = ${tenant.id} AND p."openCadenceKey" IS NOT NULL AND c.id = p."openCadenceKey" AND p."assigneeId" <> c."ownerId"`;
  // A customer re-tiered to C or churned no longer has a visit cadence.
  await deps.db.$executeRaw`
    UPDATE "VisitPlan" p SET status = 'CANCELLED', "openCadenceKey" = NULL, "updatedAt" = now()
    FROM "Customer" c
    WHERE p."tenantId" = ${tenant.id} AND p."openCadenceKey" IS NOT NULL AND c.id = p."openCadenceKey"
      AND (COALESCE(c."tierOverride", c.tier) = 'C' OR c.status = 'CHURNED')`;
  return created;
}
