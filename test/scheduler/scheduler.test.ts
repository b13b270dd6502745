// The scheduler with a controlled clock, on both databases: digests at each tenant's own 09:00,
// catch-up on start until the cutoff, the 5-minute sweep, job re-sync, and node-cron's
// distributed hook on the lease table. Deliveries go to a fake platform that counts them.
import type { Tier } from "@prisma/client";
import { DateTime } from "luxon";
import { createTask } from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCallbackDigests } from "../../src/core/digests/callbacks.js";
import { systemClock, type ManualClock } from "../../src/core/shared/clock.js";
import type { CoreDeps } from "../../src/core/shared/context.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import type { Db } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { cronLeaseKey, leaseCoordinator } from "../../src/scheduler/coordination.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { startScheduler, type Scheduler, type SchedulerOptions } from "../../src/scheduler/scheduler.js";
import { CountingPlatform, createCountingSender } from "../fakes/counting-platform.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { depsAt, makeDepartment, makeTenant } from "../support/fixtures.js";

const SH = "Asia/Shanghai";
const NY = "America/New_York";
const TODAY = "2026-11-23";
const day = (date: string) => new Date(`${date}T00:00:00Z`);
const silent = createLogger("silent");

let tdb: TestDatabase;
let fake: CountingPlatform;
beforeAll(async () => {
  tdb = await openTestDatabase();
  fake = await CountingPlatform.start();
});
afterAll(async () => {
  await fake?.close();
  await tdb?.close();
});

let seq = 0;
async function customer(db: Db, tenantId: string, ownerId: string, tier: Tier) {
  const name = `客户-${++seq}`;
  return db.customer.create({
    data: { tenantId, ownerId, name, nameKey: name, tier, status: "ACTIVE", lastContactAt: new Date("2026-11-20T00:00:00Z") },
  });
}

/** A Feishu department in `timeZone`: A1 has a due-today B callback and an overdue VIP one; B1 one due today. */
async function department(timeZone: string, settings: object = {}) {
  const t = await makeTenant(tdb.prisma, { timeZone, settings, platform: "FEISHU" });
  const d = await makeDepartment(tdb.prisma, t.id);
  const vip = await customer(tdb.prisma, t.id, d.a1.id, "VIP");
  const b = await customer(tdb.prisma, t.id, d.a1.id, "B");
  const other = await customer(tdb.prisma, t.id, d.b1.id, "A");
  const a1Due = await tdb.prisma.callback.create({ data: { tenantId: t.id, customerId: b.id, assigneeId: d.a1.id, dueOn: day(TODAY), reason: "CADENCE" } });
  const a1Overdue = await tdb.prisma.callback.create({
    data: { tenantId: t.id, customerId: vip.id, assigneeId: d.a1.id, dueOn: day("2026-11-19"), reason: "MANUAL" },
  });
  const b1Due = await tdb.prisma.callback.create({ data: { tenantId: t.id, customerId: other.id, assigneeId: d.b1.id, dueOn: day(TODAY), reason: "CADENCE" } });
  return { tenant: t, ...d, callbacks: { a1: [a1Overdue.id, a1Due.id], b1: [b1Due.id] } };
}

/** What the digest renderer would show: the member's items, or the lead's team rows. */
function renderDigest(db: Db) {
  return async (message: { tenantId: string; target: string; payload: unknown }) => {
    const intent = message.payload as { kind: string; localDate: string };
    const memberId = message.target.slice("member:".length);
    const built = await buildCallbackDigests(db, await loadTenant(db, message.tenantId), intent.localDate, { recipientId: memberId });
    if (intent.kind === "digest.callbacks") return built.members[0]?.items.map((i) => i.callbackId) ?? [];
    return built.supervisors[0]?.team.map((r) => r.memberId) ?? [];
  };
}

async function deliverAll(deps: CoreDeps): Promise<void> {
  const senders = { FEISHU: createCountingSender(fake.url, { render: renderDigest(deps.db) }) };
  for (let round = 0; round < 50 && (await deliverOutboxBatch({ db: deps.db, clock: deps.clock, senders })) > 0; round++);
}

function start(deps: CoreDeps, options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  return startScheduler({ deps, logger: silent, cron: false, ...options });
}

