// After `import customers --update`: each customer a row changed gets the cadence re-sync a command
// gives it (customers.ts resyncCadence) — its open cadence callback and its next planned visit
// follow its new tier, owner and status — in the import's transaction, audited. The rules are the
// command's (callbacks/cadence.ts, plans/visit-plans.ts); only the reads and writes are set-based,
// on the import's own connection (a DirectTx: Prisma's sync cannot run on it, and PGlite has no
// second connection to run it on).
import { Prisma, type Platform, type Tier } from "@prisma/client";
import type { DirectTx } from "../../db/direct.js";
import { toAuditJson } from "../audit/audit.js";
import type { WorkCalendar } from "../calendar/calendar.js";
import { cadenceAuditEntry, cadenceDaysFor, nextCadenceDate, resyncedDue, type CadenceSync } from "../callbacks/cadence.js";
import { FACE_TO_FACE, visitCadenceDays } from "../plans/visit-plans.js";
import { fromDateColumn, localDateOf, type LocalDate } from "../shared/time.js";
import type { TenantView } from "../tenants/tenants.js";

/** Customers re-synced per round trip: bounds the rows held in memory on a large update. */
const BATCH = 5000;

interface UpdatedCustomer {
  line: number;
  id: string;
  ownerId: string;
  tier: Tier;
  status: string;
  tierChanged: boolean;
  statusChanged: boolean;
  lastContactAt: Date | null;
  lastVisitAt: Date | null;
  callbackId: string | null;
  callbackDue: Date | null;
  callbackAssignee: string | null;
  planId: string | null;
  planOn: Date | null;
  planAssignee: string | null;
}

export interface AuditRow {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after: unknown;
}

export interface ImportCadenceContext {
  tenant: Pick<TenantView, "id" | "timeZone" | "settings">;
  calendar: WorkCalendar;
  today: LocalDate;
  importId: string;
}

/**
 * Re-syncs the cadence callback and the cadence visit plan of every customer the staged rows
 * updated, and returns the audit rows for what moved. Run before the owner handover of the
 * other pending callbacks, so a moved callback's audit row names the owner it had.
 */
export async function syncUpdatedCadences(tx: DirectTx, ctx: ImportCadenceContext): Promise<AuditRow[]> {
  const audit: AuditRow[] = [];
  for (let after = 0; ; ) {
    const rows = await tx.query<UpdatedCustomer>(Prisma.sql`
      SELECT s.line, s.id, s.owner_id AS "ownerId", s.tier, s.status,
        (s.before ? 'tier') AS "tierChanged", (s.before ? 'status') AS "statusChanged",
        c."lastContactAt",
        (SELECT max(v."occurredAt") FROM "Visit" v
          WHERE v."tenantId" = ${ctx.tenant.id} AND v."customerId" = s.id AND v.kind::text = ANY(${[...FACE_TO_FACE]}::text[])) AS "lastVisitAt",
        cb.id AS "callbackId", cb."dueOn" AS "callbackDue", cb."assigneeId" AS "callbackAssignee",
        p.id AS "planId", p."plannedOn" AS "planOn", p."assigneeId" AS "planAssignee"
      FROM import_customer_rows s
      JOIN "Customer" c ON c."tenantId" = ${ctx.tenant.id} AND c.id = s.id
      LEFT JOIN "Callback" cb ON cb."tenantId" = ${ctx.tenant.id} AND cb."openCadenceKey" = s.id
      LEFT JOIN "VisitPlan" p ON p."tenantId" = ${ctx.tenant.id} AND p."openCadenceKey" = s.id
      WHERE s.outcome = 'updated' AND s.line > ${after}
      ORDER BY s.line LIMIT ${BATCH}`);
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]!.line);
    audit.push(...(await syncCallbacks(tx, ctx, rows)), ...(await syncVisitPlans(tx, ctx, rows)));
    if (rows.length < BATCH) break;
  }
  return audit.map((a) => ({ ...a, after: { ...(a.after as object), importId: ctx.importId } }));
}

