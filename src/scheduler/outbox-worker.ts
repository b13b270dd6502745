// Delivers outbox rows. Claim -> send -> record: a row is claimed with a lease (FOR UPDATE SKIP
// LOCKED, so replicas never claim the same row) and a send time its platform's pacing allows
// (pacing.ts, state shared by replicas), sent through the platform's sender, then marked SENT
// with the platform's message id. A crash after the send but before the record leaves the lease
// to expire; the row is then claimed again (flagged `recovered`) and re-sent with the same
// idempotency key (the row id), which a platform that has one (Feishu's `uuid`) uses to drop the
// duplicate. Nothing is ever lost: a row leaves the queue only as SENT or, after a permanent
// failure or too many transient ones, as FAILED with its error and an audit row. A rate limit
// (429 with Retry-After) is not a failure: the row waits as asked, and the whole tenant (or the
// one target) is paused for every replica; a row whose turn came too late goes back unsent for
// a fresh slot rather than bunching up with the next ones.
import { Prisma, type OutboxMessage, type Platform } from "@prisma/client";
import { recordAudit } from "../core/audit/audit.js";
import type { Clock } from "../core/shared/clock.js";
import type { Db } from "../db/client.js";
import { utcInstant } from "../db/sql.js";
import {
  DEFAULT_PACING,
  appScope,
  claimCaps,
  intervalMs,
  pausedUntil,
  planSends,
  targetScope,
  type PacingPolicy,
} from "./pacing.js";

export type DeliveryResult =
  | { ok: true; platformMessageId?: string; channel?: string }
  | {
      ok: false;
      permanent: boolean;
      error: string;
      /** The platform asked to wait (Slack Retry-After, Feishu x-ogw-ratelimit-reset): a rate limit, not a failure. */
      retryAfterMs?: number;
      /** What the rate limit applies to: the whole app in this tenant (default) or only this target. */
      rateLimitScope?: "app" | "target";
    };

export interface DeliveryAttempt {
  /**
   * Stable across every attempt of one row (its id, 36 characters): pass it to the platform as
   * its idempotency key / client message id where it has one (Feishu `uuid`: one message per
   * uuid within an hour), so a resend after a crash between "sent" and "recorded" is dropped.
   */
  idempotencyKey: string;
  /**
   * The row is being re-sent after another worker's lease expired without a recorded outcome:
   * it may have reached the platform already. A platform without idempotency keys (Slack) can
   * look for the earlier copy before sending again.
   */
  recovered: boolean;
}

export type Sender = (message: OutboxMessage, attempt: DeliveryAttempt) => Promise<DeliveryResult>;

export interface ClaimedMessage extends OutboxMessage {
  /** When the pacing allows this send. */
  sendAt: Date;
  recovered: boolean;
}

export interface OutboxWorkerOptions {
  db: Db;
  clock: Clock;
  senders: Partial<Record<Platform, Sender>>;
  /** Rows claimed at once (default 50). */
  batchSize?: number;
  /** How long a claimed row stays reserved after its send time (default 60 s). */
  leaseMs?: number;
  /** Transient failures before a row is given up (default 8; rate limits do not give up). */
  maxAttempts?: number;
  /** Per-platform pacing (default DEFAULT_PACING). */
  pacing?: PacingPolicy;
  /** Claim only rows the pacing lets go within this long (default 2 s). */
  horizonMs?: number;
  onDelivered?: (message: ClaimedMessage, result: DeliveryResult) => void;
  /**
   * Shutting down: a claimed row not yet sent goes back to PENDING at once (no attempt counted),
   * for another replica or the next start, instead of waiting out its lease; a send already
   * under way finishes and is recorded.
   */
  signal?: AbortSignal;
}

const DEFAULT_BATCH = 50;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_HORIZON_MS = 2_000;
const DEFAULT_MAX_ATTEMPTS = 8;
/** A paced send may start this late (or one app interval, if longer) before it is re-planned. */
const MIN_LATENESS_MS = 100;
/** Serialises claims across replicas so the shared pacing state is read and written by one at a time. */
const CLAIM_LOCK = "accord:outbox:claim";

/** Backoff for transient failures: 5 s, 20 s, 80 s … capped at 30 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5_000 * 4 ** Math.max(0, attempt - 1), 30 * 60_000);
}


interface Candidate {
  id: string;
  tenantId: string;
  platform: Platform;
  target: string;
  status: string;
}

/**
 * Claims the rows due at `now` that the pacing lets go within the horizon, at most `batchSize`,
 * each with its send time; rows of a paced-out tenant or target stay PENDING for a later claim.
 */
