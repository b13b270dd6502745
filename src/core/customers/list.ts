// The customer book as a list (客户列表 / 客户分级表): the customers in the viewer's scope that pass
// a filter, sorted by tier, then churn risk, then name, one page at a time, with a count by tier.
// Risk is the level of the latest risk snapshot (written by the morning churn digest), so a list
// of 100,000 customers sorts without scoring each one. An empty result names the first filter
// that emptied it.
import { Prisma, type CustomerStatus, type Tier } from "@prisma/client";
import { requireCanActFor } from "../members/authorization.js";
import { scopePredicate, type ScopeChoice } from "../members/scope-sql.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { normalizeName } from "./rules.js";
import { nameMatchSql } from "./search.js";

export interface CustomerListFilter {
  scope?: ScopeChoice;
  tiers?: Tier[];
  /** Matched case-insensitively against the whole region / industry. */
  region?: string;
  industry?: string;
  statuses?: CustomerStatus[];
  /** HIGH: high only; MEDIUM: medium and high. */
  risk?: "HIGH" | "MEDIUM";
  ownerId?: string;
  /** Only customers with a pending callback past its due date. */
  overdue?: boolean;
  /** Part of the name or its pinyin (search.ts). */
  name?: string;
}

/** The filter names, in the order an empty result is explained. */
export const FILTER_ORDER = ["scope", "tiers", "region", "industry", "statuses", "risk", "ownerId", "overdue", "name"] as const;
export type FilterName = (typeof FILTER_ORDER)[number];

export interface CustomerListItem {
  id: string;
  name: string;
  tier: Tier;
  status: CustomerStatus;
  ownerId: string;
  ownerName: string;
  region: string | null;
  industry: string | null;
  riskLevel: "HIGH" | "MEDIUM" | null;
  riskScore: number | null;
  overdueCallbacks: number;
}

export interface CustomerListPage {
  items: CustomerListItem[];
  offset: number;
  /** Matching customers in all. */
  total: number;
  byTier: Record<Tier, number>;
  /** The date of the risk snapshot the list sorted by, or null when none was taken yet. */
  riskAsOf: LocalDate | null;
  /** For an empty result: the filter after which nothing was left. */
  emptiedBy: FilterName | null;
}

export const LIST_PAGE_SIZE = 15;

function predicates(actor: Actor, filter: CustomerListFilter, today: LocalDate): Array<[FilterName, Prisma.Sql]> {
  const out: Array<[FilterName, Prisma.Sql]> = [["scope", scopePredicate(actor, Prisma.sql`c."ownerId"`, filter.scope ?? "all")]];
  if (filter.tiers?.length) out.push(["tiers", Prisma.sql`c.tier::text IN (${Prisma.join(filter.tiers)})`]);
  if (filter.region) out.push(["region", Prisma.sql`lower(c.region) = ${normalizeName(filter.region)}`]);
  if (filter.industry) out.push(["industry", Prisma.sql`lower(c.industry) = ${normalizeName(filter.industry)}`]);
  if (filter.statuses?.length) out.push(["statuses", Prisma.sql`c.status::text IN (${Prisma.join(filter.statuses)})`]);
  if (filter.risk) out.push(["risk", filter.risk === "HIGH" ? Prisma.sql`rs.level = 'HIGH'` : Prisma.sql`rs.level IN ('HIGH', 'MEDIUM')`]);
  if (filter.ownerId) out.push(["ownerId", Prisma.sql`c."ownerId" = ${filter.ownerId}`]);
  if (filter.overdue) {
    out.push([
      "overdue",
      Prisma.sql`EXISTS (SELECT 1 FROM "Callback" cb WHERE cb."tenantId" = c."tenantId" AND cb."customerId" = c.id
                  AND cb.status = 'PENDING' AND cb."dueOn" < ${toDateColumn(today)}::date)`,
    ]);
  }
  if (filter.name) out.push(["name", nameMatchSql(filter.name).where]);
  return out;
}

interface ListRow {
  snapshot: Date | null;
  counts: Array<{ tier: Tier; n: number }> | null;
  items: Array<Omit<CustomerListItem, "overdueCallbacks" | "ownerName"> & { ownerName: string | null; overdueCallbacks: number }> | null;
}

