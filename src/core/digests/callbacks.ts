// Content of the 09:00 callback digest (plain data; conversation/views renders it). Set-based:
// one query for the member tree, one for every open item, one for every member's counts,
// whatever the number of members.
import type { CallbackReason, Tier } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { analyticalQuery, type Queryable } from "../risk/analytics.js";
import { addDays, startOfLocalDay, type LocalDate } from "../shared/time.js";
import type { TenantView } from "../tenants/tenants.js";
import { COMPLETION_WINDOW_DAYS, compareDigestCallbacks, completionRate } from "./rules.js";
import { leadsWholeTenant, loadTeams, teamLeads, teamOf, type Teams } from "./teams.js";

export interface CallbackDigestItem {
  callbackId: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  dueOn: LocalDate;
  /** 0 = due today. */
  daysOverdue: number;
  reason: CallbackReason;
}

/** A planned visit (联络计划, visit cadence) still PLANNED after its day. */
export interface OverdueVisitItem {
  planId: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  plannedOn: LocalDate;
  /** At least 1. */
  daysOverdue: number;
  purpose: string | null;
}

export interface MemberCallbackDigest {
  memberId: string;
  due: number;
  overdue: number;
  /** VIP first, then the most overdue. */
  items: CallbackDigestItem[];
  /** The member's planned visits past their day, most overdue first. */
  overdueVisits: OverdueVisitItem[];
  /** Pending satisfaction-survey tasks (survey start), when there are any. */
  surveys?: SurveyDigestSection;
}

/** The "surveys to do" section: how many are pending and the first customers (VIP first). */
export interface SurveyDigestSection {
  count: number;
  customers: Array<{ customerName: string; tier: Tier; surveyName: string }>;
}

/** Customers named in the digest's survey section; the `survey` list has them all. */
export const SURVEY_DIGEST_CUSTOMERS = 3;

export interface TeamCallbackRow {
  memberId: string;
  name: string;
  /** Pending and due on the digest date. */
  due: number;
  /** Pending and due before the digest date. */
  overdue: number;
  /** Completed (DONE) during the local day before the digest date. */
  doneYesterday: number;
  /** Postponed callbacks still open past their original due date (no longer in "overdue"). */
  postponedOverdue?: number;
  completionRate: number | null;
}

export interface SupervisorCallbackDigest {
  supervisorId: string;
  /** Most overdue first. */
  team: TeamCallbackRow[];
  totals: { due: number; overdue: number; doneYesterday: number };
  /** See rules.ts: DONE / all due over the COMPLETION_WINDOW_DAYS days before the digest date. */
  completionRate: number | null;
}

export interface CallbackDigests {
  localDate: LocalDate;
  /** Members with at least one callback due today or overdue. */
  members: MemberCallbackDigest[];
  /** Team leads (teams.ts) with a team (deactivated members count only while they hold callbacks). */
  supervisors: SupervisorCallbackDigest[];
  /** With `department: true` (and no recipient): the whole department, for the digests channel. */
  department?: DepartmentCallbackDigest;
}

export interface DepartmentCallbackDigest {
  /** Over every member of the tenant. */
  totals: { due: number; overdue: number; doneYesterday: number };
  completionRate: number | null;
  /** Each outermost team below the department head, as its lead's team digest shows it; leads by name. */
  teams: SupervisorCallbackDigest[];
  /** Members in none of those teams (the leads themselves, those reporting to the head) holding callbacks. */
  others: TeamCallbackRow[];
}

export interface DigestOptions {
  /** Build only what this member receives (their own items and their team's summary). */
  recipientId?: string;
  /** Also build the whole department's view (the digests channel post); ignored with a recipient. */
  department?: boolean;
}

interface ItemRow extends Omit<CallbackDigestItem, "tier" | "reason"> {
  assigneeId: string;
  tier: Tier;
  reason: CallbackReason;
}

interface VisitRow extends OverdueVisitItem {
  assigneeId: string;
}

interface CountRow {
  assigneeId: string;
  due: number;
  overdue: number;
  doneYesterday: number;
  windowDue: number;
  windowDone: number;
  postponedOverdue: number;
}

