// KPI (绩效评估) rules: who is reported on for which role, and the arithmetic of the metrics.
// The database does the counting and the percentiles (kpi.ts); this file decides what the
// numbers mean. Definitions (DESIGN.md §2 KPIs), per member / team / tenant for a local range:
// - callback completion rate: callbacks assigned to the member and due in the range (up to
//   today: later ones cannot have been missed yet) that are DONE, over all of them;
// - complaint acknowledge / resolve time: median minutes from registration to acknowledgement
//   (a complaint resolved without an explicit acknowledgement counts as acknowledged when
//   resolved) and to resolution, over complaints registered in the range and assigned to the
//   member now;
// - complaints breaching SLA: of those, the ones acknowledged or resolved after their deadline,
//   or still not acknowledged / resolved with the deadline already past;
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

export type GroupKind = "member" | "team" | "total";

export interface KpiGroup {
  /** Unique within a report: "m:<id>", "t:<id>" or "total". */
  key: string;
  kind: GroupKind;
  /** The member, or the team's lead; null for the total. */
  id: string | null;
  memberIds: string[];
}

export interface TreeView {
  /** Every member of the tenant (active or not), in display order. */
  memberIds: string[];
  isActive(id: string): boolean;
  /** Transitive subordinates by the supervisor tree. */
  subordinatesOf(id: string): string[];
  role(id: string): Role;
}

/**
 * What a report covers, by role: a SPECIALIST themself; a SUPERVISOR themself and each team
 * member, with the team total (themself included); a MANAGER or ADMIN every active member,
 * every team (a lead who is not a MANAGER, with everyone below them) and the tenant total
 * (every member, deactivated ones included, so nothing assigned in the tenant is lost).
 */
export function kpiGroups(role: Role, actorId: string, tree: TreeView): { scope: "self" | "team" | "tenant"; groups: KpiGroup[] } {
  const member = (id: string): KpiGroup => ({ key: `m:${id}`, kind: "member", id, memberIds: [id] });
  if (role === "SPECIALIST") {
    return { scope: "self", groups: [member(actorId), { key: "total", kind: "total", id: null, memberIds: [actorId] }] };
  }
  if (role === "SUPERVISOR") {
    const team = [actorId, ...tree.subordinatesOf(actorId)];
    return {
      scope: "team",
      groups: [...team.map(member), { key: "total", kind: "total", id: null, memberIds: team }],
    };
  }
  const groups: KpiGroup[] = tree.memberIds.filter((id) => tree.isActive(id)).map(member);
  for (const id of tree.memberIds) {
    const below = tree.subordinatesOf(id);
    if (below.length > 0 && tree.role(id) !== "MANAGER" && tree.isActive(id)) {
      groups.push({ key: `t:${id}`, kind: "team", id, memberIds: [id, ...below] });
    }
  }
  groups.push({ key: "total", kind: "total", id: null, memberIds: tree.memberIds });
  return { scope: "tenant", groups };
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
