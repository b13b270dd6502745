// The contact plan (联络计划, `plan`): day by day over a window, the callbacks due and the visits
// planned for me or my team, overdue ones first, grouped by the customer's region, with the
// suggestion to see customers of the same region on a day someone already goes there. One
// query per kind of item (set-based: a manager's 30-day plan over 100,000 customers is one
// pass), grouping in memory.
import type { Tier } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { dayInfo, type WorkCalendar } from "../calendar/calendar.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { visibleMemberIds } from "../members/authorization.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { addDays, fromDateColumn, localDateOf, type LocalDate } from "../shared/time.js";
import { normalizeName } from "../customers/rules.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { requireRegion } from "../regions/regions.js";
import { isoWeekday } from "../calendar/calendar.js";

export type PlanWindow = "week" | "month" | "7d" | "30d";
export type PlanScope = "me" | "team";

export interface PlanItem {
  kind: "callback" | "visit";
  /** The callback's or the planned visit's id. */
  id: string;
  date: LocalDate;
  overdue: boolean;
  /** CallbackReason or VisitPlanReason. */
  reason: string;
  /** The callback's note or the visit's purpose. */
  text: string | null;
  assigneeId: string;
  assigneeName: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  region: string | null;
}

export interface RegionGroup {
  /** The customer's region; null for customers without one. */
  region: string | null;
  items: PlanItem[];
}

export interface PlanSuggestion {
  region: string;
  customerId: string;
  customerName: string;
  /** The planned visit that could move to this day, and when it is planned now. */
  planId: string;
  plannedOn: LocalDate;
}

export interface PlanDay {
  date: LocalDate;
  /** All items of the day, also those beyond the ones in groups. */
  total: number;
  working: boolean;
  /** The holiday, make-up day or override name, when the day is special. */
  dayName: { en: string; zh: string } | null;
  groups: RegionGroup[];
  /** Visits due later in the window in a region someone visits this day. */
  suggestions: PlanSuggestion[];
}

export interface ContactPlan {
  from: LocalDate;
  to: LocalDate;
  scope: PlanScope;
  region: string | null;
  overdue: RegionGroup[];
  /** All overdue items, also those beyond the ones in `overdue`. */
  overdueTotal: number;
  days: PlanDay[];
  totals: { callbacks: number; visits: number; overdue: number };
}

export interface ContactPlanRequest {
  window?: PlanWindow | undefined;
  scope?: PlanScope | undefined;
  region?: string | undefined;
}

/** The last day of a window starting today: this week (to Sunday), this month, 7 or 30 days. */
export function windowEnd(today: LocalDate, window: PlanWindow): LocalDate {
  switch (window) {
    case "week":
      return addDays(today, 7 - isoWeekday(today));
    case "month": {
      const next = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1));
      return addDays(next.toISOString().slice(0, 10), -1);
    }
    case "7d":
      return addDays(today, 6);
    case "30d":
      return addDays(today, 29);
  }
}

const MAX_SUGGESTIONS_PER_GROUP = 3;

interface Row {
  kind: "callback" | "visit";
  id: string;
  date: Date;
  reason: string;
  text: string | null;
  assigneeId: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  region: string | null;
  /** Within its day's (or the overdue list's) first PLAN_ROWS_PER_DAY; others only feed suggestions. */
  shown: boolean;
  bucketTotal: bigint | number;
  callbacksTotal: bigint | number;
  visitsTotal: bigint | number;
}

export async function contactPlan(deps: CoreDeps, actor: Actor, request: ContactPlanRequest = {}): Promise<ContactPlan> {
  const now = deps.clock.now();
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(now, tenant.timeZone);
  const window = request.window ?? "7d";
  const scope = request.scope ?? "me";
  const to = windowEnd(today, window);
  const region = request.region ? (await requireRegion(deps.db, tenant.id, request.region)).name : null;
  const visible = scope === "me" ? [actor.memberId] : await visibleMemberIds(deps.db, actor);
  const rows = await loadRows(deps, tenant, today, to, visible, region);
  const names = await memberNames(deps, tenant.id, rows.map((r) => r.assigneeId));
  const cal = await loadWorkCalendar(deps.db, tenant);
  return buildPlan(cal, today, to, scope, region, rows, names);
}

/**
 * Items kept per day (and for the overdue list): a day with hundreds of calls is shown as its
 * first ones and a count. Upcoming visits with a region are all kept: they are what the
 * same-region suggestions are made of.
 */
export const PLAN_ROWS_PER_DAY = 50;

