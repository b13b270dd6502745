import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { isDomainError } from "../shared/errors.js";
import { fromDateColumn, toDateColumn } from "../shared/time.js";
import { defaultTenantSettings } from "../tenants/settings.js";
import { logVisit } from "../visits/visits.js";
import { callbacksForCustomer, completeCallback, myCallbacks, scheduleCallback, skipCallback, snoozeCallback } from "./callbacks.js";
import { syncCadenceCallback } from "./cadence.js";

// 2026-11-23 09:00 in Shanghai, 2026-11-22 20:00 in New York.
const NOW = "2026-11-23T01:00:00Z";
const TODAY = "2026-11-23";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

let seq = 0;
async function makeCustomer(tenantId: string, ownerId: string, tier: Tier, name = `客户 Callback ${++seq}`) {
  const customer = await tdb.prisma.customer.create({
    data: { tenantId, name, nameKey: name.toLowerCase(), ownerId, tier, status: "ACTIVE" },
  });
  await tdb.prisma.$transaction((tx) => syncCadenceCallback(tx, defaultTenantSettings, customer, TODAY));
  return customer;
}

async function scene(timeZone = "Asia/Shanghai") {
  const tenant = await makeTenant(tdb.prisma, { timeZone });
  const d = await makeDepartment(tdb.prisma, tenant.id);
  return { tenant, d, deps: depsAt(tdb.prisma, NOW) };
}

async function addCallback(
  tenantId: string,
  customerId: string,
  assigneeId: string,
  dueOn: string,
  reason: "MANUAL" | "AFTER_VISIT" | "AFTER_COMPLAINT" = "MANUAL",
) {
  return tdb.prisma.callback.create({ data: { tenantId, customerId, assigneeId, dueOn: toDateColumn(dueOn), reason } });
}

async function cadenceOf(customerId: string) {
  return tdb.prisma.callback.findFirstOrThrow({ where: { customerId, reason: "CADENCE", status: "PENDING" } });
}

/** Open CADENCE callbacks per customer of the tenant (customers with none included, as 0). */
async function openCadenceCounts(tenantId: string): Promise<Map<string, number>> {
  const customers = await tdb.prisma.customer.findMany({ where: { tenantId }, select: { id: true } });
  const groups = await tdb.prisma.callback.groupBy({
    by: ["customerId"],
    where: { tenantId, reason: "CADENCE", status: "PENDING" },
    _count: { _all: true },
  });
  const keyed = await tdb.prisma.callback.count({ where: { tenantId, openCadenceKey: { not: null }, status: { not: "PENDING" } } });
  expect(keyed, "closed callbacks still holding the open-cadence key").toBe(0);
  const counts = new Map(customers.map((c) => [c.id, 0]));
  for (const g of groups) counts.set(g.customerId, g._count._all);
  return counts;
}

describe("scheduleCallback", () => {
  it("schedules a MANUAL callback for the owner by default, today at the earliest, with an audit row", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");

    const cb = await scheduleCallback(deps, actor(d.a1), { customerId: customer.id, dueOn: TODAY, note: " 问问新品反馈 " });
    expect(cb).toMatchObject({ reason: "MANUAL", status: "PENDING", assigneeId: d.a1.id, dueOn: TODAY, note: "问问新品反馈" });
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } });
    expect(fromDateColumn(stored.dueOn)).toBe(TODAY);
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: cb.id } });
    expect(audit).toMatchObject({ action: "callback.scheduled", actorId: d.a1.id, entityType: "Callback" });
    expect(audit.after).toMatchObject({ customerId: customer.id, assigneeId: d.a1.id, dueOn: TODAY, reason: "MANUAL" });

    await expect(scheduleCallback(deps, actor(d.a1), { customerId: customer.id, dueOn: "2026-11-22" })).rejects.toMatchObject({
      name: "InvalidInputError",
      code: "callback.date_in_past",
      params: { date: "2026-11-22", today: TODAY },
    });
    await expect(scheduleCallback(deps, actor(d.a1), { customerId: customer.id, dueOn: "2028-11-24" })).rejects.toMatchObject({
      code: "callback.date_too_far",
    });
    await expect(scheduleCallback(deps, actor(d.a1), { customerId: customer.id, dueOn: "tomorrow" })).rejects.toMatchObject({
      code: "callback.invalid_date",
    });
    await expect(
      scheduleCallback(deps, actor(d.a1), { customerId: customer.id, dueOn: TODAY, note: "x".repeat(501) }),
    ).rejects.toMatchObject({ code: "callback.text_too_long", params: { field: "note", max: 500 } });
    expect(await tdb.prisma.callback.count({ where: { customerId: customer.id, reason: "MANUAL" } })).toBe(1);
  });

  it("lets a supervisor assign to someone in their team only, and a specialist only for their own customers", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");
    const input = { customerId: customer.id, dueOn: "2026-11-25" };

    const cb = await scheduleCallback(deps, actor(d.s1), { ...input, assigneeId: d.a2.id });
    expect(cb.assigneeId).toBe(d.a2.id);
    await expect(scheduleCallback(deps, actor(d.s1), { ...input, assigneeId: d.b1.id })).rejects.toMatchObject({
      name: "ForbiddenError",
      code: "auth.not_yours",
    });
    await expect(scheduleCallback(deps, actor(d.a2), input)).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(scheduleCallback(deps, actor(d.a1), { ...input, assigneeId: d.a2.id })).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(scheduleCallback(deps, actor(d.manager), { ...input, assigneeId: "no-such-member" })).rejects.toMatchObject({
      code: "callback.unknown_assignee",
    });
    expect(await tdb.prisma.callback.count({ where: { customerId: customer.id, reason: "MANUAL" } })).toBe(1);
  });
});