/** applyCadence (callbacks/cadence.ts) for a batch: a tier change counts from the last contact. */
async function syncCallbacks(tx: DirectTx, ctx: ImportCadenceContext, rows: UpdatedCustomer[]): Promise<AuditRow[]> {
  const closed: Array<{ row: UpdatedCustomer; callbackId: string }> = [];
  const created: Array<{ row: UpdatedCustomer; dueOn: LocalDate }> = [];
  const moved: Array<{ row: UpdatedCustomer; callbackId: string; dueOn: LocalDate }> = [];
  for (const r of rows) {
    const cadence = cadenceDaysFor(ctx.tenant.settings, r.tier);
    if (cadence === null) {
      if (r.callbackId !== null) closed.push({ row: r, callbackId: r.callbackId });
      continue;
    }
    const lastContact = r.tierChanged && r.lastContactAt ? localDateOf(r.lastContactAt, ctx.tenant.timeZone) : null;
    const due = nextCadenceDate(ctx.calendar, ctx.today, lastContact, cadence);
    if (r.callbackId === null) {
      created.push({ row: r, dueOn: due });
      continue;
    }
    const dueOn = resyncedDue(fromDateColumn(r.callbackDue!), due, lastContact !== null);
    if (dueOn !== fromDateColumn(r.callbackDue!) || r.callbackAssignee !== r.ownerId) moved.push({ row: r, callbackId: r.callbackId, dueOn });
  }
  const results: Array<{ customerId: string; result: CadenceSync }> = [];
  if (closed.length > 0) {
    await tx.execute(Prisma.sql`
      UPDATE "Callback" SET "status" = 'SKIPPED', "openCadenceKey" = NULL, "outcome" = 'tier C: no cadence', "updatedAt" = now()
      WHERE "tenantId" = ${ctx.tenant.id} AND "id" = ANY(${closed.map((x) => x.callbackId)}::text[]) AND "status" = 'PENDING'`);
    for (const x of closed) results.push({ customerId: x.row.id, result: { action: "closed", callbackId: x.callbackId, dueOn: fromDateColumn(x.row.callbackDue!) } });
  }
  if (created.length > 0) {
    const ids = await tx.query<{ id: string; customerId: string }>(Prisma.sql`
      INSERT INTO "Callback" ("id", "tenantId", "customerId", "assigneeId", "dueOn", "reason", "openCadenceKey", "updatedAt")
      SELECT gen_random_uuid()::text, ${ctx.tenant.id}, r.customer, r.assignee, r.due::date, 'CADENCE', r.customer, now()
      FROM unnest(${created.map((x) => x.row.id)}::text[], ${created.map((x) => x.row.ownerId)}::text[], ${created.map((x) => x.dueOn)}::text[])
        AS r(customer, assignee, due)
      RETURNING "id", "customerId"`);
    const byCustomer = new Map(ids.map((i) => [i.customerId, i.id]));
    for (const x of created) {
      results.push({ customerId: x.row.id, result: { action: "created", callbackId: byCustomer.get(x.row.id)!, dueOn: x.dueOn, assigneeId: x.row.ownerId } });
    }
  }
  if (moved.length > 0) {
    await tx.execute(Prisma.sql`
      UPDATE "Callback" cb SET "assigneeId" = r.assignee, "dueOn" = r.due::date, "updatedAt" = now()
      FROM unnest(${moved.map((x) => x.callbackId)}::text[], ${moved.map((x) => x.row.ownerId)}::text[], ${moved.map((x) => x.dueOn)}::text[])
        AS r(id, assignee, due)
      WHERE cb."tenantId" = ${ctx.tenant.id} AND cb."id" = r.id AND cb."status" = 'PENDING'`);
    for (const x of moved) {
      results.push({
        customerId: x.row.id,
        result: {
          action: "updated",
          callbackId: x.callbackId,
          dueOn: x.dueOn,
          assigneeId: x.row.ownerId,
          previous: { dueOn: fromDateColumn(x.row.callbackDue!), assigneeId: x.row.callbackAssignee! },
        },
      });
    }
  }
  return results.flatMap((x) => cadenceAuditEntry(x.customerId, x.result) ?? []);
}

