// The outbox worker against a fake platform that counts what arrives and when: pacing per
// tenant and per target shared by two workers, a 429 storm absorbed without loss, transient and
// permanent failures, and a crash between "sent" and "recorded" resolved by the idempotency key.
import { getEventListeners } from "node:events";
import type { Platform } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock, systemClock, type Clock } from "../../src/core/shared/clock.js";
import type { PacingPolicy } from "../../src/scheduler/pacing.js";
import {
  claimOutboxBatch,
  deliverOutboxBatch,
  retryDelayMs,
  startOutboxWorker,
  type DeliveryResult,
  type OutboxWorker,
} from "../../src/scheduler/outbox-worker.js";
import { CountingPlatform, createCountingSender } from "../fakes/counting-platform.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { makeTenant } from "../support/fixtures.js";

let tdb: TestDatabase;
let fake: CountingPlatform;
beforeAll(async () => {
  tdb = await openTestDatabase();
  // Well above the pacing below: a 429 here would mean the pacing let too much through.
  fake = await CountingPlatform.start({ limitPerSecond: 20 });
});
afterAll(async () => {
  await fake?.close();
  await tdb?.close();
});

const PACING: PacingPolicy = { FEISHU: { app: { perSecond: 10, burst: 5 }, target: { perSecond: 2, burst: 1 } } };
const UNPACED: PacingPolicy = { FEISHU: null };