/** The member ids a recipient's digest needs data for, or null for the whole tenant. */
export function recipientScope(teams: Teams, recipientId: string | undefined): string[] | null {
  if (recipientId === undefined || leadsWholeTenant(teams, recipientId)) return null;
  return [recipientId, ...teamOf(teams, recipientId)];
}

export async function buildCallbackDigests(
  db: Queryable,
  tenant: TenantView,
  localDate: LocalDate,
  options: DigestOptions = {},
): Promise<CallbackDigests> {
  const teams = await loadTeams(db, tenant.id);
  const scope = recipientScope(teams, options.recipientId);
  const byAssignee = scope ? Prisma.sql`AND cb."assigneeId" = ANY(${scope}::text[])` : Prisma.empty;
  const windowFrom = addDays(localDate, -COMPLETION_WINDOW_DAYS);
  const yesterdayStart = startOfLocalDay(addDays(localDate, -1), tenant.timeZone).toISOString();
  const todayStart = startOfLocalDay(localDate, tenant.timeZone).toISOString();

  const items = await analyticalQuery(db, (q) => q.$queryRaw<ItemRow[]>`
    SELECT cb.id AS "callbackId", cb."assigneeId", cb."customerId", c.name AS "customerName",
      COALESCE(c."tierOverride", c.tier)::text AS tier, to_char(cb."dueOn", 'YYYY-MM-DD') AS "dueOn",
      (${localDate}::date - cb."dueOn")::int AS "daysOverdue", cb.reason::text AS reason
    FROM "Callback" cb
    JOIN "Customer" c ON c.id = cb."customerId" AND c."tenantId" = cb."tenantId"
    WHERE cb."tenantId" = ${tenant.id} AND cb.status = 'PENDING' AND cb."dueOn" <= ${localDate}::date ${byAssignee}`);

  const visitsByAssignee = scope ? Prisma.sql`AND p."assigneeId" = ANY(${scope}::text[])` : Prisma.empty;
  const visits = await analyticalQuery(db, (q) => q.$queryRaw<VisitRow[]>`
    SELECT p.id AS "planId", p."assigneeId", p."customerId", c.name AS "customerName",
      COALESCE(c."tierOverride", c.tier)::text AS tier, to_char(p."plannedOn", 'YYYY-MM-DD') AS "plannedOn",
      (${localDate}::date - p."plannedOn")::int AS "daysOverdue", p.purpose
    FROM "VisitPlan" p
    JOIN "Customer" c ON c.id = p."customerId" AND c."tenantId" = p."tenantId"
    WHERE p."tenantId" = ${tenant.id} AND p.status = 'PLANNED' AND p."plannedOn" < ${localDate}::date ${visitsByAssignee}
    ORDER BY p."plannedOn", c.name, p.id`);

  const counts = await analyticalQuery(db, (q) => q.$queryRaw<CountRow[]>`
    SELECT cb."assigneeId",
      (count(*) FILTER (WHERE cb.status = 'PENDING' AND cb."dueOn" = ${localDate}::date))::int AS due,
      (count(*) FILTER (WHERE cb.status = 'PENDING' AND cb."dueOn" < ${localDate}::date))::int AS overdue,
      (count(*) FILTER (WHERE cb.status = 'DONE' AND cb."completedAt" >= ${yesterdayStart}::timestamp
        AND cb."completedAt" < ${todayStart}::timestamp))::int AS "doneYesterday",
      (count(*) FILTER (WHERE COALESCE(cb."originalDueOn", cb."dueOn") >= ${windowFrom}::date
        AND COALESCE(cb."originalDueOn", cb."dueOn") < ${localDate}::date))::int AS "windowDue",
      (count(*) FILTER (WHERE COALESCE(cb."originalDueOn", cb."dueOn") >= ${windowFrom}::date
        AND COALESCE(cb."originalDueOn", cb."dueOn") < ${localDate}::date AND cb.status = 'DONE'))::int AS "windowDone",
      (count(*) FILTER (WHERE cb.status = 'PENDING' AND cb."originalDueOn" < ${localDate}::date
        AND cb."dueOn" >= ${localDate}::date))::int AS "postponedOverdue"
    FROM "Callback" cb
    WHERE cb."tenantId" = ${tenant.id} ${byAssignee}
      AND (
        (cb.status = 'PENDING' AND cb."dueOn" <= ${localDate}::date)
        OR (COALESCE(cb."originalDueOn", cb."dueOn") >= ${windowFrom}::date AND COALESCE(cb."originalDueOn", cb."dueOn") < ${localDate}::date)
        OR (cb.status = 'PENDING' AND cb."originalDueOn" < ${localDate}::date)
        OR (cb.status = 'DONE' AND cb."completedAt" >= ${yesterdayStart}::timestamp AND cb."completedAt" < ${todayStart}::timestamp)
      )
    GROUP BY cb."assigneeId"`);

  const surveys = await surveySections(db, tenant.id, scope);

  const countsBy = new Map(counts.map((c) => [c.assigneeId, c]));
  const itemsBy = new Map<string, CallbackDigestItem[]>();
  for (const { assigneeId, ...item } of items) {
    const list = itemsBy.get(assigneeId);
    if (list) list.push(item);
    else itemsBy.set(assigneeId, [item]);
  }

  const visitsBy = new Map<string, OverdueVisitItem[]>();
  for (const { assigneeId, ...visit } of visits) {
    const list = visitsBy.get(assigneeId);
    if (list) list.push(visit);
    else visitsBy.set(assigneeId, [visit]);
  }

  const isRecipient = (id: string) => teams.members.get(id)?.active === true && (!options.recipientId || id === options.recipientId);
  const members: MemberCallbackDigest[] = [];
  // A member with only overdue visits or survey tasks still gets the morning digest: they are its news.
  for (const memberId of new Set([...itemsBy.keys(), ...visitsBy.keys(), ...surveys.keys()])) {
    if (!isRecipient(memberId)) continue;
    const list = itemsBy.get(memberId) ?? [];
    list.sort(compareDigestCallbacks);
    const c = countsBy.get(memberId);
    const section = surveys.get(memberId);
    members.push({ memberId, due: c?.due ?? 0, overdue: c?.overdue ?? 0, items: list, overdueVisits: visitsBy.get(memberId) ?? [], ...(section ? { surveys: section } : {}) });
  }
  members.sort((a, b) => (a.memberId < b.memberId ? -1 : 1));

  const supervisors: SupervisorCallbackDigest[] = [];
  for (const leadId of teamLeads(teams)) {
    if (!isRecipient(leadId)) continue;
    const summary = teamSummary(teams, countsBy, teamOf(teams, leadId));
    if (summary) supervisors.push({ supervisorId: leadId, ...summary });
  }
  if (!options.department || options.recipientId !== undefined) return { localDate, members, supervisors };
  return { localDate, members, supervisors, department: departmentSummary(teams, countsBy) };
}

