// Real worker processes (test/scheduler/worker.ts) against one real PostgreSQL and a fake
// platform that counts every message per recipient: three replicas running the same schedule,
// and a worker killed with SIGKILL in the middle of a digest, then restarted. PostgreSQL only:
// PGlite serves one connection.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneDueCustomerEach } from "../support/fixtures.js";
import { buildCallbackDigests } from "../../src/core/digests/callbacks.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import { CountingPlatform } from "../fakes/counting-platform.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { spawnAccord, type AccordProcess } from "../support/process.js";

const TODAY = "2026-11-23";

type WorkerProcess = AccordProcess;
const day = (date: string) => new Date(`${date}T00:00:00Z`);

describe.runIf(process.env.TEST_DATABASE_URL)("digests across worker processes", () => {
  let tdb: TestDatabase;
  let fake: CountingPlatform;
  const children: WorkerProcess[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase();
    fake = await CountingPlatform.start();
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await fake?.close();
    await tdb?.close();
  });

  /** A Feishu department: a manager, 5 supervisors, `specialists` each with one callback due today. */
  async function seedDepartment(specialists: number, settings: object) {
    const tenant = await tdb.prisma.tenant.create({
      data: { platform: "FEISHU", externalId: randomUUID(), name: "Replicas", timeZone: "Asia/Shanghai", settings },
    });
    const id = () => randomUUID();
    const manager = id();
    const supervisors = Array.from({ length: 5 }, id);
    const staff = Array.from({ length: specialists }, id);
    await tdb.prisma.member.createMany({
      data: [
        { id: manager, tenantId: tenant.id, displayName: "Manager", role: "MANAGER" },
        ...supervisors.map((s, i) => ({ id: s, tenantId: tenant.id, displayName: `Supervisor ${i}`, role: "SUPERVISOR" as const, supervisorId: manager })),
        ...staff.map((s, i) => ({ id: s, tenantId: tenant.id, displayName: `Specialist ${i}`, supervisorId: supervisors[i % 5]! })),
      ],
    });
    await oneDueCustomerEach(tdb.prisma, tenant.id, staff, day(TODAY));
    const built = await buildCallbackDigests(tdb.prisma, await loadTenant(tdb.prisma, tenant.id), TODAY);
    const expected = [
      ...built.members.map((m) => `member:${m.memberId}|digest.callbacks`),
      ...built.supervisors.map((s) => `member:${s.supervisorId}|digest.callbacks.team`),
    ].sort();
    return { tenant, expected };
  }

  function spawnWorker(name: string, fakeNow: string, fakeNowAt: number, extra: Record<string, string> = {}): WorkerProcess {
    const p = spawnAccord({
      DATABASE_URL: tdb.url,
      FAKE_PLATFORM_URL: fake.url,
      WORKER_NAME: name,
      ACCORD_FAKE_NOW: fakeNow,
      ACCORD_FAKE_NOW_AT: String(fakeNowAt),
      ...extra,
    }, "test/scheduler/worker.ts");
    children.push(p);
    return p;
  }

  async function ready(p: WorkerProcess, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!p.output().includes("worker ready")) {
      if (p.child.exitCode !== null) throw new Error(`worker exited:\n${p.output()}`);
      if (Date.now() > until) throw new Error(`worker not ready:\n${p.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const deliveredOf = (tenantId: string) =>
    fake.delivered
      .filter((d) => d.tenantId === tenantId)
      .map((d) => `${d.recipient}|${d.kind}`)
      .sort();

  const allSent = (tenantId: string, expected: number) => async () =>
    (await tdb.prisma.outboxMessage.count({ where: { tenantId, status: "SENT" } })) === expected &&
    (await tdb.prisma.digestRun.count({ where: { tenantId, status: "COMPLETED" } })) === 1;

  it("three workers firing the same 09:01 job deliver every recipient's digest exactly once", async () => {
    // 09:01 rather than 09:00, so the 5-minute sweep (which also catches digests up) does not fire
    // at the same instant and the run is the node-cron job's.
    const { tenant, expected } = await seedDepartment(150, { digests: { callbacksAt: "09:01" } });
    // 09:01 Shanghai falls 16 s after now on the shared fake timeline: the workers are up by then (~5 s idle).
    const at = Date.now();
    const fakeNow = new Date(Date.parse("2026-11-23T01:01:00Z") - 16_000).toISOString();
    const workers = ["r1", "r2", "r3"].map((name) => spawnWorker(name, fakeNow, at));
    await Promise.all(workers.map((w) => ready(w)));
    expect(Date.now() - at, "the workers must be up before 09:01 for node-cron to fire the job").toBeLessThan(16_000);
    await waitFor("the digest to be delivered", allSent(tenant.id, expected.length), 40_000);

    expect(deliveredOf(tenant.id)).toEqual(expected);
    expect(fake.requests.filter((r) => r.tenantId === tenant.id && r.duplicate)).toEqual([]);
    const run = await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(run).toMatchObject({ status: "COMPLETED", kind: "CALLBACKS", recipients: expected.length });
    // node-cron fired the job in each process; the lease row elected the one that ran it.
    const elected = await tdb.prisma.schedulerLease.findMany({ where: { key: { startsWith: "cron:accord:digest:CALLBACKS:Asia/Shanghai:09:01" } } });
    expect(elected).toHaveLength(1);
    expect(elected[0]!.key).toBe("cron:accord:digest:CALLBACKS:Asia/Shanghai:09:01:2026-11-23T01:01:00.000Z");
    expect(elected[0]!.holder).toBe(run.owner);
    // Every replica took part in the delivery, at one shared pace (50/s, burst 10: at most 59 in
    // any second, a few more for network jitter), not three times it.
    expect(new Set(fake.delivered.filter((d) => d.tenantId === tenant.id).map((d) => d.worker)).size).toBeGreaterThanOrEqual(2);
    expect(fake.maxInWindow(1000, (d) => d.tenantId === tenant.id)).toBeLessThanOrEqual(64);

    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited(15_000)));
  });

  it("a worker killed with SIGKILL mid-digest: after a restart every recipient has the digest once", async () => {
    const { tenant, expected } = await seedDepartment(240, { digests: { churnAt: "12:00" } });
    const at = Date.now();
    const fakeNow = "2026-11-23T01:10:00.000Z"; // 09:10 local: the restart catches the run up
    const slow = { RUN_CHUNK: "20", RUN_CHUNK_PAUSE_MS: "150", RUN_LEASE_MS: "3000", OUTBOX_LEASE_MS: "2000", PACE_PER_SECOND: "40" };
    const first = spawnWorker("k1", fakeNow, at, slow);
    await ready(first);
    await waitFor(
      "the first worker to be half-way",
      async () =>
        fake.delivered.filter((d) => d.tenantId === tenant.id).length >= 15 &&
        (await tdb.prisma.digestRun.count({ where: { tenantId: tenant.id, status: "RUNNING" } })) === 1,
      30_000,
    );
    first.child.kill("SIGKILL");
    await first.exited(10_000);
    const atKill = {
      delivered: fake.delivered.filter((d) => d.tenantId === tenant.id).length,
      queued: await tdb.prisma.outboxMessage.count({ where: { tenantId: tenant.id } }),
    };
    expect(atKill.delivered).toBeLessThan(expected.length);
    expect(atKill.queued).toBeLessThan(expected.length);

    const second = spawnWorker("k2", fakeNow, at, slow);
    await ready(second);
    await waitFor("the restarted worker to finish the digest", allSent(tenant.id, expected.length), 40_000);

    expect(deliveredOf(tenant.id)).toEqual(expected);
    // Rows the dead worker had claimed were taken over after their lease; those it had already
    // sent came back as duplicates of their idempotency key and were not delivered twice.
    const resent = fake.requests.filter((r) => r.tenantId === tenant.id && r.duplicate).length;
    const recovered = fake.delivered.filter((d) => d.tenantId === tenant.id && d.recovered).length;
    expect(resent + recovered).toBeGreaterThan(0);
    const run = await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(run).toMatchObject({ status: "COMPLETED", owner: "k2", recipients: expected.length });
    const actions = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id, entityId: run.id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["digest.run_started", "digest.run_taken_over", "digest.run_completed"]);
    expect(await tdb.prisma.digestDelivery.count({ where: { tenantId: tenant.id } })).toBe(expected.length);

    second.child.kill("SIGTERM");
    await second.exited(15_000);
  });
});