describe("completeCallback", () => {
  it("completes with outcome and satisfaction, moves last contact and restarts the cadence from today", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");
    const cadence = await cadenceOf(customer.id);
    await tdb.prisma.callback.update({ where: { id: cadence.id }, data: { dueOn: toDateColumn("2026-11-26") } });
    const manual = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-21");

    const result = await completeCallback(deps, actor(d.a1), { callbackId: manual.id, outcome: "客户很满意", satisfaction: "5" });

    expect(result.callback).toMatchObject({ status: "DONE", outcome: "客户很满意", satisfaction: 5, completedById: d.a1.id });
    expect(result.cadence).toEqual({ callbackId: cadence.id, dueOn: "2026-12-23" });
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: manual.id } });
    expect(stored).toMatchObject({ status: "DONE", satisfaction: 5, completedById: d.a1.id });
    expect(stored.completedAt?.toISOString()).toBe(new Date(NOW).toISOString());
    expect(fromDateColumn((await cadenceOf(customer.id)).dueOn)).toBe("2026-12-23");
    const c = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(c.lastContactAt?.toISOString()).toBe(new Date(NOW).toISOString());
    const actions = (await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["callback.cadence_updated", "callback.completed"]);
  });

  it("answers a second completion with callback.already_done naming who and when (tenant-local)", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const manual = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);
    await completeCallback(deps, actor(d.a1), { callbackId: manual.id, result: "REACHED" });
    deps.clock.advance(60_000);
    await expect(completeCallback(deps, actor(d.s1), { callbackId: manual.id, result: "REACHED" })).rejects.toMatchObject({
      name: "ConflictError",
      code: "callback.already_done",
      params: { by: "Alice", at: "2026-11-23 09:00" },
    });
    await expect(snoozeCallback(deps, actor(d.a1), { callbackId: manual.id })).rejects.toMatchObject({ code: "callback.already_done" });
    await expect(skipCallback(deps, actor(d.a1), { callbackId: manual.id, reason: "x" })).rejects.toMatchObject({
      code: "callback.already_done",
    });
    expect(await tdb.prisma.auditLog.count({ where: { entityId: manual.id } })).toBe(1);
  });

  it("decides a race of 10 completions exactly once; the others get callback.already_done", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "VIP");
    const cadence = await cadenceOf(customer.id);
    const people = [d.a1, d.s1, d.manager, d.admin, d.a1, d.s1, d.manager, d.admin, d.a1, d.s1];

    const results = await Promise.allSettled(
      people.map((p, i) => completeCallback(deps, actor(p), { callbackId: cadence.id, outcome: `try ${i}` })),
    );

    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const r of lost) expect(isDomainError(r.reason) && r.reason.code).toBe("callback.already_done");
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cadence.id } });
    expect(stored.status).toBe("DONE");
    expect(await tdb.prisma.auditLog.count({ where: { entityId: cadence.id, action: "callback.completed" } })).toBe(1);
    expect((await openCadenceCounts(tenant.id)).get(customer.id)).toBe(1);
    expect(fromDateColumn((await cadenceOf(customer.id)).dueOn)).toBe("2026-12-07");
  });

  it("survives visits, completions and skips racing on one customer: no deadlock, one open cadence callback", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "VIP");
    for (let round = 0; round < 5; round++) {
      const cadence = await cadenceOf(customer.id);
      await tdb.prisma.callback.update({ where: { id: cadence.id }, data: { dueOn: toDateColumn(round % 2 ? "2026-12-30" : TODAY) } });
      const manual = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);
      const outcomes = await Promise.allSettled([
        logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "PHONE", summary: `round ${round}` }),
        completeCallback(deps, actor(d.s1), { callbackId: manual.id, result: "REACHED" }),
        completeCallback(deps, actor(d.manager), { callbackId: cadence.id, result: "REACHED" }),
        skipCallback(deps, actor(d.a1), { callbackId: cadence.id, reason: "race" }),
        logVisit(deps, actor(d.s1), { customerId: customer.id, kind: "VIDEO", summary: `round ${round} again` }),
      ]);
      for (const o of outcomes) {
        if (o.status === "rejected") expect(isDomainError(o.reason) && o.reason.code).toMatch(/^callback\.already_(done|skipped)$/);
      }
      expect(outcomes[0]!.status).toBe("fulfilled");
      expect(outcomes[4]!.status).toBe("fulfilled");
      expect((await openCadenceCounts(tenant.id)).get(customer.id)).toBe(1);
      expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: manual.id } })).status).not.toBe("PENDING");
    }
  });

  it("lets the assignee and whoever may act for them complete, nobody else", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const one = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);
    const two = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);

    await expect(completeCallback(deps, actor(d.a2), { callbackId: one.id, result: "REACHED" })).rejects.toMatchObject({ name: "ForbiddenError" });
    await expect(completeCallback(deps, actor(d.s2), { callbackId: one.id, result: "REACHED" })).rejects.toMatchObject({ code: "auth.not_yours" });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: one.id } })).status).toBe("PENDING");
    await completeCallback(deps, actor(d.s1), { callbackId: one.id, result: "REACHED" });
    await completeCallback(deps, actor(d.manager), { callbackId: two.id, result: "REACHED" });
    expect(await tdb.prisma.callback.count({ where: { id: { in: [one.id, two.id] }, status: "DONE" } })).toBe(2);
  });

  it("accepts satisfaction 1..5 only", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const cb = await addCallback(tenant.id, customer.id, d.a1.id, TODAY, "AFTER_COMPLAINT");
    for (const satisfaction of [0, 6, 2.5, "great"]) {
      await expect(completeCallback(deps, actor(d.a1), { callbackId: cb.id, satisfaction, result: "REACHED" })).rejects.toMatchObject({
        code: "callback.invalid_satisfaction",
      });
    }
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).status).toBe("PENDING");
    const done = await completeCallback(deps, actor(d.a1), { callbackId: cb.id, satisfaction: 1, result: "REACHED" });
    expect(done.callback.satisfaction).toBe(1);
  });
});

