import type { Severity } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import {
  acknowledgeComplaint,
  closeComplaint,
  escalateComplaint,
  registerComplaint,
  reopenComplaint,
  resolveComplaint,
} from "./complaints.js";
import { getComplaint, listOpenComplaints } from "./queries.js";
import { sweepComplaintSla } from "./sweep.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const T0 = "2026-11-23T01:00:00.000Z";
const SECOND = 1000;
const HOUR = 3_600_000;
const at = (base: string | Date, ms: number) => new Date(new Date(base).getTime() + ms);

async function makeCustomer(tenantId: string, ownerId: string, name: string) {
  return tdb.prisma.customer.create({ data: { tenantId, name, nameKey: name.toLowerCase(), ownerId } });
}

// These tests are about the ladder and the status machine, in wall-clock minutes; business-time
// clocks have their own tests (business-time.test.ts).
const CALENDAR_CLOCKS = { slaClock: { CRITICAL: "calendar", HIGH: "calendar", MEDIUM: "calendar", LOW: "calendar" } };

async function scene() {
  const tenant = await makeTenant(tdb.prisma, { settings: CALENDAR_CLOCKS });
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const customer = await makeCustomer(tenant.id, d.a1.id, "华为 Huawei");
  return { tenant, d, customer };
}

const mine = (tenantId: string) => (r: { tenantId: string }) => r.tenantId === tenantId;

describe("registering", () => {
  it("lets any member register about any customer, numbers from the tenant counter, assigns the owner, and records event, audit and notifications", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    // B1 is on the other team: registering is open to everyone.
    const first = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "high", description: "发货延迟两周" });
    const second = await registerComplaint(deps, actor(d.a2), { customerId: customer.id, severity: "LOW", category: "billing", description: "发票抬头错误" });
    expect([first.number, second.number]).toEqual([1, 2]);
    expect(first).toMatchObject({ assigneeId: d.a1.id, reporterId: d.b1.id, status: "OPEN", escalationLevel: 0, severity: "HIGH", category: "OTHER" });
    expect(second.category).toBe("BILLING");
    expect(first.ackDueAt.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(first.resolveDueAt.toISOString()).toBe("2026-11-26T01:00:00.000Z");
    expect((await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).nextComplaintNo).toBe(3);

    const events = await tdb.prisma.complaintEvent.findMany({ where: { complaintId: first.id } });
    expect(events).toMatchObject([{ kind: "REGISTERED", actorId: d.b1.id, assigneeId: d.a1.id }]);
    const audit = await tdb.prisma.auditLog.findMany({ where: { entityId: first.id, action: "complaint.registered" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: d.b1.id, platform: "CONSOLE", tenantId: tenant.id });

    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: first.id }, orderBy: { target: "asc" } });
    expect(outbox.map((m) => m.target)).toEqual(["channel:complaints", `member:${d.a1.id}`]);
    expect(outbox[0]!.payload).toMatchObject({ kind: "complaint.registered", complaintId: first.id, number: 1 });
  });

  it("notifies the assignee's supervisor at registration of a CRITICAL complaint", async () => {
    const { d, customer } = await scene();
    const c = await registerComplaint(depsAt(tdb.prisma, T0), actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "生产线停机" });
    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id } });
    // a1 registered about her own customer: she has the card as her answer, no second message.
    expect(outbox.map((m) => m.target).sort()).toEqual(["channel:complaints", `member:${d.s1.id}`].sort());
    const toSupervisor = outbox.find((m) => m.target === `member:${d.s1.id}`)!;
    expect(toSupervisor.payload).toMatchObject({ kind: "complaint.registered", audience: "supervisor", severity: "CRITICAL" });
    expect(toSupervisor.dedupeKey).toBe(`complaint:${c.id}:registered:supervisor`);
  });

  it("tells the owner when someone else registers a complaint about their customer", async () => {
    const { d, customer } = await scene();
    const c = await registerComplaint(depsAt(tdb.prisma, T0), actor(d.s1), { customerId: customer.id, severity: "LOW", description: "回复慢" });
    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id } });
    expect(outbox.map((m) => m.target).sort()).toEqual(["channel:complaints", `member:${d.a1.id}`].sort());
  });

  it("refuses a customer of another tenant with complaint.customer_not_found and writes nothing", async () => {
    const { tenant, d } = await scene();
    const other = await scene();
    await expect(
      registerComplaint(depsAt(tdb.prisma, T0), actor(d.a1), { customerId: other.customer.id, severity: "LOW", description: "x" }),
    ).rejects.toMatchObject({ code: "complaint.customer_not_found" });
    expect(await tdb.prisma.complaint.count({ where: { tenantId: { in: [tenant.id, other.tenant.id] } } })).toBe(0);
    expect((await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).nextComplaintNo).toBe(1);
  });

  it("refuses a missing description with complaint.description_required", async () => {
    const { d, customer } = await scene();
    await expect(registerComplaint(depsAt(tdb.prisma, T0), actor(d.a1), { customerId: customer.id, severity: "LOW", description: "  " })).rejects.toMatchObject({
      code: "complaint.description_required",
    });
    expect(await tdb.prisma.complaint.count({ where: { customerId: customer.id } })).toBe(0);
  });
});