export async function claimOutboxBatch(
  db: Db,
  now: Date,
  platforms: Platform[],
  batchSize: number,
  leaseMs: number,
  pacing: PacingPolicy = DEFAULT_PACING,
  horizonMs: number = DEFAULT_HORIZON_MS,
): Promise<ClaimedMessage[]> {
  if (platforms.length === 0) return [];
  const caps = platforms.map((p) => claimCaps(pacing[p], horizonMs, batchSize));
  const started = performance.now();
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${CLAIM_LOCK}))`;
      const due = Prisma.sql`o."nextAttemptAt" <= ${utcInstant(now)}
        AND (o.status = 'PENDING' OR (o.status = 'SENDING' AND o."lockedUntil" < ${utcInstant(now)}))`;
      // Ranked per tenant and per target so a tenant with thousands of queued digests (or one
      // paused by a 429) cannot fill the claim and starve the others.
      const candidates = await tx.$queryRaw<Candidate[]>`
        WITH caps AS (
          SELECT * FROM unnest(${platforms}::text[], ${caps.map((c) => c.tenant)}::int[], ${caps.map((c) => c.target)}::int[])
            AS c(platform, tenant_cap, target_cap)
        ),
        due AS (
          SELECT o.id, c.tenant_cap, c.target_cap,
            row_number() OVER (PARTITION BY o.platform, o."tenantId" ORDER BY o."nextAttemptAt", o."createdAt", o.id) AS tenant_rank,
            row_number() OVER (PARTITION BY o.platform, o."tenantId", o.target ORDER BY o."nextAttemptAt", o."createdAt", o.id) AS target_rank
          FROM "OutboxMessage" o JOIN caps c ON c.platform = o.platform::text
          WHERE ${due}
        )
        SELECT o.id, o."tenantId", o.platform::text AS platform, o.target, o.status::text AS status
        FROM "OutboxMessage" o JOIN due d ON d.id = o.id
        WHERE d.tenant_rank <= d.tenant_cap AND d.target_rank <= d.target_cap AND ${due}
        ORDER BY o."nextAttemptAt", o."createdAt", o.id
        LIMIT ${batchSize * 3}
        FOR UPDATE OF o SKIP LOCKED`;
      if (candidates.length === 0) return [];

      const keys = new Set<string>();
      for (const c of candidates) {
        if (!pacing[c.platform]) continue;
        keys.add(appScope(c.platform, c.tenantId));
        keys.add(targetScope(c.platform, c.tenantId, c.target));
      }
      const stored = keys.size
        ? await tx.schedulerLease.findMany({ where: { key: { in: [...keys] } }, select: { key: true, until: true } })
        : [];
      // Slots count from when they are planned, not from when the claim began: with a long queue
      // the candidate query alone can take a good part of a second.
      const planAt = now.getTime() + Math.round(performance.now() - started);
      const plan = planSends(candidates, new Map(stored.map((s) => [s.key, s.until.getTime()])), pacing, planAt, horizonMs, batchSize);
      if (plan.planned.length === 0) return [];

      const sendAt = new Map(plan.planned.map((p) => [p.id, p.sendAt]));
      const ids = plan.planned.map((p) => p.id);
      const locks = plan.planned.map((p) => new Date(p.sendAt + leaseMs).toISOString());
      const claimed = await tx.$queryRaw<OutboxMessage[]>`
        UPDATE "OutboxMessage" o
        SET status = 'SENDING', attempts = o.attempts + 1, "lockedUntil" = (p.locked::timestamptz AT TIME ZONE 'UTC')
        FROM unnest(${ids}::text[], ${locks}::text[]) AS p(id, locked)
        WHERE o.id = p.id
        RETURNING o.*`;
      if (plan.scopes.size > 0) {
        const scopeKeys = [...plan.scopes.keys()];
        const untils = scopeKeys.map((k) => new Date(plan.scopes.get(k)!).toISOString());
        await tx.$executeRaw`
          INSERT INTO "SchedulerLease" (key, until)
          SELECT s.k, (s.u::timestamptz AT TIME ZONE 'UTC') FROM unnest(${scopeKeys}::text[], ${untils}::text[]) AS s(k, u)
          ON CONFLICT (key) DO UPDATE SET until = GREATEST("SchedulerLease".until, EXCLUDED.until)`;
      }
      const previous = new Map(candidates.map((c) => [c.id, c.status]));
      return claimed
        .map((m) => ({ ...m, sendAt: new Date(sendAt.get(m.id)!), recovered: previous.get(m.id) === "SENDING" }))
        .sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime());
    },
    { timeout: 15_000, maxWait: 15_000 },
  );
}

/** Holds a paced scope back until `until` (a platform's Retry-After), for every replica. */
async function pauseScope(db: Db, key: string, until: Date): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "SchedulerLease" (key, until) VALUES (${key}, ${utcInstant(until)})
    ON CONFLICT (key) DO UPDATE SET until = GREATEST("SchedulerLease".until, EXCLUDED.until)`;
}