describe("snoozeCallback", () => {
  it("snoozes an overdue callback to tomorrow by default, counts snoozes and audits", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const cb = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-20");

    const once = await snoozeCallback(deps, actor(d.a1), { callbackId: cb.id });
    expect(once).toMatchObject({ dueOn: "2026-11-24", snoozeCount: 1, status: "PENDING" });
    const twice = await snoozeCallback(deps, actor(d.a1), { callbackId: cb.id, days: 30 });
    expect(twice).toMatchObject({ dueOn: "2026-12-24", snoozeCount: 2 });
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } });
    expect(fromDateColumn(stored.dueOn)).toBe("2026-12-24");
    const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: cb.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, a.before, a.after])).toEqual([
      ["callback.snoozed", { dueOn: "2026-11-20", snoozeCount: 0 }, { dueOn: "2026-11-24", snoozeCount: 1, originalDueOn: "2026-11-20" }],
      ["callback.snoozed", { dueOn: "2026-11-24", snoozeCount: 1 }, { dueOn: "2026-12-24", snoozeCount: 2, originalDueOn: "2026-11-20" }],
    ]);
  });

  it("snoozes until a date within 30 days, refuses beyond, earlier, both forms at once, and strangers", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const cb = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);
    const a = actor(d.a1);
    await expect(snoozeCallback(deps, a, { callbackId: cb.id, days: 31 })).rejects.toMatchObject({
      code: "callback.snooze_too_far",
      params: { max: 30 },
    });
    await expect(snoozeCallback(deps, a, { callbackId: cb.id, until: "2026-12-24" })).rejects.toMatchObject({ code: "callback.snooze_too_far" });
    await expect(snoozeCallback(deps, a, { callbackId: cb.id, until: TODAY })).rejects.toMatchObject({ code: "callback.snooze_not_later" });
    await expect(snoozeCallback(deps, a, { callbackId: cb.id, days: 0 })).rejects.toMatchObject({ code: "callback.snooze_not_later" });
    await expect(snoozeCallback(deps, a, { callbackId: cb.id, days: 2, until: "2026-11-30" })).rejects.toMatchObject({
      code: "callback.invalid_input",
      params: { field: "until" },
    });
    await expect(snoozeCallback(deps, actor(d.b1), { callbackId: cb.id })).rejects.toMatchObject({ code: "auth.not_yours" });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).snoozeCount).toBe(0);
    expect(await snoozeCallback(deps, a, { callbackId: cb.id, until: "2026-12-23" })).toMatchObject({ dueOn: "2026-12-23" });
  });
});

