// The customer book as a list (客户列表 / 客户分级表): the customers in the viewer's scope that pass
// a filter, sorted by tier, then churn risk, then name, one page at a time, with a count by tier.
// Risk is the level of the latest risk snapshot (written by the morning churn digest), kept on
// the customer row as riskRank, so a page of 100,000 customers is one range of the (tenant, tier,
// riskRank, nameKey) index, without scoring or joining each one. An empty result names the first
// filter that emptied it.
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
  // Compared as the enum, not as text, so the (tenantId, tier, …) indexes apply.
  if (filter.tiers?.length) out.push(["tiers", Prisma.sql`c.tier IN (${Prisma.join(filter.tiers.map((t) => Prisma.sql`${t}::"Tier"`))})`]);
  if (filter.region) out.push(["region", Prisma.sql`lower(c.region) = ${normalizeName(filter.region)}`]);
  if (filter.industry) out.push(["industry", Prisma.sql`lower(c.industry) = ${normalizeName(filter.industry)}`]);
  if (filter.statuses?.length) out.push(["statuses", Prisma.sql`c.status::text IN (${Prisma.join(filter.statuses)})`]);
  if (filter.risk) out.push(["risk", filter.risk === "HIGH" ? Prisma.sql`c."riskRank" = 0` : Prisma.sql`c."riskRank" <= 1`]);
  if (filter.ownerId) out.push(["ownerId", Prisma.sql`c."ownerId" = ${filter.ownerId}`]);
  if (filter.overdue) {
    // Driven from the callbacks side: the overdue ones are found by their (status, dueOn) index.
    out.push([
      "overdue",
      Prisma.sql`c.id IN (SELECT cb."customerId" FROM "Callback" cb WHERE cb."tenantId" = ${actor.tenantId}
                  AND cb.status = 'PENDING' AND cb."dueOn" < ${toDateColumn(today)}::date)`,
    ]);
  }
  if (filter.name) out.push(["name", nameMatchSql(filter.name).where]);
  return out;
}

type ItemRow = Omit<CustomerListItem, "ownerName"> & { ownerName: string | null };

/** The latest risk snapshot day of the tenant (the morning churn digest writes one a day). */
function snapshotDay(tenantId: string): Prisma.Sql {
  return Prisma.sql`(SELECT max(s."localDate") FROM "RiskSnapshot" s WHERE s."tenantId" = ${tenantId})`;
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
  const t = actor.tenantId;
  // $queryRaw, not directQuery: the statement's text varies with the filters given, and
  // directQuery keeps every distinct text prepared on each pooled connection.
  const [snapshot, counts, rows] = await Promise.all([
    deps.db.$queryRaw<Array<{ d: Date | null }>>(Prisma.sql`SELECT ${snapshotDay(t)} AS d`),
    deps.db.$queryRaw<Array<{ tier: Tier; n: number }>>(Prisma.sql`SELECT c.tier, count(*)::int AS n FROM "Customer" c WHERE c."tenantId" = ${t} AND ${where} GROUP BY c.tier`),
    deps.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT c.id FROM "Customer" c WHERE c."tenantId" = ${t} AND ${where}
      ORDER BY c.tier, c."riskRank", c."nameKey" LIMIT ${limit} OFFSET ${offset}`),
  ]);
  const ids = rows.map((r) => r.id);
  // The day as a value, so the details read the snapshot rows by their key.
  const day = snapshot[0]?.d ?? null;
  const asOf = day ? day.toISOString().slice(0, 10) : null;
  const details =
    ids.length === 0
      ? []
      : await deps.db.$queryRaw<ItemRow[]>(Prisma.sql`
      SELECT c.id, c.name, c.tier, c.status, c."ownerId", m."displayName" AS "ownerName", c.region, c.industry,
             rs.level AS "riskLevel", rs.score AS "riskScore",
             (SELECT count(*)::int FROM "Callback" cb WHERE cb."tenantId" = ${t} AND cb."customerId" = c.id
                AND cb.status = 'PENDING' AND cb."dueOn" < ${toDateColumn(today)}::date) AS "overdueCallbacks"
      FROM "Customer" c
      LEFT JOIN "Member" m ON m.id = c."ownerId"
      -- Per row by the snapshot's key: as a join, a stale row estimate for a fresh snapshot day
      -- made PostgreSQL read all of that day's rows (17,000 in bench:core) for a page of 15.
      LEFT JOIN LATERAL (
        SELECT s.level, s.score FROM "RiskSnapshot" s
        WHERE s."tenantId" = ${t} AND s."localDate" = ${asOf}::date AND s."customerId" = c.id
        LIMIT 1 -- (the key is unique) keeps PostgreSQL from flattening this into a join again
      ) rs ON TRUE
      WHERE c."tenantId" = ${t} AND c.id IN (${Prisma.join(ids)})`);
  const byId = new Map(details.map((d) => [d.id, d]));
  const items = ids.map((id) => byId.get(id)).filter((d): d is ItemRow => d !== undefined);
  const byTier: Record<Tier, number> = { VIP: 0, A: 0, B: 0, C: 0 };
  for (const c of counts) byTier[c.tier] = c.n;
  const total = byTier.VIP + byTier.A + byTier.B + byTier.C;
  return {
    items: items.map((i) => ({ ...i, riskLevel: i.riskLevel ?? null, riskScore: i.riskScore ?? null, ownerName: i.ownerName ?? "" })),
    offset,
    total,
    byTier,
    riskAsOf: asOf,
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
    WHERE c."tenantId" = ${actor.tenantId}`,
  );
  for (let i = 0; i < preds.length; i++) if ((row?.[`n${i}`] ?? 0) === 0) return preds[i]![0];
  return null;
}
