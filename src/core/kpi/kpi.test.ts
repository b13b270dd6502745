import type { HospitalityStatus, Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { kpiReport, type KpiReport } from "./kpi.js";
import { kpiGroups, perCustomerFen, resolveRange } from "./rules.js";

// Reports are asked for on 2026-12-05 (Asia/Shanghai) about November 2026.
const NOW = "2026-12-05T02:00:00Z";
const RANGE = { from: "2026-11-01", to: "2026-11-30" };

let tdb: TestDatabase;
let d: Awaited<ReturnType<typeof makeDepartment>>;
let tenantId: string;

const at = (iso: string) => new Date(iso);
const day = (date: string) => new Date(`${date}T00:00:00Z`);
const plus = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000);

/** The hand-made November described next to each row; the expected numbers are worked out in the tests. */
beforeAll(async () => {
  tdb = await openTestDatabase();
  const db = tdb.prisma;
  const t = await makeTenant(db);
  tenantId = t.id;
  d = await makeDepartment(db, t.id);
  const customer = async (name: string, ownerId: string, tier: Tier, status: "ACTIVE" | "CHURNED" | "PROSPECT", createdAt = "2025-06-01T00:00:00Z") =>
    db.customer.create({ data: { tenantId, name, nameKey: name.toLowerCase(), ownerId, tier, status, createdAt: at(createdAt) } });
  const k1 = await customer("K1", d.a1.id, "A", "CHURNED");
  const k2 = await customer("K2", d.a1.id, "VIP", "ACTIVE");
  const k3 = await customer("K3", d.a1.id, "B", "CHURNED");
  const k4 = await customer("K4", d.a2.id, "B", "CHURNED");
  const k5 = await customer("K5", d.a2.id, "B", "CHURNED", "2026-11-15T00:00:00Z");
  await customer("K6", d.b1.id, "C", "PROSPECT");
  const k7 = await customer("K7", d.b1.id, "B", "ACTIVE");
  const k8 = await customer("K8", d.b1.id, "VIP", "CHURNED");

  // Callbacks: a1 4 due in range (2 done, 1 pending, 1 skipped), a2 1 (done), b1 2 (done).
  const cb = (assigneeId: string, customerId: string, dueOn: string, status: "PENDING" | "DONE" | "SKIPPED", completedAt?: string, satisfaction?: number) =>
    db.callback.create({
      data: {
        tenantId, customerId, assigneeId, dueOn: day(dueOn), reason: "CADENCE", status,
        completedAt: completedAt ? at(completedAt) : null, satisfaction: satisfaction ?? null,
      },
    });
  await cb(d.a1.id, k2.id, "2026-11-05", "DONE", "2026-11-05T02:00:00Z", 3);
  await cb(d.a1.id, k2.id, "2026-11-10", "DONE", "2026-11-10T02:00:00Z", 4);
  await cb(d.a1.id, k2.id, "2026-11-20", "PENDING");
  await cb(d.a1.id, k1.id, "2026-11-25", "SKIPPED");
  await cb(d.a1.id, k1.id, "2026-10-31", "DONE", "2026-10-31T02:00:00Z", 1); // due before the range
  await cb(d.a1.id, k2.id, "2026-12-01", "PENDING"); // due after the range
  await cb(d.a2.id, k4.id, "2026-11-15", "DONE", "2026-11-15T03:00:00Z", 2);
  await cb(d.b1.id, k8.id, "2026-11-30", "DONE", "2026-11-30T16:30:00Z", 5); // completed 12-01 00:30 local: outside
  await cb(d.b1.id, k8.id, "2026-11-02", "DONE", "2026-10-31T16:30:00Z", 4); // completed 11-01 00:30 local: inside

  // Complaints registered in November (local), with acknowledge / resolve minutes.
  let number = 0;
  const complaint = async (
    assigneeId: string,
    createdAt: string,
    ackWithin: number,
    resolveWithin: number,
    ackAfter: number | null,
    resolveAfter: number | null,
  ) =>
    db.complaint.create({
      data: {
        tenantId, number: ++number, customerId: k2.id, reporterId: assigneeId, assigneeId, severity: "HIGH", category: "SERVICE",
        description: "投诉", status: resolveAfter !== null ? "RESOLVED" : ackAfter !== null ? "ACKNOWLEDGED" : "OPEN",
        createdAt: at(createdAt), ackDueAt: plus(createdAt, ackWithin), resolveDueAt: plus(createdAt, resolveWithin),
        acknowledgedAt: ackAfter !== null ? plus(createdAt, ackAfter) : null,
        resolvedAt: resolveAfter !== null ? plus(createdAt, resolveAfter) : null,
      },
    });
  await complaint(d.a1.id, "2026-11-02T02:00:00Z", 240, 4320, 30, 600); // in time
  await complaint(d.a1.id, "2026-11-03T02:00:00Z", 60, 1440, 90, 1200); // acknowledged late: breach
  await complaint(d.a1.id, "2026-11-04T02:00:00Z", 1440, 10080, null, 120); // resolved without ack: ack = 120
  await complaint(d.a2.id, "2026-11-10T02:00:00Z", 2880, 10080, null, null); // still open, deadlines past: breach
  await complaint(d.b1.id, "2026-10-31T15:00:00Z", 60, 1440, null, null); // 10-31 23:00 local: outside
  await complaint(d.b1.id, "2026-11-30T15:59:00Z", 60, 1440, 11, null); // 11-30 23:59 local; resolve deadline past: breach

  // Customer status history (audit rows as the customers area writes them: changed fields only).
  const audit = (customerId: string, isoAt: string, before: object | null, after: object) =>
    db.auditLog.create({
      data: { tenantId, actorId: d.a1.id, platform: "CONSOLE", action: "customer.updated", entityType: "Customer", entityId: customerId, at: at(isoAt), before: before ?? undefined, after },
    });
  await audit(k1.id, "2026-11-10T02:00:00Z", { status: "ACTIVE" }, { status: "CHURNED" }); // churned in range
  await audit(k2.id, "2026-11-11T02:00:00Z", { region: "华东" }, { region: "华北" }); // not a status change
  await audit(k3.id, "2026-10-15T02:00:00Z", { status: "ACTIVE" }, { status: "CHURNED" }); // churned before
  await audit(k4.id, "2026-11-05T02:00:00Z", { status: "ACTIVE" }, { status: "AT_RISK" });
  await audit(k4.id, "2026-12-02T02:00:00Z", { status: "AT_RISK" }, { status: "CHURNED" }); // churned after the range
  await audit(k5.id, "2026-11-20T02:00:00Z", { status: "ACTIVE" }, { status: "CHURNED" }); // created in range: not counted
  await audit(k7.id, "2026-11-12T02:00:00Z", { status: "PROSPECT", tier: "C" }, { status: "ACTIVE", tier: "B" }); // prospect at start
  await audit(k8.id, "2026-11-30T16:30:00Z", { status: "ACTIVE" }, { status: "CHURNED" }); // 12-01 00:30 local: after

  // Hospitality: APPROVED counts its estimate, SETTLED its actual amount; others do not count.
  let hno = 0;
  const hosp = (requesterId: string, customerId: string, eventDate: string, status: HospitalityStatus, estimatedFen: bigint, actualFen: bigint | null = null) =>
    db.hospitalityRequest.create({
      data: {
        tenantId, number: ++hno, requesterId, customerId, eventDate: day(eventDate), kind: "MEAL", guests: 2, staff: 1,
        estimatedFen, actualFen, purpose: "交流", status,
      },
    });
  await hosp(d.a1.id, k2.id, "2026-11-08", "SETTLED", 100_000n, 120_000n);
  await hosp(d.a1.id, k2.id, "2026-11-18", "APPROVED", 50_000n);
  await hosp(d.a1.id, k1.id, "2026-11-01", "APPROVED", 30_000n);
  await hosp(d.a1.id, k1.id, "2026-11-09", "REJECTED", 99_999n);
  await hosp(d.a1.id, k1.id, "2026-11-09", "PENDING", 88_888n);
  await hosp(d.a2.id, k4.id, "2026-11-21", "SETTLED", 20_000n, 18_000n);
  await hosp(d.b1.id, k8.id, "2026-12-01", "APPROVED", 40_000n); // after the range
  await hosp(d.b1.id, k8.id, "2026-11-30", "APPROVED", 10_000n);
});
afterAll(async () => {
  await tdb?.close();
});

