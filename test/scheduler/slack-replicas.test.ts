// Exactly-once Slack delivery across crashes: three real worker processes (test/scheduler/worker.ts)
// deliver a Slack department's morning digest through the real Slack adapter's sender to a fake
// Slack that answers slowly. Slack's chat.postMessage has no idempotency key, so a message posted
// by a replica that dies before recording it would be posted again by the replica that recovers
// the row; each message carries its outbox id in message metadata, and a recovered row is first
// looked for in the conversation's history. PostgreSQL only: PGlite serves one connection.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneDueCustomerEach } from "../support/fixtures.js";
import { OUTBOX_EVENT_TYPE } from "../../src/adapters/slack/adapter.js";
import { buildCallbackDigests } from "../../src/core/digests/callbacks.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import { FakeSlack } from "../fakes/slack.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { spawnAccord, type AccordProcess } from "../support/process.js";

const TODAY = "2026-11-23";
const day = (date: string) => new Date(`${date}T00:00:00Z`);

type WorkerProcess = AccordProcess;

describe.runIf(process.env.TEST_DATABASE_URL)("exactly-once Slack delivery across worker processes", () => {
  let tdb: TestDatabase;
  let fake: FakeSlack;
  const children: WorkerProcess[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase();
    fake = await FakeSlack.start();
    // Every post takes a while, so a replica always has posts under way when it is stopped.
    fake.slow("chat.postMessage", 300);
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await fake?.close();
    await tdb?.close();
  });

  /** A Slack workspace: a manager, 5 supervisors and `specialists`, each with one callback due today. */
  async function seedWorkspace(specialists: number) {
    const tenant = await tdb.prisma.tenant.create({
      data: { platform: "SLACK", externalId: `T${randomUUID().slice(0, 8)}`, name: "Replicas", timeZone: "Asia/Shanghai", locale: "en" },
    });
    const slackUser = new Map<string, string>();
    const member = async (displayName: string, role: "MANAGER" | "SUPERVISOR" | "SPECIALIST", supervisorId: string | null) => {
      const platformUserId = `U${randomUUID().slice(0, 10).toUpperCase()}`;
      const m = await tdb.prisma.member.create({
        data: { tenantId: tenant.id, displayName, role, supervisorId, identities: { create: { tenantId: tenant.id, platform: "SLACK", platformUserId } } },
      });
      slackUser.set(m.id, platformUserId);
      return m.id;
    };
    const manager = await member("Manager", "MANAGER", null);
    const supervisors: string[] = [];
    for (let i = 0; i < 5; i++) supervisors.push(await member(`Supervisor ${i}`, "SUPERVISOR", manager));
    const staff: string[] = [];
    for (let i = 0; i < specialists; i++) staff.push(await member(`Specialist ${i}`, "SPECIALIST", supervisors[i % 5]!));
    await oneDueCustomerEach(tdb.prisma, tenant.id, staff, day(TODAY));
    const built = await buildCallbackDigests(tdb.prisma, await loadTenant(tdb.prisma, tenant.id), TODAY);
    // Each recipient's DM channel (the fake's conversations.open answers D + user id), once per digest kind.
    const expected = [...built.members.map((m) => `D${slackUser.get(m.memberId)}|member`), ...built.supervisors.map((s) => `D${slackUser.get(s.supervisorId)}|team`)].sort();
    return { tenant, expected };
  }

  function spawnWorker(name: string, at: number, extra: Record<string, string> = {}): WorkerProcess {
    const p = spawnAccord({
      DATABASE_URL: tdb.url,
      SLACK_API_URL: fake.apiUrl,
      WORKER_NAME: name,
      // 09:10 in Shanghai: every worker catches the 09:00 digest up at start.
      ACCORD_FAKE_NOW: "2026-11-23T01:10:00.000Z",
      ACCORD_FAKE_NOW_AT: String(at),
      RUN_CHUNK: "10",
      RUN_CHUNK_PAUSE_MS: "100",
      RUN_LEASE_MS: "3000",
      // Longer than a slow post on a loaded machine: a live replica's row is not taken over while
      // its post is still on the way (the window the history check cannot close).
      OUTBOX_LEASE_MS: "5000",
      PACE_PER_SECOND: "30",
      ...extra,
    }, "test/scheduler/worker.ts");
    children.push(p);
    return p;
  }

  async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The messages the fake holds for this tenant's outbox rows, by outbox id (from their metadata). */
  async function postedByOutboxId(tenantId: string) {
    const rows = await tdb.prisma.outboxMessage.findMany({ where: { tenantId }, select: { id: true, dedupeKey: true } });
    const ids = new Set(rows.map((r) => r.id));
    const posted = [...fake.messages.values()].filter((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && ids.has(m.metadata.event_payload.outbox_id));
    return { rows, posted };
  }

  async function expectExactlyOnce(tenantId: string, expected: string[]) {
    await until(
      "the run to complete and every row to be sent",
      async () =>
        (await tdb.prisma.digestRun.count({ where: { tenantId, status: "COMPLETED" } })) === 1 &&
        (await tdb.prisma.outboxMessage.count({ where: { tenantId, status: { not: "SENT" } } })) === 0,
      60_000,
    );
    const { rows, posted } = await postedByOutboxId(tenantId);
    const ids = posted.map((m) => m.metadata!.event_payload.outbox_id as string);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(twice, "outbox rows posted more than once").toEqual([]);
    expect(new Set(ids).size, "outbox rows never posted").toBe(rows.length);
    // Every recipient has their digest: one member digest, and one team digest for each supervisor.
    const kindOf = new Map(rows.map((r) => [r.id, r.dedupeKey.includes("team") ? "team" : "member"]));
    const got = posted.map((m) => `${m.channel}|${kindOf.get(m.metadata!.event_payload.outbox_id as string)}`).sort();
    expect(got).toEqual(expected);
  }

  it("kill -9 of one of three replicas mid-delivery: no message lost, none posted twice", async () => {
    const { tenant, expected } = await seedWorkspace(90);
    const at = Date.now();
    const workers = ["a1", "a2", "a3"].map((name) => spawnWorker(name, at));
    await until("deliveries to be under way", async () => (await postedByOutboxId(tenant.id)).posted.length >= 20, 60_000);
    // The victim is a replica with a post on the way (each takes 1.5 s meanwhile): it dies holding
    // that claimed row. (Picked by a delivery just made instead, it had often sent or released
    // its whole claim by the time the kill landed, and nothing was left to recover.)
    fake.slow("chat.postMessage", 1_500);
    const count = (w: WorkerProcess, what: "sending" | "delivered") => (w.output().match(new RegExp(`^${what} \\S+`, "gm")) ?? []).length;
    const sendsBefore = workers.map((w) => count(w, "sending"));
    let victim: WorkerProcess | undefined;
    await until("a replica with a slow post on the way", () => {
      victim = workers.find((w, i) => count(w, "sending") > sendsBefore[i]! + 1 && count(w, "sending") > count(w, "delivered"));
      return victim !== undefined;
    }, 60_000);
    const historyBefore = fake.callsTo("conversations.history").length;
    victim!.child.kill("SIGKILL");
    await victim!.exited(10_000);
    fake.slow("chat.postMessage", 0);

    await expectExactlyOnce(tenant.id, expected);
    // The survivors took over the dead replica's claimed rows and looked before posting them again.
    const recovered = workers.filter((w) => w !== victim).reduce((n, w) => n + (w.output().match(/^delivered \S+ recovered$/gm) ?? []).length, 0);
    expect(recovered, "rows the dead replica had claimed, delivered by the others").toBeGreaterThan(0);
    expect(fake.callsTo("conversations.history").length).toBeGreaterThan(historyBefore);
    // Every survivor, whichever replica died: one left running would take part in the next test
    // on its own fake clock, and to it that test's leases would look expired.
    const survivors = workers.filter((w) => w !== victim);
    for (const w of survivors) w.child.kill("SIGTERM");
    await Promise.all(survivors.map((w) => w.exited(20_000)));
  }, 180_000);

  it("SIGTERM of one of three replicas mid-digest: no message lost, none posted twice", async () => {
    const { tenant, expected } = await seedWorkspace(90);
    const at = Date.now();
    // A slow run (chunks of 5, a pause after each), so the signal lands while it writes.
    const workers = ["b1", "b2", "b3"].map((name) => spawnWorker(name, at, { RUN_CHUNK: "5", RUN_CHUNK_PAUSE_MS: "400" }));
    await until(
      "the digest to be half-way",
      async () =>
        (await tdb.prisma.digestRun.count({ where: { tenantId: tenant.id, status: "RUNNING" } })) === 1 &&
        (await postedByOutboxId(tenant.id)).posted.length >= 5,
      60_000,
    );
    const run = await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const victim = workers.find((w) => w.output().includes(`worker ready ${run.owner} `)) ?? workers[0]!;
    victim.child.kill("SIGTERM");
    await victim.exited(30_000);

    await expectExactlyOnce(tenant.id, expected);
    expect(await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: tenant.id } })).toMatchObject({ status: "COMPLETED" });
    for (const w of workers) if (w !== victim) w.child.kill("SIGTERM");
    await Promise.all(workers.filter((w) => w !== victim).map((w) => w.exited(20_000)));
  }, 180_000);
});