describe("skipCallback", () => {
  it("needs a reason, keeps it as outcome, and re-arms a skipped cadence callback from today", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "VIP");
    const cadence = await cadenceOf(customer.id);
    await tdb.prisma.callback.update({ where: { id: cadence.id }, data: { dueOn: toDateColumn("2026-11-18") } });

    await expect(skipCallback(deps, actor(d.a1), { callbackId: cadence.id, reason: "  " })).rejects.toMatchObject({
      code: "callback.skip_reason_required",
    });
    await expect(skipCallback(deps, actor(d.a1), { callbackId: cadence.id })).rejects.toMatchObject({
      code: "callback.skip_reason_required",
    });

    const result = await skipCallback(deps, actor(d.a1), { callbackId: cadence.id, reason: "客户停产检修两周" });

    expect(result.callback).toMatchObject({ status: "SKIPPED", outcome: "客户停产检修两周", completedById: d.a1.id });
    const next = await cadenceOf(customer.id);
    expect(next.id).not.toBe(cadence.id);
    expect(result.cadence).toEqual({ callbackId: next.id, dueOn: "2026-12-07" });
    expect((await openCadenceCounts(tenant.id)).get(customer.id)).toBe(1);
    // Not a contact.
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).lastContactAt).toBeNull();
    const actions = (await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } })).map((a) => [
      a.action,
      a.entityId,
    ]);
    expect(actions).toEqual([
      ["callback.cadence_created", next.id],
      ["callback.skipped", cadence.id],
    ]);
    await expect(completeCallback(deps, actor(d.a1), { callbackId: cadence.id, result: "REACHED" })).rejects.toMatchObject({
      code: "callback.already_skipped",
      params: { by: "Alice" },
    });
  });

  it("skipping a MANUAL callback leaves the cadence callback alone", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");
    const cadence = await cadenceOf(customer.id);
    const manual = await addCallback(tenant.id, customer.id, d.a1.id, TODAY);
    const result = await skipCallback(deps, actor(d.s1), { callbackId: manual.id, reason: "重复安排" });
    expect(result.cadence).toEqual({ callbackId: cadence.id, dueOn: fromDateColumn(cadence.dueOn) });
    const after = await cadenceOf(customer.id);
    expect([after.id, after.dueOn.toISOString()]).toEqual([cadence.id, cadence.dueOn.toISOString()]);
  });
});

