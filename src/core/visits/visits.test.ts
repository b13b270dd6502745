import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { syncCadenceCallback } from "../callbacks/cadence.js";
import { fromDateColumn, toDateColumn } from "../shared/time.js";
import { defaultTenantSettings } from "../tenants/settings.js";
import { countVisits, listVisits, logVisit } from "./visits.js";

// 2026-11-23 09:00 in Shanghai.
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
async function makeCustomer(tenantId: string, ownerId: string, tier: Tier, options: { lastContactAt?: Date } = {}) {
  const name = `客户 Visit ${++seq}`;
  const customer = await tdb.prisma.customer.create({
    data: { tenantId, name, nameKey: name.toLowerCase(), ownerId, tier, status: "ACTIVE", lastContactAt: options.lastContactAt ?? null },
  });
  await tdb.prisma.$transaction((tx) => syncCadenceCallback(tx, defaultTenantSettings, customer, TODAY));
  return customer;
}

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  return { tenant, d, deps: depsAt(tdb.prisma, NOW) };
}

async function openCadence(customerId: string) {
  return tdb.prisma.callback.findMany({ where: { customerId, reason: "CADENCE", status: "PENDING" } });
}

async function addCallback(tenantId: string, customerId: string, assigneeId: string, dueOn: string, reason: "MANUAL" | "AFTER_COMPLAINT") {
  return tdb.prisma.callback.create({ data: { tenantId, customerId, assigneeId, dueOn: toDateColumn(dueOn), reason } });
}

