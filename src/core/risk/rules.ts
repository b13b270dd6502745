// Churn risk (流失预警, DESIGN.md §2): pure scoring rules. The database gathers the measures
// of every customer in one set-based query (risk.ts); these functions turn the measures into
// points, a 0..100 score, a level and the reasons, so the digest can say why and not just how
// much. Weights and level thresholds come from tenant settings, never from here.
//
// Rules that the design leaves open, decided here:
// - Tier C (prospects, no cadence) and CHURNED customers are not scored: there is no service
//   promise to miss, or nothing left to lose. They never appear in risk lists.
// - Contact gap: the last contact is the latest of the last visit, the last DONE callback and
//   customer.lastContactAt; a customer never contacted counts from its creation.
// - Open complaints and overdue callbacks: each one brings half the weight, so two or more
//   reach the full weight (one is a signal, two are a pattern).
// - Planned visits (visit cadence, 联络计划): a visit still PLANNED past its day counts in the
//   contact gap, full weight once it is a whole visit cadence overdue (as the call gap reaches
//   full weight one cadence past due); the contact-gap reason takes the larger of the two.
// - Overdue complaints: one is enough for the full weight; a missed SLA is already an
//   escalation.
// - Each signal's points are rounded to whole points; the score is their sum capped at 100,
//   so the reasons shown always add up to the score (unless capped).
import type { Tier } from "@prisma/client";
import type { TenantSettings } from "../tenants/settings.js";

export type RiskLevel = "HIGH" | "MEDIUM" | "LOW";

export type RiskSignal =
  | "contact_gap"
  | "purchase_decline"
  | "open_complaints"
  | "overdue_complaints"
  | "low_satisfaction"
  | "overdue_callbacks"
  | "credit";

/** Why a customer scores what it scores; each variant carries the numbers a message needs. */
export type RiskReason =
  | {
      signal: "contact_gap";
      points: number;
      days: number;
      cadenceDays: number;
      /** The oldest planned visit still open past its day, and the tier's visit cadence (absent: none overdue). */
      visitOverdueDays?: number;
      visitCadenceDays?: number;
    }
  | {
      signal: "purchase_decline";
      points: number;
      /** Decline of the last 90 days vs. the 90 days before, in whole percent (1..100). */
      percent: number;
      // fen as JSON numbers: reasons are stored as JSON in RiskSnapshot, and a customer's
      // 90-day purchases stay far below 2^53 fen (90 trillion CNY).
      recentFen: number;
      previousFen: number;
    }
  | { signal: "open_complaints"; points: number; count: number }
  | { signal: "overdue_complaints"; points: number; count: number }
  | { signal: "low_satisfaction"; points: number; satisfaction: number }
  | { signal: "overdue_callbacks"; points: number; count: number; maxDaysOverdue: number }
  // Receivables past due or above the credit limit (信用控制): a customer in payment trouble.
  | { signal: "credit"; points: number; overdueFen: number; overLimit: boolean };

/** What the database measures per customer (risk.ts), already relative to "today". */
export interface RiskMeasures {
  tier: Tier;
  /** Local days from the last contact to today (0 = contacted today). */
  daysSinceContact: number;
  /** Purchase amounts (fen) in the last 90 days and in the 90 days before those. */
  recentPurchaseFen: bigint;
  previousPurchaseFen: bigint;
  openComplaints: number;
  overdueComplaints: number;
  /** Satisfaction (1..5) of the latest DONE callback that recorded one, or null. */
  latestSatisfaction: number | null;
  overdueCallbacks: number;
  maxDaysOverdue: number;
  /** Days the oldest planned visit still PLANNED is past its day (0 or absent: none). */
  visitOverdueDays?: number;
  /** Unpaid fen on invoices past their due date (absent: no receivables known). */
  overdueReceivableFen?: bigint;
  /** Receivables outstanding above the credit limit. */
  overLimit?: boolean;
}

export interface RiskScore {
  score: number;
  level: RiskLevel;
  reasons: RiskReason[];
}

export const PURCHASE_WINDOW_DAYS = 90;
/** Count-based signals (open complaints, overdue callbacks) reach their full weight here. */
export const COUNT_FOR_FULL_WEIGHT = 2;
export const LOW_SATISFACTION_AT_MOST = 2;

export type RiskSettings = TenantSettings["risk"];
export type CadenceSettings = TenantSettings["tiers"]["callbackCadenceDays"];
export type VisitCadenceSettings = TenantSettings["tiers"]["visitEveryDays"];

const LEVEL_RANK: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function levelRank(level: RiskLevel | null | undefined): number {
  return level ? LEVEL_RANK[level] : 0;
}

/** Whether a customer of this tier and status is scored at all (see the header). */
export function isScored(tier: Tier, status: string): boolean {
  return tier !== "C" && status !== "CHURNED" && status !== "LOST";
}

export function cadenceFor(cadence: CadenceSettings, tier: Tier): number | null {
  return tier === "C" ? null : cadence[tier];
}

