// Digest benchmark (npm run bench:digest). Builds a fresh PostgreSQL database
// `accord_bench_digest` at BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
// seeds one Feishu tenant with 5,000 members and the core bench's data volume (100k customers,
// 1M visits, 200k callbacks, 10k complaints, 300k orders) in SQL, then measures:
// 1. building and enqueueing every digest of a morning (runDigest: claim, builders, DigestDelivery
//    and outbox rows in chunks, completion) for the callback and the churn digest — target ≤ 10 s;
// 2. delivering them all with the outbox worker against a fake platform on loopback (the counting
//    fake of the tests) at the configured pacing: the sustained rate, and zero loss (every message
//    delivered, each recipient once).
// Options: --rate N (app sends per second, default 100; Feishu's default pacing is 15/s),
// --workers N (outbox worker loops, default 2), --render (build each recipient's digest content
// at send time like the renderer does), --reuse (keep the seeded database).
// Not part of `npm test`.
import pg from "pg";
import { buildCallbackDigests } from "../src/core/digests/callbacks.js";
import { buildChurnDigests } from "../src/core/digests/churn.js";
import { runDigest } from "../src/core/digests/runs.js";
import { systemClock } from "../src/core/shared/clock.js";
import type { CoreDeps } from "../src/core/shared/context.js";
import { localDateOf } from "../src/core/shared/time.js";
import { loadTenant } from "../src/core/tenants/tenants.js";
import { createPrisma } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { DEFAULT_PACING } from "../src/scheduler/pacing.js";
import { startOutboxWorker } from "../src/scheduler/outbox-worker.js";
import { CountingPlatform, createCountingSender } from "../test/fakes/counting-platform.js";
import { ADMIN_URL, databaseExists, recreateDatabase, seedStatements, withDatabase, type Department } from "./seed.js";
import { scaleLine, stepTable, type Row } from "./report.js";

const DB_NAME = "accord_bench_digest";
const TARGET_ENQUEUE_SECONDS = 10;