describe("the cadence invariant", () => {
  it("holds after complete, skip, visit and re-tiering: one open cadence callback for VIP/A/B, none for C", async () => {
    const { tenant, d, deps } = await scene();
    const vip = await makeCustomer(tenant.id, d.a1.id, "VIP");
    const a = await makeCustomer(tenant.id, d.a1.id, "A");
    const b = await makeCustomer(tenant.id, d.a2.id, "B");
    const c = await makeCustomer(tenant.id, d.a2.id, "C");
    const expected = () =>
      new Map([
        [vip.id, 1],
        [a.id, 1],
        [b.id, 1],
        [c.id, 0],
      ]);
    expect(await openCadenceCounts(tenant.id)).toEqual(expected());

    await completeCallback(deps, actor(d.a1), { callbackId: (await cadenceOf(vip.id)).id, result: "REACHED" });
    await skipCallback(deps, actor(d.a1), { callbackId: (await cadenceOf(a.id)).id, reason: "放假" });
    await logVisit(deps, actor(d.a2), { customerId: b.id, kind: "ON_SITE", summary: "拜访" });
    await completeCallback(deps, actor(d.a1), { callbackId: (await cadenceOf(vip.id)).id, result: "REACHED" });
    expect(await openCadenceCounts(tenant.id)).toEqual(expected());

    // Re-tiering is the customers area's use case; here the same sync it calls.
    const retier = async (id: string, tier: Tier) => {
      const updated = await tdb.prisma.customer.update({ where: { id }, data: { tier } });
      await tdb.prisma.$transaction((tx) => syncCadenceCallback(tx, defaultTenantSettings, updated, TODAY));
    };
    await retier(vip.id, "C");
    await retier(c.id, "A");
    await retier(b.id, "VIP");
    expect(await openCadenceCounts(tenant.id)).toEqual(
      new Map([
        [vip.id, 0],
        [a.id, 1],
        [b.id, 1],
        [c.id, 1],
      ]),
    );
    // A tighter cadence pulled B's call in from its visit-based date to today + 14.
    expect(fromDateColumn((await cadenceOf(b.id)).dueOn)).toBe("2026-12-07");
    // The override wins over the computed tier.
    await tdb.prisma.customer.update({ where: { id: a.id }, data: { tierOverride: "C" } });
    const overridden = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: a.id } });
    await tdb.prisma.$transaction((tx) =>
      syncCadenceCallback(tx, defaultTenantSettings, { ...overridden, tier: overridden.tierOverride ?? overridden.tier }, TODAY),
    );
    expect((await openCadenceCounts(tenant.id)).get(a.id)).toBe(0);
  });
});

describe("myCallbacks", () => {
  it("lists the actor's pending callbacks due today and overdue: VIP first, most overdue first, then name", async () => {
    const { tenant, d, deps } = await scene();
    const vipLate = await makeCustomer(tenant.id, d.a1.id, "VIP", "Zhongshan Steel");
    const vipToday = await makeCustomer(tenant.id, d.a1.id, "VIP", "Anhui Motors");
    const aLate = await makeCustomer(tenant.id, d.a1.id, "A", "Beijing Paper");
    const aToday = await makeCustomer(tenant.id, d.a1.id, "A", "Changsha Glass");
    const bVeryLate = await makeCustomer(tenant.id, d.a1.id, "B", "Dalian Port");
    const overridden = await makeCustomer(tenant.id, d.a1.id, "B", "Eastern Foods");
    await tdb.prisma.customer.update({ where: { id: overridden.id }, data: { tierOverride: "VIP" } });
    const someoneElses = await makeCustomer(tenant.id, d.a2.id, "VIP", "Amy's Customer");

    const v1 = await addCallback(tenant.id, vipLate.id, d.a1.id, "2026-11-20");
    const v2 = await addCallback(tenant.id, vipToday.id, d.a1.id, TODAY, "AFTER_VISIT");
    const a1 = await addCallback(tenant.id, aLate.id, d.a1.id, "2026-11-22");
    const a2 = await addCallback(tenant.id, aToday.id, d.a1.id, TODAY);
    const b1 = await addCallback(tenant.id, bVeryLate.id, d.a1.id, "2026-10-24");
    const o1 = await addCallback(tenant.id, overridden.id, d.a1.id, TODAY);
    await addCallback(tenant.id, aToday.id, d.a1.id, "2026-11-24");
    const done = await addCallback(tenant.id, aToday.id, d.a1.id, "2026-11-01");
    await tdb.prisma.callback.update({ where: { id: done.id }, data: { status: "DONE" } });
    await addCallback(tenant.id, someoneElses.id, d.a2.id, "2026-11-01");

    const list = await myCallbacks(deps, actor(d.a1));

    expect(list.map((c) => c.id)).toEqual([v1.id, v2.id, o1.id, a1.id, a2.id, b1.id]);
    expect(list[0]).toEqual({
      id: v1.id,
      customerId: vipLate.id,
      customerName: "Zhongshan Steel",
      tier: "VIP",
      assigneeId: d.a1.id,
      dueOn: "2026-11-20",
      daysOverdue: 3,
      reason: "MANUAL",
      note: null,
      snoozeCount: 0,
    });
    expect(list[1]).toMatchObject({ reason: "AFTER_VISIT", daysOverdue: 0 });
    expect(list[2]).toMatchObject({ customerName: "Eastern Foods", tier: "VIP" });
    expect(list[5]).toMatchObject({ tier: "B", daysOverdue: 30 });
  });

  it("computes today in the tenant's time zone: New York and Shanghai differ at the same instant", async () => {
    const shanghai = await scene("Asia/Shanghai");
    const newYork = await scene("America/New_York");
    const lists = [];
    for (const { tenant, d, deps } of [shanghai, newYork]) {
      const customer = await makeCustomer(tenant.id, d.a1.id, "B");
      await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-23");
      await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-22");
      lists.push(await myCallbacks(deps, actor(d.a1)));
    }
    const [inShanghai, inNewYork] = lists;
    // 01:00 UTC: 09:00 on the 23rd in Shanghai, 20:00 on the 22nd in New York.
    expect(inShanghai!.map((c) => [c.dueOn, c.daysOverdue])).toEqual([
      ["2026-11-22", 1],
      ["2026-11-23", 0],
    ]);
    expect(inNewYork!.map((c) => [c.dueOn, c.daysOverdue])).toEqual([["2026-11-22", 0]]);

    // And "not in the past" follows the same local day.
    const ny = newYork;
    const customer = await makeCustomer(ny.tenant.id, ny.d.a1.id, "B");
    const cb = await scheduleCallback(ny.deps, actor(ny.d.a1), { customerId: customer.id, dueOn: "2026-11-22" });
    expect(cb.dueOn).toBe("2026-11-22");
    await expect(
      scheduleCallback(shanghai.deps, actor(shanghai.d.a1), {
        customerId: (await makeCustomer(shanghai.tenant.id, shanghai.d.a1.id, "B")).id,
        dueOn: "2026-11-22",
      }),
    ).rejects.toMatchObject({ code: "callback.date_in_past" });
  });
});