/** 0 at or below the cadence, the full weight at twice the cadence or more, linear between. */
export function contactGapPoints(days: number, cadenceDays: number, weight: number): number {
  if (days <= cadenceDays) return 0;
  if (days >= 2 * cadenceDays) return weight;
  return (weight * (days - cadenceDays)) / cadenceDays;
}

/** 0 when no planned visit is overdue, the full weight a whole visit cadence overdue or more, linear between. */
export function visitOverduePoints(overdueDays: number, visitCadenceDays: number, weight: number): number {
  if (overdueDays <= 0) return 0;
  return contactGapPoints(visitCadenceDays + overdueDays, visitCadenceDays, weight);
}

/** The decline as a fraction 0..1, or 0 when the earlier window bought nothing. */
export function purchaseDeclineFraction(recentFen: bigint, previousFen: bigint): number {
  if (previousFen <= 0n || recentFen >= previousFen) return 0;
  // Both sides fit a double's exact range for any real purchase volume; the fraction is a ratio.
  return Number(previousFen - recentFen) / Number(previousFen);
}

export function countPoints(count: number, weight: number, fullAt = COUNT_FOR_FULL_WEIGHT): number {
  if (count <= 0) return 0;
  return (weight * Math.min(count, fullAt)) / fullAt;
}

export function lowSatisfactionPoints(latest: number | null, weight: number): number {
  return latest !== null && latest <= LOW_SATISFACTION_AT_MOST ? weight : 0;
}

export function levelOf(score: number, risk: Pick<RiskSettings, "highAt" | "mediumAt">): RiskLevel {
  if (score >= risk.highAt) return "HIGH";
  if (score >= risk.mediumAt) return "MEDIUM";
  return "LOW";
}

/** The score, level and reasons (largest first) of one customer's measures. */
export function scoreRisk(m: RiskMeasures, risk: RiskSettings, cadence: CadenceSettings, visitCadence?: VisitCadenceSettings): RiskScore {
  const w = risk.weights;
  const reasons: RiskReason[] = [];
  const cadenceDays = cadenceFor(cadence, m.tier);
  if (cadenceDays !== null) {
    const gap = Math.round(contactGapPoints(m.daysSinceContact, cadenceDays, w.contactGap));
    const visitOverdueDays = m.visitOverdueDays ?? 0;
    const visitCadenceDays = visitCadence && m.tier !== "C" ? visitCadence[m.tier] : null;
    const visit = visitCadenceDays !== null && visitOverdueDays > 0 ? Math.round(visitOverduePoints(visitOverdueDays, visitCadenceDays, w.contactGap)) : 0;
    const points = Math.max(gap, visit);
    if (points > 0) {
      reasons.push({
        signal: "contact_gap",
        points,
        days: m.daysSinceContact,
        cadenceDays,
        ...(visit > 0 && visitCadenceDays !== null ? { visitOverdueDays, visitCadenceDays } : {}),
      });
    }
  }
  const decline = purchaseDeclineFraction(m.recentPurchaseFen, m.previousPurchaseFen);
  if (decline > 0) {
    const points = Math.round(w.purchaseDecline * decline);
    if (points > 0) {
      reasons.push({
        signal: "purchase_decline",
        points,
        percent: Math.max(1, Math.round(decline * 100)),
        recentFen: Number(m.recentPurchaseFen),
        previousFen: Number(m.previousPurchaseFen),
      });
    }
  }
  const open = Math.round(countPoints(m.openComplaints, w.openComplaints));
  if (open > 0) reasons.push({ signal: "open_complaints", points: open, count: m.openComplaints });
  const overdue = Math.round(countPoints(m.overdueComplaints, w.overdueComplaints, 1));
  if (overdue > 0) reasons.push({ signal: "overdue_complaints", points: overdue, count: m.overdueComplaints });
  const sat = Math.round(lowSatisfactionPoints(m.latestSatisfaction, w.lowSatisfaction));
  if (sat > 0 && m.latestSatisfaction !== null) {
    reasons.push({ signal: "low_satisfaction", points: sat, satisfaction: m.latestSatisfaction });
  }
  const late = Math.round(countPoints(m.overdueCallbacks, w.overdueCallbacks));
  if (late > 0) {
    reasons.push({ signal: "overdue_callbacks", points: late, count: m.overdueCallbacks, maxDaysOverdue: m.maxDaysOverdue });
  }
  // Overdue receivables or an exceeded limit bring the full weight: either is already a breach.
  const overdueFen = m.overdueReceivableFen ?? 0n;
  if ((overdueFen > 0n || m.overLimit) && w.credit > 0) {
    reasons.push({ signal: "credit", points: Math.round(w.credit), overdueFen: Number(overdueFen), overLimit: m.overLimit ?? false });
  }
  reasons.sort((a, b) => b.points - a.points);
  const score = Math.min(100, reasons.reduce((sum, r) => sum + r.points, 0));
  return { score, level: levelOf(score, risk), reasons };
}