let seq = 0;
async function enqueue(tenantId: string, targets: string[], platform: Platform = "FEISHU"): Promise<string[]> {
  const now = systemClock.now();
  const rows = targets.map((target) => ({
    tenantId,
    platform,
    target,
    payload: { kind: "test.note", n: ++seq },
    dedupeKey: `test:${tenantId}:${seq}:${Math.random()}`,
    nextAttemptAt: now,
  }));
  await tdb.prisma.outboxMessage.createMany({ data: rows });
  return rows.map((r) => r.dedupeKey);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pendingOf = (tenantId: string) => tdb.prisma.outboxMessage.count({ where: { tenantId, status: { in: ["PENDING", "SENDING"] } } });

/** Planned send times (ms) of every successful delivery. */
const planned: Array<{ tenantId: string; target: string; at: number }> = [];
const plannedTimes = (tenantId: string, target?: string) =>
  planned.filter((p) => p.tenantId === tenantId && (!target || p.target === target)).map((p) => p.at);

function workers(count: number, clock: Clock, pacing: PacingPolicy): OutboxWorker[] {
  return Array.from({ length: count }, (_, i) =>
    startOutboxWorker({
      db: tdb.prisma,
      clock,
      senders: { FEISHU: createCountingSender(fake.url, { worker: `w${i}` }) },
      pacing,
      idleMs: 100,
      onDelivered: (message, result) => {
        if (result.ok) planned.push({ tenantId: message.tenantId, target: message.target, at: message.sendAt.getTime() });
      },
    }),
  );
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("pacing", () => {
  it("holds one tenant to its rate and one target to its own, even with two workers sharing the queue", async () => {
    fake.reset();
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const members = Array.from({ length: 26 }, (_, i) => `member:m${i}`);
    const channel = Array.from({ length: 4 }, () => "channel:complaints");
    const keys = await enqueue(t.id, [...channel, ...members]);
    const started = Date.now();
    const running = workers(2, systemClock, PACING);
    try {
      await waitUntil(async () => (await pendingOf(t.id)) === 0, 20_000, "every message to be sent");
    } finally {
      await Promise.all(running.map((w) => w.stop()));
    }
    const elapsed = Date.now() - started;
    const mine = fake.delivered.filter((d) => d.tenantId === t.id);
    expect(mine).toHaveLength(keys.length);
    expect(new Set(mine.map((d) => d.idempotencyKey)).size).toBe(keys.length);
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: t.id, status: "SENT" } })).toBe(keys.length);
    expect(new Set(mine.map((d) => d.worker))).toEqual(new Set(["w0", "w1"]));
    // GCRA at 10/s with a burst of 5 plans at most 5 + 9 sends in any second, across both workers.
    expect(maxInWindow(plannedTimes(t.id), 1000)).toBeLessThanOrEqual(14);
    // What the platform sees also carries network jitter: the first burst opens connections and
    // arrives late, compressed against the sends that follow. A little slack, no more.
    expect(fake.maxInWindow(1000, (d) => d.tenantId === t.id)).toBeLessThanOrEqual(18);
    expect(fake.maxInWindow(3000, (d) => d.tenantId === t.id)).toBeLessThanOrEqual(5 + 29 + 3);
    // 30 messages: a burst of 5, then 25 at 100 ms.
    expect(elapsed).toBeGreaterThanOrEqual(2_300);
    // The channel: 2/s without burst, 500 ms apart as planned, at most one more per second as seen.
    const channelTimes = plannedTimes(t.id, "channel:complaints").sort((a, b) => a - b);
    expect(channelTimes).toHaveLength(4);
    for (let i = 1; i < channelTimes.length; i++) expect(channelTimes[i]! - channelTimes[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(fake.maxInWindow(1000, (d) => d.tenantId === t.id && d.recipient === "channel:complaints")).toBeLessThanOrEqual(3);
    expect(fake.requests.filter((r) => r.tenantId === t.id && r.status === 429)).toEqual([]);
  });

  it("paces tenants separately: a busy tenant does not hold back another", async () => {
    fake.reset();
    const busy = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const quiet = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    await enqueue(busy.id, Array.from({ length: 20 }, (_, i) => `member:b${i}`));
    await enqueue(quiet.id, ["member:q1", "member:q2"]);
    const running = workers(1, systemClock, PACING);
    try {
      await waitUntil(async () => (await pendingOf(quiet.id)) === 0, 10_000, "the quiet tenant");
      expect(await pendingOf(busy.id)).toBeGreaterThan(5);
      await waitUntil(async () => (await pendingOf(busy.id)) === 0, 20_000, "the busy tenant");
    } finally {
      await Promise.all(running.map((w) => w.stop()));
    }
    const quietAt = Math.max(...fake.delivered.filter((d) => d.tenantId === quiet.id).map((d) => d.at));
    const busyDone = Math.max(...fake.delivered.filter((d) => d.tenantId === busy.id).map((d) => d.at));
    expect(quietAt).toBeLessThan(busyDone - 1000);
  });

  it("absorbs a 429 storm: backs off for the whole tenant, loses nothing, sends each message once", async () => {
    fake.reset();
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const keys = await enqueue(t.id, Array.from({ length: 20 }, (_, i) => `member:s${i}`));
    fake.storm(2_500, 1);
    const running = workers(2, systemClock, PACING);
    try {
      await waitUntil(async () => (await pendingOf(t.id)) === 0, 30_000, "the storm to pass and every message to be sent");
    } finally {
      await Promise.all(running.map((w) => w.stop()));
    }
    const mine = fake.delivered.filter((d) => d.tenantId === t.id);
    expect(mine).toHaveLength(keys.length);
    expect(new Set(mine.map((d) => d.recipient)).size).toBe(keys.length);
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: t.id, status: "SENT" } })).toBe(keys.length);
    const refused = fake.requests.filter((r) => r.tenantId === t.id && r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // The first burst meets the storm; after that the tenant waits for Retry-After instead of
    // knocking once per message: far fewer refusals than messages x seconds of storm.
    expect(refused.length).toBeLessThanOrEqual(12);
    const stormEnd = Math.max(...refused.map((r) => r.at));
    expect(mine.every((d) => d.at >= stormEnd || d.at < Math.min(...refused.map((r) => r.at)))).toBe(true);
  });
});