describe("SLA sweep", () => {
  const SLA: Record<Severity, { ack: number; resolve: number }> = {
    CRITICAL: { ack: 1 * HOUR, resolve: 24 * HOUR },
    HIGH: { ack: 4 * HOUR, resolve: 72 * HOUR },
    MEDIUM: { ack: 24 * HOUR, resolve: 7 * 24 * HOUR },
    LOW: { ack: 48 * HOUR, resolve: 14 * 24 * HOUR },
  };

  it.each(Object.keys(SLA) as Severity[])(
    "escalates a %s complaint one second after each deadline and not one second before: supervisor, then their supervisor",
    async (severity) => {
      const { tenant, d, customer } = await scene();
      const deps = depsAt(tdb.prisma, T0);
      const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity, description: "投诉" });
      const sweep = async (now: Date) => (await sweepComplaintSla(deps, now)).filter(mine(tenant.id));

      expect(await sweep(at(T0, SLA[severity].ack - SECOND))).toEqual([]);
      expect(await sweep(at(T0, SLA[severity].ack))).toEqual([]);
      expect(await sweep(at(T0, SLA[severity].ack + SECOND))).toEqual([
        { tenantId: tenant.id, complaintId: c.id, number: c.number, fromLevel: 0, toLevel: 1, newAssigneeId: d.s1.id, breach: "ack", escalated: true },
      ]);
      let stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
      expect(stored).toMatchObject({ escalationLevel: 1, assigneeId: d.s1.id, resolveBreachedAt: null });
      expect(stored.ackBreachedAt?.toISOString()).toBe(at(T0, SLA[severity].ack + SECOND).toISOString());

      expect(await sweep(at(T0, SLA[severity].resolve - SECOND))).toEqual([]);
      expect(await sweep(at(T0, SLA[severity].resolve + SECOND))).toEqual([
        { tenantId: tenant.id, complaintId: c.id, number: c.number, fromLevel: 1, toLevel: 2, newAssigneeId: d.manager.id, breach: "resolve", escalated: true },
      ]);
      stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
      expect(stored).toMatchObject({ escalationLevel: 2, assigneeId: d.manager.id });

      const events = await tdb.prisma.complaintEvent.findMany({ where: { complaintId: c.id, kind: "ESCALATED" }, orderBy: { toLevel: "asc" } });
      expect(events).toMatchObject([
        { actorId: null, fromLevel: 0, toLevel: 1, assigneeId: d.s1.id, note: "sla:ack" },
        { actorId: null, fromLevel: 1, toLevel: 2, assigneeId: d.manager.id, note: "sla:resolve" },
      ]);
      const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: c.id, action: "complaint.escalated" } });
      expect(audits).toHaveLength(2);
      expect(audits.every((a) => a.actorId === null && a.platform === null)).toBe(true);
      const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id, dedupeKey: { contains: ":escalated:" } } });
      expect(outbox.map((m) => `${m.dedupeKey} ${m.target}`).sort()).toEqual(
        [
          `complaint:${c.id}:escalated:L1:channel channel:complaints`,
          `complaint:${c.id}:escalated:L1:member member:${d.s1.id}`,
          `complaint:${c.id}:escalated:L2:channel channel:complaints`,
          `complaint:${c.id}:escalated:L2:member member:${d.manager.id}`,
        ].sort(),
      );
      expect(outbox.find((m) => m.target === `member:${d.manager.id}`)!.payload).toMatchObject({
        kind: "complaint.escalated",
        fromLevel: 1,
        toLevel: 2,
        trigger: "resolve",
        previousAssigneeId: d.s1.id,
      });
    },
  );

  it("does nothing the second time with the same now, and stops the ack clock once acknowledged", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const late = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "a" });
    const handled = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "b" });
    await acknowledgeComplaint(depsAt(tdb.prisma, at(T0, 30 * 60_000)), actor(d.a1), { complaintId: handled.id });
    const now = at(T0, HOUR + SECOND);
    const first = (await sweepComplaintSla(deps, now)).filter(mine(tenant.id));
    expect(first.map((r) => r.complaintId)).toEqual([late.id]);
    expect((await sweepComplaintSla(deps, now)).filter(mine(tenant.id))).toEqual([]);
    expect(await tdb.prisma.complaintEvent.count({ where: { complaintId: late.id, kind: "ESCALATED" } })).toBe(1);
    expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: handled.id } })).toMatchObject({ escalationLevel: 0, ackBreachedAt: null });
  });

  it("escalates once when two sweeps run at the same time", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const ids: string[] = [];
    for (const description of ["一", "二", "三"]) {
      ids.push((await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description })).id);
    }
    const now = at(T0, HOUR + SECOND);
    const [x, y] = await Promise.all([sweepComplaintSla(deps, now), sweepComplaintSla(deps, now)]);
    const results = [...x, ...y].filter(mine(tenant.id));
    expect(results.map((r) => r.complaintId).sort()).toEqual([...ids].sort());
    expect(await tdb.prisma.complaintEvent.count({ where: { complaintId: { in: ids }, kind: "ESCALATED" } })).toBe(3);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: { in: ids }, action: "complaint.escalated" } })).toBe(3);
    expect(await tdb.prisma.outboxMessage.count({ where: { entityId: { in: ids }, dedupeKey: { contains: ":escalated:" } } })).toBe(6);
    const stored = await tdb.prisma.complaint.findMany({ where: { id: { in: ids } } });
    expect(stored.every((c) => c.escalationLevel === 1 && c.assigneeId === d.s1.id)).toBe(true);
  });

  it("escalates both missed deadlines at once after an outage, and a supervisor without a supervisor hands level 2 to a manager", async () => {
    const tenant = await makeTenant(tdb.prisma, { settings: CALENDAR_CLOCKS });
    const manager = await makeMember(tdb.prisma, tenant.id, { role: "MANAGER", name: "经理" });
    const lead = await makeMember(tdb.prisma, tenant.id, { role: "SUPERVISOR", name: "主管" });
    const rep = await makeMember(tdb.prisma, tenant.id, { supervisorId: lead.id, name: "客户经理" });
    const customer = await makeCustomer(tenant.id, rep.id, "中石化 Sinopec");
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(rep), { customerId: customer.id, severity: "CRITICAL", description: "断供" });
    const results = (await sweepComplaintSla(deps, at(T0, 25 * HOUR))).filter(mine(tenant.id));
    expect(results).toMatchObject([
      { breach: "ack", fromLevel: 0, toLevel: 1, newAssigneeId: lead.id, escalated: true },
      { breach: "resolve", fromLevel: 1, toLevel: 2, newAssigneeId: manager.id, escalated: true },
    ]);
    expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ escalationLevel: 2, assigneeId: manager.id });
    expect(await tdb.prisma.auditLog.count({ where: { entityId: c.id, action: "complaint.escalated" } })).toBe(1);
  });

  it("at the top level records and announces a breach without climbing further", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "HIGH", description: "x" });
    await escalateComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "客户要求主管处理" });
    await escalateComplaint(deps, actor(d.s1), { complaintId: c.id, reason: "需要经理协调" });
    const results = (await sweepComplaintSla(deps, at(T0, 4 * HOUR + SECOND))).filter(mine(tenant.id));
    expect(results).toEqual([
      { tenantId: tenant.id, complaintId: c.id, number: c.number, fromLevel: 2, toLevel: 2, newAssigneeId: d.manager.id, breach: "ack", escalated: false },
    ]);
    const stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored.escalationLevel).toBe(2);
    expect(stored.ackBreachedAt).not.toBeNull();
    expect(await tdb.prisma.complaintEvent.findFirst({ where: { complaintId: c.id, kind: "NOTE" } })).toMatchObject({ note: "sla:ack", fromLevel: 2, toLevel: 2 });
    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id, dedupeKey: { contains: ":breach:" } } });
    expect(outbox.map((m) => m.target).sort()).toEqual(["channel:complaints", `member:${d.manager.id}`]);
    expect((await sweepComplaintSla(deps, at(T0, 4 * HOUR + SECOND))).filter(mine(tenant.id))).toEqual([]);
  });
});

