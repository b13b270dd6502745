import { describe, expect, it } from "vitest";
import { yuanToFen } from "../shared/money.js";
import { defaultTenantSettings, parseTenantSettings } from "../tenants/settings.js";
import {
  budgetFenFor,
  budgetPeriodOf,
  budgetUse,
  approvalChainFor,
  overspend,
  perHeadFen,
  perHeadFlag,
  resolveApprovers,
  type ApproverCandidate,
  type ApproverPool,
} from "./rules.js";

const s = defaultTenantSettings;
const cand = (id: string, role: ApproverCandidate["role"], active = true): ApproverCandidate => ({ id, role, active });

describe("approvalChainFor", () => {
  it.each([
    ["0.01", ["SUPERVISOR"]],
    ["2000.00", ["SUPERVISOR"]],
    ["2000.01", ["SUPERVISOR", "MANAGER"]],
    ["10000.00", ["SUPERVISOR", "MANAGER"]],
    ["10000.01", ["SUPERVISOR", "MANAGER", "FINAL"]],
    ["99999999.99", ["SUPERVISOR", "MANAGER", "FINAL"]],
  ])("%s CNY needs %j", (yuan, chain) => {
    expect(approvalChainFor(s, yuanToFen(yuan))).toEqual(chain);
  });

  it("follows the tenant's thresholds", () => {
    const custom = parseTenantSettings({ hospitality: { supervisorOnlyMaxFen: 50_000, managerMaxFen: 60_000 } });
    expect(approvalChainFor(custom, 50_000n)).toEqual(["SUPERVISOR"]);
    expect(approvalChainFor(custom, 50_001n)).toEqual(["SUPERVISOR", "MANAGER"]);
    expect(approvalChainFor(custom, 60_001n)).toEqual(["SUPERVISOR", "MANAGER", "FINAL"]);
  });
});

describe("per head", () => {
  it("divides by guests plus staff, rounding half up to the fen", () => {
    expect(perHeadFen(100_000n, 2)).toBe(50_000n);
    expect(perHeadFen(100_001n, 2)).toBe(50_001n); // 500.005 -> 500.01
    expect(perHeadFen(100_000n, 3)).toBe(33_333n);
    expect(perHeadFen(200n, 3)).toBe(67n);
    expect(() => perHeadFen(100n, 0)).toThrow(RangeError);
  });

  it.each([
    ["VIP", "1000.00", 2, false],
    ["VIP", "1000.01", 2, true],
    ["A", "300.00", 1, false],
    ["A", "300.01", 1, true],
    ["B", "800.00", 4, false],
    ["B", "800.01", 4, true],
    ["C", "200.00", 1, false],
    ["C", "200.01", 1, true],
  ] as const)("tier %s: %s CNY for %i people flagged=%s", (tier, yuan, heads, flagged) => {
    const check = perHeadFlag(s, tier, yuanToFen(yuan), heads);
    expect(check.flagged).toBe(flagged);
    expect(check.guidelineFen).toBe({ VIP: 50_000n, A: 30_000n, B: 20_000n, C: 20_000n }[tier]);
  });
});

describe("overspend", () => {
  it("flags only above approved × 1.10, exactly", () => {
    expect(overspend(110_000n, 100_000n, 10)).toEqual({ overByFen: 10_000n, flagged: false });
    expect(overspend(110_001n, 100_000n, 10)).toEqual({ overByFen: 10_001n, flagged: true });
    expect(overspend(90_000n, 100_000n, 10)).toEqual({ overByFen: -10_000n, flagged: false });
    // 10 % of 0.07 CNY is 0.007: 8 fen is over, 7 is not.
    expect(overspend(7n, 7n, 10).flagged).toBe(false);
    expect(overspend(8n, 7n, 10).flagged).toBe(true);
  });

  it("supports a fractional and a zero tolerance", () => {
    expect(overspend(107_500n, 100_000n, 7.5).flagged).toBe(false);
    expect(overspend(107_501n, 100_000n, 7.5).flagged).toBe(true);
    expect(overspend(100_000n, 100_000n, 0).flagged).toBe(false);
    expect(overspend(100_001n, 100_000n, 0).flagged).toBe(true);
  });
});