describe("callbacksForCustomer and tenant isolation", () => {
  it("lists the customer's open callbacks soonest first with assignee names, for those who may see it", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");
    const later = await addCallback(tenant.id, customer.id, d.a2.id, "2026-11-30");
    const overdue = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-21");
    const done = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-20");
    await tdb.prisma.callback.update({ where: { id: done.id }, data: { status: "DONE" } });
    const cadence = await cadenceOf(customer.id);

    const open = await callbacksForCustomer(deps, actor(d.s1), customer.id);
    expect(open.map((c) => [c.id, c.assigneeName, c.daysOverdue])).toEqual([
      [overdue.id, "Alice", 2],
      [later.id, "Amy", 0],
      [cadence.id, "Alice", 0],
    ]);
    await expect(callbacksForCustomer(deps, actor(d.b1), customer.id)).rejects.toMatchObject({ code: "auth.not_yours" });
  });

  it("does not find another tenant's customers or callbacks, whoever asks", async () => {
    const mine = await scene();
    const theirs = await scene();
    const customer = await makeCustomer(theirs.tenant.id, theirs.d.a1.id, "VIP");
    const cb = await cadenceOf(customer.id);
    const admin = actor(mine.d.admin);

    await expect(completeCallback(mine.deps, admin, { callbackId: cb.id, result: "REACHED" })).rejects.toMatchObject({
      name: "NotFoundError",
      code: "callback.not_found",
    });
    await expect(snoozeCallback(mine.deps, admin, { callbackId: cb.id })).rejects.toMatchObject({ code: "callback.not_found" });
    await expect(skipCallback(mine.deps, admin, { callbackId: cb.id, reason: "x" })).rejects.toMatchObject({ code: "callback.not_found" });
    await expect(scheduleCallback(mine.deps, admin, { customerId: customer.id, dueOn: TODAY })).rejects.toMatchObject({
      code: "callback.customer_not_found",
    });
    await expect(callbacksForCustomer(mine.deps, admin, customer.id)).rejects.toMatchObject({ code: "callback.customer_not_found" });
    await expect(completeCallback(mine.deps, admin, { callbackId: "no-such-id", result: "REACHED" })).rejects.toMatchObject({ code: "callback.not_found" });
    // A member of another tenant named as assignee is unknown here.
    const own = await makeCustomer(mine.tenant.id, mine.d.a1.id, "B");
    await expect(
      scheduleCallback(mine.deps, admin, { customerId: own.id, dueOn: TODAY, assigneeId: theirs.d.a1.id }),
    ).rejects.toMatchObject({ code: "callback.unknown_assignee" });
    expect(await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).toMatchObject({ status: "PENDING", snoozeCount: 0 });
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: theirs.tenant.id } })).toBe(0);
  });
});
