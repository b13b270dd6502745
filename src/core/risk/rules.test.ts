import { describe, expect, it } from "vitest";
import { tenantSettingsSchema } from "../tenants/settings.js";
import {
  contactGapPoints,
  countPoints,
  levelOf,
  lowSatisfactionPoints,
  purchaseDeclineFraction,
  scoreRisk,
  type RiskMeasures,
} from "./rules.js";

const quiet: RiskMeasures = {
  tier: "VIP",
  daysSinceContact: 0,
  recentPurchaseFen: 0n,
  previousPurchaseFen: 0n,
  openComplaints: 0,
  overdueComplaints: 0,
  latestSatisfaction: null,
  overdueCallbacks: 0,
  maxDaysOverdue: 0,
};
// The mechanics are pinned with the weights these cases were written for; the calibrated
// defaults are checked by calibration.test.ts.
const { risk, tiers } = tenantSettingsSchema.parse({
  risk: {
    highAt: 70,
    mediumAt: 40,
    weights: { contactGap: 35, purchaseDecline: 25, openComplaints: 10, overdueComplaints: 10, lowSatisfaction: 10, overdueCallbacks: 10 },
  },
});

describe("risk rules", () => {
  it("gives no contact-gap points at the cadence, full weight at twice it, linear between", () => {
    expect(contactGapPoints(14, 14, 35)).toBe(0);
    expect(contactGapPoints(15, 14, 35)).toBeCloseTo(2.5);
    expect(contactGapPoints(21, 14, 35)).toBeCloseTo(17.5);
    expect(contactGapPoints(27, 14, 35)).toBeCloseTo(32.5);
    expect(contactGapPoints(28, 14, 35)).toBe(35);
    expect(contactGapPoints(400, 14, 35)).toBe(35);
  });

  it("measures purchase decline only when the earlier window bought something", () => {
    expect(purchaseDeclineFraction(0n, 0n)).toBe(0);
    expect(purchaseDeclineFraction(500n, 0n)).toBe(0);
    expect(purchaseDeclineFraction(1000n, 1000n)).toBe(0);
    expect(purchaseDeclineFraction(2000n, 1000n)).toBe(0);
    expect(purchaseDeclineFraction(500n, 1000n)).toBe(0.5);
    expect(purchaseDeclineFraction(0n, 1000n)).toBe(1);
  });

  it("scales count signals with the count and caps them at the weight", () => {
    expect(countPoints(0, 10)).toBe(0);
    expect(countPoints(1, 10)).toBe(5);
    expect(countPoints(2, 10)).toBe(10);
    expect(countPoints(7, 10)).toBe(10);
    expect(countPoints(1, 10, 1)).toBe(10);
  });

  it("flags satisfaction 2 and below, not 3", () => {
    expect(lowSatisfactionPoints(1, 10)).toBe(10);
    expect(lowSatisfactionPoints(2, 10)).toBe(10);
    expect(lowSatisfactionPoints(3, 10)).toBe(0);
    expect(lowSatisfactionPoints(null, 10)).toBe(0);
  });

  it("puts 39 in LOW, 40 and 69 in MEDIUM, 70 in HIGH with the default thresholds", () => {
    expect(levelOf(39, risk)).toBe("LOW");
    expect(levelOf(40, risk)).toBe("MEDIUM");
    expect(levelOf(69, risk)).toBe("MEDIUM");
    expect(levelOf(70, risk)).toBe("HIGH");
    expect(levelOf(50, { highAt: 50, mediumAt: 20 })).toBe("HIGH");
  });

  it("scores a quiet customer 0 with no reasons", () => {
    expect(scoreRisk(quiet, risk, tiers.callbackCadenceDays)).toEqual({ score: 0, level: "LOW", reasons: [] });
  });

  it("adds every signal, lists the largest first and caps the score at 100", () => {
    const all = scoreRisk(
      {
        ...quiet,
        daysSinceContact: 40,
        recentPurchaseFen: 0n,
        previousPurchaseFen: 100_00n,
        openComplaints: 3,
        overdueComplaints: 1,
        latestSatisfaction: 1,
        overdueCallbacks: 2,
        maxDaysOverdue: 9,
      },
      risk,
      tiers.callbackCadenceDays,
    );
    expect(all.score).toBe(100);
    expect(all.level).toBe("HIGH");
    expect(all.reasons.map((r) => r.signal)).toEqual([
      "contact_gap",
      "purchase_decline",
      "open_complaints",
      "overdue_complaints",
      "low_satisfaction",
      "overdue_callbacks",
    ]);
    expect(all.reasons[0]).toEqual({ signal: "contact_gap", points: 35, days: 40, cadenceDays: 14 });
    expect(all.reasons[1]).toEqual({ signal: "purchase_decline", points: 25, percent: 100, recentFen: 0, previousFen: 10000 });
    expect(all.reasons[5]).toEqual({ signal: "overdue_callbacks", points: 10, count: 2, maxDaysOverdue: 9 });
  });

  it("uses the tier's cadence: 60 days is no gap for B (90) but a full gap for A (30)", () => {
    expect(scoreRisk({ ...quiet, tier: "B", daysSinceContact: 60 }, risk, tiers.callbackCadenceDays).score).toBe(0);
    expect(scoreRisk({ ...quiet, tier: "A", daysSinceContact: 60 }, risk, tiers.callbackCadenceDays).score).toBe(35);
  });
});