interface SurveyRow {
  assigneeId: string;
  count: number;
  customerName: string;
  tier: Tier;
  surveyName: string;
}

/** Pending survey tasks per assignee: the count and the first SURVEY_DIGEST_CUSTOMERS customers, in one query. */
async function surveySections(db: Queryable, tenantId: string, scope: string[] | null): Promise<Map<string, SurveyDigestSection>> {
  const byAssignee = scope ? Prisma.sql`AND t."assigneeId" = ANY(${scope}::text[])` : Prisma.empty;
  const rows = await analyticalQuery(db, (q) => q.$queryRaw<SurveyRow[]>`
    SELECT "assigneeId", count, "customerName", tier, "surveyName" FROM (
      SELECT t."assigneeId", c.name AS "customerName", COALESCE(c."tierOverride", c.tier)::text AS tier, s.name AS "surveyName",
        (count(*) OVER (PARTITION BY t."assigneeId"))::int AS count,
        row_number() OVER (PARTITION BY t."assigneeId"
          ORDER BY CASE COALESCE(c."tierOverride", c.tier)::text WHEN 'VIP' THEN 0 WHEN 'A' THEN 1 WHEN 'B' THEN 2 ELSE 3 END, c.name, t.id) AS n
      FROM "SurveyTask" t
      JOIN "Survey" s ON s.id = t."surveyId"
      JOIN "Customer" c ON c.id = t."customerId" AND c."tenantId" = t."tenantId"
      WHERE t."tenantId" = ${tenantId} AND t.status = 'PENDING' ${byAssignee}
    ) ranked
    WHERE n <= ${SURVEY_DIGEST_CUSTOMERS}
    ORDER BY "assigneeId", n`);
  const sections = new Map<string, SurveyDigestSection>();
  for (const r of rows) {
    const section = sections.get(r.assigneeId) ?? { count: r.count, customers: [] };
    section.customers.push({ customerName: r.customerName, tier: r.tier, surveyName: r.surveyName });
    sections.set(r.assigneeId, section);
  }
  return sections;
}