const outboxOf = (tenantId: string) => tdb.prisma.outboxMessage.findMany({ where: { tenantId } });
const localTime = (instant: Date | null, zone: string) => (instant ? DateTime.fromJSDate(instant, { zone }).toFormat("HH:mm") : null);

describe("daily digests at each tenant's own 09:00", () => {
  it("delivers the callback digest at 09:00 Asia/Shanghai, to each member with their items and each lead with their team", async () => {
    fake.reset();
    const s = await department(SH);
    const deps = depsAt(tdb.prisma, "2026-11-23T00:59:00Z"); // 08:59 local
    const finished: string[] = [];
    const scheduler = await start(deps, {
      onRunFinished: (run, seconds) => {
        if (run.tenantId === s.tenant.id && seconds >= 0) finished.push(`${run.kind}:${run.outcome.status}`);
      },
    });
    try {
      expect((await scheduler.initialCatchUp).filter((r) => r.tenantId === s.tenant.id)).toEqual([]);
      expect(await scheduler.fireDigest("CALLBACKS", SH, "09:00")).toContainEqual({
        tenantId: s.tenant.id,
        kind: "CALLBACKS",
        localDate: TODAY,
        outcome: { status: "not_due" },
      });
      expect(await outboxOf(s.tenant.id)).toEqual([]);

      deps.clock.set("2026-11-23T01:00:00Z");
      const fired = (await scheduler.fireDigest("CALLBACKS", SH, "09:00")).filter((r) => r.tenantId === s.tenant.id);
      expect(fired).toEqual([
        { tenantId: s.tenant.id, kind: "CALLBACKS", localDate: TODAY, outcome: expect.objectContaining({ status: "completed", recipients: 5 }) },
      ]);
      await deliverAll(deps);

      const mine = fake.delivered.filter((d) => d.tenantId === s.tenant.id);
      const got = (memberId: string, kind: string) => mine.filter((d) => d.recipient === `member:${memberId}` && d.kind === kind);
      expect(got(s.a1.id, "digest.callbacks").map((d) => d.content)).toEqual([s.callbacks.a1]); // VIP (overdue) first
      expect(got(s.b1.id, "digest.callbacks").map((d) => d.content)).toEqual([s.callbacks.b1]);
      expect(got(s.s1.id, "digest.callbacks.team").map((d) => d.content)).toEqual([[s.a1.id, s.a2.id]]);
      expect(got(s.s2.id, "digest.callbacks.team")).toHaveLength(1);
      expect(got(s.manager.id, "digest.callbacks.team")).toHaveLength(1);
      expect(mine).toHaveLength(5);
      expect(mine.every((d) => d.localDate === TODAY)).toBe(true);
      const rows = await outboxOf(s.tenant.id);
      expect(rows.every((r) => r.status === "SENT" && r.platformMessageId !== null)).toBe(true);

      // Firing again the same day (another replica, a restart) sends nothing more.
      deps.clock.set("2026-11-23T01:07:00Z");
      expect((await scheduler.fireDigest("CALLBACKS", SH, "09:00")).find((r) => r.tenantId === s.tenant.id)?.outcome.status).toBe(
        "already_completed",
      );
      await deliverAll(deps);
      expect(fake.delivered.filter((d) => d.tenantId === s.tenant.id)).toHaveLength(5);
      expect(finished).toEqual(["CALLBACKS:completed", "CALLBACKS:already_completed"]);
    } finally {
      await scheduler.stop();
    }
  });

  it("gives a tenant in New York its digest at New York's 09:00, not Shanghai's", async () => {
    fake.reset();
    const ny = await department(NY);
    const deps = depsAt(tdb.prisma, "2026-11-23T01:00:00Z"); // 09:00 Shanghai = 20:00 the day before in New York
    const scheduler = await start(deps, { catchUpOnStart: false });
    try {
      expect((await scheduler.fireDigest("CALLBACKS", SH, "09:00")).some((r) => r.tenantId === ny.tenant.id)).toBe(false);
      expect((await scheduler.catchUp()).some((r) => r.tenantId === ny.tenant.id)).toBe(false);
      expect(await outboxOf(ny.tenant.id)).toEqual([]);

      deps.clock.set("2026-11-23T13:59:00Z"); // 08:59 in New York
      expect((await scheduler.fireDigest("CALLBACKS", NY, "09:00")).find((r) => r.tenantId === ny.tenant.id)?.outcome).toEqual({
        status: "not_due",
      });
      deps.clock.set("2026-11-23T14:00:00Z"); // 09:00 in New York
      const fired = (await scheduler.fireDigest("CALLBACKS", NY, "09:00")).find((r) => r.tenantId === ny.tenant.id)!;
      expect(fired).toMatchObject({ localDate: TODAY, outcome: { status: "completed", recipients: 5 } });
      await deliverAll(deps);
      const got = fake.delivered.filter((d) => d.tenantId === ny.tenant.id);
      expect(got.find((d) => d.recipient === `member:${ny.a1.id}`)?.content).toEqual(ny.callbacks.a1);
      expect(got).toHaveLength(5);
      expect(
        await tdb.prisma.digestRun.findMany({ where: { tenantId: ny.tenant.id }, select: { localDate: true, kind: true, status: true } }),
      ).toEqual([{ localDate: day(TODAY), kind: "CALLBACKS", status: "COMPLETED" }]);
    } finally {
      await scheduler.stop();
    }
  });

  it("schedules one node-cron job per kind, time zone and time, firing at local 09:00 and 09:30, and re-syncs when an admin changes a time", async () => {
    const t = await makeTenant(tdb.prisma, { timeZone: "Europe/Berlin", platform: "FEISHU" });
    // A time zone the runtime does not know costs that tenant its jobs, not everyone else theirs.
    await makeTenant(tdb.prisma, { timeZone: "Mars/Olympus_Mons", platform: "FEISHU" });
    const scheduler = await startScheduler({ deps: { db: tdb.prisma, clock: systemClock }, logger: silent, catchUpOnStart: false });
    try {
      const jobs = new Map(scheduler.jobs().map((j) => [j.key, j]));
      for (const [zone, kind, at] of [
        [SH, "CALLBACKS", "09:00"],
        [SH, "CHURN", "09:30"],
        ["Europe/Berlin", "CALLBACKS", "09:00"],
        [NY, "CHURN", "09:30"],
      ] as const) {
        const job = jobs.get(`accord:digest:${kind}:${zone}:${at}`);
        expect(job).toMatchObject({ timeZone: zone });
        expect(localTime(job!.nextRun, zone)).toBe(at);
      }
      expect([...jobs.keys()].some((k) => k.includes("Mars"))).toBe(false);
      expect(jobs.get("accord:sweep")).toMatchObject({ cron: "*/5 * * * *" });
      expect(new Date(jobs.get("accord:sweep")!.nextRun!).getUTCMinutes() % 5).toBe(0);

      await tdb.prisma.tenant.update({ where: { id: t.id }, data: { settings: { digests: { callbacksAt: "07:45" } } } });
      await scheduler.resync();
      const after = new Map(scheduler.jobs().map((j) => [j.key, j]));
      expect(after.has("accord:digest:CALLBACKS:Europe/Berlin:09:00")).toBe(false);
      expect(localTime(after.get("accord:digest:CALLBACKS:Europe/Berlin:07:45")!.nextRun, "Europe/Berlin")).toBe("07:45");
      expect(after.has("accord:digest:CHURN:Europe/Berlin:09:30")).toBe(true);
    } finally {
      await scheduler.stop();
    }
    expect(scheduler.jobs()).toEqual([]);
  });
});