describe("resolveApprovers", () => {
  const pool = (over: Partial<ApproverPool> = {}): ApproverPool => ({
    requesterId: "a1",
    supervisors: [cand("s1", "SUPERVISOR"), cand("m", "MANAGER")],
    managers: [cand("m", "MANAGER"), cand("m2", "MANAGER")],
    admins: [cand("admin", "ADMIN")],
    finalApprover: null,
    ...over,
  });

  it("takes the nearest supervisor, the nearest manager above, then (no final approver set) the manager, not an admin", () => {
    expect(resolveApprovers(["SUPERVISOR", "MANAGER", "FINAL"], pool())).toEqual([
      { position: 1, role: "SUPERVISOR", approverId: "s1", collapsedInto: null },
      { position: 2, role: "MANAGER", approverId: "m", collapsedInto: null },
      { position: 3, role: "FINAL", approverId: "m", collapsedInto: 2 },
    ]);
  });

  it("without a final approver takes the highest manager of the requester's chain, else any manager, else an admin", () => {
    const chain = pool({ supervisors: [cand("s1", "SUPERVISOR"), cand("m", "MANAGER"), cand("top", "MANAGER")] });
    expect(resolveApprovers(["SUPERVISOR", "MANAGER", "FINAL"], chain).map((x) => x.approverId)).toEqual(["s1", "m", "top"]);
    const noneAbove = pool({ supervisors: [cand("s1", "SUPERVISOR")], managers: [cand("m2", "MANAGER")] });
    expect(resolveApprovers(["SUPERVISOR", "FINAL"], noneAbove).map((x) => x.approverId)).toEqual(["s1", "m2"]);
    const noManager = pool({ supervisors: [cand("s1", "SUPERVISOR")], managers: [cand("gone", "MANAGER", false)] });
    expect(resolveApprovers(["SUPERVISOR", "FINAL"], noManager).map((x) => x.approverId)).toEqual(["s1", "admin"]);
  });

  it("uses the designated final approver when set", () => {
    const steps = resolveApprovers(["SUPERVISOR", "MANAGER", "FINAL"], pool({ finalApprover: cand("cfo", "SPECIALIST") }));
    expect(steps[2]!.approverId).toBe("cfo");
  });

  it("passes over inactive supervisors and falls back to any manager when none is above", () => {
    const steps = resolveApprovers(
      ["SUPERVISOR", "MANAGER"],
      pool({ supervisors: [cand("gone", "SUPERVISOR", false), cand("s9", "SUPERVISOR")], managers: [cand("m2", "MANAGER")] }),
    );
    expect(steps.map((x) => x.approverId)).toEqual(["s9", "m2"]);
  });

  it("never picks the requester, not even as designated final approver", () => {
    const steps = resolveApprovers(
      ["SUPERVISOR", "MANAGER", "FINAL"],
      pool({
        requesterId: "m",
        supervisors: [cand("boss", "ADMIN")],
        managers: [cand("m", "MANAGER"), cand("m2", "MANAGER")],
        admins: [cand("boss", "ADMIN"), cand("admin2", "ADMIN")],
        finalApprover: cand("m", "MANAGER"),
      }),
    );
    expect(steps.map((x) => [x.approverId, x.collapsedInto])).toEqual([
      ["boss", null],
      ["m2", null],
      ["m2", 2],
    ]);
  });

  it("collapses a repeated approver into their first step", () => {
    const steps = resolveApprovers(
      ["SUPERVISOR", "MANAGER", "FINAL"],
      pool({ supervisors: [cand("m", "MANAGER")], finalApprover: cand("m", "MANAGER") }),
    );
    expect(steps).toEqual([
      { position: 1, role: "SUPERVISOR", approverId: "m", collapsedInto: null },
      { position: 2, role: "MANAGER", approverId: "m", collapsedInto: 1 },
      { position: 3, role: "FINAL", approverId: "m", collapsedInto: 1 },
    ]);
  });

  it("refuses a chain with an empty step with hospitality.no_approver naming the step", () => {
    expect(() => resolveApprovers(["SUPERVISOR"], pool({ supervisors: [] }))).toThrow(
      expect.objectContaining({ code: "hospitality.no_approver", params: { step: "SUPERVISOR" } }),
    );
    expect(() =>
      resolveApprovers(["SUPERVISOR", "MANAGER"], pool({ supervisors: [cand("s1", "SUPERVISOR")], managers: [cand("x", "MANAGER", false)] })),
    ).toThrow(expect.objectContaining({ code: "hospitality.no_approver", params: { step: "MANAGER" } }));
    expect(() =>
      resolveApprovers(["SUPERVISOR", "FINAL"], pool({ supervisors: [cand("s1", "SUPERVISOR")], managers: [], admins: [cand("a1", "ADMIN")] })),
    ).toThrow(expect.objectContaining({ code: "hospitality.no_approver", params: { step: "FINAL" } }));
  });
});

describe("hospitality budget", () => {
  it("finds the calendar month, quarter or year of a date, the last one running into the next year", () => {
    expect(budgetPeriodOf("2026-11-25", "quarter")).toEqual({ kind: "quarter", year: 2026, index: 4, from: "2026-10-01", to: "2027-01-01" });
    expect(budgetPeriodOf("2026-03-31", "quarter")).toMatchObject({ index: 1, from: "2026-01-01", to: "2026-04-01" });
    expect(budgetPeriodOf("2026-04-01", "quarter")).toMatchObject({ index: 2, from: "2026-04-01", to: "2026-07-01" });
    expect(budgetPeriodOf("2026-12-31", "month")).toMatchObject({ index: 12, from: "2026-12-01", to: "2027-01-01" });
    expect(budgetPeriodOf("2026-02-10", "month")).toMatchObject({ index: 2, from: "2026-02-01", to: "2026-03-01" });
    expect(budgetPeriodOf("2026-07-04", "year")).toEqual({ kind: "year", year: 2026, from: "2026-01-01", to: "2027-01-01" });
  });

  it("defaults to VIP ¥20,000 a quarter and treats 0 as no budget; exactly at the budget is within it", () => {
    const settings = defaultTenantSettings;
    expect(settings.hospitality.budgetPeriod).toBe("quarter");
    expect(budgetFenFor(settings, "VIP")).toBe(yuanToFen("20000"));
    expect(budgetFenFor(parseTenantSettings({ hospitality: { budgetFen: { C: 0 } } }), "C")).toBeNull();
    const period = budgetPeriodOf("2026-11-25", "quarter");
    expect(budgetUse(period, 100_000n, 100_000n)).toMatchObject({ remainingFen: 0n, exceeded: false });
    expect(budgetUse(period, 100_000n, 100_001n)).toMatchObject({ remainingFen: 0n, exceeded: true });
    expect(budgetUse(period, 100_000n, 40_000n)).toMatchObject({ remainingFen: 60_000n, exceeded: false });
  });
});
