import { describe, expect, it } from "vitest";
import { scoreRisk } from "../risk/rules.js";
import { defaultTenantSettings } from "../tenants/settings.js";
import { creditExposure, nextReviewOn } from "./rules.js";

describe("creditExposure", () => {
  const lines = [
    { amountFen: 100_000n, paidFen: 0n, dueDate: "2026-11-30" },
    { amountFen: 50_000n, paidFen: 20_000n, dueDate: "2026-11-20" },
    // Overpaid: nothing owed, and no credit either.
    { amountFen: 10_000n, paidFen: 15_000n, dueDate: "2026-11-01" },
  ];

  it("sums what is owed, what is overdue, and what is left of the limit", () => {
    expect(creditExposure(lines, 200_000n, "2026-11-23")).toEqual({
      outstandingFen: 130_000n,
      overdueFen: 30_000n,
      overdueInvoices: 1,
      availableFen: 70_000n,
      overLimit: false,
    });
  });

  it("is over the limit only above it, and never without a limit", () => {
    expect(creditExposure(lines, 130_000n, "2026-11-23").overLimit).toBe(false);
    expect(creditExposure(lines, 129_999n, "2026-11-23")).toMatchObject({ overLimit: true, availableFen: -1n });
    expect(creditExposure(lines, null, "2026-11-23")).toMatchObject({ overLimit: false, availableFen: null });
  });

  it("counts an invoice due today as not yet overdue", () => {
    expect(creditExposure(lines, null, "2026-11-20").overdueFen).toBe(0n);
  });
});

describe("nextReviewOn", () => {
  it("schedules VIP yearly and other tiers per settings (6 months by default)", () => {
    expect(nextReviewOn(defaultTenantSettings, "VIP", "2026-11-23")).toBe("2027-11-23");
    expect(nextReviewOn(defaultTenantSettings, "B", "2026-08-31")).toBe("2027-02-28");
  });
});

describe("churn score", () => {
  const base = {
    tier: "A" as const,
    daysSinceContact: 0,
    recentPurchaseFen: 0n,
    previousPurchaseFen: 0n,
    openComplaints: 0,
    overdueComplaints: 0,
    latestSatisfaction: null,
    overdueCallbacks: 0,
    maxDaysOverdue: 0,
  };
  const { risk, tiers } = defaultTenantSettings;

  it("adds a credit reason for overdue receivables or an exceeded limit", () => {
    expect(scoreRisk(base, risk, tiers.callbackCadenceDays).reasons).toEqual([]);
    expect(scoreRisk({ ...base, overdueReceivableFen: 30_000n }, risk, tiers.callbackCadenceDays).reasons).toEqual([
      { signal: "credit", points: 10, overdueFen: 30_000, overLimit: false },
    ]);
    expect(scoreRisk({ ...base, overLimit: true }, risk, tiers.callbackCadenceDays)).toMatchObject({
      score: 10,
      reasons: [{ signal: "credit", overLimit: true }],
    });
  });
});