/** Rate-limit pauses seen during one batch, by pacing scope (epoch ms): the batch's later sends hold back too. */
type BatchPauses = Map<string, number>;

function scopeOf(message: ClaimedMessage, result: Extract<DeliveryResult, { ok: false }>): string {
  return result.rateLimitScope === "target"
    ? targetScope(message.platform, message.tenantId, message.target)
    : appScope(message.platform, message.tenantId);
}

async function recordOutcome(options: OutboxWorkerOptions, message: ClaimedMessage, result: DeliveryResult, pauses: BatchPauses): Promise<void> {
  const { db, clock } = options;
  const now = clock.now();
  if (result.ok) {
    await db.outboxMessage.update({
      where: { id: message.id },
      data: { status: "SENT", sentAt: now, lockedUntil: null, platformMessageId: result.platformMessageId ?? null, lastError: null },
    });
    if (result.platformMessageId && result.channel && message.entityType && message.entityId) {
      // INSERT … ON CONFLICT DO NOTHING: two replicas may record the same message (one posted it,
      // the other found it in the history after taking the row over).
      await db.messageRef.createMany({
        data: [
          {
            tenantId: message.tenantId,
            entityType: message.entityType,
            entityId: message.entityId,
            platform: message.platform,
            channel: result.channel,
            messageId: result.platformMessageId,
          },
        ],
        skipDuplicates: true,
      });
    }
    return;
  }
  const error = result.error.slice(0, 1000);
  const rateLimited = !result.permanent && result.retryAfterMs !== undefined;
  const giveUp = result.permanent || (!rateLimited && message.attempts >= (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  if (giveUp) {
    await db.$transaction(async (tx) => {
      await tx.outboxMessage.update({ where: { id: message.id }, data: { status: "FAILED", lockedUntil: null, lastError: error } });
      await recordAudit(tx, {
        tenantId: message.tenantId,
        actorId: null,
        platform: message.platform,
        action: "outbox.delivery_failed",
        entityType: "OutboxMessage",
        entityId: message.id,
        after: { target: message.target, dedupeKey: message.dedupeKey, attempts: message.attempts, permanent: result.permanent, error },
      });
    }, { maxWait: 15_000, timeout: 15_000 });
    return;
  }
  const waitMs = result.retryAfterMs ?? retryDelayMs(message.attempts);
  await db.outboxMessage.update({
    where: { id: message.id },
    data: { status: "PENDING", lockedUntil: null, lastError: error, nextAttemptAt: new Date(now.getTime() + waitMs) },
  });
  const pacing = (options.pacing ?? DEFAULT_PACING)[message.platform];
  if (rateLimited && pacing) {
    const key = scopeOf(message, result);
    const rule = result.rateLimitScope === "target" ? pacing.target : pacing.app;
    pauses.set(key, Math.max(pauses.get(key) ?? 0, now.getTime() + waitMs));
    await pauseScope(db, key, new Date(pausedUntil(undefined, now.getTime() + waitMs, rule)));
  }
}

/**
 * Puts a claimed row back unsent (its scope was rate-limited meanwhile, or the process is
 * stopping): no attempt is counted. A recovered row stays SENDING with an expired lease, so its
 * next claim still knows it may have been sent before and checks first.
 */
async function release(options: OutboxWorkerOptions, message: ClaimedMessage, until: number): Promise<void> {
  const at = new Date(until);
  await options.db.outboxMessage.update({
    where: { id: message.id },
    data: message.recovered
      ? { status: "SENDING", lockedUntil: at, attempts: { decrement: 1 }, nextAttemptAt: at }
      : { status: "PENDING", lockedUntil: null, attempts: { decrement: 1 }, nextAttemptAt: at },
  });
}

const BUSY_RETRY_MS = 1_000;

/** Prisma's P2028 "Unable to start a transaction in the given time", or pg-pool's checkout timeout. */
function isDatabaseBusy(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (e?.code === "P2028") return true;
  return typeof e?.message === "string" && (e.message.includes("Unable to start a transaction") || e.message === "timeout exceeded when trying to connect");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps `ms`, or less when `aborted` (one promise per batch, not one listener per row) settles first. */
async function sleepUnlessAborted(ms: number, aborted: Promise<void> | undefined): Promise<void> {
  if (!aborted) return sleep(ms);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), aborted]);
  clearTimeout(timer);
}

