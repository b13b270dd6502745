// Digests on working days only (digests.workingDaysOnly, default on), on fixed dates of the 2026
// arrangement: none on the Spring Festival or on an ordinary Sunday, one on the 调休 Saturday;
// Berlin's 09:00 on both sides of the DST change; the December notice that next year's holiday
// data is missing; the pre-breach warning as part of the 5-minute sweep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startScheduler } from "../../src/scheduler/scheduler.js";
import type { CoreDeps } from "../../src/core/shared/context.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { depsAt, makeDepartment, makeTenant } from "../support/fixtures.js";

const silent = createLogger("silent");
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

async function department(timeZone: string, settings: object = {}) {
  const tenant = await makeTenant(tdb.prisma, { timeZone, settings, platform: "FEISHU" });
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const c = await tdb.prisma.customer.create({ data: { tenantId: tenant.id, ownerId: d.a1.id, name: "宝钢", nameKey: "宝钢", tier: "B", status: "ACTIVE" } });
  return { tenant, ...d, customerId: c.id };
}

async function fireAt(deps: CoreDeps & { clock: { set(t: string): void } }, at: string, timeZone: string, tenantId: string) {
  deps.clock.set(at);
  const scheduler = await startScheduler({ deps, logger: silent, cron: false, catchUpOnStart: false });
  try {
    return (await scheduler.fireDigest("CALLBACKS", timeZone, "09:00")).find((r) => r.tenantId === tenantId)!;
  } finally {
    await scheduler.stop();
  }
}

describe("digests on working days", () => {
  it("skips the Spring Festival and Sundays, and runs on the 调休 Saturday (Asia/Shanghai)", async () => {
    const s = await department("Asia/Shanghai");
    const deps = depsAt(tdb.prisma);
    // 2026-02-17 09:00 Shanghai: Spring Festival.
    expect((await fireAt(deps, "2026-02-17T01:00:00Z", "Asia/Shanghai", s.tenant.id)).outcome).toEqual({ status: "non_working_day" });
    // Sunday 2026-03-01.
    expect((await fireAt(deps, "2026-03-01T01:00:00Z", "Asia/Shanghai", s.tenant.id)).outcome).toEqual({ status: "non_working_day" });
    // Saturday 2026-02-28 is a make-up working day: the digest goes out.
    const makeup = await fireAt(deps, "2026-02-28T01:00:00Z", "Asia/Shanghai", s.tenant.id);
    expect(makeup).toMatchObject({ localDate: "2026-02-28", outcome: { status: "completed" } });
    const runs = await tdb.prisma.digestRun.findMany({ where: { tenantId: s.tenant.id }, select: { localDate: true } });
    expect(runs.map((r) => r.localDate.toISOString().slice(0, 10))).toEqual(["2026-02-28"]);
    // The catch-up sweep on a holiday sends nothing either.
    deps.clock.set("2026-02-17T03:00:00Z");
    const scheduler = await startScheduler({ deps, logger: silent, cron: false, catchUpOnStart: false, sweeps: { complaints: false, approvals: false } });
    try {
      const swept = await scheduler.sweep();
      expect(swept.digests.filter((r) => r.tenantId === s.tenant.id).map((r) => r.outcome.status)).toEqual(["non_working_day", "non_working_day"]);
    } finally {
      await scheduler.stop();
    }
    expect(await tdb.prisma.digestRun.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it("sends on every day when workingDaysOnly is off, and follows a tenant's own day off", async () => {
    const every = await department("Asia/Shanghai", { digests: { workingDaysOnly: false } });
    const deps = depsAt(tdb.prisma);
    expect((await fireAt(deps, "2026-02-17T01:00:00Z", "Asia/Shanghai", every.tenant.id)).outcome).toMatchObject({ status: "completed" });
    const own = await department("Asia/Shanghai");
    await tdb.prisma.calendarDay.create({ data: { tenantId: own.tenant.id, date: new Date("2026-12-31T00:00:00Z"), working: false, name: "年会" } });
    expect((await fireAt(deps, "2026-12-31T01:00:00Z", "Asia/Shanghai", own.tenant.id)).outcome).toEqual({ status: "non_working_day" });
  });

  it("fires at Berlin's 09:00 on both sides of the spring DST change, and not on Easter Monday", async () => {
    const s = await department("Europe/Berlin", { calendar: { country: "DE" } });
    const deps = depsAt(tdb.prisma);
    // Friday 27 March 09:00 CET = 08:00Z; Monday 30 March 09:00 CEST = 07:00Z.
    expect((await fireAt(deps, "2026-03-27T07:59:00Z", "Europe/Berlin", s.tenant.id)).outcome).toEqual({ status: "not_due" });
    expect(await fireAt(deps, "2026-03-27T08:00:00Z", "Europe/Berlin", s.tenant.id)).toMatchObject({ localDate: "2026-03-27", outcome: { status: "completed" } });
    expect((await fireAt(deps, "2026-03-28T08:00:00Z", "Europe/Berlin", s.tenant.id)).outcome).toEqual({ status: "non_working_day" });
    expect(await fireAt(deps, "2026-03-30T07:00:00Z", "Europe/Berlin", s.tenant.id)).toMatchObject({ localDate: "2026-03-30", outcome: { status: "completed" } });
    expect((await fireAt(deps, "2026-04-06T07:00:00Z", "Europe/Berlin", s.tenant.id)).outcome).toEqual({ status: "non_working_day" });
  });
});

describe("the sweep's calendar and warning steps", () => {
  it("tells admins once in December that next year's holidays are missing, and sends the pre-breach warning", async () => {
    const s = await department("Asia/Shanghai");
    const deps = depsAt(tdb.prisma, "2026-11-30T02:00:00Z");
    await tdb.prisma.complaint.create({
      data: {
        tenantId: s.tenant.id, number: 1, customerId: s.customerId, reporterId: s.a1.id, assigneeId: s.a1.id, severity: "HIGH", category: "SERVICE",
        description: "x", ackDueAt: new Date("2026-12-01T05:00:00Z"), resolveDueAt: new Date("2026-12-10T05:00:00Z"),
        ackWarnAt: new Date("2026-12-01T04:12:00Z"), resolveWarnAt: new Date("2026-12-08T05:00:00Z"),
      },
    });
    const notices = () => tdb.prisma.outboxMessage.findMany({ where: { tenantId: s.tenant.id, payload: { path: ["kind"], equals: "calendar.year_uncovered" } } });
    const scheduler = await startScheduler({ deps, logger: silent, cron: false, catchUpOnStart: false });
    try {
      expect((await scheduler.sweep()).failures).toEqual([]);
      expect(await notices()).toEqual([]);
      deps.clock.set("2026-12-01T04:15:00Z");
      const swept = await scheduler.sweep();
      expect(swept.failures).toEqual([]);
      expect(swept.warnings).toBeGreaterThanOrEqual(1);
      const sent = await notices();
      expect(sent.map((m) => m.target)).toEqual([`member:${s.admin.id}`]);
      expect(sent[0]!.payload).toMatchObject({ year: 2027, country: "CN" });
      expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: s.tenant.id, target: `member:${s.a1.id}`, payload: { path: ["kind"], equals: "complaint.sla_warning" } } })).toBe(1);
      deps.clock.set("2026-12-02T04:15:00Z");
      await scheduler.sweep();
      expect(await notices()).toHaveLength(1);
    } finally {
      await scheduler.stop();
    }
  });
});