describe("catch-up on start", () => {
  it("runs today's missed digests when started after their time, and not again on the next start", async () => {
    const s = await department(SH);
    const deps = depsAt(tdb.prisma, "2026-11-23T03:00:00Z"); // 11:00 local: both digests were missed
    const first = await start(deps);
    const results = (await first.initialCatchUp).filter((r) => r.tenantId === s.tenant.id);
    await first.stop();
    expect(results.map((r) => [r.kind, r.localDate, r.outcome.status]).sort()).toEqual([
      ["CALLBACKS", TODAY, "completed"],
      ["CHURN", TODAY, "completed"],
    ]);
    const count = (await outboxOf(s.tenant.id)).length;
    expect(count).toBeGreaterThanOrEqual(5);

    deps.clock.set("2026-11-23T03:30:00Z");
    const second = await start(deps);
    expect((await second.initialCatchUp).filter((r) => r.tenantId === s.tenant.id)).toEqual([]);
    await second.stop();
    expect(await outboxOf(s.tenant.id)).toHaveLength(count);
  });

  it("does not catch up after the cutoff (18:00 by default, or the tenant's own)", async () => {
    const late = await department(SH);
    const early = await department(SH, { digests: { catchUpUntil: "10:00" } });
    const deps = depsAt(tdb.prisma, "2026-11-23T02:30:00Z"); // 10:30 local
    const first = await start(deps);
    const results = await first.initialCatchUp;
    await first.stop();
    expect(results.filter((r) => r.tenantId === early.tenant.id)).toEqual([]);
    expect(results.filter((r) => r.tenantId === late.tenant.id && r.outcome.status === "completed")).toHaveLength(2);

    const missed = await department(SH);
    deps.clock.set("2026-11-23T10:00:00Z"); // 18:00 local
    const second = await start(deps);
    expect((await second.initialCatchUp).filter((r) => r.tenantId === missed.tenant.id)).toEqual([]);
    await second.stop();
    expect(await outboxOf(missed.tenant.id)).toEqual([]);
    expect(await tdb.prisma.digestRun.count({ where: { tenantId: missed.tenant.id } })).toBe(0);
  });

  it("takes over a run whose holder died as soon as its lease expires", async () => {
    const s = await department(SH);
    const deps = depsAt(tdb.prisma, "2026-11-23T01:05:00Z");
    await tdb.prisma.digestRun.create({
      data: { tenantId: s.tenant.id, kind: "CALLBACKS", localDate: day(TODAY), owner: "dead", leaseUntil: new Date(deps.clock.now().getTime() + 500) },
    });
    const scheduler = await start(deps);
    try {
      const busy = (await scheduler.initialCatchUp).find((r) => r.tenantId === s.tenant.id && r.kind === "CALLBACKS");
      expect(busy?.outcome).toMatchObject({ status: "busy", holder: "dead" });
      deps.clock.advance(600);
      // The follow-up fires a second after the lease ends.
      let run = await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: s.tenant.id, kind: "CALLBACKS" } });
      for (let i = 0; i < 50 && run.status !== "COMPLETED"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: s.tenant.id, kind: "CALLBACKS" } });
      }
      expect(run).toMatchObject({ status: "COMPLETED", owner: scheduler.holder, recipients: 5 });
    } finally {
      await scheduler.stop();
    }
  });
});