describe("failures", () => {
  it("retries a transient failure after the backoff and records a permanent one as FAILED with an audit row", async () => {
    fake.reset();
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    const sender = createCountingSender(fake.url);
    const deliver = () => deliverOutboxBatch({ db: tdb.prisma, clock, senders: { FEISHU: sender }, pacing: UNPACED });
    const [flaky] = await enqueue(t.id, ["member:flaky"]);
    fake.failNext(1, 503);
    expect(await deliver()).toBe(1);
    const waiting = await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: flaky! } });
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 1, lastError: "http 503" });
    expect(waiting.nextAttemptAt.getTime()).toBe(clock.now().getTime() + retryDelayMs(1));
    expect(await deliver()).toBe(0);
    clock.advance(retryDelayMs(1));
    expect(await deliver()).toBe(1);
    expect(await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: flaky! } })).toMatchObject({ status: "SENT", attempts: 2, lastError: null });

    const [rejected] = await enqueue(t.id, ["member:gone"]);
    fake.failNext(1, 404);
    expect(await deliver()).toBe(1);
    const failed = await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: rejected! } });
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1, lastError: "http 404" });
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { tenantId: t.id, entityId: failed.id } });
    expect(audit).toMatchObject({ action: "outbox.delivery_failed", entityType: "OutboxMessage", platform: "FEISHU" });
    expect(audit.after).toMatchObject({ target: "member:gone", permanent: true, error: "http 404" });
    clock.advance(3_600_000);
    expect(await deliver()).toBe(0);
    expect(fake.delivered.filter((d) => d.recipient === "member:gone")).toEqual([]);
  });

  it("gives up after the last transient attempt, but never because of rate limits", async () => {
    fake.reset();
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    let answers: DeliveryResult[] = [];
    const deliver = () =>
      deliverOutboxBatch({ db: tdb.prisma, clock, senders: { FEISHU: async () => answers.shift()! }, pacing: UNPACED, maxAttempts: 2 });
    const [key] = await enqueue(t.id, ["member:x"]);
    answers = [
      { ok: false, permanent: false, error: "slow down", retryAfterMs: 1_000 },
      { ok: false, permanent: false, error: "slow down", retryAfterMs: 1_000 },
      { ok: false, permanent: false, error: "boom" },
    ];
    for (let i = 0; i < 2; i++) {
      expect(await deliver()).toBe(1);
      expect(await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: key! } })).toMatchObject({ status: "PENDING" });
      clock.advance(1_000);
    }
    expect(await deliver()).toBe(1);
    expect(await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: key! } })).toMatchObject({ status: "FAILED", lastError: "boom", attempts: 3 });
  });
});

describe("a crash between sent and recorded", () => {
  it("re-sends after the lease expires with the same idempotency key, so the platform keeps one copy", async () => {
    fake.reset();
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const [key] = await enqueue(t.id, ["member:crash"]);
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    const sender = createCountingSender(fake.url);
    // The first worker claims and sends, then dies before recording anything.
    const [claimed] = await claimOutboxBatch(tdb.prisma, clock.now(), ["FEISHU"], 10, 30_000, UNPACED);
    expect(claimed).toMatchObject({ dedupeKey: key, status: "SENDING", recovered: false });
    expect(await sender(claimed!, { idempotencyKey: claimed!.id, recovered: false })).toMatchObject({ ok: true });

    const deliver = () => deliverOutboxBatch({ db: tdb.prisma, clock, senders: { FEISHU: sender }, pacing: UNPACED });
    expect(await deliver()).toBe(0); // still leased
    clock.advance(31_000);
    expect(await deliver()).toBe(1);
    const row = await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: key! } });
    expect(row).toMatchObject({ status: "SENT", attempts: 2 });
    expect(fake.delivered.filter((d) => d.recipient === "member:crash")).toHaveLength(1);
    const requests = fake.requests.filter((r) => r.recipient === "member:crash");
    expect(requests.map((r) => [r.idempotencyKey, r.duplicate])).toEqual([
      [row.id, false],
      [row.id, true],
    ]);
    expect(row.platformMessageId).toBe(fake.delivered.find((d) => d.recipient === "member:crash")!.messageId);
  });
});

describe("a long-lived stop signal", () => {
  it("carries no listener from one batch to the next, so hundreds of batches raise no MaxListeners warning", async () => {
    const t = await makeTenant(tdb.prisma, { platform: "FEISHU" });
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    const stop = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      let delivered = 0;
      for (let i = 0; i < 30; i++) {
        await enqueue(t.id, [`member:batch${i}`]);
        clock.set(new Date(Date.now() + 1_000));
        delivered += await deliverOutboxBatch({ db: tdb.prisma, clock, senders: { FEISHU: async () => ({ ok: true }) }, pacing: UNPACED, signal: stop.signal });
        expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
      }
      // Empty batches (the idle loop) neither.
      for (let i = 0; i < 20; i++) await deliverOutboxBatch({ db: tdb.prisma, clock, senders: { FEISHU: async () => ({ ok: true }) }, pacing: UNPACED, signal: stop.signal });
      expect(delivered).toBe(30);
      expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
