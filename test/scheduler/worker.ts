// One Accord worker process for the multi-process tests: only the scheduler and the outbox worker,
// against a database that is already migrated and a CountingPlatform standing in for Feishu.
// The clock is shifted for the whole process (node-cron reads `new Date()` itself): at the real
// instant ACCORD_FAKE_NOW_AT (epoch ms) it is ACCORD_FAKE_NOW, and time runs on from there, the
// same timeline in every process started with the same pair.
//
// Env: DATABASE_URL, FAKE_PLATFORM_URL, WORKER_NAME, ACCORD_FAKE_NOW, ACCORD_FAKE_NOW_AT,
// PACE_PER_SECOND (app rate, default 50), PACE_BURST (default 10), RUN_LEASE_MS, RUN_CHUNK,
// RUN_CHUNK_PAUSE_MS (a pause after each chunk, to widen the window a kill can hit),
// OUTBOX_LEASE_MS; SLACK_API_URL: deliver through the real Slack adapter's sender to this fake Slack
// (FAKE_PLATFORM_URL is then not needed).
const fakeNow = process.env.ACCORD_FAKE_NOW;
if (fakeNow) {
  const offset = Date.parse(fakeNow) - Number(process.env.ACCORD_FAKE_NOW_AT ?? Date.now());
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

// Imported only now, so nothing captures the real Date first.
const { createPrisma } = await import("../../src/db/client.js");
const { systemClock } = await import("../../src/core/shared/clock.js");
const { createLogger } = await import("../../src/logger.js");
const { startOutboxWorker } = await import("../../src/scheduler/outbox-worker.js");
const { startScheduler } = await import("../../src/scheduler/scheduler.js");
const { createCountingSender } = await import("../fakes/counting-platform.js");


const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const name = env("WORKER_NAME");
const perSecond = Number(env("PACE_PER_SECOND", "50"));
const burst = Number(env("PACE_BURST", "10"));
const chunkPauseMs = Number(env("RUN_CHUNK_PAUSE_MS", "0"));

const db = createPrisma(env("DATABASE_URL"), { poolSize: 4 });
const logger = createLogger(env("LOG_LEVEL", "warn"), process.stderr);
const deps = { db, clock: systemClock };
const slackApiUrl = process.env.SLACK_API_URL;
// Loaded only for Slack: the conversation layer makes the Feishu-counting workers slower to start.
const slack = slackApiUrl
  ? {
      createSlackAdapter: (await import("../../src/adapters/slack/adapter.js")).createSlackAdapter,
      createConversation: (await import("../../src/conversation/conversation.js")).createConversation,
    }
  : undefined;
const slackSender = slack?.createSlackAdapter(
  { botToken: "xoxb-fake-token", signingSecret: "unused-in-a-worker", apiUrl: slackApiUrl! },
  { conversation: slack.createConversation({ deps, admins: [], defaultTimeZone: "Asia/Shanghai", defaultLocale: "en" }), db, logger, clock: systemClock },
  { defaultLocale: "en" },
).sender;
const senders = slackSender
  ? {
      // One line as each post leaves: a test kills a replica whose post is on the way.
      SLACK: (...args: Parameters<typeof slackSender>) => {
        process.stdout.write(`sending ${name} ${args[0].id}\n`);
        return slackSender(...args);
      },
    }
  : { FEISHU: createCountingSender(env("FAKE_PLATFORM_URL"), { worker: name }) };
const pace = { app: { perSecond, burst }, target: { perSecond: 5, burst: 2 } };
const worker = startOutboxWorker({
  db,
  clock: systemClock,
  senders,
  pacing: slackApiUrl ? { SLACK: pace } : { FEISHU: pace },
  leaseMs: Number(env("OUTBOX_LEASE_MS", "60000")),
  idleMs: 200,
  onError: (err) => logger.error({ err }, "outbox batch failed"),
  // One line per delivery: tests pick a replica that is delivering, and see recovered rows.
  onDelivered: (message) => process.stdout.write(`delivered ${name} ${message.recovered ? "recovered" : "fresh"}\n`),
});
const scheduler = await startScheduler({
  deps,
  logger,
  holder: name,
  run: {
    leaseMs: Number(env("RUN_LEASE_MS", "120000")),
    chunkSize: Number(env("RUN_CHUNK", "500")),
    ...(chunkPauseMs > 0 ? { afterChunk: () => new Promise<void>((r) => setTimeout(r, chunkPauseMs)) } : {}),
  },
  onEnqueued: () => worker.wake(),
});
process.stdout.write(`worker ready ${name} ${new Date().toISOString()}\n`);

const shutdown = () => {
  void (async () => {
    await scheduler.stop();
    await worker.stop();
    await db.$disconnect();
    process.exit(0);
  })();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