describe("the 5-minute sweep", () => {
  it("escalates missed complaint deadlines, reminds approvers and catches up a due digest, isolating each step", async () => {
    const s = await department(SH);
    const deps = depsAt(tdb.prisma, "2026-11-23T02:00:00Z");
    const c = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: s.tenant.id, ownerId: s.a1.id } });
    const complaint = await tdb.prisma.complaint.create({
      data: {
        tenantId: s.tenant.id, number: 1, customerId: c.id, reporterId: s.a1.id, assigneeId: s.a1.id, severity: "HIGH", category: "SERVICE",
        description: "late delivery", ackDueAt: new Date("2026-11-23T01:00:00Z"), resolveDueAt: new Date("2026-11-26T00:00:00Z"),
      },
    });
    const request = await tdb.prisma.hospitalityRequest.create({
      data: {
        tenantId: s.tenant.id, number: 1, requesterId: s.a1.id, customerId: c.id, eventDate: day("2026-11-30"), kind: "MEAL",
        guests: 2, staff: 1, estimatedFen: 100_000n, purpose: "year-end dinner",
      },
    });
    const step = await tdb.prisma.approvalStep.create({
      data: {
        tenantId: s.tenant.id, requestId: request.id, position: 1, role: "SUPERVISOR", approverId: s.s1.id, status: "PENDING",
        pendingSince: new Date("2026-11-22T01:00:00Z"),
      },
    });
    // De-duplication claims: two older than a week (one never completed), one from yesterday.
    const ago = (days: number) => new Date(deps.clock.now().getTime() - days * 86_400_000);
    await tdb.prisma.processedEvent.createMany({
      data: [
        { platform: "SLACK", eventKey: "sweep:old-done", claimedAt: ago(8), completedAt: ago(8) },
        { platform: "FEISHU", eventKey: "sweep:old-open", claimedAt: ago(7.5) },
        { platform: "SLACK", eventKey: "sweep:recent", claimedAt: ago(1), completedAt: ago(1) },
      ],
    });
    const scheduler = await start(deps, { catchUpOnStart: false });
    try {
      const result = await scheduler.sweep();
      expect(result.failures).toEqual([]);
      expect(result.prunedClaims).toBe(2);
      // The daily tier recompute ran for the tenant (nothing reached five years in this scene).
      expect(result.retiered).toBe(0);
      expect((await tdb.prisma.processedEvent.findMany({ where: { eventKey: { startsWith: "sweep:" } } })).map((e) => e.eventKey)).toEqual(["sweep:recent"]);
      expect(result.escalations).toBeGreaterThanOrEqual(1);
      expect(result.reminders).toBeGreaterThanOrEqual(1);
      expect(await tdb.prisma.approvalStep.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ lastRemindedAt: deps.clock.now() });
      expect(
        await tdb.prisma.outboxMessage.count({ where: { tenantId: s.tenant.id, target: `member:${s.s1.id}`, payload: { path: ["kind"], equals: "hospitality.approval_reminder" } } }),
      ).toBe(1);
      expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: complaint.id } })).toMatchObject({ escalationLevel: 1, assigneeId: s.s1.id });
      expect(result.digests.filter((r) => r.tenantId === s.tenant.id).map((r) => r.outcome.status)).toEqual(["completed", "completed"]);
      const again = await scheduler.sweep();
      expect(again.digests.filter((r) => r.tenantId === s.tenant.id)).toEqual([]);
    } finally {
      await scheduler.stop();
    }
  });
});

