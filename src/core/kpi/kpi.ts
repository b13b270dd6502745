// `report [from] [to]`: KPIs for me / my team / the tenant (definitions in rules.ts). The
// groups a report covers (members, teams, total) are passed to PostgreSQL as one (group, member)
// relation, and each metric family is ONE grouped query over it, so medians are true per-group
// medians (percentile_cont), not averages of medians, and the query count does not grow with
// the number of members.
import type { Tier } from "@prisma/client";
import { z } from "zod";
import { loadTeams } from "../digests/teams.js";
import { analyticalQuery } from "../risk/analytics.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, isLocalDate, localDateOf, startOfLocalDay, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import {
  emptyTierSpend,
  kpiGroups,
  perCustomerFen,
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
  callbacks: { due: number; done: number; completionRate: number | null };
  complaints: {
    registered: number;
    acknowledged: number;
    resolved: number;
    medianAckMinutes: number | null;
    medianResolveMinutes: number | null;
    breachedSla: number;
  };
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
  metrics: KpiMetrics;
}

export interface KpiReport {
  from: LocalDate;
  to: LocalDate;
  scope: "self" | "team" | "tenant";
  members: KpiRow[];
  teams: KpiRow[];
  total: KpiRow;
}

function emptyMetrics(): KpiMetrics {
  return {
    callbacks: { due: 0, done: 0, completionRate: null },
    complaints: { registered: 0, acknowledged: 0, resolved: 0, medianAckMinutes: null, medianResolveMinutes: null, breachedSla: 0 },
    churn: { activeAtStart: 0, churned: 0, rate: null },
    satisfaction: { responses: 0, average: null },
    hospitality: { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null, byTier: emptyTierSpend() },
  };
}

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

  const callbacks = await analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; due: number; done: number }>>`
    SELECT g.key, count(*)::int AS due, (count(*) FILTER (WHERE cb.status = 'DONE'))::int AS done
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN "Callback" cb ON cb."assigneeId" = g.member_id AND cb."tenantId" = ${t}
      AND cb."dueOn" >= ${from}::date AND cb."dueOn" <= ${dueUntil}::date
    GROUP BY g.key`);

  const complaints = await analyticalQuery(db, (q) => q.$queryRaw<
    Array<{ key: string; registered: number; acknowledged: number; resolved: number; medianAck: number | null; medianResolve: number | null; breached: number }>
  >`
    WITH co AS (
      SELECT co."assigneeId", co."createdAt", co."ackDueAt", co."resolveDueAt",
        COALESCE(co."acknowledgedAt", co."resolvedAt", co."closedAt") AS ack_at,
        COALESCE(co."resolvedAt", co."closedAt") AS resolved_at
      FROM "Complaint" co
      WHERE co."tenantId" = ${t} AND co."createdAt" >= ${start}::timestamp AND co."createdAt" < ${end}::timestamp
    )
    SELECT g.key, count(*)::int AS registered, count(co.ack_at)::int AS acknowledged, count(co.resolved_at)::int AS resolved,
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM co.ack_at - co."createdAt") / 60))::float8 AS "medianAck",
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM co.resolved_at - co."createdAt") / 60))::float8 AS "medianResolve",
      (count(*) FILTER (
        WHERE COALESCE(co.ack_at, ${nowText}::timestamp) > co."ackDueAt"
           OR COALESCE(co.resolved_at, ${nowText}::timestamp) > co."resolveDueAt"
      ))::int AS breached
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN co ON co."assigneeId" = g.member_id
    GROUP BY g.key`);

  const churn = await analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; active: number; churned: number }>>`
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

  const satisfaction = await analyticalQuery(db, (q) => q.$queryRaw<Array<{ key: string; responses: number; average: number | null }>>`
    SELECT g.key, count(*)::int AS responses, avg(cb.satisfaction)::float8 AS average
    FROM unnest(${keys}::text[], ${ids}::text[]) AS g(key, member_id)
    JOIN "Callback" cb ON cb."assigneeId" = g.member_id AND cb."tenantId" = ${t}
      AND cb.status = 'DONE' AND cb.satisfaction IS NOT NULL
      AND cb."completedAt" >= ${start}::timestamp AND cb."completedAt" < ${end}::timestamp
    GROUP BY g.key`);

  const hospitality = await analyticalQuery(db, (q) => q.$queryRaw<
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

  const metrics = new Map<string, KpiMetrics>(groups.map((g) => [g.key, emptyMetrics()]));
  const of = (key: string) => metrics.get(key)!;
  for (const r of callbacks) of(r.key).callbacks = { due: r.due, done: r.done, completionRate: ratio(r.done, r.due) };
  for (const r of complaints) {
    of(r.key).complaints = {
      registered: r.registered,
      acknowledged: r.acknowledged,
      resolved: r.resolved,
      medianAckMinutes: roundMinutes(r.medianAck),
      medianResolveMinutes: roundMinutes(r.medianResolve),
      breachedSla: r.breached,
    };
  }
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

  const row = (g: KpiGroup): KpiRow => ({
    kind: g.kind,
    id: g.id,
    name: g.id ? (teams.members.get(g.id)?.name ?? null) : null,
    members: g.memberIds.length,
    metrics: of(g.key),
  });
  return {
    from,
    to,
    scope,
    members: groups.filter((g) => g.kind === "member").map(row),
    teams: groups.filter((g) => g.kind === "team").map(row),
    total: row(groups.find((g) => g.kind === "total")!),
  };
}
