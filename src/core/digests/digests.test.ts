import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant, withLegacyRiskWeights } from "../../../test/support/fixtures.js";
import type { Db } from "../../db/client.js";
import { loadTenant } from "../tenants/tenants.js";
import { buildCallbackDigests } from "./callbacks.js";
import { buildChurnDigests, TEAM_TOP } from "./churn.js";
import { digestFor } from "./digest.js";

const TODAY = "2026-11-23";
// 09:30 in Asia/Shanghai: the default churn digest time.
const CHURN_NOW = "2026-11-23T01:30:00Z";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const day = (date: string) => new Date(`${date}T00:00:00Z`);

let seq = 0;
async function customer(db: Db, tenantId: string, ownerId: string, tier: Tier, name = `客户-${++seq}`, lastContactAt = new Date(CHURN_NOW)) {
  return db.customer.create({
    data: { tenantId, ownerId, name, nameKey: name.toLowerCase(), tier, status: "ACTIVE", lastContactAt, createdAt: day("2025-01-01") },
  });
}

/** A department with a second level under S1: S1X (supervisor) with specialist C1. */
async function department(db: Db, settings: object = {}) {
  const t = await makeTenant(db, { settings: withLegacyRiskWeights(settings) });
  const d = await makeDepartment(db, t.id);
  const s1x = await makeMember(db, t.id, { role: "SUPERVISOR", supervisorId: d.s1.id, name: "主管 Sun" });
  const c1 = await makeMember(db, t.id, { supervisorId: s1x.id, name: "Cindy" });
  return { t, ...d, s1x, c1 };
}

describe("callback digest", () => {
  it("lists each member's due and overdue callbacks VIP first then most overdue, and summarises teams transitively", async () => {
    const { t, ...d } = await department(tdb.prisma);
    const cV1 = await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Vega");
    const cV2 = await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Vortex");
    const cA = await customer(tdb.prisma, t.id, d.a1.id, "A", "Apex");
    const cB = await customer(tdb.prisma, t.id, d.a1.id, "B", "Birch");
    const cC1 = await customer(tdb.prisma, t.id, d.c1.id, "A", "Cobalt");
    const cb1 = await customer(tdb.prisma, t.id, d.b1.id, "B", "Bolt");
    const cb = (customerId: string, assigneeId: string, dueOn: string, status: "PENDING" | "DONE" | "SKIPPED" = "PENDING", completedAt?: string) =>
      tdb.prisma.callback.create({
        data: {
          tenantId: t.id, customerId, assigneeId, dueOn: day(dueOn), reason: "CADENCE", status,
          completedAt: completedAt ? new Date(completedAt) : null,
        },
      });
    const overdue10B = await cb(cB.id, d.a1.id, "2026-11-13");
    const dueTodayVip = await cb(cV1.id, d.a1.id, TODAY);
    const overdue3Vip = await cb(cV2.id, d.a1.id, "2026-11-20");
    const overdue20A = await cb(cA.id, d.a1.id, "2026-11-03");
    await cb(cV1.id, d.a1.id, "2026-11-21", "DONE", "2026-11-22T02:00:00Z"); // done yesterday (local)
    await cb(cA.id, d.a1.id, "2026-11-22", "DONE", "2026-11-22T16:30:00Z"); // 00:30 today locally
    await cb(cB.id, d.a1.id, "2026-11-30"); // not due yet
    await cb(cB.id, d.a1.id, "2026-10-01", "DONE", "2026-11-22T15:59:00Z"); // 23:59 yesterday locally
    const c1Overdue = await cb(cC1.id, d.c1.id, "2026-11-22");
    await cb(cC1.id, d.c1.id, "2026-11-15", "SKIPPED");
    await cb(cb1.id, d.b1.id, "2026-11-10", "DONE", "2026-11-10T03:00:00Z");

    const tenant = await loadTenant(tdb.prisma, t.id);
    const digests = await buildCallbackDigests(tdb.prisma, tenant, TODAY);
    expect(digests.localDate).toBe(TODAY);
    expect(digests.members.map((m) => m.memberId).sort()).toEqual([d.a1.id, d.c1.id].sort());
    const a1 = digests.members.find((m) => m.memberId === d.a1.id)!;
    expect(a1).toMatchObject({ due: 1, overdue: 3 });
    expect(a1.items.map((i) => i.callbackId)).toEqual([overdue3Vip.id, dueTodayVip.id, overdue20A.id, overdue10B.id]);
    expect(a1.items[0]).toEqual({
      callbackId: overdue3Vip.id, customerId: cV2.id, customerName: "Vortex", tier: "VIP", dueOn: "2026-11-20", daysOverdue: 3, reason: "CADENCE",
    });
    expect(digests.members.find((m) => m.memberId === d.c1.id)!.items.map((i) => [i.callbackId, i.daysOverdue])).toEqual([[c1Overdue.id, 1]]);

    const lead = (id: string) => digests.supervisors.find((s) => s.supervisorId === id);
    const s1 = lead(d.s1.id)!;
    // Transitive: S1's team reaches C1 through S1X.
    expect(s1.team.map((r) => r.memberId)).toEqual([d.a1.id, d.c1.id, d.a2.id, d.s1x.id]);
    expect(s1.team[0]).toEqual({ memberId: d.a1.id, name: "Alice", due: 1, overdue: 3, doneYesterday: 2, completionRate: 2 / 5 });
    expect(s1.team[1]).toMatchObject({ memberId: d.c1.id, due: 0, overdue: 1, doneYesterday: 0, completionRate: 0 });
    expect(s1.team[2]).toMatchObject({ completionRate: null });
    expect(s1.totals).toEqual({ due: 1, overdue: 4, doneYesterday: 2 });
    expect(s1.completionRate).toBeCloseTo(2 / 7);
    expect(lead(d.s1x.id)!.team.map((r) => r.memberId)).toEqual([d.c1.id]);
    expect(lead(d.s1x.id)!.completionRate).toBe(0);
    expect(lead(d.s2.id)!.completionRate).toBe(1);
    // The department head's team is the whole tenant.
    const m = lead(d.manager.id)!;
    expect(m.team).toHaveLength(8);
    expect(m.completionRate).toBeCloseTo(3 / 8);
    // An admin without reports and specialists get no team summary.
    expect(lead(d.admin.id)).toBeUndefined();
    expect(lead(d.a1.id)).toBeUndefined();
  });
});

