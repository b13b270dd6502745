// Finding customers by any part of their name (客户搜索): the name itself in any case, a prefix,
// a substring, or its pinyin (full or initials: "huawei" / "hwjs" → 华为技术). Ranked exact,
// prefix, substring, pinyin; then by name. Substring and pinyin matches use the pg_trgm indexes
// on nameKey / namePinyin / nameInitials (migration 20261203150000).
//
// Scope: only customers the viewer may see are ever named. What lies outside is only counted
// ("N more outside your scope"), so nobody learns another team's customer names from a chooser.
import { Prisma } from "@prisma/client";
import { directQuery } from "../../db/direct.js";
import { scopePredicate } from "../members/scope-sql.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { normalizeName } from "./rules.js";
import { pinyinQueryOf } from "./search-keys.js";
import type { Tier } from "@prisma/client";

type Queryable = Tx | CoreDeps["db"];

/** How a name matched, best first. */
export type MatchRank = 0 | 1 | 2 | 3;
export const MATCH_EXACT: MatchRank = 0;
export const MATCH_PREFIX: MatchRank = 1;
export const MATCH_SUBSTRING: MatchRank = 2;
export const MATCH_PINYIN: MatchRank = 3;

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

export interface NameMatchSql {
  /** WHERE condition on customer row `c`. */
  where: Prisma.Sql;
  /** The MatchRank of row `c`. */
  rank: Prisma.Sql;
}

/** The match condition and rank of a typed query, on customer row `c`. */
export function nameMatchSql(query: string): NameMatchSql {
  const key = normalizeName(query);
  if (key === "") throw new InvalidInputError("customer.name_required");
  const like = escapeLike(key);
  const py = pinyinQueryOf(query);
  const pinyinWhere = py ? Prisma.sql` OR c."namePinyin" LIKE ${`%${escapeLike(py)}%`} OR c."nameInitials" LIKE ${`%${escapeLike(py)}%`}` : Prisma.empty;
  return {
    where: Prisma.sql`(c."nameKey" LIKE ${`%${like}%`}${pinyinWhere})`,
    rank: Prisma.sql`(CASE WHEN c."nameKey" = ${key} THEN 0 WHEN c."nameKey" LIKE ${`${like}%`} THEN 1 WHEN c."nameKey" LIKE ${`%${like}%`} THEN 2 ELSE 3 END)`,
  };
}

export interface SearchHit {
  id: string;
  name: string;
  tier: Tier;
  ownerId: string;
  ownerName: string;
  rank: MatchRank;
}

export interface SearchResult {
  hits: SearchHit[];
  /** In-scope matches in all (hits is one page of them). */
  total: number;
  /** Matches the viewer may not see: counted, never named. */
  outsideScope: number;
}

interface SearchRow {
  total: number;
  outside: number;
  hits: SearchHit[] | null;
}

/** One page of the customers whose name matches `query`, best match first, in the viewer's scope. */
export async function searchCustomers(
  deps: CoreDeps,
  actor: Actor,
  query: string,
  page: { offset?: number; limit?: number } = {},
): Promise<SearchResult> {
  const match = nameMatchSql(query);
  const limit = Math.min(Math.max(page.limit ?? 10, 1), 100);
  const offset = Math.max(page.offset ?? 0, 0);
  const [row] = await directQuery<SearchRow>(
    deps.db,
    Prisma.sql`
    WITH m AS MATERIALIZED (
      SELECT c.id, c.name, c.tier, c."ownerId", c."nameKey", ${match.rank} AS rank,
             (${scopePredicate(actor, Prisma.sql`c."ownerId"`)}) AS visible
      FROM "Customer" c
      WHERE c."tenantId" = ${actor.tenantId} AND ${match.where}
    )
    SELECT (SELECT count(*)::int FROM m WHERE visible) AS total,
           (SELECT count(*)::int FROM m WHERE NOT visible) AS outside,
           (SELECT json_agg(x ORDER BY x.rank, x."nameKey") FROM (
              SELECT m.id, m.name, m.tier, m."ownerId", m.rank, m."nameKey", mb."displayName" AS "ownerName"
              FROM m LEFT JOIN "Member" mb ON mb.id = m."ownerId"
              WHERE m.visible ORDER BY m.rank, m."nameKey" LIMIT ${limit} OFFSET ${offset}) x) AS hits`,
  );
  return {
    total: row?.total ?? 0,
    outsideScope: row?.outside ?? 0,
    hits: (row?.hits ?? []).map((h) => ({ id: h.id, name: h.name, tier: h.tier, ownerId: h.ownerId, ownerName: h.ownerName ?? "", rank: h.rank })),
  };
}

export interface NameResolution {
  /** The one customer meant, when the query names exactly one. */
  id: string | null;
  /** Otherwise: the in-scope candidates, best first (at most `limit`)… */
  candidates: Array<{ id: string; name: string }>;
  /** …whether there are more in scope than listed… */
  more: boolean;
  /** …and how many matches lie outside the viewer's scope. */
  outsideScope: number;
}

interface ResolutionRow {
  prefixes: number;
  total: number;
  outside: number;
  best: string | null;
  candidates: Array<{ id: string; name: string }> | null;
}

/**
 * Which customer a typed name means, when it is not a customer's exact name: the only prefix
 * match ("华为" → 华为技术有限公司), or else the only match of any kind. Several: the in-scope
 * candidates for a chooser. `actor` null: the whole tenant counts as in scope.
 */
export async function resolveName(
  db: Queryable,
  tenantId: string,
  query: string,
  actor: Actor | null,
  limit: number,
): Promise<NameResolution> {
  const match = nameMatchSql(query);
  const visible = actor ? scopePredicate(actor, Prisma.sql`c."ownerId"`) : Prisma.sql`TRUE`;
  const [row] = await directQuery<ResolutionRow>(
    db,
    Prisma.sql`
    WITH m AS MATERIALIZED (
      SELECT c.id, c.name, c."nameKey", ${match.rank} AS rank, (${visible}) AS visible
      FROM "Customer" c
      WHERE c."tenantId" = ${tenantId} AND ${match.where}
    )
    SELECT (SELECT count(*)::int FROM m WHERE rank <= 1) AS prefixes,
           (SELECT count(*)::int FROM m) AS total,
           (SELECT count(*)::int FROM m WHERE NOT visible) AS outside,
           (SELECT id FROM m ORDER BY rank, "nameKey" LIMIT 1) AS best,
           (SELECT json_agg(x ORDER BY x.rank, x."nameKey") FROM (
              SELECT id, name, rank, "nameKey" FROM m WHERE visible ORDER BY rank, "nameKey" LIMIT ${limit + 1}) x) AS candidates`,
  );
  const prefixes = row?.prefixes ?? 0;
  const total = row?.total ?? 0;
  if (row?.best && (prefixes === 1 || (prefixes === 0 && total === 1))) {
    return { id: row.best, candidates: [], more: false, outsideScope: 0 };
  }
  const candidates = (row?.candidates ?? []).map((c) => ({ id: c.id, name: c.name }));
  return { id: null, candidates: candidates.slice(0, limit), more: candidates.length > limit, outsideScope: row?.outside ?? 0 };
}