describe("logVisit", () => {
  it("closes the overdue cadence callback, re-arms cadence exactly once from the visit and moves last contact", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "VIP");
    const [due] = await openCadence(customer.id);
    await tdb.prisma.callback.update({ where: { id: due!.id }, data: { dueOn: toDateColumn("2026-11-20") } });

    const result = await logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "ON_SITE", summary: "  谈了明年的采购计划  " });

    expect(result.visit.summary).toBe("谈了明年的采购计划");
    expect(result.visit.occurredAt.toISOString()).toBe(new Date(NOW).toISOString());
    expect(result.closedCallbacks).toEqual([{ id: due!.id, reason: "CADENCE", dueOn: "2026-11-20", assigneeId: d.a1.id }]);
    expect(result.followUp).toBeNull();

    const closed = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: due!.id } });
    expect(closed).toMatchObject({ status: "DONE", outcome: `visit:${result.visit.id}`, completedById: d.a1.id, openCadenceKey: null });
    expect(closed.completedAt?.toISOString()).toBe(new Date(NOW).toISOString());

    const open = await openCadence(customer.id);
    expect(open).toHaveLength(1);
    expect(fromDateColumn(open[0]!.dueOn)).toBe("2026-12-07");
    expect(result.cadence).toEqual({ callbackId: open[0]!.id, dueOn: "2026-12-07" });

    const stored = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(stored.lastContactAt?.toISOString()).toBe(new Date(NOW).toISOString());
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(1);

    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, a.entityId])).toEqual([
      ["visit.logged", result.visit.id],
      ["callback.completed_by_visit", due!.id],
      ["callback.cadence_created", open[0]!.id],
    ]);
    expect(audits.every((a) => a.actorId === d.a1.id && a.platform === "CONSOLE")).toBe(true);
  });

  it("closes callbacks due up to 7 days after the visit, not on day 8, not in 3 months, and never AFTER_COMPLAINT", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const [cadence] = await openCadence(customer.id);
    // Not due within the window: the visit restarts it instead of closing it.
    await tdb.prisma.callback.update({ where: { id: cadence!.id }, data: { dueOn: toDateColumn("2026-12-20") } });
    const day7 = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-30", "MANUAL");
    const day8 = await addCallback(tenant.id, customer.id, d.a1.id, "2026-12-01", "MANUAL");
    const in3Months = await addCallback(tenant.id, customer.id, d.a1.id, "2027-02-23", "MANUAL");
    const complaint = await addCallback(tenant.id, customer.id, d.a1.id, "2026-11-22", "AFTER_COMPLAINT");

    const result = await logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "PHONE", summary: "电话回访" });

    expect(result.closedCallbacks.map((c) => c.id)).toEqual([day7.id]);
    const status = async (id: string) => (await tdb.prisma.callback.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(day7.id)).toBe("DONE");
    expect(await status(day8.id)).toBe("PENDING");
    expect(await status(in3Months.id)).toBe("PENDING");
    expect(await status(complaint.id)).toBe("PENDING");

    const open = await openCadence(customer.id);
    // Sunday 2027-02-21 rolls forward to Monday: regular calls land on working days.
    expect(open.map((c) => [c.id, fromDateColumn(c.dueOn)])).toEqual([[cadence!.id, "2027-02-22"]]);
    const moved = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: cadence!.id, action: "callback.cadence_updated" } });
    expect(moved.before).toEqual({ dueOn: "2026-12-20", assigneeId: d.a1.id });
    expect(moved.after).toMatchObject({ dueOn: "2027-02-22" });
  });

  it("schedules an AFTER_VISIT callback for the owner on nextFollowUpOn, which the same visit does not close", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");

    const result = await logVisit(deps, actor(d.s1), {
      customerId: customer.id,
      kind: "VIDEO",
      summary: "季度交流会",
      nextStep: "寄送报价单",
      nextFollowUpOn: "2026-11-24",
      coVisitorIds: [d.a1.id, d.a1.id, d.s1.id],
    });

    expect(result.visit.visitorId).toBe(d.s1.id);
    expect(result.visit.coVisitorIds).toEqual([d.a1.id]);
    expect(result.visit.nextFollowUpOn).toBe("2026-11-24");
    expect(result.followUp).toMatchObject({ reason: "AFTER_VISIT", assigneeId: d.a1.id, dueOn: "2026-11-24", status: "PENDING" });
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: result.followUp!.id } });
    expect(stored).toMatchObject({ status: "PENDING", sourceVisitId: result.visit.id, note: "寄送报价单", reason: "AFTER_VISIT" });
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: stored.id, action: "callback.scheduled" } });
    expect(audit.actorId).toBe(d.s1.id);
  });

  it("lets the owner's supervisor and the manager log a visit but not another specialist or another team's supervisor", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const input = { customerId: customer.id, kind: "ON_SITE", summary: "拜访" };

    await expect(logVisit(deps, actor(d.a2), input)).rejects.toMatchObject({ name: "ForbiddenError", code: "auth.not_yours" });
    await expect(logVisit(deps, actor(d.s2), input)).rejects.toMatchObject({ code: "auth.not_yours" });
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(0);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(0);

    await logVisit(deps, actor(d.s1), input);
    await logVisit(deps, actor(d.manager), input);
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(2);
  });

  it("never moves last contact back or the cadence in for a back-dated visit, and closes nothing due long after it", async () => {
    const { tenant, d, deps } = await scene();
    const yesterday = new Date("2026-11-22T02:00:00Z");
    const customer = await makeCustomer(tenant.id, d.a1.id, "VIP", { lastContactAt: yesterday });
    const dueToday = await addCallback(tenant.id, customer.id, d.a1.id, TODAY, "MANUAL");

    const result = await logVisit(deps, actor(d.a1), {
      customerId: customer.id,
      kind: "RECEPTION",
      summary: "补录:上月来访",
      occurredAt: "2026-11-03T06:00:00Z",
    });

    expect(result.closedCallbacks).toEqual([]);
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: dueToday.id } })).status).toBe("PENDING");
    const stored = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(stored.lastContactAt?.toISOString()).toBe(yesterday.toISOString());
    // From the latest contact (2026-11-22) + 14 days, not from the visit on 2026-11-03; Sunday
    // 2026-12-06 rolls forward to the next working day.
    expect(result.cadence?.dueOn).toBe("2026-12-07");
    expect(await openCadence(customer.id)).toHaveLength(1);
  });

  it("accepts a visit 5 minutes ahead of the clock, refuses one a second more and writes nothing", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const at = (ms: number) => new Date(new Date(NOW).getTime() + ms);

    await expect(
      logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "PHONE", summary: "x", occurredAt: at(5 * 60_000 + 1000) }),
    ).rejects.toMatchObject({ name: "InvalidInputError", code: "visit.occurred_in_future" });
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(0);

    const ok = await logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "PHONE", summary: "x", occurredAt: at(5 * 60_000) });
    expect(ok.visit.occurredAt.toISOString()).toBe(at(5 * 60_000).toISOString());
  });

  it("refuses bad input with a catalog code and writes nothing", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const base = { customerId: customer.id, kind: "ON_SITE", summary: "ok" };
    const a = actor(d.a1);

    await expect(logVisit(deps, a, { ...base, summary: "   " })).rejects.toMatchObject({ code: "visit.summary_required" });
    await expect(logVisit(deps, a, { customerId: customer.id, kind: "ON_SITE" })).rejects.toMatchObject({ code: "visit.summary_required" });
    await expect(logVisit(deps, a, { ...base, summary: "长".repeat(2001) })).rejects.toMatchObject({
      code: "visit.text_too_long",
      params: { field: "summary", max: 2000 },
    });
    expect((await logVisit(deps, a, { ...base, summary: "长".repeat(2000) })).visit.summary).toHaveLength(2000);
    await expect(logVisit(deps, a, { ...base, kind: "LUNCH" })).rejects.toMatchObject({ code: "visit.invalid_kind" });
    await expect(logVisit(deps, a, { ...base, occurredAt: "not a date" })).rejects.toMatchObject({ code: "visit.invalid_occurred_at" });
    await expect(logVisit(deps, a, { ...base, nextFollowUpOn: "2026-11-31" })).rejects.toMatchObject({ code: "visit.invalid_date" });
    await expect(logVisit(deps, a, { ...base, nextFollowUpOn: "2026-11-22" })).rejects.toMatchObject({
      code: "callback.date_in_past",
      params: { date: "2026-11-22", today: TODAY },
    });
    const today = await logVisit(deps, a, { ...base, nextFollowUpOn: TODAY });
    expect(today.followUp?.dueOn).toBe(TODAY);
    await expect(logVisit(deps, a, { ...base, coVisitorIds: Array.from({ length: 11 }, (_, i) => `m${i}`) })).rejects.toMatchObject({
      code: "visit.too_many_co_visitors",
      params: { max: 10 },
    });
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(2);
  });

  it("refuses a co-visitor who is not an active member of the tenant", async () => {
    const { tenant, d, deps } = await scene();
    const other = await makeTenant(tdb.prisma);
    const stranger = await makeMember(tdb.prisma, other.id);
    const customer = await makeCustomer(tenant.id, d.a1.id, "B");
    const input = { customerId: customer.id, kind: "ON_SITE", summary: "x" };

    await expect(logVisit(deps, actor(d.a1), { ...input, coVisitorIds: [d.a2.id, stranger.id] })).rejects.toMatchObject({
      code: "visit.unknown_co_visitor",
      params: { member: stranger.id },
    });
    await tdb.prisma.member.update({ where: { id: d.a2.id }, data: { active: false } });
    await expect(logVisit(deps, actor(d.a1), { ...input, coVisitorIds: [d.a2.id] })).rejects.toMatchObject({
      code: "visit.unknown_co_visitor",
    });
    expect(await tdb.prisma.visit.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it("gives a tier C customer no cadence callback", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "C");
    const result = await logVisit(deps, actor(d.a1), { customerId: customer.id, kind: "EMAIL", summary: "发了资料" });
    expect(result.cadence).toBeNull();
    expect(await tdb.prisma.callback.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it("does not find another tenant's customer", async () => {
    const { deps } = await scene();
    const other = await scene();
    const theirs = await makeCustomer(other.tenant.id, other.d.a1.id, "A");
    const { d } = await scene();
    await expect(logVisit(deps, actor(d.manager), { customerId: theirs.id, kind: "PHONE", summary: "x" })).rejects.toMatchObject({
      name: "NotFoundError",
      code: "visit.customer_not_found",
    });
    await expect(listVisits(deps, actor(d.admin), theirs.id)).rejects.toMatchObject({ code: "visit.customer_not_found" });
    await expect(countVisits(deps, actor(d.admin), theirs.id)).rejects.toMatchObject({ code: "visit.customer_not_found" });
    await expect(listVisits(deps, actor(d.admin), "no-such-id")).rejects.toMatchObject({ code: "visit.customer_not_found" });
    expect(await tdb.prisma.visit.count({ where: { customerId: theirs.id } })).toBe(0);
  });
});

describe("listVisits and countVisits", () => {
  it("lists newest first with names, pages with limit and before, and counts", async () => {
    const { tenant, d, deps } = await scene();
    const customer = await makeCustomer(tenant.id, d.a1.id, "A");
    for (const [i, day] of ["2026-11-01", "2026-11-10", "2026-11-20"].entries()) {
      await logVisit(deps, actor(d.a1), {
        customerId: customer.id,
        kind: "ON_SITE",
        summary: `第${i + 1}次`,
        occurredAt: `${day}T02:00:00Z`,
        coVisitorIds: i === 2 ? [d.s1.id] : [],
      });
    }

    const page1 = await listVisits(deps, actor(d.a1), customer.id, { limit: 2 });
    expect(page1.map((v) => v.summary)).toEqual(["第3次", "第2次"]);
    expect(page1[0]).toMatchObject({ visitorName: "Alice", coVisitorNames: ["主管 Li"] });
    const page2 = await listVisits(deps, actor(d.a1), customer.id, { limit: 2, before: page1[1]!.occurredAt });
    expect(page2.map((v) => v.summary)).toEqual(["第1次"]);
    await expect(listVisits(deps, actor(d.a1), customer.id, { limit: 0 })).rejects.toMatchObject({ code: "visit.invalid_input" });

    expect(await countVisits(deps, actor(d.a1), customer.id)).toBe(3);
    expect(await countVisits(deps, actor(d.a1), customer.id, { since: new Date("2026-11-10T00:00:00Z") })).toBe(2);
    await expect(listVisits(deps, actor(d.a2), customer.id)).rejects.toMatchObject({ code: "auth.not_yours" });
  });
});
