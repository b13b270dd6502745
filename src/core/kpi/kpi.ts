// `report [from] [to]`: KPIs for me / my team / the tenant (definitions in rules.ts). The
// groups a report covers (members, teams, total) are passed to PostgreSQL as one (group, member)
// relation, and each metric family is ONE grouped query over it, so medians are true per-group
// medians (percentile_cont), not averages of medians, and the query count does not grow with
// the number of members.
import type { Tier } from "@prisma/client";
import { z } from "zod";
import { businessMsBetween } from "../calendar/calendar.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { loadTeams } from "../digests/teams.js";
import { analyticalQuery } from "../risk/analytics.js";
import { runLimited } from "../shared/concurrency.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, isLocalDate, localDateOf, startOfLocalDay, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import {
  emptyTierSpend,
  growth,
  kpiGroups,
  previousRange,
  perCustomerFen,
  median,
  ratio,
  resolveRange,
  roundMinutes,
  type GroupKind,
  type KpiGroup,
  type TierSpend,
} from "./rules.js";

const localDate = z.string().refine(isLocalDate, { message: "must be YYYY-MM-DD" });

export const kpiReportInputSchema = z
  .object({
    /** First local day of the range; defaults to 29 days before `to`. */
    from: localDate.optional(),
    /** Last local day of the range (inclusive); defaults to today. */
    to: localDate.optional(),
  })
  .prefault({});

export type KpiReportInput = z.input<typeof kpiReportInputSchema>;

export interface KpiMetrics {
  /** Customers the group owns now (not churned): a member with none has no callbacks of their own. */
  customers: number;
  callbacks: {
    due: number;
    done: number;
    completionRate: number | null;
    /** Done on or before the original due date (a postponement does not move it). */
    onTime: number;
    onTimeRate: number | null;
    /** Postponed at least once; of those, still open past the original due date. */
    postponed: number;
    postponedOverdue: number;
    /** Done callbacks by the outcome recorded (older ones without a result are in none). */
    outcomes: { reached: number; noAnswer: number; callLater: number };
  };
  complaints: {
    registered: number;
    acknowledged: number;
    resolved: number;
    medianAckMinutes: number | null;
    medianResolveMinutes: number | null;
    /**
     * The same medians in working time: only the working hours of working days in the tenant's
     * calendar (holidays, 调休) count, as for business-time SLA clocks. A complaint registered
     * Friday evening and acknowledged Monday 09:30 took 30 working minutes.
     */
    medianAckWorkingMinutes: number | null;
    medianResolveWorkingMinutes: number | null;
    /**
     * SLA deadlines (acknowledge, resolve) of complaints registered in the range that were
     * missed, each charged to whoever held the complaint when it passed.
     */
    breachedSla: number;
    /** Escalations in the range received by the group (the new holder), counted apart. */
    escalationsReceived: number;
  };
  /** Orders of the customers the group owns now, by order date. */
  sales: {
    salesFen: bigint;
    previousFen: bigint;
    growth: number | null;
    /** Customers buying in the previous period, and of those the ones buying again in this one. */
    activeBefore: number;
    retained: number;
    retention: number | null;
  };
  visits: { logged: number };
  churn: { activeAtStart: number; churned: number; rate: number | null };
  satisfaction: { responses: number; average: number | null };
  hospitality: {
    requests: number;
    customers: number;
    spendFen: bigint;
    perCustomerFen: bigint | null;
    byTier: Record<Tier, TierSpend>;
  };
}

export interface KpiRow {
  kind: GroupKind;
  /** The member, or the team's lead; null for the total. */
  id: string | null;
  name: string | null;
  members: number;
  /** Deactivated members counted in this row (their open work and history stay with the group). */
  inactiveMembers: number;
  /** For member rows of a department report: the key of the team (or "others") it adds up to. */
  teamKey?: string;
  /** Whether a member row is a deactivated member. */
  inactive?: boolean;
  metrics: KpiMetrics;
}