describe("churn digest", () => {
  it("gives owners their HIGH/MEDIUM customers and leads their team's top with newly risen marked", async () => {
    // A 60-day gap is worth 45 points here (MEDIUM on its own).
    const { t, ...d } = await department(tdb.prisma, { risk: { weights: { contactGap: 45 } } });
    const gap = new Date("2026-09-20T04:00:00Z");
    const x = await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Xenon", gap);
    const y = await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Yarrow", gap);
    await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Zinc");
    const w = await customer(tdb.prisma, t.id, d.c1.id, "VIP", "Willow", gap);
    const v = await customer(tdb.prisma, t.id, d.b1.id, "VIP", "Violet", gap);
    await tdb.prisma.callback.createMany({
      data: [
        { tenantId: t.id, customerId: x.id, assigneeId: d.a1.id, dueOn: day("2026-11-20"), reason: "MANUAL" },
        { tenantId: t.id, customerId: x.id, assigneeId: d.a1.id, dueOn: day("2026-11-21"), reason: "MANUAL" },
        { tenantId: t.id, customerId: v.id, assigneeId: d.b1.id, dueOn: day("2026-11-21"), reason: "MANUAL" },
      ],
    });
    await tdb.prisma.complaint.create({
      data: {
        tenantId: t.id, number: 1, customerId: x.id, reporterId: d.a1.id, assigneeId: d.a1.id, severity: "HIGH", category: "DELIVERY",
        description: "late", ackDueAt: day("2026-11-20"), resolveDueAt: day("2026-12-20"),
      },
    });
    // Yesterday: X was MEDIUM, Y MEDIUM, V HIGH; W was not at risk.
    await tdb.prisma.riskSnapshot.createMany({
      data: [
        { tenantId: t.id, customerId: x.id, localDate: day("2026-11-22"), score: 50, level: "MEDIUM", reasons: [] },
        { tenantId: t.id, customerId: y.id, localDate: day("2026-11-22"), score: 45, level: "MEDIUM", reasons: [] },
        { tenantId: t.id, customerId: v.id, localDate: day("2026-11-22"), score: 80, level: "HIGH", reasons: [] },
        // Older snapshots do not count.
        { tenantId: t.id, customerId: w.id, localDate: day("2026-11-21"), score: 90, level: "HIGH", reasons: [] },
      ],
    });
    const tenant = await loadTenant(tdb.prisma, t.id);
    const digests = await buildChurnDigests(tdb.prisma, tenant, TODAY);
    const owner = (id: string) => digests.owners.find((o) => o.memberId === id);
    const a1 = owner(d.a1.id)!;
    expect(a1).toMatchObject({ high: 1, medium: 1 });
    expect(a1.customers.map((c) => [c.name, c.score, c.level, c.newlyRisen, c.previousLevel])).toEqual([
      ["Xenon", 70, "HIGH", true, "MEDIUM"],
      ["Yarrow", 45, "MEDIUM", false, "MEDIUM"],
    ]);
    expect(a1.customers[0]!.reasons.map((r) => r.signal)).toEqual(["contact_gap", "overdue_complaints", "overdue_callbacks", "open_complaints"]);
    expect(owner(d.c1.id)!.customers.map((c) => [c.name, c.newlyRisen, c.previousLevel])).toEqual([["Willow", true, null]]);
    expect(owner(d.b1.id)!.customers.map((c) => [c.name, c.score, c.newlyRisen])).toEqual([["Violet", 50, false]]);
    expect(owner(d.a2.id)).toBeUndefined();

    const lead = (id: string) => digests.supervisors.find((s) => s.memberId === id);
    expect(lead(d.s1.id)).toMatchObject({ scope: "team", high: 1, medium: 2, newlyRisen: 2 });
    expect(lead(d.s1.id)!.top.map((c) => c.name)).toEqual(["Xenon", "Willow", "Yarrow"]);
    expect(lead(d.s1x.id)!.top.map((c) => c.name)).toEqual(["Willow"]);
    expect(lead(d.s2.id)!.top.map((c) => c.name)).toEqual(["Violet"]);
    expect(lead(d.manager.id)).toMatchObject({ scope: "tenant", high: 1, medium: 3, newlyRisen: 2 });
    expect(lead(d.manager.id)!.top.map((c) => c.name)).toEqual(["Xenon", "Violet", "Willow", "Yarrow"]);
    expect(lead(d.admin.id)).toBeUndefined();
  });

  it("caps a lead's list at the top 10 while counting everyone", async () => {
    const { t, ...d } = await department(tdb.prisma, { risk: { weights: { contactGap: 45 } } });
    for (let i = 0; i < TEAM_TOP + 2; i++) {
      await customer(tdb.prisma, t.id, d.b1.id, "A", `Risk ${String(i).padStart(2, "0")}`, new Date(`2026-0${(i % 5) + 1}-01T00:00:00Z`));
    }
    const digests = await buildChurnDigests(tdb.prisma, await loadTenant(tdb.prisma, t.id), TODAY);
    const s2 = digests.supervisors.find((s) => s.memberId === d.s2.id)!;
    expect(s2.medium).toBe(TEAM_TOP + 2);
    expect(s2.top).toHaveLength(TEAM_TOP);
    expect(digests.owners.find((o) => o.memberId === d.b1.id)!.customers).toHaveLength(TEAM_TOP + 2);
  });
});

