// Starts one Accord process: database (migrated) -> conversation -> HTTP server -> adapters
// -> outbox delivery. The local console takes the place of the platforms when none is
// configured and a person sits at a terminal.
import type { Platform } from "@prisma/client";
import { startConsole, type ConsoleSession } from "./adapters/console/console.js";
import { createFeishuAdapter } from "./adapters/feishu/adapter.js";
import { createSlackAdapter, type SlackAdapter } from "./adapters/slack/adapter.js";
import type { AppConfig } from "./config/config.js";
import { createAdmission, DEFAULT_ADMISSION } from "./conversation/admission.js";
import { createConversation } from "./conversation/conversation.js";
import type { Conversation } from "./conversation/port.js";
import { systemClock, type Clock } from "./core/shared/clock.js";
import type { CoreDeps } from "./core/shared/context.js";
import { openDatabase, type Database } from "./db/database.js";
import { asBackgroundWork } from "./db/priority.js";
import { seedDemoTenant } from "./demo/seed.js";
import { databasePassword, type Logger } from "./logger.js";
import { createMetrics, type AccordMetrics } from "./metrics.js";
import { deliverOutboxBatch, type Sender } from "./scheduler/outbox-worker.js";
import { startScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { startHttpServer, type HttpServer } from "./server.js";

export interface RunningAccord {
  config: AppConfig;
  db: Database;
  deps: CoreDeps;
  conversation: Conversation;
  server: HttpServer;
  logger: Logger;
  /** This process's metrics (GET /metrics); the scheduler reports digest runs through observeDigestRun. */
  metrics: AccordMetrics;
  /** Resolves when the console (if any) is closed by its user. */
  consoleClosed?: Promise<void>;
  /**
   * Graceful shutdown, in order: stop taking requests (new ones are told to retry or "busy") and
   * let the accepted ones finish and answer, within `graceMs` (default: the configured grace);
   * put claimed outbox rows not yet sent back; stop the scheduler; close the HTTP server and the
   * database (which flushes the embedded one to disk).
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** A terminal for the local console (only used when no platform is configured). */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  /** Run the scheduler (digests, SLA sweep, reminders) in this process; default true. */
  scheduler?: boolean;
}

/** The configured values that must never appear in a log line (createLogger's secrets). */
export function secretValues(config: AppConfig): string[] {
  const values = [
    config.slack?.signingSecret,
    config.slack?.botToken,
    config.slack?.appToken,
    config.feishu?.appSecret,
    config.feishu?.verificationToken,
    config.feishu?.encryptKey,
    config.metricsToken,
    databasePassword(config.databaseUrl),
  ];
  return values.filter((v): v is string => Boolean(v));
}

// Passed to the worker and to the metrics alike: the metrics count a row as failed when the worker gives it up.
const MAX_DELIVERY_ATTEMPTS = 8;

/** Delivers pending outbox rows until none is left (bounded, so a failing sender cannot spin). */
async function drainOutbox(
  deps: CoreDeps,
  senders: Partial<Record<Platform, Sender>>,
  logger: Logger,
  metrics: AccordMetrics,
  signal?: AbortSignal,
): Promise<void> {
  for (let round = 0; round < 20 && !signal?.aborted; round++) {
    const handled = await deliverOutboxBatch({
      db: deps.db,
      clock: deps.clock,
      senders,
      ...(signal ? { signal } : {}),
      maxAttempts: MAX_DELIVERY_ATTEMPTS,
      onDelivered: (message, result) => {
        metrics.recordDelivery(message, result, MAX_DELIVERY_ATTEMPTS);
        if (!result.ok) logger.warn({ outboxId: message.id, platform: message.platform, error: result.error }, "delivery failed");
      },
    });
    if (handled === 0) return;
  }
}

/** Prisma's P2028 "Unable to start a transaction in the given time". */
function isTransactionStartTimeout(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === "P2028" || (typeof e?.message === "string" && e.message.includes("Unable to start a transaction"));
}

/** How long requests shed at the end of the grace period get to post their "busy" answer. */
const SHED_ANSWER_MS = 1_500;
/** What the last steps of a shutdown may take beyond the grace period. */
const STOP_MARGIN_MS = 2_000;

/** Waits for `work` until `deadline` (epoch ms) at most; whatever is left is abandoned. */
async function withinDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
  ]);
  clearTimeout(timer);
}