export interface KpiReport {
  from: LocalDate;
  to: LocalDate;
  scope: "self" | "team" | "tenant";
  members: KpiRow[];
  /** Teams, then (department reports) the "others" row, so that they add up to the total. */
  teams: KpiRow[];
  total: KpiRow;
}

function emptyMetrics(): KpiMetrics {
  return {
    customers: 0,
    callbacks: {
      due: 0, done: 0, completionRate: null, onTime: 0, onTimeRate: null, postponed: 0, postponedOverdue: 0,
      outcomes: { reached: 0, noAnswer: 0, callLater: 0 },
    },
    complaints: {
      registered: 0, acknowledged: 0, resolved: 0, medianAckMinutes: null, medianResolveMinutes: null,
      medianAckWorkingMinutes: null, medianResolveWorkingMinutes: null, breachedSla: 0, escalationsReceived: 0,
    },
    sales: { salesFen: 0n, previousFen: 0n, growth: null, activeBefore: 0, retained: 0, retention: null },
    visits: { logged: 0 },
    churn: { activeAtStart: 0, churned: 0, rate: null },
    satisfaction: { responses: 0, average: null },
    hospitality: { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null, byTier: emptyTierSpend() },
  };
}

const KPI_QUERY_CONCURRENCY = 2;

export async function kpiReport(deps: CoreDeps, actor: Actor, input: KpiReportInput = {}): Promise<KpiReport> {
  const parsed = kpiReportInputSchema.safeParse(input);
  if (!parsed.success) {
    const raw = (input ?? {}) as Record<string, unknown>;
    const bad = [raw.from, raw.to].find((v) => v !== undefined && !(typeof v === "string" && isLocalDate(v)));
    throw new InvalidInputError("kpi.invalid_date", { value: String(bad) });
  }
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const now = deps.clock.now();
  const today = localDateOf(now, tenant.timeZone);
  const { from, to } = resolveRange(parsed.data, today);
  const start = startOfLocalDay(from, tenant.timeZone).toISOString();
  const end = startOfLocalDay(addDays(to, 1), tenant.timeZone).toISOString();
  const dueUntil = to < today ? to : today;
  const nowText = now.toISOString();

  const teams = await loadTeams(deps.db, tenant.id);
  const { scope, groups } = kpiGroups(actor.role, actor.memberId, {
    memberIds: [...teams.members.keys()],
    isActive: (id) => teams.members.get(id)?.active ?? false,
    subordinatesOf: (id) => teams.subordinates.get(id) ?? [],
    ancestorsOf: (id) => teams.ancestors.get(id) ?? [],
    role: (id) => teams.members.get(id)?.role ?? "SPECIALIST",
  });
  const keys: string[] = [];
  const ids: string[] = [];
  for (const g of groups) {
    for (const m of g.memberIds) {
      keys.push(g.key);
      ids.push(m);
    }
  }
  const db = deps.db;
  const t = tenant.id;

  const todayText = today;
  const callbacksQuery = () => analyticalQuery(db, (q) => q.$queryRaw<
    Array<{ key: string; due: number; done: number; onTime: number; postponed: number; postponedOverdue: number; reached: number; noAnswer: number; callLater: number }>
  >`
    WITH cb AS (
      SELECT cb."assigneeId", cb.status, cb.result, cb."snoozeCount", COALESCE(cb."originalDueOn", cb."dueOn") AS due,
        (cb."completedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${tenant.timeZone})::date AS done_on
      FROM "Callback" cb
      WHERE cb."tenantId" = ${t} AND COALESCE(cb."originalDueOn", cb."dueOn") >= ${from}::date
        AND COALESCE(cb."originalDueOn", cb."dueOn") <= ${dueUntil}::date
    ),
    per_member AS (
      SELECT cb."assigneeId" AS member_id, count(*) AS due,
        count(*) FILTER (WHERE cb.status = 'DONE') AS done,
        count(*) FILTER (WHERE cb.status = 'DONE' AND cb.done_on <= cb.due) AS on_time,
        count(*) FILTER (WHERE cb."snoozeCount" > 0) AS postponed,
        count(*) FILTER (WHERE cb."snoozeCount" > 0 AND cb.status = 'PENDING' AND cb.due < ${todayText}::date) AS postponed_overdue,
        count(*) FILTER (WHERE cb.status = 'DONE' AND cb.result = 'REACHED') AS reached,
        count(*) FILTER (WHERE cb.status = 'DONE' AND cb.result = 'NO_ANSWER') AS no_answer,
        count(*) FILTER (WHERE cb.status = 'DONE' AND cb.result = 'CALL_LATER') AS call_later
      FROM cb GROUP BY cb."assigneeId"
    )
    SELECT g.key, sum(p.due)::int AS due, sum(p.done)::int AS done, sum(p.on_time)::int AS "onTime",
      sum(p.postponed)::int AS postponed, sum(p.postponed_overdue)::int AS "postponedOverdue",
      sum(p.reached)::int AS reached, sum(p.no_answer)::int AS "noAnswer", sum(p.call_later)::int AS "callLater"
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_member p ON p.member_id = g.member_id
    GROUP BY g.key`);

  const ownedQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; customers: number }>>`
    WITH per_owner AS (
      SELECT c."ownerId" AS member_id, count(*) AS n FROM "Customer" c
      WHERE c."tenantId" = ${t} AND c.status <> 'CHURNED' GROUP BY c."ownerId"
    )
    SELECT g.key, sum(o.n)::int AS customers
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_owner o ON o.member_id = g.member_id
    GROUP BY g.key`);

  // Who held each complaint when a deadline passed: the assignee of the latest event at or
  // before the deadline (registration, transitions and escalations record the assignee), else
  // the current assignee (rows written without a timeline).
  const breachesQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; breached: number }>>`
    WITH co AS (
      SELECT co.id, co."assigneeId", co."ackDueAt", co."resolveDueAt",
        COALESCE(co."acknowledgedAt", co."resolvedAt", co."closedAt") AS ack_at,
        COALESCE(co."resolvedAt", co."closedAt") AS resolved_at
      FROM "Complaint" co
      WHERE co."tenantId" = ${t} AND co."createdAt" >= ${start}::timestamp AND co."createdAt" < ${end}::timestamp
    ),
    missed AS (
      SELECT co.id, co."assigneeId", co."ackDueAt" AS due FROM co WHERE COALESCE(co.ack_at, ${nowText}::timestamp) > co."ackDueAt"
      UNION ALL
      SELECT co.id, co."assigneeId", co."resolveDueAt" FROM co WHERE COALESCE(co.resolved_at, ${nowText}::timestamp) > co."resolveDueAt"
    ),
    charged AS (
      SELECT COALESCE((
        SELECT e."assigneeId" FROM "ComplaintEvent" e
        WHERE e."tenantId" = ${t} AND e."complaintId" = m.id AND e."assigneeId" IS NOT NULL AND e.at <= m.due
        ORDER BY e.at DESC, e.id DESC LIMIT 1
      ), m."assigneeId") AS member_id
      FROM missed m
    ),
    per_member AS (SELECT member_id, count(*) AS n FROM charged GROUP BY member_id)
    SELECT g.key, sum(p.n)::int AS breached
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_member p ON p.member_id = g.member_id
    GROUP BY g.key`);

  const escalationsQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; received: number }>>`
    WITH per_member AS (
      SELECT e."assigneeId" AS member_id, count(*) AS n FROM "ComplaintEvent" e
      WHERE e."tenantId" = ${t} AND e.kind = 'ESCALATED' AND e."assigneeId" IS NOT NULL
        AND e.at >= ${start}::timestamp AND e.at < ${end}::timestamp
      GROUP BY e."assigneeId"
    )
    SELECT g.key, sum(p.n)::int AS received
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_member p ON p.member_id = g.member_id
    GROUP BY g.key`);

  const previous = previousRange({ from, to });
  const salesQuery = () => analyticalQuery(db, (q) => q.$queryRaw<
    Array<{ key: string; current: bigint; previous: bigint; activeBefore: number; retained: number }>
  >`
    WITH per_customer AS (
      SELECT po."customerId",
        COALESCE(sum(po."amountFen") FILTER (WHERE po."orderedOn" >= ${from}::date), 0) AS current,
        COALESCE(sum(po."amountFen") FILTER (WHERE po."orderedOn" < ${from}::date), 0) AS previous,
        bool_or(po."orderedOn" >= ${from}::date) AS bought_now,
        bool_or(po."orderedOn" < ${from}::date) AS bought_before
      FROM "PurchaseOrder" po
      WHERE po."tenantId" = ${t} AND po."orderedOn" >= ${previous.from}::date AND po."orderedOn" <= ${to}::date
      GROUP BY po."customerId"
    ),
    per_owner AS (
      SELECT c."ownerId" AS member_id, sum(pc.current) AS current, sum(pc.previous) AS previous,
        count(*) FILTER (WHERE pc.bought_before) AS active_before,
        count(*) FILTER (WHERE pc.bought_before AND pc.bought_now) AS retained
      FROM per_customer pc JOIN "Customer" c ON c.id = pc."customerId" AND c."tenantId" = ${t}
      GROUP BY c."ownerId"
    )
    SELECT g.key, sum(o.current)::bigint AS current, sum(o.previous)::bigint AS previous,
      sum(o.active_before)::int AS "activeBefore", sum(o.retained)::int AS retained
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_owner o ON o.member_id = g.member_id
    GROUP BY g.key`);

  const visitsQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; logged: number }>>`
    WITH per_member AS (
      SELECT v."visitorId" AS member_id, count(*) AS n FROM "Visit" v
      WHERE v."tenantId" = ${t} AND v."occurredAt" >= ${start}::timestamp AND v."occurredAt" < ${end}::timestamp
      GROUP BY v."visitorId"
    )
    SELECT g.key, sum(p.n)::int AS logged
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN per_member p ON p.member_id = g.member_id
    GROUP BY g.key`);

  const complaintsQuery = () => analyticalQuery(db, (q) => q.$queryRaw<
    Array<{ key: string; registered: number; acknowledged: number; resolved: number; medianAck: number | null; medianResolve: number | null }>
  >`
    WITH co AS (
      SELECT co."assigneeId", co."createdAt",
        COALESCE(co."acknowledgedAt", co."resolvedAt", co."closedAt") AS ack_at,
        COALESCE(co."resolvedAt", co."closedAt") AS resolved_at
      FROM "Complaint" co
      WHERE co."tenantId" = ${t} AND co."createdAt" >= ${start}::timestamp AND co."createdAt" < ${end}::timestamp
    )
    SELECT g.key, count(*)::int AS registered, count(co.ack_at)::int AS acknowledged, count(co.resolved_at)::int AS resolved,
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM co.ack_at - co."createdAt") / 60))::float8 AS "medianAck",
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM co.resolved_at - co."createdAt") / 60))::float8 AS "medianResolve"
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN co ON co."assigneeId" = g.member_id
    GROUP BY g.key`);

  // Working-time medians need the tenant calendar, which SQL does not know: the (few) timed
  // complaints of the range come back one row per group and the medians are taken here.
  const timedQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; createdAt: Date; ackAt: Date | null; resolvedAt: Date | null }>>`
    SELECT g.key, co."createdAt", COALESCE(co."acknowledgedAt", co."resolvedAt", co."closedAt") AS "ackAt",
      COALESCE(co."resolvedAt", co."closedAt") AS "resolvedAt"
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN "Complaint" co ON co."assigneeId" = g.member_id AND co."tenantId" = ${t}
    WHERE co."createdAt" >= ${start}::timestamp AND co."createdAt" < ${end}::timestamp
      AND (co."acknowledgedAt" IS NOT NULL OR co."resolvedAt" IS NOT NULL OR co."closedAt" IS NOT NULL)`);
  const churnQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; active: number; churned: number }>>`
    WITH changes AS (
      SELECT a."entityId" AS customer_id, a.at, a.id, a.before ->> 'status' AS before_status, a.after ->> 'status' AS after_status
      FROM "AuditLog" a
      WHERE a."tenantId" = ${t} AND a."entityType" = 'Customer' AND a.at >= ${start}::timestamp
        AND a.after ->> 'status' IS NOT NULL
        AND (a.before ->> 'status') IS DISTINCT FROM (a.after ->> 'status')
    ),
    first_change AS (
      SELECT DISTINCT ON (customer_id) customer_id, before_status FROM changes ORDER BY customer_id, at, id
    ),
    churned AS (
      SELECT DISTINCT customer_id FROM changes WHERE at < ${end}::timestamp AND after_status = 'CHURNED'
    ),
    base AS (
      SELECT c.id, c."ownerId", COALESCE(fc.before_status, c.status::text) AS status_at_start
      FROM "Customer" c LEFT JOIN first_change fc ON fc.customer_id = c.id
      WHERE c."tenantId" = ${t} AND c."createdAt" < ${start}::timestamp
    )
    SELECT g.key,
      (count(*) FILTER (WHERE b.status_at_start IN ('ACTIVE', 'AT_RISK')))::int AS active,
      (count(*) FILTER (WHERE b.status_at_start IN ('ACTIVE', 'AT_RISK') AND ch.customer_id IS NOT NULL))::int AS churned
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN base b ON b."ownerId" = g.member_id
    LEFT JOIN churned ch ON ch.customer_id = b.id
    GROUP BY g.key`);

  const satisfactionQuery = () => analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; responses: number; average: number | null }>>`
    SELECT g.key, count(*)::int AS responses, avg(cb.satisfaction)::float8 AS average
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN "Callback" cb ON cb."assigneeId" = g.member_id AND cb."tenantId" = ${t}
      AND cb.status = 'DONE' AND cb.satisfaction IS NOT NULL
      AND cb."completedAt" >= ${start}::timestamp AND cb."completedAt" < ${end}::timestamp
    GROUP BY g.key`);

  const hospitalityQuery = () => analyticalQuery(db, (q) => q.$queryRaw<
    Array<{ key: string; tier: Tier | null; requests: number; customers: number; spend: bigint }>
  >`
    SELECT g.key, CASE WHEN GROUPING(c.tier) = 0 THEN c.tier::text END AS tier,
      count(*)::int AS requests, count(DISTINCT h."customerId")::int AS customers,
      sum(CASE WHEN h.status = 'SETTLED' THEN COALESCE(h."actualFen", h."estimatedFen") ELSE h."estimatedFen" END)::bigint AS spend
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN "HospitalityRequest" h ON h."requesterId" = g.member_id AND h."tenantId" = ${t}
      AND h.status IN ('APPROVED', 'SETTLED') AND h."eventDate" >= ${from}::date AND h."eventDate" <= ${to}::date
    JOIN "Customer" c ON c.id = h."customerId"
    GROUP BY GROUPING SETS ((g.key, c.tier), (g.key))`);

  // Side by side on the pool (two at a time: a report is one reader among the department's
  // requests), so the report takes about half the sum of its queries.
  const [callbacks, owned, breaches, escalations, sales, visits, complaints, timed, churn, satisfaction, hospitality] = await runLimited(KPI_QUERY_CONCURRENCY, [
    callbacksQuery, ownedQuery, breachesQuery, escalationsQuery, salesQuery, visitsQuery, complaintsQuery, timedQuery, churnQuery, satisfactionQuery, hospitalityQuery,
  ] as const);
  const working = new Map<string, { ack: number[]; resolve: number[] }>();
  if (timed.length > 0) {
    const cal = await loadWorkCalendar(db, tenant);
    for (const r of timed) {
      let w = working.get(r.key);
      if (!w) working.set(r.key, (w = { ack: [], resolve: [] }));
      if (r.ackAt) w.ack.push(businessMsBetween(cal, r.createdAt, r.ackAt) / 60_000);
      if (r.resolvedAt) w.resolve.push(businessMsBetween(cal, r.createdAt, r.resolvedAt) / 60_000);
    }
  }

  const metrics = new Map<string, KpiMetrics>(groups.map((g) => [g.key, emptyMetrics()]));
  const of = (key: string) => metrics.get(key)!;
  for (const r of callbacks) {
    of(r.key).callbacks = {
      due: r.due,
      done: r.done,
      completionRate: ratio(r.done, r.due),
      onTime: r.onTime,
      onTimeRate: ratio(r.onTime, r.due),
      postponed: r.postponed,
      postponedOverdue: r.postponedOverdue,
      outcomes: { reached: r.reached, noAnswer: r.noAnswer, callLater: r.callLater },
    };
  }
  for (const r of owned) of(r.key).customers = r.customers;
  for (const r of complaints) {
    Object.assign(of(r.key).complaints, {
      registered: r.registered,
      acknowledged: r.acknowledged,
      resolved: r.resolved,
      medianAckMinutes: roundMinutes(r.medianAck),
      medianResolveMinutes: roundMinutes(r.medianResolve),
      medianAckWorkingMinutes: roundMinutes(median(working.get(r.key)?.ack ?? [])),
      medianResolveWorkingMinutes: roundMinutes(median(working.get(r.key)?.resolve ?? [])),
    });
  }
  for (const r of breaches) of(r.key).complaints.breachedSla = r.breached;
  for (const r of escalations) of(r.key).complaints.escalationsReceived = r.received;
  for (const r of sales) {
    const current = BigInt(r.current);
    const before = BigInt(r.previous);
    of(r.key).sales = {
      salesFen: current,
      previousFen: before,
      growth: growth(current, before),
      activeBefore: r.activeBefore,
      retained: r.retained,
      retention: ratio(r.retained, r.activeBefore),
    };
  }
  for (const r of visits) of(r.key).visits = { logged: r.logged };
  for (const r of churn) of(r.key).churn = { activeAtStart: r.active, churned: r.churned, rate: ratio(r.churned, r.active) };
  for (const r of satisfaction) {
    of(r.key).satisfaction = { responses: r.responses, average: r.average === null ? null : Math.round(r.average * 100) / 100 };
  }
  for (const r of hospitality) {
    const spend = BigInt(r.spend);
    const entry = { requests: r.requests, customers: r.customers, spendFen: spend, perCustomerFen: perCustomerFen(spend, r.customers) };
    const h = of(r.key).hospitality;
    if (r.tier === null) Object.assign(h, entry);
    else h.byTier[r.tier] = entry;
  }

  const inactive = (id: string) => teams.members.get(id)?.active === false;
  const row = (g: KpiGroup): KpiRow => ({
    kind: g.kind,
    id: g.id,
    name: g.id ? (teams.members.get(g.id)?.name ?? null) : null,
    members: g.memberIds.length,
    inactiveMembers: g.memberIds.filter(inactive).length,
    ...(g.teamKey ? { teamKey: g.teamKey } : {}),
    ...(g.kind === "member" && g.id && inactive(g.id) ? { inactive: true } : {}),
    metrics: of(g.key),
  });
  return {
    from,
    to,
    scope,
    members: groups.filter((g) => g.kind === "member").map(row),
    teams: groups.filter((g) => g.kind === "team" || g.kind === "others").map(row),
    total: row(groups.find((g) => g.kind === "total")!),
  };
}
