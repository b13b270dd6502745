// Churn risk use cases. Every customer's measures come from ONE set-based query per call
// (never a query per customer), serving the whole tenant (digests, snapshots), an owner set
// (`risk` command) and a single customer (the customer card) through the (tenantId,
// customerId, …) indexes of Visit, Callback, Complaint and PurchaseOrder (plans checked with
// EXPLAIN on the bench data: an index-only scan of Visit and merge joins in customer order for
// the whole tenant, index probes for an owner set). The points themselves are the pure rules
// of rules.ts, so a rule exists once.
import { Prisma, type Tier } from "@prisma/client";
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { canActFor, visibleMemberIds } from "../members/authorization.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { InvalidInputError, NotFoundError } from "../shared/errors.js";
import { addDays, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { analyticalQuery, type Queryable } from "./analytics.js";
import { PURCHASE_WINDOW_DAYS, levelRank, scoreRisk, type RiskLevel, type RiskReason, type RiskScore } from "./rules.js";
import { directQuery } from "../../db/direct.js";

/** Up to this many customers, scoring skips the JIT-off transaction (see scoreCustomers). */
const FEW_CUSTOMERS = 20;

export interface CustomerRisk extends RiskScore {
  customerId: string;
  ownerId: string;
  name: string;
  tier: Tier;
}

export interface RiskFilter {
  customerIds?: readonly string[];
  ownerIds?: readonly string[];
}

/** One customer's risk measures as the scoring queries return them. */
export interface MeasureRow {
  customerId: string;
  ownerId: string;
  name: string;
  tier: Tier;
  daysSinceContact: number;
  recentFen: bigint;
  previousFen: bigint;
  openComplaints: number;
  overdueComplaints: number;
  latestSatisfaction: number | null;
  overdueCallbacks: number;
  maxDaysOverdue: number;
  /** Absent in measures stored before planned visits counted. */
  visitOverdueDays?: number;
  overdueReceivableFen: bigint | number | string;
  overLimit: boolean;
}

/** Highest score first, then by name, so lists and digests are stable. */
export function byRisk(a: CustomerRisk, b: CustomerRisk): number {
  return b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The signal SQL, shared by the tenant-wide and the one-customer query shapes so that they cannot
 * drift apart: per-table aggregates (aliases v, cb, co, po) and the measures computed from them
 * for customer s.
 */
function riskSignals(tenant: TenantView, now: Date) {
  const today = localDateOf(now, tenant.timeZone);
  const recentFrom = addDays(today, -PURCHASE_WINDOW_DAYS);
  const previousFrom = addDays(today, -2 * PURCHASE_WINDOW_DAYS);
  const nowText = now.toISOString();
  return {
    visitAgg: Prisma.sql`max(v."occurredAt") AS last_at`,
    callbackAgg: Prisma.sql`
        max(COALESCE(cb."completedAt", cb."updatedAt")) FILTER (WHERE cb.status = 'DONE' AND cb.result IS DISTINCT FROM 'NO_ANSWER') AS done_at,
        count(*) FILTER (WHERE cb.status = 'PENDING' AND cb."dueOn" < ${today}::date) AS overdue,
        max(${today}::date - cb."dueOn") FILTER (WHERE cb.status = 'PENDING' AND cb."dueOn" < ${today}::date) AS max_overdue,
        (array_agg(cb.satisfaction ORDER BY COALESCE(cb."completedAt", cb."updatedAt") DESC, cb.id DESC)
          FILTER (WHERE cb.status = 'DONE' AND cb.satisfaction IS NOT NULL))[1] AS latest_sat,
        max(COALESCE(cb."completedAt", cb."updatedAt")) FILTER (WHERE cb.status = 'DONE' AND cb.satisfaction IS NOT NULL) AS latest_sat_at`,
    complaintAgg: Prisma.sql`
        count(*) AS open,
        count(*) FILTER (
          WHERE (co.status = 'OPEN' AND co."ackDueAt" < ${nowText}::timestamp) OR co."resolveDueAt" < ${nowText}::timestamp
        ) AS overdue`,
    openComplaint: Prisma.sql`co.status IN ('OPEN', 'ACKNOWLEDGED')`,
    purchaseAgg: Prisma.sql`
        sum(po."amountFen") FILTER (WHERE po."orderedOn" > ${recentFrom}::date) AS recent,
        sum(po."amountFen") FILTER (WHERE po."orderedOn" <= ${recentFrom}::date) AS previous`,
    purchaseWindow: Prisma.sql`po."orderedOn" > ${previousFrom}::date AND po."orderedOn" <= ${today}::date`,
    receivableAgg: Prisma.sql`
        sum(GREATEST(rv."amountFen" - rv."paidFen", 0)) AS outstanding,
        sum(GREATEST(rv."amountFen" - rv."paidFen", 0)) FILTER (WHERE rv."dueDate" < ${today}::date) AS overdue`,
    scored: Prisma.sql`c.status <> 'CHURNED' AND COALESCE(c."tierOverride", c.tier) <> 'C'`,
    scopeColumns: Prisma.sql`c.id, c."ownerId", c.name, COALESCE(c."tierOverride", c.tier) AS tier, c."lastContactAt", c."createdAt", c."creditLimitFen"`,
    // Timestamps are stored as UTC in `timestamp` columns; `AT TIME ZONE 'UTC' AT TIME ZONE tz`
    // yields the tenant-local wall time whose date is the local day of the contact.
    measures: Prisma.sql`
      s.id AS "customerId", s."ownerId", s.name, s.tier::text AS tier,
      GREATEST(0, ${today}::date - (
        COALESCE(GREATEST(v.last_at, cb.done_at, s."lastContactAt"), s."createdAt") AT TIME ZONE 'UTC' AT TIME ZONE ${tenant.timeZone}
      )::date)::int AS "daysSinceContact",
      COALESCE(po.recent, 0)::bigint AS "recentFen",
      COALESCE(po.previous, 0)::bigint AS "previousFen",
      COALESCE(co.open, 0)::int AS "openComplaints",
      COALESCE(co.overdue, 0)::int AS "overdueComplaints",
      -- The latest satisfaction answer: a survey response (its lowest dimension) when it is newer
      -- than the latest callback score, else that score.
      COALESCE((
        SELECT st."minScore" FROM "SurveyTask" st
        WHERE st."tenantId" = ${tenant.id} AND st."customerId" = s.id AND st.status = 'DONE'
          AND st."respondedAt" > COALESCE(cb.latest_sat_at, '-infinity'::timestamp)
        ORDER BY st."respondedAt" DESC LIMIT 1
      ), cb.latest_sat)::int AS "latestSatisfaction",
      COALESCE(cb.overdue, 0)::int AS "overdueCallbacks",
      COALESCE(cb.max_overdue, 0)::int AS "maxDaysOverdue",
      COALESCE((
        SELECT ${today}::date - min(vp."plannedOn") FROM "VisitPlan" vp
        WHERE vp."tenantId" = ${tenant.id} AND vp."customerId" = s.id AND vp.status = 'PLANNED' AND vp."plannedOn" < ${today}::date
      ), 0)::int AS "visitOverdueDays",
      COALESCE(rv.overdue, 0)::bigint AS "overdueReceivableFen",
      (s."creditLimitFen" IS NOT NULL AND COALESCE(rv.outstanding, 0) > s."creditLimitFen") AS "overLimit"`,
  };
}

/**
 * The measures of one customer (`customerId`: a value or a column of an enclosing query), as one
 * row, or none when the customer is not scored (tier C, churned). Index probes per table; with
 * the customer a scalar, PostgreSQL settles on one generic plan for a prepared statement instead
 * of planning the tenant-wide query each time, which cost more than running it.
 */
export function oneCustomerMeasuresSql(tenant: TenantView, now: Date, customerId: Prisma.Sql | string): Prisma.Sql {
  const r = riskSignals(tenant, now);
  return Prisma.sql`
      SELECT ${r.measures}
      FROM (SELECT ${r.scopeColumns} FROM "Customer" c WHERE c."tenantId" = ${tenant.id} AND c.id = ${customerId} AND ${r.scored}) s
      CROSS JOIN LATERAL (SELECT ${r.visitAgg} FROM "Visit" v WHERE v."tenantId" = ${tenant.id} AND v."customerId" = s.id) v
      CROSS JOIN LATERAL (SELECT ${r.callbackAgg} FROM "Callback" cb WHERE cb."tenantId" = ${tenant.id} AND cb."customerId" = s.id) cb
      CROSS JOIN LATERAL (
        SELECT ${r.complaintAgg} FROM "Complaint" co WHERE co."tenantId" = ${tenant.id} AND co."customerId" = s.id AND ${r.openComplaint}
      ) co
      CROSS JOIN LATERAL (
        SELECT ${r.purchaseAgg} FROM "PurchaseOrder" po WHERE po."tenantId" = ${tenant.id} AND po."customerId" = s.id AND ${r.purchaseWindow}
      ) po
      CROSS JOIN LATERAL (
        SELECT ${r.receivableAgg} FROM "Receivable" rv WHERE rv."tenantId" = ${tenant.id} AND rv."customerId" = s.id
      ) rv`;
}

/**
 * Scores the tenant's tiered, not-churned customers as of `now` (optionally only some customers
 * or owners), highest risk first. One query, whatever the number of customers.
 */
export async function scoreCustomers(
  db: Queryable,
  tenant: TenantView,
  now: Date,
  filter: RiskFilter = {},
): Promise<CustomerRisk[]> {
  if (filter.customerIds?.length === 0 || filter.ownerIds?.length === 0) return [];
  if (filter.customerIds?.length === 1 && filter.ownerIds === undefined) {
    return scoreMeasures(tenant, await directQuery<MeasureRow>(db, oneCustomerMeasuresSql(tenant, now, filter.customerIds[0]!)));
  }
  const r = riskSignals(tenant, now);
  const byCustomer = filter.customerIds
    ? Prisma.sql`AND c.id = ANY(${[...filter.customerIds]}::text[])`
    : Prisma.empty;
  const byOwner = filter.ownerIds ? Prisma.sql`AND c."ownerId" = ANY(${[...filter.ownerIds]}::text[])` : Prisma.empty;
  // For a few customers, restricting each signal table to the scope turns its aggregate into
  // index probes; for the whole tenant, aggregating every row in index order and merge-joining
  // is cheaper (1.3 s vs 2.1 s on the bench) than the semi-join. NOT MATERIALIZED lets the
  // planner see the scope's real size instead of a CTE guess (a materialised scope misled it
  // into nested loops and a JIT-sized cost: 5 s).
  const narrowed = filter.customerIds !== undefined || filter.ownerIds !== undefined;
  const inScope = (column: string) => (narrowed ? Prisma.sql`AND ${Prisma.raw(column)} IN (SELECT id FROM scope)` : Prisma.empty);
  // A handful of customers never reaches the JIT's cost threshold: no transaction for SET LOCAL.
  const fewCustomers = filter.customerIds !== undefined && filter.customerIds.length <= FEW_CUSTOMERS;
  const measure = Prisma.sql`
    WITH scope AS NOT MATERIALIZED (
      SELECT ${r.scopeColumns}
      FROM "Customer" c
      WHERE c."tenantId" = ${tenant.id} AND ${r.scored}
        ${byCustomer} ${byOwner}
    ),
    v AS (
      SELECT v."customerId", ${r.visitAgg}
      FROM "Visit" v
      WHERE v."tenantId" = ${tenant.id} ${inScope('v."customerId"')}
      GROUP BY v."customerId"
    ),
    cb AS (
      SELECT cb."customerId", ${r.callbackAgg}
      FROM "Callback" cb
      WHERE cb."tenantId" = ${tenant.id} ${inScope('cb."customerId"')}
      GROUP BY cb."customerId"
    ),
    co AS (
      SELECT co."customerId", ${r.complaintAgg}
      FROM "Complaint" co
      WHERE co."tenantId" = ${tenant.id} AND ${r.openComplaint} ${inScope('co."customerId"')}
      GROUP BY co."customerId"
    ),
    po AS (
      SELECT po."customerId", ${r.purchaseAgg}
      FROM "PurchaseOrder" po
      WHERE po."tenantId" = ${tenant.id} AND ${r.purchaseWindow}
        ${inScope('po."customerId"')}
      GROUP BY po."customerId"
    ),
    rv AS (
      SELECT rv."customerId", ${r.receivableAgg}
      FROM "Receivable" rv
      WHERE rv."tenantId" = ${tenant.id} ${inScope('rv."customerId"')}
      GROUP BY rv."customerId"
    )
    SELECT ${r.measures}
    FROM scope s
      LEFT JOIN v ON v."customerId" = s.id
      LEFT JOIN cb ON cb."customerId" = s.id
      LEFT JOIN co ON co."customerId" = s.id
      LEFT JOIN po ON po."customerId" = s.id
      LEFT JOIN rv ON rv."customerId" = s.id`;
  const rows = fewCustomers ? await directQuery<MeasureRow>(db, measure) : await analyticalQuery(db, (q) => q.$queryRaw<MeasureRow[]>(measure));
  return scoreMeasures(tenant, rows);
}

/** Scores rows of measures (as the queries above return them), highest risk first. */
export function scoreMeasures(tenant: TenantView, rows: MeasureRow[]): CustomerRisk[] {
  const { risk, tiers } = tenant.settings;
  const scored: CustomerRisk[] = new Array<CustomerRisk>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const result = scoreRisk(
      {
        tier: r.tier,
        daysSinceContact: r.daysSinceContact,
        recentPurchaseFen: BigInt(r.recentFen),
        previousPurchaseFen: BigInt(r.previousFen),
        openComplaints: r.openComplaints,
        overdueComplaints: r.overdueComplaints,
        latestSatisfaction: r.latestSatisfaction,
        overdueCallbacks: r.overdueCallbacks,
        maxDaysOverdue: r.maxDaysOverdue,
        visitOverdueDays: r.visitOverdueDays ?? 0,
        overdueReceivableFen: BigInt(r.overdueReceivableFen ?? 0),
        overLimit: r.overLimit ?? false,
      },
      risk,
      tiers.callbackCadenceDays,
      tiers.visitEveryDays,
    );
    scored[i] = { customerId: r.customerId, ownerId: r.ownerId, name: r.name, tier: r.tier, ...result };
    // A whole tenant is ~100k rows: let each raw row go as soon as it is scored.
    (rows as Array<MeasureRow | undefined>)[i] = undefined;
  }
  return scored.sort(byRisk);
}

/** HIGH and MEDIUM only. */
export function atRisk(scores: readonly CustomerRisk[]): CustomerRisk[] {
  return scores.filter((s) => s.level !== "LOW");
}

/**
 * One customer's risk for the customer card, or null for a customer that is not scored
 * (tier C or churned). Invisible customers are reported as not found, not as forbidden.
 */
export async function riskForCustomer(
  deps: CoreDeps,
  actor: Actor,
  customerId: string,
  /** What the caller has loaded already (the card has both): saves the queries, not the check. */
  known?: { tenant: TenantView; customer: { id: string; ownerId: string; tenantId: string } },
): Promise<CustomerRisk | null> {
  const id = z.string().min(1).safeParse(customerId);
  const customer = !id.success
    ? null
    : known && known.customer.id === id.data && known.customer.tenantId === actor.tenantId
      ? known.customer
      : await deps.db.customer.findFirst({ where: { id: id.data, tenantId: actor.tenantId }, select: { id: true, ownerId: true } });
  if (!customer || !(await canActFor(deps.db, actor, customer.ownerId))) {
    throw new NotFoundError("risk.customer_not_found", { customer: String(customerId) });
  }
  const tenant = known?.tenant.id === actor.tenantId ? known.tenant : await loadTenant(deps.db, actor.tenantId);
  const [risk] = await scoreCustomers(deps.db, tenant, deps.clock.now(), { customerIds: [customer.id] });
  return risk ?? null;
}

export const myRiskInputSchema = z
  .object({
    /** How many at-risk customers to list (highest first); counts always cover all. */
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .prefault({});

export type MyRiskInput = z.input<typeof myRiskInputSchema>;

export interface MyRisk {
  asOf: LocalDate;
  /** own customers (specialist), the team's (supervisor, transitively), or the whole tenant. */
  scope: "own" | "team" | "tenant";
  scored: number;
  high: number;
  medium: number;
  /** HIGH and MEDIUM customers, highest score first, at most `limit`. */
  customers: CustomerRisk[];
}

/** The `risk` command: the at-risk customers the actor looks after, with their reasons. */
export async function myRisk(deps: CoreDeps, actor: Actor, input: MyRiskInput = {}): Promise<MyRisk> {
  const parsed = myRiskInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError("risk.invalid_input");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const visible = await visibleMemberIds(deps.db, actor);
  const now = deps.clock.now();
  const scores = await scoreCustomers(deps.db, tenant, now, visible === null ? {} : { ownerIds: visible });
  const risky = atRisk(scores);
  return {
    asOf: localDateOf(now, tenant.timeZone),
    scope: visible === null ? "tenant" : actor.role === "SPECIALIST" ? "own" : "team",
    scored: scores.length,
    high: risky.filter((r) => r.level === "HIGH").length,
    medium: risky.filter((r) => r.level === "MEDIUM").length,
    customers: risky.slice(0, parsed.data.limit),
  };
}

export interface SnapshotResult {
  localDate: LocalDate;
  /** Rows stored: the HIGH and MEDIUM customers of that day. */
  rows: number;
  high: number;
  medium: number;
}

/**
 * Stores the day's HIGH/MEDIUM customers in RiskSnapshot, so tomorrow's churn digest can mark
 * who newly rose. Only at-risk customers are stored (a LOW row says nothing the absence of a
 * row does not, and would add every customer every day). Re-running for the same day replaces
 * that day's rows with the current scores: idempotent, and two replicas racing converge
 * (upsert by primary key, then drop rows of customers no longer at risk).
 */
export async function snapshotRisk(deps: CoreDeps, tenantId: string, localDate: LocalDate): Promise<SnapshotResult> {
  const tenant = await loadTenant(deps.db, tenantId);
  const risky = atRisk(await scoreCustomers(deps.db, tenant, deps.clock.now()));
  const ids = risky.map((r) => r.customerId);
  const scores = risky.map((r) => r.score);
  const levels = risky.map((r) => r.level);
  const reasons = risky.map((r) => JSON.stringify(r.reasons));
  const high = levels.filter((l) => l === "HIGH").length;
  await inTransaction(deps, async (tx) => {
    await tx.$executeRaw`
      INSERT INTO "RiskSnapshot" ("tenantId", "customerId", "localDate", score, level, reasons)
      SELECT ${tenantId}, u.id, ${localDate}::date, u.score, u.level, u.reasons::jsonb
      FROM unnest(${ids}::text[], ${scores}::int[], ${levels}::text[], ${reasons}::text[]) AS u(id, score, level, reasons)
      ON CONFLICT ("tenantId", "localDate", "customerId")
      DO UPDATE SET score = EXCLUDED.score, level = EXCLUDED.level, reasons = EXCLUDED.reasons`;
    await tx.$executeRaw`
      DELETE FROM "RiskSnapshot"
      WHERE "tenantId" = ${tenantId} AND "localDate" = ${localDate}::date AND NOT ("customerId" = ANY(${ids}::text[]))`;
    // The list sorts by the latest snapshot's level, kept on the customer row (its index
    // order): only a snapshot of the latest day (not a back-filled older one) moves it.
    const isLatest = Prisma.sql`NOT EXISTS (SELECT 1 FROM "RiskSnapshot" later WHERE later."tenantId" = ${tenantId} AND later."localDate" > ${localDate}::date)`;
    await tx.$executeRaw`
      UPDATE "Customer" c SET "riskRank" = CASE u.level WHEN 'HIGH' THEN 0 ELSE 1 END
      FROM unnest(${ids}::text[], ${levels}::text[]) AS u(id, level)
      WHERE c.id = u.id AND c."tenantId" = ${tenantId}
        AND c."riskRank" <> CASE u.level WHEN 'HIGH' THEN 0 ELSE 1 END AND ${isLatest}`;
    await tx.$executeRaw`
      UPDATE "Customer" c SET "riskRank" = 2
      WHERE c."tenantId" = ${tenantId} AND c."riskRank" <> 2 AND NOT (c.id = ANY(${ids}::text[])) AND ${isLatest}`;
    await recordAudit(tx, {
      tenantId,
      actorId: null,
      platform: null,
      action: "risk.snapshot_taken",
      entityType: "RiskSnapshot",
      entityId: localDate,
      after: { localDate, rows: ids.length, high, medium: ids.length - high },
    });
  });
  return { localDate, rows: ids.length, high, medium: ids.length - high };
}

export interface SnapshotEntry {
  level: RiskLevel;
  score: number;
  reasons: RiskReason[];
}

/** The stored levels of `localDate` by customer id (absent: not at risk that day). */
export async function snapshotLevels(db: Queryable, tenantId: string, localDate: LocalDate): Promise<Map<string, SnapshotEntry>> {
  const rows = await db.riskSnapshot.findMany({
    where: { tenantId, localDate: toDateColumn(localDate) },
    select: { customerId: true, level: true, score: true, reasons: true },
  });
  return new Map(
    rows.map((r) => [r.customerId, { level: r.level as RiskLevel, score: r.score, reasons: r.reasons as unknown as RiskReason[] }]),
  );
}

/** Whether today's level is above the level a customer had in the previous snapshot. */
export function roseSince(level: RiskLevel, previous: RiskLevel | null | undefined): boolean {
  return levelRank(level) > levelRank(previous ?? "LOW");
}