/** syncCustomerVisitCadence (plans/visit-plans.ts) for a batch: a tier or status change counts from the last face-to-face visit. */
async function syncVisitPlans(tx: DirectTx, ctx: ImportCadenceContext, rows: UpdatedCustomer[]): Promise<AuditRow[]> {
  const cancelled: UpdatedCustomer[] = [];
  const created: Array<{ row: UpdatedCustomer; plannedOn: LocalDate }> = [];
  const moved: Array<{ row: UpdatedCustomer; plannedOn: LocalDate }> = [];
  for (const r of rows) {
    const cadence = r.status === "CHURNED" ? null : visitCadenceDays(ctx.tenant.settings, r.tier);
    if (cadence === null) {
      if (r.planId !== null) cancelled.push(r);
      continue;
    }
    const restarted = r.tierChanged || r.statusChanged;
    const lastVisit = restarted && r.lastVisitAt ? localDateOf(r.lastVisitAt, ctx.tenant.timeZone) : null;
    const due = nextCadenceDate(ctx.calendar, ctx.today, lastVisit, cadence);
    if (r.planId === null) {
      created.push({ row: r, plannedOn: due });
      continue;
    }
    const current = fromDateColumn(r.planOn!);
    const plannedOn = resyncedDue(current, due, lastVisit !== null);
    if (plannedOn !== current || r.planAssignee !== r.ownerId) moved.push({ row: r, plannedOn });
  }
  const audit: AuditRow[] = [];
  if (cancelled.length > 0) {
    await tx.execute(Prisma.sql`
      UPDATE "VisitPlan" SET "status" = 'CANCELLED', "openCadenceKey" = NULL, "updatedAt" = now()
      WHERE "tenantId" = ${ctx.tenant.id} AND "id" = ANY(${cancelled.map((r) => r.planId)}::text[]) AND "status" = 'PLANNED'`);
    for (const r of cancelled) {
      audit.push({ action: "visit_plan.cadence_cancelled", entityType: "VisitPlan", entityId: r.planId!, before: { status: "PLANNED" }, after: { status: "CANCELLED" } });
    }
  }
  if (created.length > 0) {
    const ids = await tx.query<{ id: string; customerId: string; plannedOn: Date }>(Prisma.sql`
      INSERT INTO "VisitPlan" ("id", "tenantId", "customerId", "assigneeId", "plannedOn", "reason", "status", "openCadenceKey", "updatedAt")
      SELECT gen_random_uuid()::text, ${ctx.tenant.id}, r.customer, r.assignee, r.planned::date, 'CADENCE', 'PLANNED', r.customer, now()
      FROM unnest(${created.map((x) => x.row.id)}::text[], ${created.map((x) => x.row.ownerId)}::text[], ${created.map((x) => x.plannedOn)}::text[])
        AS r(customer, assignee, planned)
      RETURNING "id", "customerId", "plannedOn"`);
    const byCustomer = new Map(ids.map((i) => [i.customerId, i.id]));
    for (const x of created) {
      audit.push({
        action: "visit_plan.cadence_created",
        entityType: "VisitPlan",
        entityId: byCustomer.get(x.row.id)!,
        after: { customerId: x.row.id, reason: "CADENCE", plannedOn: x.plannedOn, assigneeId: x.row.ownerId },
      });
    }
  }
  if (moved.length > 0) {
    await tx.execute(Prisma.sql`
      UPDATE "VisitPlan" p SET "plannedOn" = r.planned::date, "assigneeId" = r.assignee, "updatedAt" = now()
      FROM unnest(${moved.map((x) => x.row.planId)}::text[], ${moved.map((x) => x.row.ownerId)}::text[], ${moved.map((x) => x.plannedOn)}::text[])
        AS r(id, assignee, planned)
      WHERE p."tenantId" = ${ctx.tenant.id} AND p."id" = r.id AND p."status" = 'PLANNED'`);
    for (const x of moved) {
      audit.push({
        action: "visit_plan.cadence_updated",
        entityType: "VisitPlan",
        entityId: x.row.planId!,
        before: { plannedOn: fromDateColumn(x.row.planOn!), assigneeId: x.row.planAssignee },
        after: { plannedOn: x.plannedOn, assigneeId: x.row.ownerId },
      });
    }
  }
  return audit;
}

/** Audit rows as one unnest INSERT: a handful of parameters per statement instead of one per cell. */
export async function insertAuditRows(
  tx: DirectTx,
  tenantId: string,
  who: { actorId: string | null; platform: Platform | null },
  rows: AuditRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const json = (x: unknown) => (x === undefined ? null : JSON.stringify(toAuditJson(x)));
  await tx.execute(Prisma.sql`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "before", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", v.action, v.entity_type, v.entity_id, v.before, v.after
    FROM unnest(
      ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.entityType)}::text[], ${rows.map((r) => r.entityId)}::text[],
      ${rows.map((r) => json(r.before))}::jsonb[], ${rows.map((r) => json(r.after))}::jsonb[]
    ) AS v(action, entity_type, entity_id, before, after)`);
}