export async function startAccord(config: AppConfig, logger: Logger, options: StartOptions = {}): Promise<RunningAccord> {
  const db = await openDatabase({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir });
  logger.info({ database: db.target, mode: db.mode }, "database ready, migrations applied");
  const deps: CoreDeps = { db: db.prisma, clock: options.clock ?? systemClock };
  const metrics = createMetrics({
    db: db.prisma,
    platforms: [...(config.slack ? (["SLACK"] as const) : []), ...(config.feishu ? (["FEISHU"] as const) : [])],
    onCollectError: (err) => logger.warn({ err }, "metrics: outbox depth not counted"),
  });
  // Created here so that a shutdown can hold the queue and, at the end of the grace period, shed it.
  const admission = createAdmission(DEFAULT_ADMISSION);
  const conversation = createConversation({
    deps,
    admission,
    admins: config.admins,
    defaultTimeZone: config.timeZone,
    defaultLocale: config.locale,
    onInternalError: (err, context) => logger.error({ err, ...context }, "request failed"),
    onTimed: (timing) => metrics.observeConversation(timing),
  });

  let server: HttpServer;
  try {
    server = await startHttpServer({
      port: config.port,
      logger,
      ready: () => db.ready(),
      metrics,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    });
  } catch (err) {
    await db.close();
    throw err;
  }

  const senders: Partial<Record<Platform, Sender>> = {};
  const adapters: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  const drains: Array<(deadline: number) => Promise<number>> = [];
  if (config.slack) {
    const slack: SlackAdapter = createSlackAdapter(config.slack, { conversation, db: db.prisma, logger, clock: deps.clock, metrics }, { defaultLocale: config.locale });
    for (const [key, handler] of Object.entries(slack.routes)) server.route(key, handler);
    try {
      await slack.start();
    } catch (err) {
      await server.close();
      await db.close();
      throw err;
    }
    senders.SLACK = slack.sender;
    stops.push(() => slack.stop());
    drains.push((deadline) => slack.drain(deadline));
    adapters.push(slack.mode === "socket" ? "slack (socket mode)" : "slack (http, POST /slack/events)");
  }
  if (config.feishu) {
    const feishu = createFeishuAdapter(config.feishu, { conversation, db: db.prisma, logger, clock: deps.clock, metrics }, { defaultLocale: config.locale });
    for (const [key, handler] of Object.entries(feishu.routes)) server.route(key, handler);
    try {
      await feishu.start();
    } catch (err) {
      for (const stopAdapter of stops) await stopAdapter().catch(() => undefined);
      await server.close();
      await db.close();
      throw err;
    }
    senders.FEISHU = feishu.sender;
    stops.push(() => feishu.stop());
    drains.push((deadline) => feishu.drain(deadline));
    adapters.push(config.feishu.mode === "ws" ? "feishu (long connection)" : "feishu (http, POST /feishu/events and /feishu/card)");
  }

  // Platform deliveries: a short poll keeps latency low without a broker; rows claimed with
  // SKIP LOCKED, so replicas share the work. One delivery pass at a time in this process.
  const stopDelivering = new AbortController();
  let delivering: Promise<void> | undefined;
  let outboxSenders: Partial<Record<Platform, Sender>> = senders;
  const deliverNow = (): Promise<void> =>
    (delivering ??= drainOutbox(deps, outboxSenders, logger, metrics, stopDelivering.signal)
      .catch((err: unknown) =>
        // The embedded database's one connection was busy for longer than a claim waits:
        // expected under load, tried again on the next tick.
        isTransactionStartTimeout(err)
          ? logger.debug({ err }, "outbox: database busy, claiming later")
          : logger.error({ err }, "outbox delivery failed"),
      )
      .finally(() => (delivering = undefined)));

  let consoleSession: ConsoleSession | undefined;
  if (adapters.length === 0) {
    logger.info("no platform adapter configured (set SLACK_* or FEISHU_* to connect one)");
    if (options.terminal) {
      const demo = await seedDemoTenant(deps, { timeZone: config.timeZone, locale: config.locale });
      if (demo.created) logger.info({ tenant: demo.tenant.name }, "demo tenant seeded");
      const consoleSenders: Partial<Record<Platform, Sender>> = {};
      outboxSenders = consoleSenders;
      consoleSession = startConsole({
        conversation,
        db: db.prisma,
        tenantId: demo.tenant.id,
        tenantExternalId: demo.tenant.externalId,
        tenantName: demo.tenant.name,
        locale: demo.tenant.locale === "en" ? "en" : "zh-CN",
        input: options.terminal.input,
        output: options.terminal.output,
        startAs: demo.users.liuyang!,
        // After each line: what the line caused is printed before the next prompt. A background
        // pass under way may have claimed rows before the line committed: it finishes first.
        flushOutbox: async () => {
          while (delivering) await delivering;
          await deliverNow();
        },
      });
      consoleSenders.CONSOLE = consoleSession.sender;
    }
  } else {
    logger.info({ adapters }, "platform adapters active");
  }

  // Background work (here and the scheduler's) lets requests use the embedded database first.
  // The console demo delivers in the background too: a reminder falls due while nobody types.
  const outboxTimer =
    Object.keys(outboxSenders).length > 0
      ? asBackgroundWork(() => setInterval(() => {
          if (!delivering) void deliverNow();
        }, 1_000))
      : undefined;

  // Every replica runs the scheduler: node-cron's lease and the digest runs' unique rows keep
  // each digest to one run and each recipient to one message.
  const scheduler: Scheduler | undefined =
    options.scheduler === false
      ? undefined
      : await asBackgroundWork(() => startScheduler({
          deps,
          logger,
          onRunFinished: (run, seconds) => metrics.observeDigestRun(run.kind, seconds, run.outcome.status),
        }));

  logger.info({ port: server.port }, `Accord listening on http://127.0.0.1:${server.port} (/healthz, /readyz, /metrics)`);
  return {
    config,
    db,
    deps,
    conversation,
    server,
    logger,
    metrics,
    ...(consoleSession ? { consoleClosed: consoleSession.closed } : {}),
    async stop(graceMs = config.shutdownGraceSeconds * 1_000) {
      const deadline = Date.now() + graceMs;
      const drainAll = async (until: number) =>
        (await Promise.all(drains.map((drain) => drain(until).catch(() => 0)))).reduce((a, b) => a + b, 0);
      // 1. No new requests; the accepted ones finish and answer, queued ones included (they are
      // no longer shed for waiting: the grace period bounds their wait).
      admission.holdQueued();
      let unfinished = await drainAll(deadline);
      if (unfinished > 0) {
        // Those still queued are told "busy, try again" rather than left without an answer.
        const shed = admission.shedQueued();
        unfinished = await drainAll(Date.now() + SHED_ANSWER_MS);
        logger.warn({ unfinished, shed, graceMs }, "shutdown: grace period over with requests still running");
      } else logger.info("shutdown: every accepted request answered");
      // 2. No new claims; claimed rows not yet sent go back, sends under way are recorded.
      if (outboxTimer) clearInterval(outboxTimer);
      stopDelivering.abort();
      // 3. The scheduler's runs in hand finish (a run cut short is taken over, by its lease).
      await Promise.all([
        withinDeadline(delivering ?? Promise.resolve(), deadline + STOP_MARGIN_MS),
        withinDeadline(scheduler?.stop() ?? Promise.resolve(), deadline + STOP_MARGIN_MS),
      ]);
      consoleSession?.close();
      for (const stopAdapter of stops) await stopAdapter().catch((err: unknown) => logger.warn({ err }, "adapter stop failed"));
      await server.close();
      // 4. Last: the pool, and the embedded database's files.
      await db.close();
    },
  };
}