const SCALE = { members: 5_000, customers: 100_000, visits: 1_000_000, callbacks: 200_000, complaints: 10_000, purchaseOrders: 300_000 };
// 1 manager, 20 senior supervisors, 250 supervisors, the rest specialists. FEISHU: the outbox
// messages go to the Feishu sender below.
const DEPARTMENT: Department = { scale: SCALE, seniors: 20, supervisors: 250, platform: "FEISHU", memberNameDigits: 5 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const RATE = Number(arg("rate") ?? 100);
const WORKERS = Number(arg("workers") ?? 2);
const RENDER = process.argv.includes("--render");
const REUSE = process.argv.includes("--reuse");

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

async function seed(url: string): Promise<number> {
  await recreateDatabase(DB_NAME);
  await migrateDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let seconds = 0;
  try {
    for (const [name, sql] of seedStatements(DEPARTMENT)) {
      const step = await timed(() => client.query(sql));
      seconds += step.seconds;
      process.stderr.write(`seeded ${name}: ${step.result.rowCount ?? 0} rows in ${step.seconds.toFixed(1)} s\n`);
    }
    seconds += (await timed(() => client.query("VACUUM ANALYZE"))).seconds;
  } finally {
    await client.end();
  }
  return seconds;
}

/** Forgets an earlier run of today's digests (for --reuse). */
async function clearDigests(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DELETE FROM "DigestDelivery"; DELETE FROM "DigestRun"; DELETE FROM "OutboxMessage"; DELETE FROM "SchedulerLease";
      DELETE FROM "MessageRef"; DELETE FROM "RiskSnapshot"; DELETE FROM "AuditLog"`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const url = withDatabase(ADMIN_URL, DB_NAME);
  const exists = await databaseExists(DB_NAME);
  const rows: Row[] = [];
  if (REUSE && exists) await clearDigests(url);
  else rows.push({ step: "seed (not timed against a target)", seconds: await seed(url), target: null, note: "" });

  const db = createPrisma(url, { poolSize: 8 });
  const deps: CoreDeps = { db, clock: systemClock };
  const fake = await CountingPlatform.start({ latencyMs: 20 });
  try {
    const tenant = await loadTenant(db, "t1");
    const today = localDateOf(new Date(), tenant.timeZone);

    const callbacks = await timed(() => runDigest(deps, tenant, "CALLBACKS", today, { holder: "bench" }));
    const churn = await timed(() => runDigest(deps, tenant, "CHURN", today, { holder: "bench" }));
    const describe = (o: typeof callbacks.result) => (o.status === "completed" ? `${o.recipients} recipients, ${o.messages} messages` : o.status);
    rows.push({ step: "callback digest: build + enqueue", seconds: callbacks.seconds, target: null, note: describe(callbacks.result) });
    rows.push({ step: "churn digest: snapshot + build + enqueue", seconds: churn.seconds, target: null, note: describe(churn.result) });
    rows.push({ step: "all digests of the morning", seconds: callbacks.seconds + churn.seconds, target: TARGET_ENQUEUE_SECONDS, note: "" });

    const total = await db.outboxMessage.count({ where: { tenantId: tenant.id } });
    const pacing = { FEISHU: { app: { perSecond: RATE, burst: Math.max(1, Math.round(RATE / 5)) }, target: DEFAULT_PACING.FEISHU!.target } };
    const render = RENDER
      ? async (message: { tenantId: string; target: string; payload: unknown }) => {
          const intent = message.payload as { kind: string; localDate: string };
          const recipientId = message.target.slice("member:".length);
          return intent.kind.startsWith("digest.churn")
            ? (await buildChurnDigests(db, tenant, intent.localDate, { recipientId })).owners.length
            : (await buildCallbackDigests(db, tenant, intent.localDate, { recipientId })).members.length;
        }
      : undefined;
    const workers = Array.from({ length: WORKERS }, (_, i) =>
      startOutboxWorker({
        db,
        clock: systemClock,
        senders: { FEISHU: createCountingSender(fake.url, { worker: `w${i}`, ...(render ? { render } : {}) }) },
        pacing,
        idleMs: 200,
        onError: (err) => process.stderr.write(`outbox: ${(err as Error).message}\n`),
      }),
    );
    const delivery = await timed(async () => {
      for (;;) {
        const left = await db.outboxMessage.count({ where: { tenantId: tenant.id, status: { in: ["PENDING", "SENDING"] } } });
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    });
    await Promise.all(workers.map((w) => w.stop()));
    const times = fake.delivered.map((d) => d.at).sort((a, b) => a - b);
    const spanSeconds = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
    const sent = await db.outboxMessage.count({ where: { tenantId: tenant.id, status: "SENT" } });
    const failed = await db.outboxMessage.count({ where: { tenantId: tenant.id, status: "FAILED" } });
    const keys = new Set(fake.delivered.map((d) => `${d.recipient}|${d.kind}`));
    const lost = total - keys.size;
    rows.push({
      step: `delivery at ${RATE}/s (${WORKERS} workers${RENDER ? ", rendering" : ""})`,
      seconds: delivery.seconds,
      target: null,
      note: `${fake.delivered.length} delivered of ${total}; ${(fake.delivered.length / spanSeconds).toFixed(1)}/s sustained; peak ${fake.maxInWindow(1000)} in 1 s; ${sent} SENT, ${failed} FAILED, ${lost} lost, ${fake.delivered.length - keys.size} duplicates`,
    });
    const feishu = DEFAULT_PACING.FEISHU!.app.perSecond;
    const slack = DEFAULT_PACING.SLACK!.app.perSecond;
    rows.push({
      step: "at default pacing (computed)",
      seconds: total / feishu,
      target: null,
      note: `Feishu ${feishu}/s: ${(total / feishu / 60).toFixed(1)} min; Slack ${slack}/s: ${(total / slack / 60).toFixed(1)} min`,
    });
    const lines = [
      ...stepTable(scaleLine("digest", SCALE), rows),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const slow = callbacks.seconds + churn.seconds > TARGET_ENQUEUE_SECONDS;
    process.exitCode = slow || lost > 0 || failed > 0 || fake.delivered.length !== keys.size ? 1 : 0;
  } finally {
    await fake.close();
    await db.$disconnect();
  }
}

await main();
