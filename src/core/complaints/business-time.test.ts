// SLA clocks in business time on fixed dates (the 2026 Spring Festival, Berlin across DST), the
// after-complaint callback rolled to a working day, and the pre-breach warning: sent once per
// complaint and deadline, however many sweeps (replicas) run at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { fromDateColumn } from "../shared/time.js";
import { acknowledgeComplaint, registerComplaint, reopenComplaint, resolveComplaint } from "./complaints.js";
import { sweepComplaintSla } from "./sweep.js";
import { sweepSlaWarnings, warningDedupeKey } from "./warnings.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

async function scene(options: { timeZone?: string; settings?: object } = {}) {
  const tenant = await makeTenant(tdb.prisma, options);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const customer = await tdb.prisma.customer.create({
    data: { tenantId: tenant.id, name: "宝钢", nameKey: "宝钢", ownerId: d.a1.id, tier: "A", status: "ACTIVE" },
  });
  return { tenant, d, customer };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe("business-time SLA deadlines", () => {
  it("a HIGH complaint registered Friday 17:00 before the Spring Festival: ack on the 调休 Saturday, resolve after the holiday week in working hours", async () => {
    const s = await scene();
    // Friday 2026-02-13 17:00 Shanghai.
    const deps = depsAt(tdb.prisma, "2026-02-13T09:00:00Z");
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "DELIVERY", description: "货物未到" });
    // 4 working hours: 1 on Friday, 3 on Saturday 2-14 (a make-up working day) → Saturday 12:00.
    expect(iso(c.ackDueAt)).toBe("2026-02-14T04:00:00.000Z");
    // 72 working hours: Fri 1 + Sat 9, holiday 2-15…2-23 skipped, 2-24…2-27 36, Sat 2-28 (调休) 9,
    // Mon 3-2 9, then 8 on Tue 3-3 → 17:00.
    expect(iso(c.resolveDueAt)).toBe("2026-03-03T09:00:00.000Z");
    const stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
    // Warnings at 80%: 192 working minutes → Saturday 11:12; 3456 → 2026-03-03 09:48 (Fri 60 + … ).
    expect(iso(stored.ackWarnAt)).toBe("2026-02-14T03:12:00.000Z");
    expect(stored.resolveWarnAt!.getTime()).toBeLessThan(stored.resolveDueAt.getTime());
    expect(stored.resolveWarnAt!.getTime()).toBeGreaterThan(new Date("2026-02-24T00:00:00Z").getTime());
  });

  it("registered on the 调休 Saturday at 17:00, the ack deadline is on the first working day after the holiday", async () => {
    const s = await scene();
    const deps = depsAt(tdb.prisma, "2026-02-14T09:00:00Z");
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "DELIVERY", description: "x" });
    expect(iso(c.ackDueAt)).toBe("2026-02-24T04:00:00.000Z");
  });

  it("National Day: registered Wednesday 9-30 17:00, due Thursday 10-8 12:00; CRITICAL stays in calendar time by default", async () => {
    const s = await scene();
    const deps = depsAt(tdb.prisma, "2026-09-30T09:00:00Z");
    const high = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "SERVICE", description: "x" });
    expect(iso(high.ackDueAt)).toBe("2026-10-08T04:00:00.000Z");
    const critical = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "CRITICAL", category: "SERVICE", description: "x" });
    expect(iso(critical.ackDueAt)).toBe("2026-09-30T10:00:00.000Z");
    expect(iso(critical.resolveDueAt)).toBe("2026-10-01T09:00:00.000Z");
  });

  it("a tenant may put a severity on calendar time (slaClock.HIGH = calendar)", async () => {
    const s = await scene({ settings: { slaClock: { HIGH: "calendar" } } });
    const deps = depsAt(tdb.prisma, "2026-02-13T09:00:00Z");
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "DELIVERY", description: "x" });
    expect(iso(c.ackDueAt)).toBe("2026-02-13T13:00:00.000Z");
  });

  it("Europe/Berlin across the spring DST change: Friday 17:00 CET + 4 working hours = Monday 12:00 CEST", async () => {
    const s = await scene({ timeZone: "Europe/Berlin", settings: { calendar: { country: "DE" } } });
    const deps = depsAt(tdb.prisma, "2026-03-27T16:00:00Z");
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "SERVICE", description: "x" });
    expect(iso(c.ackDueAt)).toBe("2026-03-30T10:00:00.000Z");
  });

  it("the satisfaction callback after a resolution lands on a working day, and a reopen restarts the clock and the warnings", async () => {
    const s = await scene();
    const deps = depsAt(tdb.prisma, "2026-09-24T02:00:00Z"); // Thursday 9-24 10:00
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "MEDIUM", category: "SERVICE", description: "x" });
    await acknowledgeComplaint(deps, actor(s.d.a1), { complaintId: c.id });
    const resolved = await resolveComplaint(deps, actor(s.d.a1), { complaintId: c.id, resolution: "已补发" });
    // 9-24 + 3 days = Sunday 9-27, inside the Mid-autumn holiday: rolls to Monday 9-28.
    expect(resolved.callbackDueOn).toBe("2026-09-28");
    expect(fromDateColumn((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: resolved.callbackId } })).dueOn)).toBe("2026-09-28");

    await tdb.prisma.complaint.update({ where: { id: c.id }, data: { ackWarnedAt: new Date() } });
    deps.clock.set("2026-09-30T09:00:00Z");
    const reopened = await reopenComplaint(deps, actor(s.d.a1), { complaintId: c.id, reason: "又坏了" });
    // 24 working hours from Wed 17:00: 1 + Thu 10-8 9 + Fri 10-9 9 + 5 on the 调休 Saturday 10-10.
    expect(iso(reopened.ackDueAt)).toBe("2026-10-10T06:00:00.000Z");
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).ackWarnedAt).toBeNull();
  });
});