/** One page of the customer list. A named owner must be someone the actor may act for. */
export async function listCustomers(
  deps: CoreDeps,
  actor: Actor,
  timeZone: string,
  filter: CustomerListFilter,
  page: { offset?: number; limit?: number } = {},
): Promise<CustomerListPage> {
  if (filter.ownerId) await requireCanActFor(deps.db, actor, filter.ownerId);
  const today = localDateOf(deps.clock.now(), timeZone);
  const limit = Math.min(Math.max(page.limit ?? LIST_PAGE_SIZE, 1), 100);
  const offset = Math.max(page.offset ?? 0, 0);
  const preds = predicates(actor, filter, today);
  const where = Prisma.join(
    preds.map(([, p]) => p),
    " AND ",
  );
  // $queryRaw, not directQuery: the statement's text varies with the filters given, and
  // directQuery keeps every distinct text prepared on each pooled connection.
  const [row] = await deps.db.$queryRaw<ListRow[]>(
    Prisma.sql`
    WITH snap AS (SELECT max("localDate") AS d FROM "RiskSnapshot" WHERE "tenantId" = ${actor.tenantId}),
    f AS MATERIALIZED (
      SELECT c.id, c.name, c."nameKey", c.tier, c.status, c."ownerId", c.region, c.industry, rs.level AS "riskLevel", rs.score AS "riskScore"
      FROM "Customer" c
      LEFT JOIN "RiskSnapshot" rs ON rs."tenantId" = c."tenantId" AND rs."customerId" = c.id AND rs."localDate" = (SELECT d FROM snap)
      WHERE c."tenantId" = ${actor.tenantId} AND ${where}
    )
    SELECT (SELECT d FROM snap) AS snapshot,
      (SELECT json_agg(x) FROM (SELECT tier, count(*)::int AS n FROM f GROUP BY tier) x) AS counts,
      (SELECT json_agg(x ORDER BY x.tier, x."riskRank", x."nameKey", x.id) FROM (
         SELECT f.*, (CASE f."riskLevel" WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END) AS "riskRank",
                m."displayName" AS "ownerName",
                (SELECT count(*)::int FROM "Callback" cb WHERE cb."tenantId" = ${actor.tenantId} AND cb."customerId" = f.id
                   AND cb.status = 'PENDING' AND cb."dueOn" < ${toDateColumn(today)}::date) AS "overdueCallbacks"
         FROM f LEFT JOIN "Member" m ON m.id = f."ownerId"
         ORDER BY f.tier, (CASE f."riskLevel" WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END), f."nameKey", f.id
         LIMIT ${limit} OFFSET ${offset}) x) AS items`,
  );
  const byTier: Record<Tier, number> = { VIP: 0, A: 0, B: 0, C: 0 };
  for (const c of row?.counts ?? []) byTier[c.tier] = c.n;
  const total = byTier.VIP + byTier.A + byTier.B + byTier.C;
  const tierOrder: Record<Tier, number> = { VIP: 0, A: 1, B: 2, C: 3 };
  const rank = (l: string | null) => (l === "HIGH" ? 0 : l === "MEDIUM" ? 1 : 2);
  // json_agg's ORDER BY sorts the enum as text; the SQL page itself is in enum order.
  const items = (row?.items ?? [])
    .map((i) => ({
      id: i.id,
      name: i.name,
      tier: i.tier,
      status: i.status,
      ownerId: i.ownerId,
      ownerName: i.ownerName ?? "",
      region: i.region,
      industry: i.industry,
      riskLevel: i.riskLevel,
      riskScore: i.riskScore,
      overdueCallbacks: i.overdueCallbacks,
      key: (i as unknown as { nameKey: string }).nameKey,
    }))
    .sort((a, b) => tierOrder[a.tier] - tierOrder[b.tier] || rank(a.riskLevel) - rank(b.riskLevel) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key: _key, ...item }) => item);
  return {
    items,
    offset,
    total,
    byTier,
    riskAsOf: row?.snapshot ? row.snapshot.toISOString().slice(0, 10) : null,
    emptiedBy: total === 0 ? await whichFilterEmptied(deps, actor, preds) : null,
  };
}

/** The first filter after which no customer is left (run only for an empty result). */
async function whichFilterEmptied(deps: CoreDeps, actor: Actor, preds: Array<[FilterName, Prisma.Sql]>): Promise<FilterName | null> {
  const columns = preds.map((_, i) =>
    Prisma.sql`count(*) FILTER (WHERE ${Prisma.join(
      preds.slice(0, i + 1).map(([, p]) => p),
      " AND ",
    )})::int AS ${Prisma.raw(`"n${i}"`)}`,
  );
  const [row] = await deps.db.$queryRaw<Array<Record<string, number>>>(
    Prisma.sql`
    SELECT ${Prisma.join(columns)}
    FROM "Customer" c
    LEFT JOIN "RiskSnapshot" rs ON rs."tenantId" = c."tenantId" AND rs."customerId" = c.id
      AND rs."localDate" = (SELECT max("localDate") FROM "RiskSnapshot" WHERE "tenantId" = ${actor.tenantId})
    WHERE c."tenantId" = ${actor.tenantId}`,
  );
  for (let i = 0; i < preds.length; i++) if ((row?.[`n${i}`] ?? 0) === 0) return preds[i]![0];
  return null;
}
