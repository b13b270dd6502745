// KPI (绩效评估) rules: who is reported on for which role, and the arithmetic of the metrics.
// The database does the counting and the percentiles (kpi.ts); this file decides what the
// numbers mean. Definitions (DESIGN.md §2 KPIs), per member / team / tenant for a local range:
// - callback completion rate: callbacks assigned to the member whose ORIGINAL due date (before
//   any postponement) is in the range up to today, that are DONE, over all of them; "on time"
//   when done on or before that original date. Postponing therefore neither shrinks the base nor
//   hides an overdue call; postponed callbacks still open past their original date are counted;
// - callbacks with outcome: DONE callbacks by recorded result (reached / no answer / call later);
// - complaint acknowledge / resolve time: median minutes from registration to acknowledgement
//   (a complaint resolved without an explicit acknowledgement counts as acknowledged when
//   resolved) and to resolution, over complaints registered in the range and assigned to the
//   member now;
//   shown both in calendar time and in working time (the tenant's work calendar: working hours
//   of working days, holidays and 调休 as for business-time SLAs), labelled apart;
// - SLA deadlines missed: of those complaints, each deadline (acknowledge, resolve) met late or
//   passed unmet, charged to the member who HELD the complaint when it passed (the assignee of
//   the latest timeline event at or before it), not to whoever it was escalated to afterwards;
//   escalations are counted separately for the member who received them;
// - sales: orders dated in the range of customers the member owns now; growth against the
//   previous period of the same length; retention = customers that bought in the previous period
//   and bought again in this one, over those that bought in the previous period;
// - visits logged: visits the member made (as the main visitor) in the range;
// - churn rate: customers (by current owner) that were ACTIVE or AT_RISK when the range
//   started and whose status became CHURNED during it, over the customers ACTIVE or AT_RISK at
//   the start. The status at the start is read from the customer audit trail: the "before"
//   status of the first status change at or after the start, else the current status;
// - average satisfaction: mean score (1..5) of DONE callbacks completed in the range;
// - hospitality spend: requests of the member with an event date in the range, APPROVED
//   (estimated amount) or SETTLED (actual amount), in fen; per customer = spend / distinct
//   customers entertained; per tier by the customer's current tier.
import type { Role, Tier } from "@prisma/client";
import { addDays, daysBetween, type LocalDate } from "../shared/time.js";
import { InvalidInputError } from "../shared/errors.js";

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export interface KpiRange {
  from: LocalDate;
  to: LocalDate;
}

/** Fills the defaults (the 30 days up to today) and checks the order and length of a range. */
export function resolveRange(input: { from?: LocalDate; to?: LocalDate }, today: LocalDate): KpiRange {
  const to = input.to ?? (input.from && input.from > today ? input.from : today);
  const from = input.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw new InvalidInputError("kpi.invalid_range", { from, to });
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw new InvalidInputError("kpi.range_too_long", { maxDays: MAX_RANGE_DAYS });
  return { from, to };
}

export type GroupKind = "member" | "team" | "others" | "total";

export interface KpiGroup {
  /** Unique within a report: "m:<id>", "t:<id>", "others" or "total". */
  key: string;
  kind: GroupKind;
  /** The member, or the team's lead; null for "others" and the total. */
  id: string | null;
  memberIds: string[];
  /** The team a member row belongs to (its key), when the report lists teams. */
  teamKey?: string;
}

export interface TreeView {
  /** Every member of the tenant (active or not), in display order. */
  memberIds: string[];
  isActive(id: string): boolean;
  /** Transitive subordinates by the supervisor tree. */
  subordinatesOf(id: string): string[];
  /** Everyone above a member, nearest first. */
  ancestorsOf(id: string): string[];
  role(id: string): Role;
}

/**
 * The leads whose teams partition the department: members (other than MANAGERs) with someone
 * below them and no lead above them but MANAGERs. A sub-team (a supervisor under a supervisor)
 * counts inside its top team, so no member is counted in two teams and the team rows add up.
 */
export function teamLeadsOf(tree: TreeView): string[] {
  const isLead = (id: string) => tree.role(id) !== "MANAGER" && tree.subordinatesOf(id).length > 0;
  return tree.memberIds.filter((id) => isLead(id) && tree.ancestorsOf(id).every((a) => tree.role(a) === "MANAGER"));
}

/**
 * What a report covers, by role: a SPECIALIST themself; a SUPERVISOR themself and each team
 * member (deactivated ones included: what they still hold is the team's), with the team total;
 * a MANAGER or ADMIN every member, the teams (see teamLeadsOf) plus one "others" row for
 * whoever is in no team (the department head, admins, people reporting to nobody), and the
 * tenant total. Each member is in exactly one member row and one team or "others" row, so the
 * additive figures of the member rows sum to their team's, and the team rows to the total.
 */
export function kpiGroups(role: Role, actorId: string, tree: TreeView): { scope: "self" | "team" | "tenant"; groups: KpiGroup[] } {
  const member = (id: string, teamKey?: string): KpiGroup => ({ key: `m:${id}`, kind: "member", id, memberIds: [id], ...(teamKey ? { teamKey } : {}) });
  if (role === "SPECIALIST") {
    return { scope: "self", groups: [member(actorId), { key: "total", kind: "total", id: null, memberIds: [actorId] }] };
  }
  if (role === "SUPERVISOR") {
    const team = [actorId, ...tree.subordinatesOf(actorId)];
    return {
      scope: "team",
      groups: [...team.map((id) => member(id)), { key: "total", kind: "total", id: null, memberIds: team }],
    };
  }
  const teamOf = new Map<string, string>();
  const teams: KpiGroup[] = [];
  for (const lead of teamLeadsOf(tree)) {
    const ids = [lead, ...tree.subordinatesOf(lead)];
    const key = `t:${lead}`;
    for (const id of ids) teamOf.set(id, key);
    teams.push({ key, kind: "team", id: lead, memberIds: ids });
  }
  const others = tree.memberIds.filter((id) => !teamOf.has(id));
  const groups: KpiGroup[] = tree.memberIds.map((id) => member(id, teamOf.get(id) ?? "others"));
  groups.push(...teams);
  if (others.length > 0) groups.push({ key: "others", kind: "others", id: null, memberIds: others });
  groups.push({ key: "total", kind: "total", id: null, memberIds: tree.memberIds });
  return { scope: "tenant", groups };
}

/** The previous period of the same length, just before the range (for growth and retention). */
export function previousRange(range: KpiRange): KpiRange {
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** Growth of `current` over `previous` as a fraction (0.25 = +25 %), null when nothing before. */
export function growth(current: bigint, previous: bigint): number | null {
  if (previous <= 0n) return null;
  return Number(current - previous) / Number(previous);
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Average fen per customer, rounded half up to a whole fen. */
export function perCustomerFen(spendFen: bigint, customers: number): bigint | null {
  if (customers <= 0) return null;
  const n = BigInt(customers);
  return (spendFen * 2n + n) / (2n * n);
}

/** The median as percentile_cont(0.5) takes it (the mean of the two middle values), null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Minutes to one decimal, for medians that arrive as float seconds/60 from percentile_cont. */
export function roundMinutes(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

export interface TierSpend {
  requests: number;
  customers: number;
  spendFen: bigint;
  perCustomerFen: bigint | null;
}

export const TIERS: readonly Tier[] = ["VIP", "A", "B", "C"];

export function emptyTierSpend(): Record<Tier, TierSpend> {
  return Object.fromEntries(TIERS.map((t) => [t, { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null }])) as Record<
    Tier,
    TierSpend
  >;
}
