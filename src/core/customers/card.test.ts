// The customer card by exact name (one statement: customer, card and churn risk) must show exactly
// what the two-step path shows: findCustomerRow + customerCardOf, and riskForCustomer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant, withLegacyRiskWeights } from "../../../test/support/fixtures.js";
import { riskForCustomer } from "../risk/risk.js";
import { ForbiddenError } from "../shared/errors.js";
import { loadTenant } from "../tenants/tenants.js";
import { customerCardByName, customerCardOf } from "./card.js";
import { findCustomerRow } from "./lookup.js";

const NOW = "2026-11-23T01:00:00Z";
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const day = (offset: number) => new Date(Date.parse("2026-11-23T00:00:00Z") + offset * 86_400_000);

async function scene() {
  const db = tdb.prisma;
  const t = await makeTenant(db, { settings: withLegacyRiskWeights() });
  const team = await makeDepartment(db, t.id);
  const owner = team.a1;
  const make = (name: string, tier: "VIP" | "A" | "B" | "C") =>
    db.customer.create({
      data: {
        tenantId: t.id,
        name,
        nameKey: name.toLowerCase(),
        ownerId: owner.id,
        tier,
        status: "ACTIVE",
        annualPurchaseFen: 6_000_000_00n,
        lastContactAt: day(-50),
        createdAt: day(-800),
      },
    });
  const busy = await make("Harbor Freight Lines", "VIP");
  const quiet = await make("Harbor Tea House", "C");
  const base = { tenantId: t.id, customerId: busy.id };
  await db.contact.createMany({
    data: [
      { ...base, name: "Zhou Min", title: "Buyer", phone: "13812345678", email: "zhou@example.com", createdAt: day(-30) },
      { ...base, name: "Qian Lei", title: null, phone: null, email: null, createdAt: day(-20) },
    ],
  });
  for (const [i, visitor] of [team.a1, team.s1, team.a1, team.a2, team.a1, team.a1].entries()) {
    await db.visit.create({ data: { ...base, visitorId: visitor.id, occurredAt: day(-60 + i * 5), kind: "ON_SITE", summary: `visit ${i}` } });
  }
  await db.callback.createMany({
    data: [
      { ...base, assigneeId: owner.id, dueOn: day(-9), reason: "CADENCE", status: "PENDING" },
      { ...base, assigneeId: owner.id, dueOn: day(3), reason: "MANUAL", status: "PENDING" },
      { ...base, assigneeId: owner.id, dueOn: day(7), reason: "AFTER_VISIT", status: "PENDING" },
      { ...base, assigneeId: owner.id, dueOn: day(9), reason: "MANUAL", status: "PENDING" },
      { ...base, assigneeId: owner.id, dueOn: day(-40), reason: "MANUAL", status: "DONE", satisfaction: 2, completedAt: day(-39) },
    ],
  });
  for (const [i, status] of (["OPEN", "ACKNOWLEDGED", "RESOLVED"] as const).entries()) {
    await db.complaint.create({
      data: {
        ...base,
        number: i + 1,
        reporterId: owner.id,
        assigneeId: owner.id,
        severity: "HIGH",
        category: "DELIVERY",
        description: `complaint ${i}`,
        status,
        ackDueAt: day(-2),
        resolveDueAt: day(2),
        createdAt: day(-10 + i),
      },
    });
  }
  await db.purchaseOrder.createMany({
    data: [
      { ...base, orderedOn: day(-150), amountFen: 900_000_00n },
      { ...base, orderedOn: day(-20), amountFen: 200_000_00n },
    ],
  });
  return { t, team, busy, quiet };
}

describe("customerCardByName", () => {
  it("shows the same card and risk as the two-step path", async () => {
    const { t, team, busy, quiet } = await scene();
    const deps = depsAt(tdb.prisma, NOW);
    const tenant = await loadTenant(tdb.prisma, t.id);
    for (const [who, customer] of [
      [team.a1, busy],
      [team.s1, busy],
      [team.manager, quiet],
    ] as const) {
      const me = actor(who);
      const fast = await customerCardByName(deps, me, tenant, customer.name.toUpperCase());
      const row = await findCustomerRow(deps, me, customer.name);
      const card = await customerCardOf(deps, tenant.timeZone, row);
      const risk = await riskForCustomer(deps, me, row.id);
      expect(fast).toEqual({ card, risk });
    }
    // The scene exercises every part of the card and every risk signal.
    const shown = (await customerCardByName(deps, actor(team.a1), tenant, busy.name))!;
    expect(shown.card.contacts).toHaveLength(2);
    expect(shown.card.recentVisits).toHaveLength(5);
    expect(new Set(shown.card.recentVisits.map((v) => v.visitorName)).size).toBeGreaterThan(1);
    expect(shown.card.openCallbacks).toMatchObject({ total: 4 });
    expect(shown.card.openCallbacks.next.map((c) => c.overdue)).toEqual([true, false, false]);
    expect(shown.card.complaints.openCount).toBe(2);
    expect(shown.card.complaints.latestOpen?.status).toBe("ACKNOWLEDGED");
    expect(shown.risk).toMatchObject({ customerId: busy.id, level: "HIGH" });
    expect(shown.risk!.reasons.length).toBeGreaterThanOrEqual(4);
    expect((await customerCardByName(deps, actor(team.a1), tenant, quiet.name))?.risk).toBeNull();
  });

  it("leaves a prefix to the two-step path and refuses a customer the actor may not see", async () => {
    const { t, team, busy } = await scene();
    const deps = depsAt(tdb.prisma, NOW);
    const tenant = await loadTenant(tdb.prisma, t.id);
    expect(await customerCardByName(deps, actor(team.a1), tenant, "Harbor Freight")).toBeNull();
    await expect(customerCardByName(deps, actor(team.b1), tenant, busy.name)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(customerCardByName(deps, actor(team.s2), tenant, busy.name)).rejects.toMatchObject({ code: "auth.not_yours" });
  });
});
