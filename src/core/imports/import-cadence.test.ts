// `import customers --update` that changes a customer's tier, owner or status has the effect of
// the command that changes it: the cadence callback and the next planned visit follow at once,
// in the import's transaction, audited — not at the next daily sweep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { createCustomer, overrideTier } from "../customers/customers.js";
import { handOverCustomer } from "../customers/handover.js";
import { fromDateColumn } from "../shared/time.js";
import { systemActor } from "./actor.js";
import { importCustomersCsv } from "./customers-import.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

/** Twin B customers created on 1 June, both last met face to face on 20 August; today is 1 September. */
async function twins(names: [string, string]) {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const deps = depsAt(tdb.prisma, "2026-06-01T01:00:00Z");
  const made = [];
  for (const name of names) {
    const c = await createCustomer(deps, actor(d.a1), { name, annualPurchaseFen: 20_000_000n });
    const met = new Date("2026-08-20T02:00:00Z");
    await tdb.prisma.customer.update({ where: { id: c.id }, data: { lastContactAt: met } });
    await tdb.prisma.visit.create({ data: { tenantId: tenant.id, customerId: c.id, visitorId: d.a1.id, occurredAt: met, kind: "ON_SITE", summary: "met" } });
    made.push(c);
  }
  deps.clock.set("2026-09-01T01:00:00Z");
  return { tenant, d, deps, byCommand: made[0]!, byImport: made[1]! };
}

/** What the cadence left open for a customer: its cadence callback and its cadence visit plan. */
async function cadenceOf(customerId: string) {
  const callback = await tdb.prisma.callback.findFirst({ where: { customerId, reason: "CADENCE", status: "PENDING" } });
  const plan = await tdb.prisma.visitPlan.findFirst({ where: { customerId, reason: "CADENCE", status: "PLANNED" } });
  return {
    callback: callback && { dueOn: fromDateColumn(callback.dueOn), assigneeId: callback.assigneeId },
    plan: plan && { plannedOn: fromDateColumn(plan.plannedOn), assigneeId: plan.assigneeId },
  };
}

describe("import customers --update and the cadence", () => {
  it("re-tiers a customer's callback and next visit as `customer tier` does, counted from the last contact, audited", async () => {
    const { tenant, d, deps, byCommand, byImport } = await twins(["Command Co", "Import Co"]);
    const before = await cadenceOf(byImport.id);

    await overrideTier(deps, actor(d.s1), byCommand.id, "VIP", "strategic");
    const result = await importCustomersCsv(deps, systemActor(tenant.id), `name,tier,tier_override_reason\r\nImport Co,VIP,strategic\r\n`, { update: true });
    expect(result).toMatchObject({ ok: true, updated: 1 });

    const expected = await cadenceOf(byCommand.id);
    // VIP: a call 14 days and a visit 30 days after the 20 August visit, not B's 90 days and a year.
    expect(expected.callback).toEqual({ dueOn: "2026-09-03", assigneeId: d.a1.id });
    expect(expected.plan!.plannedOn < before.plan!.plannedOn).toBe(true);
    expect(await cadenceOf(byImport.id)).toEqual(expected);

    const audit = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id, action: { in: ["callback.cadence_updated", "visit_plan.cadence_updated"] } } });
    const callback = await tdb.prisma.callback.findFirstOrThrow({ where: { customerId: byImport.id, status: "PENDING" } });
    const plan = await tdb.prisma.visitPlan.findFirstOrThrow({ where: { customerId: byImport.id, status: "PLANNED" } });
    expect(audit.map((a) => [a.action, a.entityId, a.actorId])).toEqual(
      expect.arrayContaining([
        ["callback.cadence_updated", callback.id, null],
        ["visit_plan.cadence_updated", plan.id, null],
      ]),
    );
    const moved = audit.find((a) => a.entityId === callback.id)!;
    expect(moved.before).toEqual({ dueOn: before.callback!.dueOn, assigneeId: d.a1.id });
    expect(moved.after).toMatchObject({ dueOn: "2026-09-03", assigneeId: d.a1.id, importId: (result as { importId: string }).importId });
  });

  it("closes the callback and cancels the planned visit of a customer re-tiered to C, as the command does", async () => {
    const { tenant, d, deps, byCommand, byImport } = await twins(["Command C", "Import C"]);
    await overrideTier(deps, actor(d.s1), byCommand.id, "C", "dormant");
    const result = await importCustomersCsv(deps, systemActor(tenant.id), `name,tier,tier_override_reason\r\nImport C,C,dormant\r\n`, { update: true });
    expect(result).toMatchObject({ ok: true, updated: 1 });

    expect(await cadenceOf(byCommand.id)).toEqual({ callback: null, plan: null });
    expect(await cadenceOf(byImport.id)).toEqual({ callback: null, plan: null });
    const closed = await tdb.prisma.callback.findFirstOrThrow({ where: { customerId: byImport.id, reason: "CADENCE" } });
    expect(closed).toMatchObject({ status: "SKIPPED", openCadenceKey: null });
    expect(await tdb.prisma.auditLog.count({ where: { entityId: closed.id, action: "callback.cadence_closed" } })).toBe(1);
  });

  it("hands the planned visits to a new owner with the callbacks, as `customer assign` does", async () => {
    const { tenant, d, deps, byCommand, byImport } = await twins(["Command Owner", "Import Owner"]);
    const manual = await tdb.prisma.visitPlan.create({
      data: { tenantId: tenant.id, customerId: byImport.id, assigneeId: d.a1.id, plannedOn: new Date("2026-09-10T00:00:00Z"), reason: "MANUAL" },
    });
    await handOverCustomer(deps, actor(d.s1), byCommand.id, d.a2.id, "team change");
    const result = await importCustomersCsv(deps, systemActor(tenant.id), `name,owner\r\nImport Owner,Amy\r\n`, { update: true });
    expect(result).toMatchObject({ ok: true, updated: 1 });

    const expected = await cadenceOf(byCommand.id);
    expect(expected.callback?.assigneeId).toBe(d.a2.id);
    expect(expected.plan?.assigneeId).toBe(d.a2.id);
    expect(await cadenceOf(byImport.id)).toEqual(expected);
    expect((await tdb.prisma.visitPlan.findUniqueOrThrow({ where: { id: manual.id } })).assigneeId).toBe(d.a2.id);
  });
});
