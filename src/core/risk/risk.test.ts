import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import type { Db } from "../../db/client.js";
import { loadTenant } from "../tenants/tenants.js";

// These tests pin the scoring mechanics with the weights they were written for (35/25/10/10/10/10,
// HIGH at 70, MEDIUM at 40); the calibrated defaults are checked by calibration.test.ts.
const LEGACY_WEIGHTS = { contactGap: 35, purchaseDecline: 25, openComplaints: 10, overdueComplaints: 10, lowSatisfaction: 10, overdueCallbacks: 10 };
function legacy(risk: { highAt?: number; mediumAt?: number; weights?: Record<string, number> } = {}) {
  return { risk: { highAt: 70, mediumAt: 40, ...risk, weights: { ...LEGACY_WEIGHTS, ...risk.weights } } };
}
import { myRisk, riskForCustomer, scoreCustomers, snapshotLevels, snapshotRisk } from "./risk.js";

// 2026-11-23 09:00 in Asia/Shanghai.
const NOW = "2026-11-23T01:00:00Z";
const TODAY = "2026-11-23";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

/** A local Shanghai noon `daysAgo` days before TODAY, as a UTC instant. */
function daysAgo(days: number): Date {
  const d = new Date(`${TODAY}T04:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d;
}
function dateCol(daysFromToday: number): Date {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + daysFromToday);
  return d;
}

let seq = 0;
async function customer(
  db: Db,
  tenantId: string,
  ownerId: string,
  options: { tier?: Tier; status?: "ACTIVE" | "CHURNED" | "PROSPECT" | "AT_RISK"; lastContactDaysAgo?: number; name?: string } = {},
) {
  const name = options.name ?? `客户-${++seq}`;
  return db.customer.create({
    data: {
      tenantId,
      ownerId,
      name,
      nameKey: name.toLowerCase(),
      tier: options.tier ?? "VIP",
      status: options.status ?? "ACTIVE",
      // Recent contact unless the test says otherwise, so only the signal under test scores.
      lastContactAt: daysAgo(options.lastContactDaysAgo ?? 0),
      createdAt: daysAgo(400),
    },
  });
}

async function visit(db: Db, tenantId: string, customerId: string, visitorId: string, at: Date) {
  await db.visit.create({ data: { tenantId, customerId, visitorId, occurredAt: at, kind: "ON_SITE", summary: "拜访" } });
}

async function scoreOf(tenantId: string, customerId: string) {
  const tenant = await loadTenant(tdb.prisma, tenantId);
  const [r] = await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { customerIds: [customerId] });
  return r;
}

describe("churn risk scoring", () => {
  it("scores the contact gap 0 at the cadence, half between, full weight at twice the cadence", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const atCadence = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 14 });
    const between = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 21 });
    const twice = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 28 });
    const bTier = await customer(tdb.prisma, t.id, a.id, { tier: "B", lastContactDaysAgo: 90 });
    const tenant = await loadTenant(tdb.prisma, t.id);
    const all = await scoreCustomers(tdb.prisma, tenant, new Date(NOW));
    const byId = new Map(all.map((r) => [r.customerId, r]));
    expect(byId.get(atCadence.id)).toMatchObject({ score: 0, reasons: [] });
    expect(byId.get(between.id)!.reasons).toEqual([{ signal: "contact_gap", points: 18, days: 21, cadenceDays: 14 }]);
    expect(byId.get(twice.id)!.reasons).toEqual([{ signal: "contact_gap", points: 35, days: 28, cadenceDays: 14 }]);
    expect(byId.get(bTier.id)!.score).toBe(0);
    // Highest first.
    expect(all[0]!.customerId).toBe(twice.id);
  });

  it("takes the latest of visit, done callback and lastContactAt, counting local days in the tenant's zone", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const c = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 100 });
    // 2026-11-08 16:30 UTC is 2026-11-09 00:30 in Shanghai: 14 local days before TODAY.
    await visit(tdb.prisma, t.id, c.id, a.id, new Date("2026-11-08T16:30:00Z"));
    expect((await scoreOf(t.id, c.id))!.score).toBe(0);
    // 15:30 UTC is still 2026-11-08 locally: the visit alone would be 15 days old.
    const c2 = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 100 });
    await visit(tdb.prisma, t.id, c2.id, a.id, new Date("2026-11-08T15:30:00Z"));
    expect((await scoreOf(t.id, c2.id))!.reasons).toEqual([{ signal: "contact_gap", points: 3, days: 15, cadenceDays: 14 }]);
    // A later DONE callback is a contact too.
    await tdb.prisma.callback.create({
      data: { tenantId: t.id, customerId: c2.id, assigneeId: a.id, dueOn: dateCol(-3), reason: "MANUAL", status: "DONE", completedAt: daysAgo(3) },
    });
    expect((await scoreOf(t.id, c2.id))!.score).toBe(0);
  });

  it("counts a never-contacted customer from its creation", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const c = await tdb.prisma.customer.create({
      data: { tenantId: t.id, ownerId: a.id, name: "New Co", nameKey: "new co", tier: "A", status: "ACTIVE", createdAt: daysAgo(45) },
    });
    expect((await scoreOf(t.id, c.id))!.reasons).toEqual([{ signal: "contact_gap", points: 18, days: 45, cadenceDays: 30 }]);
  });

  it("scores purchase decline: 0 without decline or without an earlier window, weight × fraction at 50 %", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const order = (customerId: string, daysBack: number, amountFen: bigint) =>
      tdb.prisma.purchaseOrder.create({ data: { tenantId: t.id, customerId, orderedOn: dateCol(-daysBack), amountFen } });
    const flat = await customer(tdb.prisma, t.id, a.id);
    await order(flat.id, 10, 100_000n);
    await order(flat.id, 100, 100_000n);
    const half = await customer(tdb.prisma, t.id, a.id);
    await order(half.id, 89, 50_000n); // recent window: (today-90, today]
    await order(half.id, 90, 60_000n); // earlier window: (today-180, today-90]
    await order(half.id, 179, 40_000n);
    await order(half.id, 180, 999_999n); // outside both windows
    const newBuyer = await customer(tdb.prisma, t.id, a.id);
    await order(newBuyer.id, 5, 1_000n);
    expect((await scoreOf(t.id, flat.id))!.score).toBe(0);
    expect((await scoreOf(t.id, newBuyer.id))!.score).toBe(0);
    expect((await scoreOf(t.id, half.id))!.reasons).toEqual([
      { signal: "purchase_decline", points: 13, percent: 50, recentFen: 50_000, previousFen: 100_000 },
    ]);
  });

  it("scores open complaints by count up to the weight, and overdue ones past the ack or resolve deadline", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    let number = 0;
    const complaint = (customerId: string, data: { status: "OPEN" | "ACKNOWLEDGED" | "RESOLVED"; ackDueAt: Date; resolveDueAt: Date }) =>
      tdb.prisma.complaint.create({
        data: {
          tenantId: t.id,
          number: ++number,
          customerId,
          reporterId: a.id,
          assigneeId: a.id,
          severity: "MEDIUM",
          category: "SERVICE",
          description: "投诉",
          ...data,
        },
      });
    const later = new Date("2026-11-30T00:00:00Z");
    const earlier = new Date("2026-11-23T00:59:59Z");
    const one = await customer(tdb.prisma, t.id, a.id);
    await complaint(one.id, { status: "OPEN", ackDueAt: later, resolveDueAt: later });
    await complaint(one.id, { status: "RESOLVED", ackDueAt: earlier, resolveDueAt: earlier });
    const three = await customer(tdb.prisma, t.id, a.id);
    for (let i = 0; i < 3; i++) await complaint(three.id, { status: "ACKNOWLEDGED", ackDueAt: earlier, resolveDueAt: later });
    const ackLate = await customer(tdb.prisma, t.id, a.id);
    await complaint(ackLate.id, { status: "OPEN", ackDueAt: earlier, resolveDueAt: later });
    const resolveLate = await customer(tdb.prisma, t.id, a.id);
    await complaint(resolveLate.id, { status: "ACKNOWLEDGED", ackDueAt: earlier, resolveDueAt: earlier });
    expect((await scoreOf(t.id, one.id))!.reasons).toEqual([{ signal: "open_complaints", points: 5, count: 1 }]);
    // Acknowledged in time: the passed ack deadline no longer matters.
    expect((await scoreOf(t.id, three.id))!.reasons).toEqual([{ signal: "open_complaints", points: 10, count: 3 }]);
    expect((await scoreOf(t.id, ackLate.id))!.reasons).toEqual([
      { signal: "overdue_complaints", points: 10, count: 1 },
      { signal: "open_complaints", points: 5, count: 1 },
    ]);
    expect((await scoreOf(t.id, resolveLate.id))!.score).toBe(15);
  });

  it("flags the latest satisfaction 2 but not 3, and only the latest one counts", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const done = (customerId: string, satisfaction: number, daysBack: number) =>
      tdb.prisma.callback.create({
        data: {
          tenantId: t.id,
          customerId,
          assigneeId: a.id,
          dueOn: dateCol(-daysBack),
          reason: "AFTER_COMPLAINT",
          status: "DONE",
          satisfaction,
          completedAt: daysAgo(daysBack),
        },
      });
    const two = await customer(tdb.prisma, t.id, a.id);
    await done(two.id, 5, 20);
    await done(two.id, 2, 5);
    const three = await customer(tdb.prisma, t.id, a.id);
    await done(three.id, 3, 5);
    const recovered = await customer(tdb.prisma, t.id, a.id);
    await done(recovered.id, 1, 20);
    await done(recovered.id, 4, 5);
    expect((await scoreOf(t.id, two.id))!.reasons).toEqual([{ signal: "low_satisfaction", points: 10, satisfaction: 2 }]);
    expect((await scoreOf(t.id, three.id))!.score).toBe(0);
    expect((await scoreOf(t.id, recovered.id))!.score).toBe(0);
  });

  it("scores pending callbacks due before today as overdue, not those due today or done", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const cb = (customerId: string, dueIn: number, status: "PENDING" | "DONE" = "PENDING") =>
      tdb.prisma.callback.create({
        data: { tenantId: t.id, customerId, assigneeId: a.id, dueOn: dateCol(dueIn), reason: "MANUAL", status, completedAt: status === "DONE" ? daysAgo(0) : null },
      });
    const dueToday = await customer(tdb.prisma, t.id, a.id);
    await cb(dueToday.id, 0);
    const late = await customer(tdb.prisma, t.id, a.id);
    await cb(late.id, -1);
    await cb(late.id, -6);
    await cb(late.id, -30, "DONE");
    expect((await scoreOf(t.id, dueToday.id))!.score).toBe(0);
    expect((await scoreOf(t.id, late.id))!.reasons).toEqual([{ signal: "overdue_callbacks", points: 10, count: 2, maxDaysOverdue: 6 }]);
  });

  it("counts a planned visit overdue in the contact gap: full weight a whole visit cadence late, the larger of call and visit gap", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const plan = (customerId: string, daysFromToday: number, status: "PLANNED" | "DONE" = "PLANNED") =>
      tdb.prisma.visitPlan.create({ data: { tenantId: t.id, customerId, assigneeId: a.id, plannedOn: dateCol(daysFromToday), status, reason: "CADENCE" } });
    // VIP visits every 30 days (default): 15 days late is half the weight, 40 days late all of it.
    const half = await customer(tdb.prisma, t.id, a.id);
    await plan(half.id, -15);
    await plan(half.id, -3);
    const full = await customer(tdb.prisma, t.id, a.id);
    await plan(full.id, -40);
    const settled = await customer(tdb.prisma, t.id, a.id);
    await plan(settled.id, -40, "DONE");
    await plan(settled.id, 0);
    // A call gap of 21 days (18 points) outweighs a visit 3 days late (4 points): one reason, both facts.
    const both = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 21 });
    await plan(both.id, -3);
    expect((await scoreOf(t.id, half.id))!.reasons).toEqual([
      { signal: "contact_gap", points: 18, days: 0, cadenceDays: 14, visitOverdueDays: 15, visitCadenceDays: 30 },
    ]);
    expect((await scoreOf(t.id, full.id))!.reasons).toEqual([
      { signal: "contact_gap", points: 35, days: 0, cadenceDays: 14, visitOverdueDays: 40, visitCadenceDays: 30 },
    ]);
    expect((await scoreOf(t.id, settled.id))!.score).toBe(0);
    expect((await scoreOf(t.id, both.id))!.reasons).toEqual([
      { signal: "contact_gap", points: 18, days: 21, cadenceDays: 14, visitOverdueDays: 3, visitCadenceDays: 30 },
    ]);
  });

  it("follows the tenant's weights and thresholds: 39 LOW, 40 MEDIUM, 69 MEDIUM, 70 HIGH", async () => {
    const levels: Array<[number, string]> = [];
    for (const weight of [39, 40, 69, 70]) {
      const t = await makeTenant(tdb.prisma, { settings: legacy({ weights: { contactGap: weight } }) });
      const a = await makeMember(tdb.prisma, t.id);
      const c = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 60 });
      const r = (await scoreOf(t.id, c.id))!;
      levels.push([r.score, r.level]);
    }
    expect(levels).toEqual([
      [39, "LOW"],
      [40, "MEDIUM"],
      [69, "MEDIUM"],
      [70, "HIGH"],
    ]);
    const custom = await makeTenant(tdb.prisma, { settings: legacy({ highAt: 30, mediumAt: 10, weights: { contactGap: 0 } }) });
    const a = await makeMember(tdb.prisma, custom.id);
    const c = await customer(tdb.prisma, custom.id, a.id, { lastContactDaysAgo: 60 });
    await tdb.prisma.callback.create({
      data: { tenantId: custom.id, customerId: c.id, assigneeId: a.id, dueOn: dateCol(-2), reason: "MANUAL" },
    });
    expect(await scoreOf(custom.id, c.id)).toMatchObject({ score: 5, level: "LOW" });
  });

  it("leaves tier C and churned customers out, honours a tier override, and scopes by tenant", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const other = await makeTenant(tdb.prisma, { settings: legacy() });
    const a = await makeMember(tdb.prisma, t.id);
    const o = await makeMember(tdb.prisma, other.id);
    const prospect = await customer(tdb.prisma, t.id, a.id, { tier: "C", status: "PROSPECT", lastContactDaysAgo: 300 });
    await customer(tdb.prisma, t.id, a.id, { status: "CHURNED", lastContactDaysAgo: 300 });
    const overridden = await customer(tdb.prisma, t.id, a.id, { tier: "C", lastContactDaysAgo: 300 });
    await tdb.prisma.customer.update({ where: { id: overridden.id }, data: { tierOverride: "A" } });
    await customer(tdb.prisma, other.id, o.id, { lastContactDaysAgo: 300 });
    const tenant = await loadTenant(tdb.prisma, t.id);
    const all = await scoreCustomers(tdb.prisma, tenant, new Date(NOW));
    expect(all.map((r) => r.customerId)).toEqual([overridden.id]);
    expect(all[0]).toMatchObject({ tier: "A", ownerId: a.id, score: 35, level: "LOW" });
    expect(await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { customerIds: [prospect.id] })).toEqual([]);
    expect(await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { ownerIds: [] })).toEqual([]);
  });
});

describe("risk use cases", () => {
  it("lists my at-risk customers: specialist own, supervisor team, manager all", async () => {
    // Contact gap weighs 45 here: a 60-day gap alone is MEDIUM.
    const t = await makeTenant(tdb.prisma, { settings: legacy({ weights: { contactGap: 45 } }) });
    const d = await makeDepartment(tdb.prisma, t.id);
    const deps = depsAt(tdb.prisma, NOW);
    const a1High = await customer(tdb.prisma, t.id, d.a1.id, { lastContactDaysAgo: 60, name: "Alpha" });
    await tdb.prisma.callback.createMany({
      data: [-1, -2].map((n) => ({ tenantId: t.id, customerId: a1High.id, assigneeId: d.a1.id, dueOn: dateCol(n), reason: "MANUAL" as const })),
    });
    await tdb.prisma.complaint.create({
      data: {
        tenantId: t.id, number: 1, customerId: a1High.id, reporterId: d.a1.id, assigneeId: d.a1.id, severity: "LOW",
        category: "OTHER", description: "x", ackDueAt: new Date("2026-11-01T00:00:00Z"), resolveDueAt: new Date("2026-12-30T00:00:00Z"),
      },
    });
    await customer(tdb.prisma, t.id, d.a1.id, { lastContactDaysAgo: 1, name: "Calm" });
    const a2Medium = await customer(tdb.prisma, t.id, d.a2.id, { lastContactDaysAgo: 60, name: "Beta" });
    const b1Medium = await customer(tdb.prisma, t.id, d.b1.id, { lastContactDaysAgo: 60, name: "Gamma" });

    const mine = await myRisk(deps, actor(d.a1));
    expect(mine).toMatchObject({ asOf: TODAY, scope: "own", scored: 2, high: 1, medium: 0 });
    expect(mine.customers.map((c) => [c.customerId, c.score, c.level])).toEqual([[a1High.id, 70, "HIGH"]]);
    const team = await myRisk(deps, actor(d.s1));
    expect(team.scope).toBe("team");
    expect(team.customers.map((c) => c.customerId)).toEqual([a1High.id, a2Medium.id]);
    const all = await myRisk(deps, actor(d.manager), { limit: 2 });
    expect(all).toMatchObject({ scope: "tenant", scored: 4, high: 1, medium: 2 });
    expect(all.customers.map((c) => c.customerId)).toEqual([a1High.id, a2Medium.id]);
    expect(all.customers).toHaveLength(2);
    expect((await myRisk(deps, actor(d.s2))).customers.map((c) => c.customerId)).toEqual([b1Medium.id]);
  });

  it("gives the card one customer's risk, null for tier C, and hides customers the actor may not see", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy() });
    const d = await makeDepartment(tdb.prisma, t.id);
    const deps = depsAt(tdb.prisma, NOW);
    const mine = await customer(tdb.prisma, t.id, d.a1.id, { lastContactDaysAgo: 28 });
    const prospect = await customer(tdb.prisma, t.id, d.a1.id, { tier: "C", status: "PROSPECT" });
    const bobs = await customer(tdb.prisma, t.id, d.b1.id);
    expect(await riskForCustomer(deps, actor(d.a1), mine.id)).toMatchObject({ customerId: mine.id, score: 35 });
    expect(await riskForCustomer(deps, actor(d.s1), mine.id)).toMatchObject({ score: 35 });
    expect(await riskForCustomer(deps, actor(d.a1), prospect.id)).toBeNull();
    await expect(riskForCustomer(deps, actor(d.a1), bobs.id)).rejects.toMatchObject({ code: "risk.customer_not_found" });
    await expect(riskForCustomer(deps, actor(d.a1), "no-such-id")).rejects.toMatchObject({ code: "risk.customer_not_found" });
  });

  it("snapshots the day's at-risk customers idempotently, replacing that day's rows and auditing each run", async () => {
    const t = await makeTenant(tdb.prisma, { settings: legacy({ weights: { contactGap: 45 } }) });
    const a = await makeMember(tdb.prisma, t.id);
    const deps = depsAt(tdb.prisma, NOW);
    const high = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 60 });
    await tdb.prisma.callback.createMany({
      data: [-1, -2].map((n) => ({ tenantId: t.id, customerId: high.id, assigneeId: a.id, dueOn: dateCol(n), reason: "MANUAL" as const })),
    });
    await tdb.prisma.complaint.create({
      data: {
        tenantId: t.id, number: 1, customerId: high.id, reporterId: a.id, assigneeId: a.id, severity: "LOW", category: "OTHER",
        description: "x", ackDueAt: new Date("2026-11-01T00:00:00Z"), resolveDueAt: new Date("2026-12-30T00:00:00Z"),
      },
    });
    const medium = await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 60 });
    await customer(tdb.prisma, t.id, a.id, { lastContactDaysAgo: 0 });

    const first = await snapshotRisk(deps, t.id, TODAY);
    expect(first).toEqual({ localDate: TODAY, rows: 2, high: 1, medium: 1 });
    const again = await snapshotRisk(deps, t.id, TODAY);
    expect(again).toEqual(first);
    let stored = await snapshotLevels(tdb.prisma, t.id, TODAY);
    expect(stored.size).toBe(2);
    expect(stored.get(high.id)).toMatchObject({ level: "HIGH", score: 70 });
    expect(stored.get(high.id)!.reasons.map((r) => r.signal)).toEqual(["contact_gap", "overdue_complaints", "overdue_callbacks", "open_complaints"]);
    // The list's sort key follows the snapshot on the customer rows.
    const ranks = async () =>
      Object.fromEntries((await tdb.prisma.customer.findMany({ where: { tenantId: t.id }, select: { id: true, riskRank: true } })).map((c) => [c.id, c.riskRank]));
    expect((await ranks())[high.id]).toBe(0);
    expect((await ranks())[medium.id]).toBe(1);

    // The medium customer is visited: a re-run the same day drops its row.
    await visit(tdb.prisma, t.id, medium.id, a.id, new Date(NOW));
    expect(await snapshotRisk(deps, t.id, TODAY)).toEqual({ localDate: TODAY, rows: 1, high: 1, medium: 0 });
    stored = await snapshotLevels(tdb.prisma, t.id, TODAY);
    expect([...stored.keys()]).toEqual([high.id]);
    expect((await ranks())[medium.id]).toBe(2);
    expect(await tdb.prisma.riskSnapshot.count({ where: { tenantId: t.id } })).toBe(1);
    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: t.id, action: "risk.snapshot_taken" }, orderBy: { id: "asc" } });
    expect(audits).toHaveLength(3);
    expect(audits[2]!.after).toEqual({ localDate: TODAY, rows: 1, high: 1, medium: 0 });

    // Nobody at risk any more: the day's snapshot becomes empty.
    await visit(tdb.prisma, t.id, high.id, a.id, new Date(NOW));
    // A back-filled snapshot of an earlier day leaves the latest day's ranks alone.
    await snapshotRisk(deps, t.id, "2026-10-01");
    expect((await ranks())[high.id]).toBe(0);
    await tdb.prisma.riskSnapshot.deleteMany({ where: { tenantId: t.id, localDate: new Date("2026-10-01T00:00:00Z") } });
    expect(await snapshotRisk(deps, t.id, TODAY)).toEqual({ localDate: TODAY, rows: 0, high: 0, medium: 0 });
    expect(await tdb.prisma.riskSnapshot.count({ where: { tenantId: t.id } })).toBe(0);
    expect(Object.values(await ranks())).toEqual([2, 2, 2]);
  });
});

describe("the two query shapes", () => {
  it("score every customer alike alone (the card's query) and with the whole tenant", async () => {
    // Every scenario above left its tenant behind: visits, callbacks, complaints, orders, tiers.
    const tenants = await tdb.prisma.tenant.findMany({ select: { id: true } });
    let compared = 0;
    for (const { id } of tenants) {
      const tenant = await loadTenant(tdb.prisma, id);
      const whole = await scoreCustomers(tdb.prisma, tenant, new Date(NOW));
      for (const expected of whole) {
        const [alone] = await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { customerIds: [expected.customerId] });
        expect(alone).toEqual(expected);
        compared++;
      }
      // A customer the tenant-wide query leaves out (tier C, churned) is left out alone too.
      const unscored = await tdb.prisma.customer.findMany({ where: { tenantId: id, id: { notIn: whole.map((w) => w.customerId) } } });
      for (const c of unscored) expect(await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { customerIds: [c.id] })).toEqual([]);
    }
    expect(compared).toBeGreaterThan(20);
  });
});
