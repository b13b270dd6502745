// Callback outcomes and postponement as the KPIs and the churn score see them: "no answer" is
// not a contact, a postponement keeps the original due date for the completion rate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { buildCallbackDigests } from "../digests/callbacks.js";
import { kpiReport } from "../kpi/kpi.js";
import { scoreCustomers } from "../risk/risk.js";
import { toDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { completeCallback, snoozeCallback } from "./callbacks.js";

const NOW = "2026-11-23T01:00:00Z"; // 09:00 in Shanghai
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  return { tenant, d, deps: depsAt(tdb.prisma, NOW) };
}

let seq = 0;
async function silentVip(tenantId: string, ownerId: string, lastContact: string) {
  const name = `沉默客户 ${++seq}`;
  return tdb.prisma.customer.create({
    data: {
      tenantId, name, nameKey: name.toLowerCase(), ownerId, tier: "VIP", status: "ACTIVE",
      lastContactAt: new Date(lastContact), createdAt: new Date("2025-01-01T00:00:00Z"),
    },
  });
}

const callbackOn = (tenantId: string, customerId: string, assigneeId: string, dueOn: string) =>
  tdb.prisma.callback.create({ data: { tenantId, customerId, assigneeId, dueOn: toDateColumn(dueOn), reason: "MANUAL" } });

describe("callback outcomes", () => {
  it("keeps the contact gap when nobody answered, and closes it when the customer was reached", async () => {
    const { tenant, d, deps } = await scene();
    const vip = await silentVip(tenant.id, d.a1.id, "2026-07-20T02:00:00Z"); // 126 days before
    const t = await loadTenant(tdb.prisma, tenant.id);
    const gapOf = async () => (await scoreCustomers(tdb.prisma, t, new Date(NOW), { customerIds: [vip.id] }))[0]!;
    const before = await gapOf();
    expect(before.reasons.find((r) => r.signal === "contact_gap")).toMatchObject({ days: 126 });

    const first = await callbackOn(tenant.id, vip.id, d.a1.id, "2026-11-23");
    const done = await completeCallback(deps, actor(d.a1), { callbackId: first.id, result: "NO_ANSWER" });
    expect(done.callback).toMatchObject({ status: "DONE", result: "NO_ANSWER" });
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: vip.id } })).lastContactAt).toEqual(vip.lastContactAt);
    const after = await gapOf();
    expect(after.reasons.find((r) => r.signal === "contact_gap")).toMatchObject({ days: 126 });
    expect(after.score).toBe(before.score);
    const [audit] = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id, action: "callback.completed" } });
    expect(audit!.after).toMatchObject({ result: "NO_ANSWER" });

    const second = await callbackOn(tenant.id, vip.id, d.a1.id, "2026-11-23");
    await completeCallback(deps, actor(d.a1), { callbackId: second.id, result: "REACHED", outcome: "下周来访" });
    const reached = await gapOf();
    expect(reached.reasons.find((r) => r.signal === "contact_gap")).toBeUndefined();
  });

  it("refuses a completion that records nothing, writing nothing", async () => {
    const { tenant, d, deps } = await scene();
    const vip = await silentVip(tenant.id, d.a1.id, "2026-10-01T02:00:00Z");
    const cb = await callbackOn(tenant.id, vip.id, d.a1.id, "2026-11-23");
    await expect(completeCallback(deps, actor(d.a1), { callbackId: cb.id })).rejects.toMatchObject({ code: "callback.outcome_required" });
    await expect(completeCallback(deps, actor(d.a1), { callbackId: cb.id, outcome: "   " })).rejects.toMatchObject({ code: "callback.outcome_required" });
    await expect(completeCallback(deps, actor(d.a1), { callbackId: cb.id, result: "MAYBE" })).rejects.toMatchObject({ code: "callback.invalid_result" });
    expect(await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).toMatchObject({ status: "PENDING", result: null });
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});

describe("postponing a callback", () => {
  it("keeps the completion denominator, records the original date, and measures on time against it", async () => {
    const { tenant, d, deps } = await scene();
    const range = { from: "2026-11-01", to: "2026-11-30" };
    const c = await silentVip(tenant.id, d.a1.id, "2026-11-01T02:00:00Z");
    const overdue = await callbackOn(tenant.id, c.id, d.a1.id, "2026-10-14"); // 40 days overdue: outside November
    const a = await callbackOn(tenant.id, c.id, d.a1.id, "2026-11-20");
    const b = await callbackOn(tenant.id, c.id, d.a1.id, "2026-11-22");
    await callbackOn(tenant.id, c.id, d.a1.id, "2026-11-23");
    const base = (await kpiReport(deps, actor(d.s1), range)).total.metrics.callbacks;
    expect(base).toMatchObject({ due: 3, done: 0, postponed: 0 });

    // Postponing an overdue call means "tomorrow", once per click, and keeps the first original date.
    const moved = await snoozeCallback(deps, actor(d.a1), { callbackId: a.id });
    expect(moved).toMatchObject({ dueOn: "2026-11-24", originalDueOn: "2026-11-20", snoozeCount: 1 });
    deps.clock.set(new Date("2026-11-24T01:00:00Z"));
    const again = await snoozeCallback(deps, actor(d.a1), { callbackId: a.id });
    expect(again).toMatchObject({ dueOn: "2026-11-25", originalDueOn: "2026-11-20", snoozeCount: 2 });
    await snoozeCallback(deps, actor(d.a1), { callbackId: b.id });
    const old = await snoozeCallback(deps, actor(d.a1), { callbackId: overdue.id });
    expect(old).toMatchObject({ dueOn: "2026-11-25", originalDueOn: "2026-10-14" });
    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id, action: "callback.snoozed", entityId: a.id }, orderBy: { at: "asc" } });
    expect(audits.map((x) => x.after)).toEqual([
      { dueOn: "2026-11-24", snoozeCount: 1, originalDueOn: "2026-11-20" },
      { dueOn: "2026-11-25", snoozeCount: 2, originalDueOn: "2026-11-20" },
    ]);

    const afterSnooze = (await kpiReport(deps, actor(d.s1), range)).total.metrics.callbacks;
    // The same base: two postponements do not turn "0 of 3" into "0 of 1"; both still count as overdue.
    expect(afterSnooze).toMatchObject({ due: 3, done: 0, postponed: 2, postponedOverdue: 2 });
    expect(afterSnooze.due).toBe(base.due);
    // The supervisor's morning summary still sees them: not in "overdue" any more, but counted apart.
    const digest = await buildCallbackDigests(tdb.prisma, await loadTenant(tdb.prisma, tenant.id), "2026-11-24");
    const row = digest.supervisors.find((x) => x.supervisorId === d.s1.id)!.team.find((r) => r.memberId === d.a1.id)!;
    expect(row).toMatchObject({ overdue: 1, postponedOverdue: 3 });

    // Done after the original date: completed, but not on time.
    deps.clock.set(new Date("2026-11-25T01:00:00Z"));
    await completeCallback(deps, actor(d.a1), { callbackId: a.id, result: "REACHED" });
    const done = (await kpiReport(deps, actor(d.s1), range)).total.metrics.callbacks;
    expect(done).toMatchObject({ due: 3, done: 1, onTime: 0, postponed: 2, postponedOverdue: 1, outcomes: { reached: 1, noAnswer: 0, callLater: 0 } });
  });
});