const deps = () => depsAt(tdb.prisma, NOW);
const rowOf = (report: KpiReport, id: string) => [...report.members, ...report.teams].find((r) => r.id === id);

describe("kpi report", () => {
  it("computes a specialist's own KPIs on the hand-made month", async () => {
    const report = await kpiReport(deps(), actor(d.a1), RANGE);
    expect(report).toMatchObject({ ...RANGE, scope: "self", teams: [] });
    expect(report.members.map((r) => r.id)).toEqual([d.a1.id]);
    const m = report.total.metrics;
    expect(report.members[0]!.metrics).toEqual(m);
    expect(m.callbacks).toMatchObject({ due: 4, done: 2, completionRate: 0.5, onTime: 2, postponed: 0 });
    expect(m.complaints).toEqual({
      registered: 3, acknowledged: 3, resolved: 3, medianAckMinutes: 90, medianResolveMinutes: 600, breachedSla: 1, escalationsReceived: 0,
      // Working time (Mon–Fri 09:00–18:00 Shanghai): registered 10:00 and resolved 600 minutes
      // later at 20:00 (or 1,200 minutes later, the next 06:00) is 480 working minutes.
      medianAckWorkingMinutes: 90, medianResolveWorkingMinutes: 480,
    });
    expect(m.churn).toEqual({ activeAtStart: 2, churned: 1, rate: 0.5 });
    expect(m.satisfaction).toEqual({ responses: 2, average: 3.5 });
    expect(m.hospitality).toEqual({
      requests: 3,
      customers: 2,
      spendFen: 200_000n,
      perCustomerFen: 100_000n,
      byTier: {
        VIP: { requests: 2, customers: 1, spendFen: 170_000n, perCustomerFen: 170_000n },
        A: { requests: 1, customers: 1, spendFen: 30_000n, perCustomerFen: 30_000n },
        B: { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null },
        C: { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null },
      },
    });
  });

  it("gives a supervisor their own row, each team member's and the team total with a true median", async () => {
    const report = await kpiReport(deps(), actor(d.s1), RANGE);
    expect(report.scope).toBe("team");
    expect(report.members.map((r) => r.id)).toEqual([d.s1.id, d.a1.id, d.a2.id]);
    expect(rowOf(report, d.s1.id)!.metrics.callbacks).toMatchObject({ due: 0, done: 0, completionRate: null });
    // Both deadlines of a2's open complaint have passed: two breaches, both a2's.
    expect(rowOf(report, d.a2.id)!.metrics.complaints).toMatchObject({ registered: 1, acknowledged: 0, medianAckMinutes: null, breachedSla: 2 });
    const total = report.total;
    expect(total).toMatchObject({ kind: "total", id: null, members: 3 });
    expect(total.metrics.callbacks).toMatchObject({ due: 5, done: 3, completionRate: 0.6 });
    expect(total.metrics.complaints).toMatchObject({ registered: 4, medianAckMinutes: 90, medianResolveMinutes: 600, breachedSla: 3 });
    expect(total.metrics.churn).toEqual({ activeAtStart: 3, churned: 1, rate: 1 / 3 });
    expect(total.metrics.satisfaction).toEqual({ responses: 3, average: 3 });
    expect(total.metrics.hospitality).toMatchObject({ requests: 4, customers: 3, spendFen: 218_000n, perCustomerFen: 72_667n });
  });

  it("gives a manager every member, every team and the tenant total", async () => {
    const report = await kpiReport(deps(), actor(d.manager), RANGE);
    expect(report.scope).toBe("tenant");
    expect(new Set(report.members.map((r) => r.id))).toEqual(new Set([d.admin.id, d.manager.id, d.s1.id, d.s2.id, d.a1.id, d.a2.id, d.b1.id]));
    // The two teams and everyone in no team (the admin and the manager): together the department.
    expect(report.teams.map((r) => [r.kind, r.id, r.members])).toEqual([
      ["team", d.s1.id, 3],
      ["team", d.s2.id, 2],
      ["others", null, 2],
    ]);
    const s2 = report.teams.find((r) => r.id === d.s2.id)!;
    expect(s2.kind).toBe("team");
    expect(rowOf(report, d.s2.id)!.metrics.complaints.registered).toBe(0);
    // Registered Monday 23:59 and acknowledged 00:10: 11 minutes, none of them working time.
    expect(s2.metrics.complaints).toMatchObject({ registered: 1, medianAckMinutes: 11, medianAckWorkingMinutes: 0, medianResolveMinutes: null, breachedSla: 1 });
    expect(rowOf(report, d.b1.id)!.metrics.satisfaction).toEqual({ responses: 1, average: 4 });
    expect(rowOf(report, d.b1.id)!.metrics.churn).toEqual({ activeAtStart: 1, churned: 0, rate: 0 });
    const m = report.total.metrics;
    expect(m.callbacks).toMatchObject({ due: 7, done: 5, completionRate: 5 / 7 });
    // Medians over all five: ack [11, 30, 90, 120] → 60; resolve [120, 600, 1200] → 600.
    expect(m.complaints).toEqual({
      registered: 5, acknowledged: 4, resolved: 3, medianAckMinutes: 60, medianResolveMinutes: 600, breachedSla: 4, escalationsReceived: 0,
      // Working ack [0, 30, 90, 120] → 60; working resolve [120, 480, 480] → 480.
      medianAckWorkingMinutes: 60, medianResolveWorkingMinutes: 480,
    });
    expect(m.churn).toEqual({ activeAtStart: 4, churned: 1, rate: 0.25 });
    expect(m.satisfaction).toEqual({ responses: 4, average: 3.25 });
    expect(m.hospitality.spendFen).toBe(228_000n);
    expect(m.hospitality.customers).toBe(4);
    expect(m.hospitality.perCustomerFen).toBe(57_000n);
    expect(m.hospitality.byTier.VIP).toEqual({ requests: 3, customers: 2, spendFen: 180_000n, perCustomerFen: 90_000n });
    expect(m.hospitality.byTier.B).toEqual({ requests: 1, customers: 1, spendFen: 18_000n, perCustomerFen: 18_000n });
    // The admin sees the same tenant report.
    const admin = await kpiReport(deps(), actor(d.admin), RANGE);
    expect(admin.total).toEqual(report.total);
  });

  it("defaults to the 30 days up to today and refuses bad ranges with kpi.* codes", async () => {
    const report = await kpiReport(deps(), actor(d.a1));
    expect([report.from, report.to]).toEqual(["2026-11-06", "2026-12-05"]);
    // K1 (churned 11-10) and K2 were active on 11-06.
    expect(report.total.metrics.churn).toEqual({ activeAtStart: 2, churned: 1, rate: 0.5 });
    await expect(kpiReport(deps(), actor(d.a1), { from: "2026-11-30", to: "2026-11-01" })).rejects.toMatchObject({
      code: "kpi.invalid_range",
      params: { from: "2026-11-30", to: "2026-11-01" },
    });
    await expect(kpiReport(deps(), actor(d.a1), { from: "2025-01-01", to: "2026-11-01" })).rejects.toMatchObject({
      code: "kpi.range_too_long",
    });
    await expect(kpiReport(deps(), actor(d.a1), { from: "2026-13-01" })).rejects.toMatchObject({
      code: "kpi.invalid_date",
      params: { value: "2026-13-01" },
    });
  });
});