describe("node-cron's distributed hook on the lease table", () => {
  it("elects exactly one holder per slot, keeps a finished slot, and lets an expired lease be taken over", async () => {
    const clock = depsAt(tdb.prisma, "2026-11-23T01:00:00Z").clock as ManualClock;
    const a = leaseCoordinator(tdb.prisma, clock, "A");
    const b = leaseCoordinator(tdb.prisma, clock, "B");
    const key = `test:${Math.random()}`;
    const votes = await Promise.all([a.shouldRun(key, 30_000), b.shouldRun(key, 30_000)]);
    expect(votes.filter(Boolean)).toHaveLength(1);
    const winner = votes[0] ? a : b;
    await winner.onComplete!(key);
    clock.advance(60_000);
    expect(await a.shouldRun(key, 30_000)).toBe(false);
    expect(await b.shouldRun(key, 30_000)).toBe(false);

    const crashed = `test:${Math.random()}`;
    expect(await a.shouldRun(crashed, 30_000)).toBe(true);
    clock.advance(30_001);
    expect(await b.shouldRun(crashed, 30_000)).toBe(true);
    expect(await tdb.prisma.schedulerLease.findUniqueOrThrow({ where: { key: cronLeaseKey(crashed) } })).toMatchObject({ holder: "B" });
  });

  it("runs each fire of a job scheduled in two processes once", async () => {
    const name = `accord:test:${Math.random()}`;
    const runs: string[] = [];
    const tasks = ["A", "B"].map((holder) =>
      createTask("* * * * * *", (ctx) => void runs.push(`${holder}@${ctx.date.toISOString()}`), {
        name,
        distributed: true,
        runCoordinator: leaseCoordinator(tdb.prisma, systemClock, holder),
        distributedLease: 5_000,
      }),
    );
    for (const t of tasks) await t.start();
    await new Promise((r) => setTimeout(r, 3_200));
    for (const t of tasks) await t.destroy();
    const slots = runs.map((r) => r.split("@")[1]!);
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots).size).toBe(slots.length);
    expect(await tdb.prisma.schedulerLease.count({ where: { key: { startsWith: cronLeaseKey(name) } } })).toBeGreaterThanOrEqual(slots.length);
  });
});