describe("acknowledge, resolve, close, reopen", () => {
  it("acknowledges once; a second click says who already did it", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "MEDIUM", description: "x" });
    deps.clock.advance(10 * 60_000);
    const acked = await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    expect(acked).toMatchObject({ status: "ACKNOWLEDGED", ackBreachedAt: null });
    expect(acked.acknowledgedAt?.toISOString()).toBe("2026-11-23T01:10:00.000Z");
    await expect(acknowledgeComplaint(deps, actor(d.s1), { complaintId: c.id })).rejects.toMatchObject({
      code: "complaint.already_acknowledged",
      params: { by: "Alice" },
    });
    expect(await tdb.prisma.complaintEvent.count({ where: { complaintId: c.id, kind: "ACKNOWLEDGED" } })).toBe(1);
    const audit = await tdb.prisma.auditLog.findMany({ where: { entityId: c.id, action: "complaint.acknowledged" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: d.a1.id, before: { status: "OPEN" }, after: { status: "ACKNOWLEDGED" } });
  });

  it("acknowledges once when two clicks race", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "LOW", description: "x" });
    const outcomes = await Promise.allSettled([
      acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id }),
      acknowledgeComplaint(deps, actor(d.s1), { complaintId: c.id }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "complaint.already_acknowledged" });
    expect(await tdb.prisma.complaintEvent.count({ where: { complaintId: c.id, kind: "ACKNOWLEDGED" } })).toBe(1);
  });

  it("lets only the assignee, their supervisors and managers work a complaint", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "LOW", description: "x" });
    // The reporter from another team, a teammate and the other team's supervisor are not in charge.
    for (const m of [d.b1, d.a2, d.s2]) {
      await expect(acknowledgeComplaint(deps, actor(m), { complaintId: c.id })).rejects.toMatchObject({ code: "complaint.forbidden" });
    }
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("OPEN");
    await acknowledgeComplaint(deps, actor(d.manager), { complaintId: c.id });
    await resolveComplaint(deps, actor(d.s1), { complaintId: c.id, resolution: "已补发" });
    await closeComplaint(deps, actor(d.a1), { complaintId: c.id });
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("CLOSED");
  });

  it("records a late acknowledgement as an ack breach without escalating", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "x" });
    deps.clock.set(at(T0, HOUR + SECOND));
    const acked = await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    expect(acked.ackBreachedAt?.toISOString()).toBe(at(T0, HOUR + SECOND).toISOString());
    expect(acked.escalationLevel).toBe(0);
    expect((await sweepComplaintSla(deps, at(T0, 2 * HOUR))).filter(mine(tenant.id))).toEqual([]);
  });

  it("refuses illegal transitions with complaint.invalid_transition and changes nothing", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "LOW", description: "x" });
    await expect(resolveComplaint(deps, actor(d.a1), { complaintId: c.id, resolution: "done" })).rejects.toMatchObject({
      code: "complaint.invalid_transition",
      params: { from: "OPEN", to: "RESOLVED" },
    });
    await expect(closeComplaint(deps, actor(d.a1), { complaintId: c.id })).rejects.toMatchObject({
      code: "complaint.invalid_transition",
      params: { from: "OPEN", to: "CLOSED" },
    });
    await expect(reopenComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "r" })).rejects.toMatchObject({
      code: "complaint.invalid_transition",
      params: { from: "OPEN", to: "OPEN" },
    });
    await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    await expect(closeComplaint(deps, actor(d.a1), { complaintId: c.id })).rejects.toMatchObject({
      code: "complaint.invalid_transition",
      params: { from: "ACKNOWLEDGED", to: "CLOSED" },
    });
    const stored = await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored).toMatchObject({ status: "ACKNOWLEDGED", resolvedAt: null, closedAt: null });
    expect(await tdb.prisma.complaintEvent.count({ where: { complaintId: c.id } })).toBe(2);
    expect(await tdb.prisma.callback.count({ where: { sourceComplaintId: c.id } })).toBe(0);
  });

  it("resolving needs a resolution and schedules an AFTER_COMPLAINT callback 3 local days later for the customer's owner", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "HIGH", description: "x" });
    await escalateComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "需要主管" });
    await acknowledgeComplaint(deps, actor(d.s1), { complaintId: c.id });
    await expect(resolveComplaint(deps, actor(d.s1), { complaintId: c.id, resolution: " " })).rejects.toMatchObject({
      code: "complaint.resolution_required",
    });
    // 17:30 UTC on the 23rd is 01:30 on the 24th in Shanghai: the callback counts from the 24th.
    deps.clock.set("2026-11-23T17:30:00.000Z");
    const resolved = await resolveComplaint(deps, actor(d.s1), { complaintId: c.id, resolution: "退款并道歉" });
    expect(resolved).toMatchObject({ status: "RESOLVED", resolution: "退款并道歉", callbackDueOn: "2026-11-27" });

    const callback = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: resolved.callbackId } });
    expect(callback).toMatchObject({
      tenantId: tenant.id,
      customerId: customer.id,
      assigneeId: d.a1.id,
      reason: "AFTER_COMPLAINT",
      status: "PENDING",
      sourceComplaintId: c.id,
      openCadenceKey: null,
    });
    expect(callback.dueOn.toISOString()).toBe("2026-11-27T00:00:00.000Z");
    expect(await tdb.prisma.auditLog.count({ where: { entityId: c.id, action: "complaint.resolved" } })).toBe(1);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: callback.id, action: "callback.scheduled" } })).toBe(1);
    const toReporter = await tdb.prisma.outboxMessage.findFirstOrThrow({ where: { entityId: c.id, target: `member:${d.b1.id}` } });
    expect(toReporter.payload).toMatchObject({ kind: "complaint.resolved", byId: d.s1.id });
    await expect(resolveComplaint(deps, actor(d.s1), { complaintId: c.id, resolution: "again" })).rejects.toMatchObject({
      code: "complaint.already_resolved",
      params: { by: "主管 Li" },
    });
  });

  it("reopens a CLOSED complaint with fresh deadlines from the reopen, and its SLA is enforced again", async () => {
    const { tenant, d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "CRITICAL", description: "x" });
    deps.clock.set(at(T0, 2 * HOUR));
    await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    const first = await resolveComplaint(deps, actor(d.a1), { complaintId: c.id, resolution: "修好了" });
    await closeComplaint(deps, actor(d.a1), { complaintId: c.id });

    const reopenAt = at(T0, 5 * 24 * HOUR);
    deps.clock.set(reopenAt);
    await expect(reopenComplaint(deps, actor(d.b1), { complaintId: c.id })).rejects.toMatchObject({ code: "complaint.reason_required" });
    await expect(reopenComplaint(deps, actor(d.a2), { complaintId: c.id, reason: "x" })).rejects.toMatchObject({ code: "complaint.forbidden" });
    const reopened = await reopenComplaint(deps, actor(d.b1), { complaintId: c.id, reason: "客户反馈问题再次出现" });
    expect(reopened).toMatchObject({
      status: "OPEN",
      reopenCount: 1,
      acknowledgedAt: null,
      resolvedAt: null,
      closedAt: null,
      resolution: null,
      ackBreachedAt: null,
      resolveBreachedAt: null,
      assigneeId: d.a1.id,
    });
    expect(reopened.ackDueAt.toISOString()).toBe(at(reopenAt, HOUR).toISOString());
    expect(reopened.resolveDueAt.toISOString()).toBe(at(reopenAt, 24 * HOUR).toISOString());
    expect(await tdb.prisma.complaintEvent.findFirst({ where: { complaintId: c.id, kind: "REOPENED" } })).toMatchObject({
      actorId: d.b1.id,
      note: "客户反馈问题再次出现",
    });
    expect(await tdb.prisma.auditLog.count({ where: { entityId: c.id, action: "complaint.reopened" } })).toBe(1);
    expect(await tdb.prisma.outboxMessage.count({ where: { entityId: c.id, dedupeKey: { startsWith: `complaint:${c.id}:reopened:1:` } } })).toBe(2);

    expect((await sweepComplaintSla(deps, at(reopenAt, HOUR - SECOND))).filter(mine(tenant.id))).toEqual([]);
    expect((await sweepComplaintSla(deps, at(reopenAt, HOUR + SECOND))).filter(mine(tenant.id))).toMatchObject([
      { complaintId: c.id, breach: "ack", toLevel: 1, newAssigneeId: d.s1.id },
    ]);

    // Resolving again moves the pending satisfaction callback instead of adding a second one.
    deps.clock.set(at(reopenAt, 2 * HOUR));
    await acknowledgeComplaint(deps, actor(d.s1), { complaintId: c.id });
    const again = await resolveComplaint(deps, actor(d.s1), { complaintId: c.id, resolution: "更换设备" });
    expect(again.callbackId).toBe(first.callbackId);
    expect(await tdb.prisma.callback.count({ where: { sourceComplaintId: c.id } })).toBe(1);
  });
});