describe("kpi rules", () => {
  it("accepts a 366-day range and refuses 367", () => {
    expect(resolveRange({ from: "2025-01-01", to: "2026-01-01" }, "2026-06-01")).toEqual({ from: "2025-01-01", to: "2026-01-01" });
    expect(() => resolveRange({ from: "2025-01-01", to: "2026-01-02" }, "2026-06-01")).toThrow("kpi.range_too_long");
    expect(resolveRange({ from: "2026-05-05", to: "2026-05-05" }, "2026-06-01")).toEqual({ from: "2026-05-05", to: "2026-05-05" });
  });

  it("rounds spend per customer half up to whole fen", () => {
    expect(perCustomerFen(10n, 4)).toBe(3n);
    expect(perCustomerFen(9n, 4)).toBe(2n);
    expect(perCustomerFen(0n, 0)).toBeNull();
  });

  it("lists teams for leads that are not the department head", () => {
    const tree = {
      memberIds: ["m", "s", "a", "x"],
      isActive: (id: string) => id !== "x",
      subordinatesOf: (id: string) => ({ m: ["s", "a", "x"], s: ["a"] })[id] ?? [],
      ancestorsOf: (id: string) => ({ s: ["m"], a: ["s", "m"], x: ["m"] })[id] ?? [],
      role: (id: string) => (id === "m" ? "MANAGER" : id === "s" ? "SUPERVISOR" : "SPECIALIST") as "MANAGER" | "SUPERVISOR" | "SPECIALIST",
    };
    const { groups } = kpiGroups("MANAGER", "m", tree);
    // x (deactivated, reporting straight to the head) has a row and lands in "others" with the head.
    expect(groups.map((g) => [g.key, g.memberIds, g.teamKey])).toEqual([
      ["m:m", ["m"], "others"],
      ["m:s", ["s"], "t:s"],
      ["m:a", ["a"], "t:s"],
      ["m:x", ["x"], "others"],
      ["t:s", ["s", "a"], undefined],
      ["others", ["m", "x"], undefined],
      ["total", ["m", "s", "a", "x"], undefined],
    ]);
  });
});