describe("pre-breach warnings", () => {
  it("warns the holder once at 80% of the ack deadline, even with two sweeps racing, and escalation still follows at the deadline", async () => {
    const s = await scene();
    const deps = depsAt(tdb.prisma, "2026-11-23T01:00:00Z"); // Monday 09:00
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "HIGH", category: "SERVICE", description: "x" });
    expect(iso(c.ackDueAt)).toBe("2026-11-23T05:00:00.000Z");
    const mine = (r: { complaintId: string }[]) => r.filter((w) => w.complaintId === c.id);

    // 79%: nothing yet.
    expect(mine(await sweepSlaWarnings(deps, new Date("2026-11-23T04:00:00Z")))).toEqual([]);
    // 80% (3 h 12 min in): two replicas sweep at the same instant.
    const now = new Date("2026-11-23T04:12:00Z");
    const [x, y] = await Promise.all([sweepSlaWarnings(deps, now), sweepSlaWarnings(deps, now)]);
    expect([...mine(x), ...mine(y)]).toEqual([
      { tenantId: s.tenant.id, complaintId: c.id, number: c.number, deadline: "ack", holderId: s.d.a1.id, dueAt: c.ackDueAt },
    ]);
    expect(mine(await sweepSlaWarnings(deps, new Date("2026-11-23T04:30:00Z")))).toEqual([]);
    const warnings = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id, payload: { path: ["kind"], equals: "complaint.sla_warning" } } });
    expect(warnings.map((m) => `${m.target} ${m.dedupeKey}`)).toEqual([`member:${s.d.a1.id} ${warningDedupeKey(c.id, "ack", 0)}`]);
    expect(warnings[0]!.payload).toMatchObject({ deadline: "ack", dueAt: "2026-11-23T05:00:00.000Z", severity: "HIGH" });
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).ackWarnedAt).toEqual(now);

    // Past the deadline it escalates; no late warning is sent for it.
    const late = new Date("2026-11-23T05:01:00Z");
    expect((await sweepComplaintSla(deps, late)).filter((e) => e.complaintId === c.id).map((e) => e.breach)).toEqual(["ack"]);
    expect(mine(await sweepSlaWarnings(deps, late))).toEqual([]);
  });

  it("warns for the resolve deadline separately, and never for a complaint already past its deadline or resolved", async () => {
    const s = await scene({ settings: { slaClock: { warnAtPercent: 50 } } });
    const deps = depsAt(tdb.prisma, "2026-11-23T01:00:00Z");
    const c = await registerComplaint(deps, actor(s.d.a1), { customerId: s.customer.id, severity: "LOW", category: "SERVICE", description: "x" });
    await acknowledgeComplaint(deps, actor(s.d.a1), { complaintId: c.id });
    const stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
    const resolveWarn = stored.resolveWarnAt!;
    const warned = (await sweepSlaWarnings(deps, resolveWarn)).filter((w) => w.complaintId === c.id);
    expect(warned.map((w) => w.deadline)).toEqual(["resolve"]);
    const off = await scene({ settings: { slaClock: { warnAtPercent: 0 } } });
    const none = await registerComplaint(deps, actor(off.d.a1), { customerId: off.customer.id, severity: "LOW", category: "SERVICE", description: "x" });
    expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: none.id } })).toMatchObject({ ackWarnAt: null, resolveWarnAt: null });
  });
});