type CountsBy = ReadonlyMap<string, CountRow>;

/** The summary rows, totals and completion rate of these members; null when none of them counts. */
function teamSummary(teams: Teams, countsBy: CountsBy, memberIds: readonly string[]): Omit<SupervisorCallbackDigest, "supervisorId"> | null {
  let windowDue = 0;
  let windowDone = 0;
  const totals = { due: 0, overdue: 0, doneYesterday: 0 };
  // A deactivated member appears only while they still hold callbacks.
  const holding = memberIds.filter((id) => teams.members.get(id)!.active || countsBy.has(id));
  if (holding.length === 0) return null;
  const rows = holding.map((memberId): TeamCallbackRow => {
    const c = countsBy.get(memberId);
    windowDue += c?.windowDue ?? 0;
    windowDone += c?.windowDone ?? 0;
    totals.due += c?.due ?? 0;
    totals.overdue += c?.overdue ?? 0;
    totals.doneYesterday += c?.doneYesterday ?? 0;
    return {
      memberId,
      name: teams.members.get(memberId)!.name,
      due: c?.due ?? 0,
      overdue: c?.overdue ?? 0,
      doneYesterday: c?.doneYesterday ?? 0,
      ...(c?.postponedOverdue ? { postponedOverdue: c.postponedOverdue } : {}),
      completionRate: completionRate(c?.windowDone ?? 0, c?.windowDue ?? 0),
    };
  });
  rows.sort((a, b) => b.overdue - a.overdue || b.due - a.due || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { team: rows, totals, completionRate: completionRate(windowDone, windowDue) };
}

/**
 * The department view: whole-tenant totals and rate, then each team below the department head
 * as its lead's digest shows it. Only the outermost such teams are listed (a sub-team is inside
 * its lead's lead's team), so every member appears once; members in no team are listed apart
 * while they hold callbacks.
 */
function departmentSummary(teams: Teams, countsBy: CountsBy): DepartmentCallbackDigest {
  const whole = teamSummary(teams, countsBy, [...teams.members.keys()]);
  const leads = new Set(teamLeads(teams).filter((id) => !leadsWholeTenant(teams, id)));
  const outermost = [...leads].filter((id) => !(teams.ancestors.get(id) ?? []).some((up) => leads.has(up)));
  const covered = new Set<string>();
  const teamDigests: SupervisorCallbackDigest[] = [];
  for (const leadId of outermost) {
    const memberIds = teamOf(teams, leadId);
    const summary = teamSummary(teams, countsBy, memberIds);
    if (!summary) continue;
    for (const id of memberIds) covered.add(id);
    teamDigests.push({ supervisorId: leadId, ...summary });
  }
  const outside = [...teams.members.keys()].filter((id) => !covered.has(id) && countsBy.has(id));
  return {
    totals: whole?.totals ?? { due: 0, overdue: 0, doneYesterday: 0 },
    completionRate: whole?.completionRate ?? null,
    teams: teamDigests,
    others: teamSummary(teams, countsBy, outside)?.team ?? [],
  };
}