async function loadRows(deps: CoreDeps, tenant: TenantView, today: LocalDate, to: LocalDate, assignees: string[] | null, region: string | null): Promise<Row[]> {
  const who = assignees === null ? Prisma.sql`TRUE` : Prisma.sql`x."assigneeId" = ANY(${assignees}::text[])`;
  const where = region === null ? Prisma.sql`TRUE` : Prisma.sql`lower(c.region) = ${normalizeName(region)}`;
  return deps.db.$queryRaw<Row[]>`
    WITH items AS (
      SELECT x.kind, x.id, x.date, x.reason, x.text, x."assigneeId", c.id AS "customerId", c.name AS "customerName",
        COALESCE(c."tierOverride", c.tier)::text AS tier, c.region,
        CASE WHEN x.date < ${today}::date THEN NULL ELSE x.date END AS bucket
      FROM (
        SELECT 'callback' AS kind, cb.id, cb."dueOn" AS date, cb.reason::text AS reason, cb.note AS text, cb."assigneeId", cb."customerId"
        FROM "Callback" cb
        WHERE cb."tenantId" = ${tenant.id} AND cb.status = 'PENDING' AND cb."dueOn" <= ${to}::date
        UNION ALL
        SELECT 'visit', p.id, p."plannedOn", p.reason::text, p.purpose, p."assigneeId", p."customerId"
        FROM "VisitPlan" p
        WHERE p."tenantId" = ${tenant.id} AND p.status = 'PLANNED' AND p."plannedOn" <= ${to}::date
      ) x JOIN "Customer" c ON c.id = x."customerId"
      WHERE ${who} AND ${where}
    ), ranked AS (
      SELECT items.*,
        row_number() OVER (PARTITION BY bucket ORDER BY CASE tier WHEN 'VIP' THEN 0 WHEN 'A' THEN 1 WHEN 'B' THEN 2 ELSE 3 END, date, "customerName", id) AS rn,
        count(*) OVER (PARTITION BY bucket) AS "bucketTotal",
        count(*) FILTER (WHERE kind = 'callback') OVER () AS "callbacksTotal",
        count(*) FILTER (WHERE kind = 'visit') OVER () AS "visitsTotal"
      FROM items
    )
    SELECT kind, id, date, reason, text, "assigneeId", "customerId", "customerName", tier, region, rn <= ${PLAN_ROWS_PER_DAY} AS shown, "bucketTotal",
      "callbacksTotal", "visitsTotal"
    FROM ranked
    WHERE rn <= ${PLAN_ROWS_PER_DAY} OR (kind = 'visit' AND bucket IS NOT NULL AND region IS NOT NULL)`;
}

async function memberNames(deps: CoreDeps, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await deps.db.member.findMany({ where: { tenantId, id: { in: unique } }, select: { id: true, displayName: true } });
  return new Map(rows.map((m) => [m.id, m.displayName]));
}

const TIER_RANK: Record<Tier, number> = { VIP: 0, A: 1, B: 2, C: 3 };
const NAMES = new Intl.Collator("zh-CN", { numeric: true });

function compareItems(a: PlanItem, b: PlanItem): number {
  return a.date.localeCompare(b.date) || TIER_RANK[a.tier] - TIER_RANK[b.tier] || NAMES.compare(a.customerName, b.customerName) || a.id.localeCompare(b.id);
}

/** Groups by region: named regions in name order, customers without one last. */
function byRegion(items: PlanItem[]): RegionGroup[] {
  const groups = new Map<string | null, PlanItem[]>();
  for (const item of items) {
    const list = groups.get(item.region);
    if (list) list.push(item);
    else groups.set(item.region, [item]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : NAMES.compare(a, b)))
    .map(([region, list]) => ({ region, items: list.sort(compareItems) }));
}

export function buildPlan(
  cal: WorkCalendar,
  today: LocalDate,
  to: LocalDate,
  scope: PlanScope,
  region: string | null,
  rows: Row[],
  names: Map<string, string>,
): ContactPlan {
  const first = rows[0];
  const totals = { callbacks: Number(first?.callbacksTotal ?? 0), visits: Number(first?.visitsTotal ?? 0), overdue: 0 };
  const dayTotals = new Map<LocalDate, number>();
  const counted = new Set<string>();
  for (const r of rows) {
    const date = fromDateColumn(r.date);
    const bucket = date < today ? "overdue" : date;
    if (!counted.has(bucket)) {
      counted.add(bucket);
      dayTotals.set(bucket, Number(r.bucketTotal));
    }
  }
  const all: Array<PlanItem & { shown: boolean }> = rows.map((r) => {
    const date = fromDateColumn(r.date);
    return {
      kind: r.kind,
      id: r.id,
      date,
      overdue: date < today,
      reason: r.reason,
      text: r.text,
      assigneeId: r.assigneeId,
      assigneeName: names.get(r.assigneeId) ?? "",
      customerId: r.customerId,
      customerName: r.customerName,
      tier: r.tier,
      region: r.region?.trim() ? r.region.trim() : null,
      shown: r.shown,
    };
  });
  const items = all.filter((i) => i.shown);
  const overdue = items.filter((i) => i.overdue);
  const byDay = new Map<LocalDate, PlanItem[]>();
  for (const item of items) {
    if (item.overdue) continue;
    const list = byDay.get(item.date);
    if (list) list.push(item);
    else byDay.set(item.date, [item]);
  }
  // Visits still to come in the window, by region: candidates for a trip someone makes anyway.
  const upcomingVisits = new Map<string, PlanItem[]>();
  for (const item of all) {
    if (item.kind !== "visit" || item.overdue || item.region === null) continue;
    const list = upcomingVisits.get(item.region);
    if (list) list.push(item);
    else upcomingVisits.set(item.region, [item]);
  }
  const days: PlanDay[] = [];
  for (let d = today; d <= to; d = addDays(d, 1)) {
    const info = dayInfo(cal, d);
    const dayItems = byDay.get(d) ?? [];
    const groups = byRegion(dayItems);
    const suggestions: PlanSuggestion[] = [];
    const here = new Set(dayItems.map((i) => i.customerId));
    for (const g of groups) {
      if (g.region === null || !g.items.some((i) => i.kind === "visit")) continue;
      const later = (upcomingVisits.get(g.region) ?? []).filter((v) => v.date > d && !here.has(v.customerId)).sort(compareItems);
      for (const v of later.slice(0, MAX_SUGGESTIONS_PER_GROUP)) {
        suggestions.push({ region: g.region, customerId: v.customerId, customerName: v.customerName, planId: v.id, plannedOn: v.date });
      }
    }
    days.push({ date: d, total: dayTotals.get(d) ?? 0, working: info.working, dayName: info.source === "weekday" || info.source === "weekend" ? null : info.name, groups, suggestions });
  }
  return {
    from: today,
    to,
    scope,
    region,
    overdue: byRegion(overdue),
    overdueTotal: (totals.overdue = dayTotals.get("overdue") ?? 0),
    days,
    totals,
  };
}