/** The worker's signal lives as long as the process: each batch removes its listener again (dispose). */
function abortedPromise(signal: AbortSignal | undefined): { aborted: Promise<void> | undefined; dispose: () => void } {
  if (!signal) return { aborted: undefined, dispose: () => undefined };
  if (signal.aborted) return { aborted: Promise.resolve(), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return { aborted, dispose: () => signal.removeEventListener("abort", onAbort) };
}

async function deliverOne(options: OutboxWorkerOptions, message: ClaimedMessage, pauses: BatchPauses, aborted?: Promise<void>): Promise<void> {
  const wait = message.sendAt.getTime() - options.clock.now().getTime();
  if (wait > 0) await sleepUnlessAborted(wait, aborted);
  if (options.signal?.aborted) {
    await release(options, message, options.clock.now().getTime());
    return;
  }
  // A 429 earlier in this batch: do not knock again before the platform said to.
  const pausedTill = Math.max(
    pauses.get(appScope(message.platform, message.tenantId)) ?? 0,
    pauses.get(targetScope(message.platform, message.tenantId, message.target)) ?? 0,
  );
  if (pausedTill > options.clock.now().getTime()) {
    await release(options, message, pausedTill);
    return;
  }
  // Woken too late (a stalled event loop, a slow claim): sending now would bunch this send with
  // the next ones and break the pace, so the row goes back for a fresh slot instead.
  const pacing = (options.pacing ?? DEFAULT_PACING)[message.platform];
  const late = options.clock.now().getTime() - message.sendAt.getTime();
  if (pacing && late > Math.max(MIN_LATENESS_MS, intervalMs(pacing.app))) {
    await release(options, message, options.clock.now().getTime());
    return;
  }
  const sender = options.senders[message.platform]!;
  let result: DeliveryResult;
  try {
    result = await sender(message, { idempotencyKey: message.id, recovered: message.recovered });
  } catch (err) {
    // The sender's own database reads (rendering the message) found the embedded database's one
    // connection busy: contention, not a failed delivery. The row goes back for another try
    // shortly, without using up an attempt or telling anyone it failed.
    if (isDatabaseBusy(err)) {
      await release(options, message, options.clock.now().getTime() + BUSY_RETRY_MS);
      return;
    }
    result = { ok: false, permanent: false, error: (err as Error).message };
  }
  await recordOutcome(options, message, result, pauses);
  options.onDelivered?.(message, result);
}

/** Claims and delivers one batch (each row at its paced send time); returns how many rows it handled. */
export async function deliverOutboxBatch(options: OutboxWorkerOptions): Promise<number> {
  if (options.signal?.aborted) return 0;
  const platforms = Object.keys(options.senders) as Platform[];
  const batch = await claimOutboxBatch(
    options.db,
    options.clock.now(),
    platforms,
    options.batchSize ?? DEFAULT_BATCH,
    options.leaseMs ?? DEFAULT_LEASE_MS,
    options.pacing ?? DEFAULT_PACING,
    options.horizonMs ?? DEFAULT_HORIZON_MS,
  );
  const pauses: BatchPauses = new Map();
  const { aborted, dispose } = abortedPromise(options.signal);
  try {
    await Promise.all(batch.map((message) => deliverOne(options, message, pauses, aborted)));
  } finally {
    dispose();
  }
  return batch.length;
}

export interface OutboxWorker {
  /** Look for due rows now instead of after the idle pause (e.g. right after a digest run). */
  wake(): void;
  /** Puts the batch's unsent rows back, finishes the sends under way, then stops. */
  stop(): Promise<void>;
}

export interface OutboxLoopOptions extends OutboxWorkerOptions {
  /** Pause when nothing was due (default 1 s). */
  idleMs?: number;
  onError?: (err: unknown) => void;
}

/** Delivers continuously: batch after batch while rows are due, then polls every idleMs. */
export function startOutboxWorker(options: OutboxLoopOptions): OutboxWorker {
  const idleMs = options.idleMs ?? 1_000;
  let stopped = false;
  const stopping = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopping.signal]) : stopping.signal;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await deliverOutboxBatch({ ...options, signal });
      } catch (err) {
        options.onError?.(err);
      }
      if (handled > 0 || stopped) continue;
      if (woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = null;
      woken = false;
    }
  })();
  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      stopping.abort();
      wakeUp?.();
      await loop;
    },
  };
}