describe("escalating by hand", () => {
  it("needs a reason, climbs the ladder for anyone involved, notifies the new owner and the channel, and stops at level 2", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a2), { customerId: customer.id, severity: "MEDIUM", description: "x" });
    await expect(escalateComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "" })).rejects.toMatchObject({ code: "complaint.reason_required" });
    await expect(escalateComplaint(deps, actor(d.b1), { complaintId: c.id, reason: "r" })).rejects.toMatchObject({ code: "complaint.forbidden" });
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).escalationLevel).toBe(0);

    // The reporter (A2, a teammate) may escalate.
    const one = await escalateComplaint(deps, actor(d.a2), { complaintId: c.id, reason: "客户不满意响应速度" });
    expect(one).toMatchObject({ escalationLevel: 1, assigneeId: d.s1.id });
    const two = await escalateComplaint(deps, actor(d.s1), { complaintId: c.id, reason: "涉及合同条款" });
    expect(two).toMatchObject({ escalationLevel: 2, assigneeId: d.manager.id });
    await expect(escalateComplaint(deps, actor(d.manager), { complaintId: c.id, reason: "r" })).rejects.toMatchObject({
      code: "complaint.max_level",
      params: { level: 2 },
    });

    const events = await tdb.prisma.complaintEvent.findMany({ where: { complaintId: c.id, kind: "ESCALATED" }, orderBy: { toLevel: "asc" } });
    expect(events).toMatchObject([
      { actorId: d.a2.id, fromLevel: 0, toLevel: 1, assigneeId: d.s1.id, note: "客户不满意响应速度" },
      { actorId: d.s1.id, fromLevel: 1, toLevel: 2, assigneeId: d.manager.id, note: "涉及合同条款" },
    ]);
    const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: c.id, action: "complaint.escalated" }, orderBy: { id: "asc" } });
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actorId: d.a2.id, platform: "CONSOLE", after: { escalationLevel: 1, reason: "客户不满意响应速度", by: "member" } });
    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { entityId: c.id, dedupeKey: { contains: ":escalated:" } } });
    expect(outbox.map((m) => m.target).sort()).toEqual(["channel:complaints", "channel:complaints", `member:${d.manager.id}`, `member:${d.s1.id}`].sort());
  });

  it("refuses to escalate a resolved complaint with complaint.not_active", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "LOW", description: "x" });
    await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    await resolveComplaint(deps, actor(d.a1), { complaintId: c.id, resolution: "ok" });
    await expect(escalateComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "r" })).rejects.toMatchObject({ code: "complaint.not_active" });
  });

  it("hides another tenant's complaint from every use case with complaint.not_found", async () => {
    const { d, customer } = await scene();
    const other = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "LOW", description: "x" });
    const outsider = actor(other.d.admin);
    await expect(acknowledgeComplaint(deps, outsider, { complaintId: c.id })).rejects.toMatchObject({ code: "complaint.not_found" });
    await expect(escalateComplaint(deps, outsider, { complaintId: c.id, reason: "r" })).rejects.toMatchObject({ code: "complaint.not_found" });
    await expect(getComplaint(deps, outsider, c.id)).rejects.toMatchObject({ code: "complaint.not_found" });
    expect((await listOpenComplaints(deps, outsider)).items).toEqual([]);
    expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "OPEN", escalationLevel: 0 });
  });
});

