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

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB_NAME = "accord_bench_digest";
const TZ = "Asia/Shanghai";
const TARGET_ENQUEUE_SECONDS = 10;

const SCALE = { members: 5_000, customers: 100_000, visits: 1_000_000, callbacks: 200_000, complaints: 10_000, purchaseOrders: 300_000 };
// 1 manager, 20 senior supervisors, 250 supervisors, the rest specialists.
const SENIORS = 20;
const SUPERVISORS = 250;
const FIRST_SPECIALIST = 2 + SENIORS + SUPERVISORS;
const SPECIALISTS = SCALE.members - FIRST_SPECIALIST + 1;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const RATE = Number(arg("rate") ?? 100);
const WORKERS = Number(arg("workers") ?? 2);
const RENDER = process.argv.includes("--render");
const REUSE = process.argv.includes("--reuse");

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

const ownerOf = (n: string) => `'m' || (${FIRST_SPECIALIST} + (${n}) % ${SPECIALISTS})`;

function seedStatements(): Array<[string, string]> {
  const today = `(now() AT TIME ZONE '${TZ}')::date`;
  return [
    [
      "tenant",
      `INSERT INTO "Tenant" (id, platform, "externalId", name, "timeZone", locale, settings, "updatedAt")
       VALUES ('t1', 'FEISHU', 'bench', 'Bench Co', '${TZ}', 'zh-CN', '{}', now())`,
    ],
    [
      "members",
      `INSERT INTO "Member" (id, "tenantId", "displayName", role, "supervisorId", "updatedAt")
       SELECT 'm' || i, 't1', 'Member ' || lpad(i::text, 5, '0'),
         (CASE WHEN i = 1 THEN 'MANAGER' WHEN i < ${FIRST_SPECIALIST} THEN 'SUPERVISOR' ELSE 'SPECIALIST' END)::"Role",
         CASE WHEN i = 1 THEN NULL
              WHEN i <= 1 + ${SENIORS} THEN 'm1'
              WHEN i < ${FIRST_SPECIALIST} THEN 'm' || (2 + (i - 2 - ${SENIORS}) % ${SENIORS})
              ELSE 'm' || (2 + ${SENIORS} + (i - ${FIRST_SPECIALIST}) % ${SUPERVISORS}) END,
         now()
       FROM generate_series(1, ${SCALE.members}) AS i`,
    ],
    [
      "member identities",
      `INSERT INTO "MemberIdentity" (id, "tenantId", "memberId", platform, "platformUserId")
       SELECT 'mi' || i, 't1', 'm' || i, 'FEISHU', 'ou_' || i FROM generate_series(1, ${SCALE.members}) AS i`,
    ],
    [
      "customers",
      `INSERT INTO "Customer" (id, "tenantId", name, "nameKey", tier, "ownerId", status, "annualPurchaseFen",
         "lastContactAt", "createdAt", "updatedAt")
       SELECT 'c' || n, 't1', 'Customer ' || lpad(n::text, 6, '0'), 'customer ' || lpad(n::text, 6, '0'),
         t.tier::"Tier", ${ownerOf("n")},
         (CASE WHEN t.tier = 'C' THEN 'PROSPECT' WHEN n % 50 = 0 THEN 'CHURNED' ELSE 'ACTIVE' END)::"CustomerStatus",
         (n % 1000) * 1000000, now() - ((n * 7919) % 240) * interval '1 day', now() - interval '3 years', now()
       FROM generate_series(1, ${SCALE.customers}) AS n,
         LATERAL (SELECT CASE WHEN (n - 1) % 100 < 5 THEN 'VIP' WHEN (n - 1) % 100 < 25 THEN 'A' WHEN (n - 1) % 100 < 80 THEN 'B' ELSE 'C' END AS tier) t`,
    ],
    [
      "visits",
      `INSERT INTO "Visit" (id, "tenantId", "customerId", "visitorId", "occurredAt", kind, summary)
       SELECT 'v' || i, 't1', 'c' || n, ${ownerOf("n")},
         now() - ((i * 104729) % (365 * 24)) * interval '1 hour', 'ON_SITE', 'Quarterly review ' || i
       FROM generate_series(1::bigint, ${SCALE.visits}) AS i, LATERAL (SELECT 1 + (i * 7) % ${SCALE.customers} AS n) c`,
    ],
    [
      "callbacks",
      `INSERT INTO "Callback" (id, "tenantId", "customerId", "assigneeId", "dueOn", reason, status, "openCadenceKey",
         satisfaction, "completedAt", "updatedAt")
       SELECT 'cb' || i, 't1', 'c' || c.n, ${ownerOf("c.n")},
         CASE WHEN k.kind = 'cadence' THEN ${today} + ((c.n * 13) % 80 - 20)
              WHEN k.kind = 'history' THEN ${today} - (1 + i % 180)
              ELSE ${today} - (1 + i % 30) END,
         (CASE WHEN k.kind = 'cadence' THEN 'CADENCE' WHEN k.kind = 'history' THEN 'AFTER_VISIT' ELSE 'MANUAL' END)::"CallbackReason",
         (CASE WHEN k.kind = 'history' THEN CASE WHEN i % 20 = 0 THEN 'SKIPPED' ELSE 'DONE' END ELSE 'PENDING' END)::"CallbackStatus",
         CASE WHEN k.kind = 'cadence' THEN 'c' || c.n END,
         CASE WHEN k.kind = 'history' AND i % 2 = 0 AND i % 20 <> 0 THEN 1 + (i / 2) % 5 END,
         CASE WHEN k.kind = 'history' AND i % 20 <> 0 THEN now() - (1 + i % 180) * interval '1 day' END,
         now()
       FROM generate_series(1, ${SCALE.callbacks}) AS i,
         LATERAL (SELECT CASE WHEN i <= 80000 THEN 'cadence' WHEN i <= 190000 THEN 'history' ELSE 'manual' END AS kind) k,
         LATERAL (SELECT CASE WHEN k.kind = 'cadence' THEN ((i - 1) / 80) * 100 + (i - 1) % 80 + 1
                              ELSE 1 + (i * 31) % ${SCALE.customers} END AS n) c`,
    ],
    [
      "complaints",
      `INSERT INTO "Complaint" (id, "tenantId", number, "customerId", "reporterId", "assigneeId", severity, category,
         description, status, "ackDueAt", "resolveDueAt", "acknowledgedAt", "resolvedAt", "createdAt", "updatedAt")
       SELECT 'co' || i, 't1', i, 'c' || c.n, ${ownerOf("c.n")}, ${ownerOf("c.n")}, s.sev::"Severity", 'SERVICE',
         'Complaint ' || i, s.status::"ComplaintStatus",
         s.created + s.ack_min * interval '1 minute', s.created + s.resolve_min * interval '1 minute',
         CASE WHEN s.status <> 'OPEN' THEN s.created + (s.ack_min / 2) * interval '1 minute' END,
         CASE WHEN s.status = 'RESOLVED' THEN s.created + (s.resolve_min / 2) * interval '1 minute' END,
         s.created, now()
       FROM generate_series(1, ${SCALE.complaints}) AS i,
         LATERAL (SELECT 1 + (i * 97) % ${SCALE.customers} AS n) c,
         LATERAL (SELECT sev, status, created,
                    CASE sev WHEN 'CRITICAL' THEN 60 WHEN 'HIGH' THEN 240 WHEN 'MEDIUM' THEN 1440 ELSE 2880 END AS ack_min,
                    CASE sev WHEN 'CRITICAL' THEN 1440 WHEN 'HIGH' THEN 4320 WHEN 'MEDIUM' THEN 10080 ELSE 20160 END AS resolve_min
                  FROM (SELECT (ARRAY['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])[1 + i % 4] AS sev,
                               CASE WHEN i % 10 = 0 THEN 'OPEN' WHEN i % 10 < 3 THEN 'ACKNOWLEDGED' ELSE 'RESOLVED' END AS status,
                               now() - ((i * 7) % (90 * 24)) * interval '1 hour' AS created) x) s`,
    ],
    [
      "purchase orders",
      `INSERT INTO "PurchaseOrder" (id, "tenantId", "customerId", "orderedOn", "amountFen")
       SELECT 'po' || i, 't1', 'c' || c.n, ${today} - d.back,
         CASE WHEN c.n % 5 = 0 AND d.back < 90 THEN 50000 + (i % 1000) * 100 ELSE 100000 + (i % 1000) * 200 END
       FROM generate_series(1, ${SCALE.purchaseOrders}) AS i,
         LATERAL (SELECT 1 + (i * 53) % ${SCALE.customers} AS n) c,
         LATERAL (SELECT (i * 37) % 180 AS back) d`,
    ],
  ];
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function seed(url: string): Promise<number> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB_NAME}`);
  });
  await migrateDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let seconds = 0;
  try {
    for (const [name, sql] of seedStatements()) {
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

interface Row {
  step: string;
  seconds: number;
  target: number | null;
  note: string;
}

async function main(): Promise<void> {
  const url = withDatabase(ADMIN_URL, DB_NAME);
  const exists = await admin(async (c) => ((await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB_NAME])).rowCount ?? 0) > 0);
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
    const width = Math.max(...rows.map((r) => r.step.length));
    const lines = [
      `Accord digest benchmark — ${SCALE.members} members, ${SCALE.customers} customers, ${SCALE.visits} visits, ${SCALE.callbacks} callbacks, ${SCALE.complaints} complaints, ${SCALE.purchaseOrders} orders`,
      "",
      `${"step".padEnd(width)} | seconds | target | ok | note`,
      `${"-".repeat(width)}-|---------|--------|----|-----`,
      ...rows.map(
        (r) =>
          `${r.step.padEnd(width)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.target === null ? "      " : `≤ ${r.target} s`.padStart(6)} | ${
            r.target === null ? "  " : r.seconds <= r.target ? "✓ " : "✗ "
          } | ${r.note}`,
      ),
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
