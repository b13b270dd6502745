// The churn score's calibration table (README "Churn score"): named situations a department head
// would judge at a glance, and the level the default weights must give them. Changing a weight
// or a threshold means walking this table again; the README shows the same table.
import { describe, expect, it } from "vitest";
import { defaultTenantSettings } from "../tenants/settings.js";
import { levelRank, scoreRisk, type RiskLevel, type RiskMeasures } from "./rules.js";

const YI = 1_000_000n; // 10,000 CNY in fen
const calm: Omit<RiskMeasures, "tier"> = {
  daysSinceContact: 3,
  recentPurchaseFen: 100n * YI,
  previousPurchaseFen: 100n * YI,
  openComplaints: 0,
  overdueComplaints: 0,
  latestSatisfaction: null,
  overdueCallbacks: 0,
  maxDaysOverdue: 0,
};

interface Case {
  name: string;
  measures: RiskMeasures;
  /** The level it must reach; "at least" cases accept a higher one. */
  level: RiskLevel;
  atLeast?: boolean;
}

const drop = (percent: number) => ({ recentPurchaseFen: BigInt(100 - percent) * YI, previousPurchaseFen: 100n * YI });

export const CALIBRATION: Case[] = [
  { name: "VIP, 120 days silent, purchases −90% → high", measures: { ...calm, tier: "VIP", daysSinceContact: 120, ...drop(90) }, level: "HIGH" },
  {
    name: "VIP, 128 days silent, purchases −90%, one callback 30 days overdue → high",
    measures: { ...calm, tier: "VIP", daysSinceContact: 128, ...drop(90), overdueCallbacks: 1, maxDaysOverdue: 30 },
    level: "HIGH",
  },
  {
    name: "A, 1 open critical complaint past due → at least medium",
    measures: { ...calm, tier: "A", openComplaints: 1, overdueComplaints: 1 },
    level: "MEDIUM",
    atLeast: true,
  },
  { name: "B, recent visit, purchases flat → low", measures: { ...calm, tier: "B" }, level: "LOW" },
  { name: "VIP, called 10 days ago, purchases flat → low", measures: { ...calm, tier: "VIP", daysSinceContact: 10 }, level: "LOW" },
  { name: "VIP, silent for twice its 14-day cadence, purchases flat → medium", measures: { ...calm, tier: "VIP", daysSinceContact: 28 }, level: "MEDIUM" },
  { name: "A, 45 days silent (cadence 30), purchases flat → low", measures: { ...calm, tier: "A", daysSinceContact: 45 }, level: "LOW" },
  { name: "B, contacted recently, purchases −50% → low", measures: { ...calm, tier: "B", ...drop(50) }, level: "LOW" },
  { name: "A, contacted recently, stopped buying (−100%) → medium", measures: { ...calm, tier: "A", ...drop(100) }, level: "MEDIUM" },
  {
    name: "VIP, satisfaction 2 in the last survey and an open complaint → medium",
    measures: { ...calm, tier: "VIP", latestSatisfaction: 2, openComplaints: 1 },
    level: "MEDIUM",
  },
  { name: "B, 200 days silent (cadence 90), purchases −60% → high", measures: { ...calm, tier: "B", daysSinceContact: 200, ...drop(60) }, level: "HIGH" },
  {
    name: "A, 50 days silent, two callbacks overdue → medium",
    measures: { ...calm, tier: "A", daysSinceContact: 50, overdueCallbacks: 2, maxDaysOverdue: 20 },
    level: "MEDIUM",
  },
  {
    name: "VIP, two open complaints (one past due), satisfaction 1, 20 days silent → high",
    measures: { ...calm, tier: "VIP", daysSinceContact: 20, openComplaints: 2, overdueComplaints: 1, latestSatisfaction: 1 },
    level: "HIGH",
  },
  {
    name: "B, never bought yet, contacted last week → low",
    measures: { ...calm, tier: "B", daysSinceContact: 7, recentPurchaseFen: 0n, previousPurchaseFen: 0n },
    level: "LOW",
  },
  { name: "A, satisfaction 4, everything else calm → low", measures: { ...calm, tier: "A", latestSatisfaction: 4 }, level: "LOW" },
];

describe("churn score calibration table", () => {
  const { risk, tiers } = defaultTenantSettings;

  it("has at least 12 named cases", () => {
    expect(CALIBRATION.length).toBeGreaterThanOrEqual(12);
    expect(new Set(CALIBRATION.map((c) => c.name)).size).toBe(CALIBRATION.length);
  });

  it.each(CALIBRATION)("$name", ({ measures, level, atLeast }) => {
    const scored = scoreRisk(measures, risk, tiers.callbackCadenceDays);
    if (atLeast) expect(levelRank(scored.level)).toBeGreaterThanOrEqual(levelRank(level));
    else expect(scored.level).toBe(level);
    // The reasons shown on the card add up to the score (nothing hidden), largest first.
    expect(Math.min(100, scored.reasons.reduce((sum, r) => sum + r.points, 0))).toBe(scored.score);
    expect(scored.reasons.map((r) => r.points)).toEqual([...scored.reasons.map((r) => r.points)].sort((a, b) => b - a));
  });

  it("gives the silent, shrinking VIP of the issue its reasons: the contact gap first, then the purchase decline", () => {
    const vip = scoreRisk(CALIBRATION[0]!.measures, risk, tiers.callbackCadenceDays);
    expect(vip.reasons.map((r) => r.signal)).toEqual(["contact_gap", "purchase_decline"]);
    expect(vip.reasons[0]).toMatchObject({ days: 120, cadenceDays: 14, points: 40 });
    expect(vip.reasons[1]).toMatchObject({ percent: 90, points: 32 });
    expect(vip.score).toBe(72);
  });
});