describe("reading", () => {
  it("lists open complaints I own or supervise, most urgent first; managers see all", async () => {
    const { d, customer } = await scene();
    const bobs = await makeCustomer(customer.tenantId, d.b1.id, "腾讯 Tencent");
    const deps = depsAt(tdb.prisma, T0);
    const low = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "LOW", description: "l" });
    deps.clock.advance(60_000);
    const critical = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "c" });
    const escalated = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "HIGH", description: "h" });
    await escalateComplaint(deps, actor(d.a1), { complaintId: escalated.id, reason: "r" });
    const bob = await registerComplaint(deps, actor(d.b1), { customerId: bobs.id, severity: "MEDIUM", description: "m" });
    const done = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "CRITICAL", description: "d" });
    await acknowledgeComplaint(deps, actor(d.a1), { complaintId: done.id });
    await resolveComplaint(deps, actor(d.a1), { complaintId: done.id, resolution: "ok" });

    const ids = async (m: Parameters<typeof actor>[0]) => (await listOpenComplaints(deps, actor(m))).items.map((i) => i.id);
    // A1 keeps the complaint escalated to S1 on the list: it is about A1's customer.
    expect(await ids(d.a1)).toEqual([critical.id, escalated.id, low.id]);
    expect(await ids(d.s1)).toEqual([critical.id, escalated.id, low.id]);
    expect(await ids(d.a2)).toEqual([]);
    expect(await ids(d.s2)).toEqual([bob.id]);
    expect(await ids(d.manager)).toEqual([critical.id, escalated.id, bob.id, low.id]);

    deps.clock.set(at(T0, 2 * HOUR));
    const list = await listOpenComplaints(deps, actor(d.a1), { limit: 1 });
    expect(list.total).toBe(3);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      id: critical.id,
      customer: { id: customer.id, name: "华为 Huawei" },
      assignee: { id: d.a1.id, displayName: "Alice" },
      nextDeadline: { kind: "ack" },
      overdue: true,
    });
  });

  it("shows one complaint with its timeline, by id or number, to those involved only", async () => {
    const { d, customer } = await scene();
    const deps = depsAt(tdb.prisma, T0);
    const c = await registerComplaint(deps, actor(d.b1), { customerId: customer.id, severity: "HIGH", description: "质量问题" });
    deps.clock.advance(60_000);
    await acknowledgeComplaint(deps, actor(d.a1), { complaintId: c.id });
    deps.clock.advance(60_000);
    await escalateComplaint(deps, actor(d.a1), { complaintId: c.id, reason: "需要主管" });

    const detail = await getComplaint(deps, actor(d.b1), c.number);
    expect(detail).toMatchObject({
      id: c.id,
      reporter: { id: d.b1.id, displayName: "Bob" },
      assignee: { id: d.s1.id, displayName: "主管 Li" },
      customer: { name: "华为 Huawei" },
    });
    expect(detail.timeline.map((e) => e.kind)).toEqual(["REGISTERED", "ACKNOWLEDGED", "ESCALATED"]);
    expect(detail.timeline[2]).toMatchObject({ actor: { displayName: "Alice" }, assignee: { displayName: "主管 Li" }, fromLevel: 0, toLevel: 1, note: "需要主管" });
    expect((await getComplaint(deps, actor(d.s1), c.id)).id).toBe(c.id);
    await expect(getComplaint(deps, actor(d.a2), c.id)).rejects.toMatchObject({ code: "complaint.not_found" });
  });
});