describe("digestFor", () => {
  it("previews exactly what the builders give that member, for a specialist, a supervisor and the manager", async () => {
    const { t, ...d } = await department(tdb.prisma, { risk: { weights: { contactGap: 45 } } });
    const gap = new Date("2026-09-20T04:00:00Z");
    const x = await customer(tdb.prisma, t.id, d.a1.id, "VIP", "Xenon", gap);
    await customer(tdb.prisma, t.id, d.c1.id, "A", "Willow", new Date("2026-08-01T04:00:00Z"));
    await customer(tdb.prisma, t.id, d.b1.id, "B", "Violet", new Date("2026-01-01T04:00:00Z"));
    await tdb.prisma.callback.createMany({
      data: [
        { tenantId: t.id, customerId: x.id, assigneeId: d.a1.id, dueOn: day("2026-11-20"), reason: "MANUAL" },
        { tenantId: t.id, customerId: x.id, assigneeId: d.a1.id, dueOn: day(TODAY), reason: "CADENCE" },
      ],
    });
    const tenant = await loadTenant(tdb.prisma, t.id);
    const callbacks = await buildCallbackDigests(tdb.prisma, tenant, TODAY);
    const churn = await buildChurnDigests(tdb.prisma, tenant, TODAY);
    const deps = depsAt(tdb.prisma, CHURN_NOW);
    for (const member of [d.a1, d.s1, d.manager, d.b1, d.admin]) {
      const preview = await digestFor(deps, actor(member));
      expect(preview).toEqual({
        localDate: TODAY,
        callbacks: {
          mine: callbacks.members.find((m) => m.memberId === member.id) ?? null,
          team: callbacks.supervisors.find((s) => s.supervisorId === member.id) ?? null,
        },
        churn: {
          mine: churn.owners.find((o) => o.memberId === member.id) ?? null,
          team: churn.supervisors.find((s) => s.memberId === member.id) ?? null,
        },
      });
    }
    const a1 = await digestFor(deps, actor(d.a1), TODAY);
    expect(a1.callbacks.mine!.items).toHaveLength(2);
    expect(a1.churn.mine!.customers.map((c) => c.name)).toEqual(["Xenon"]);
    expect((await digestFor(deps, actor(d.s1))).churn.team!.top.map((c) => c.name)).toEqual(["Xenon", "Willow"]);
    expect((await digestFor(deps, actor(d.manager))).churn.team!.top.map((c) => c.name)).toEqual(["Xenon", "Violet", "Willow"]);
    await expect(digestFor(deps, actor(d.a1), "2026-02-30")).rejects.toMatchObject({ code: "digest.invalid_date" });
  });
});
