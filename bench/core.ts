// CRM core benchmark (npm run bench:core). Builds a fresh PostgreSQL database `accord_bench`
// at BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), applies the
// migrations, seeds one tenant at department scale entirely in SQL (generate_series), then
// times the morning work: churn scoring of every customer, every member's callback digest and
// one complaint SLA sweep (plus the churn digest, the risk snapshot and a tenant KPI report).
// Targets on a 2-core machine: each ≤ 5 s, peak RSS ≤ 400 MB. Not part of `npm test`.
// `npm run bench:core -- --reuse` skips the rebuild and seeding when accord_bench exists (for
// iterating on queries; the sweep then finds no fresh breaches). BENCH_TRACE=1 prints the
// memory after each timed step on stderr.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { createPrisma } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { buildCallbackDigests } from "../src/core/digests/callbacks.js";
import { buildChurnDigests } from "../src/core/digests/churn.js";
import { kpiReport } from "../src/core/kpi/kpi.js";
import { scoreCustomers, snapshotRisk } from "../src/core/risk/risk.js";
import { systemClock } from "../src/core/shared/clock.js";
import type { CoreDeps } from "../src/core/shared/context.js";
import { addDays, localDateOf } from "../src/core/shared/time.js";
import { loadTenant } from "../src/core/tenants/tenants.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB_NAME = "accord_bench";
const TZ = "Asia/Shanghai";

const SCALE = {
  members: 1_000,
  customers: 100_000,
  visits: 1_000_000,
  callbacks: 200_000,
  complaints: 10_000,
  purchaseOrders: 300_000,
  /** Complaints whose deadline passed since the last sweep (a sweep handles up to 500). */
  unsweptBreaches: 200,
};
// Department shape: 1 manager, 10 senior supervisors, 50 supervisors, the rest specialists.
const SENIORS = 10;
const SUPERVISORS = 50;
const FIRST_SPECIALIST = 2 + SENIORS + SUPERVISORS;
const SPECIALISTS = SCALE.members - FIRST_SPECIALIST + 1;

const TARGET_SECONDS = 5;
const TARGET_RSS_MB = 400;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  if (process.env.BENCH_TRACE) process.stderr.write(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB, maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}\n`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

// Every id is deterministic text ('m12', 'c4711'): the seed needs no round trip to JS, and the
// owner of customer n is computable in SQL as the specialist FIRST_SPECIALIST + n % SPECIALISTS.
const ownerOf = (n: string) => `'m' || (${FIRST_SPECIALIST} + (${n}) % ${SPECIALISTS})`;

function seedStatements(): Array<[string, string]> {
  const today = `(now() AT TIME ZONE '${TZ}')::date`;
  return [
    [
      "tenant",
      `INSERT INTO "Tenant" (id, platform, "externalId", name, "timeZone", locale, settings, "updatedAt")
       VALUES ('t1', 'CONSOLE', 'bench', 'Bench Co', '${TZ}', 'zh-CN', '{}', now())`,
    ],
    [
      "members",
      `INSERT INTO "Member" (id, "tenantId", "displayName", role, "supervisorId", "updatedAt")
       SELECT 'm' || i, 't1', 'Member ' || lpad(i::text, 4, '0'),
         (CASE WHEN i = 1 THEN 'MANAGER' WHEN i < ${FIRST_SPECIALIST} THEN 'SUPERVISOR' ELSE 'SPECIALIST' END)::"Role",
         CASE WHEN i = 1 THEN NULL
              WHEN i <= 1 + ${SENIORS} THEN 'm1'
              WHEN i < ${FIRST_SPECIALIST} THEN 'm' || (2 + (i - 2 - ${SENIORS}) % ${SENIORS})
              ELSE 'm' || (2 + ${SENIORS} + (i - ${FIRST_SPECIALIST}) % ${SUPERVISORS}) END,
         now()
       FROM generate_series(1, ${SCALE.members}) AS i`,
    ],
    [
      "customers",
      // Tiers: 5 % VIP, 20 % A, 55 % B, 20 % C (prospects); 2 % of the tiered ones churned.
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
      // One open cadence callback per tiered customer, recent history (DONE / SKIPPED with
      // satisfaction on half) and manual callbacks left overdue, 200,000 in all.
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
         -- Cadence rows: the i-th tiered customer ((n - 1) % 100 < 80), so each has exactly one.
         LATERAL (SELECT CASE WHEN k.kind = 'cadence' THEN ((i - 1) / 80) * 100 + (i - 1) % 80 + 1
                              ELSE 1 + (i * 31) % ${SCALE.customers} END AS n) c`,
    ],
    [
      "complaints",
      // 10 % open, 20 % acknowledged, the rest resolved; registered over the last 90 days.
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
      // Six months of orders; every fifth customer halved its purchases in the last 90 days.
      `INSERT INTO "PurchaseOrder" (id, "tenantId", "customerId", "orderedOn", "amountFen")
       SELECT 'po' || i, 't1', 'c' || c.n, ${today} - d.back,
         CASE WHEN c.n % 5 = 0 AND d.back < 90 THEN 50000 + (i % 1000) * 100 ELSE 100000 + (i % 1000) * 200 END
       FROM generate_series(1, ${SCALE.purchaseOrders}) AS i,
         LATERAL (SELECT 1 + (i * 53) % ${SCALE.customers} AS n) c,
         LATERAL (SELECT (i * 37) % 180 AS back) d`,
    ],
  ];
}

/**
 * Marks all but the first `keep` complaints with a passed deadline as already swept (as a
 * running service would have), so the timed sweep handles a realistic backlog. Returns how many
 * complaints are left for it.
 */
async function markSweptBreaches(client: pg.Client, keep: number): Promise<number> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'Complaint' AND column_name IN ('ackBreachedAt', 'resolveBreachedAt')`,
  );
  const breached = `(status = 'OPEN' AND "ackDueAt" < now()) OR (status IN ('OPEN', 'ACKNOWLEDGED') AND "resolveDueAt" < now())`;
  const total = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Complaint" WHERE ${breached}`);
  if (rows.length < 2) return Number(total.rows[0]!.n);
  await client.query(
    `UPDATE "Complaint" SET
       "ackBreachedAt" = CASE WHEN status = 'OPEN' AND "ackDueAt" < now() THEN "ackDueAt" END,
       "resolveBreachedAt" = CASE WHEN "resolveDueAt" < now() THEN "resolveDueAt" END,
       "escalationLevel" = CASE WHEN "resolveDueAt" < now() AND status = 'OPEN' AND "ackDueAt" < now() THEN 2 ELSE 1 END
     WHERE id IN (SELECT id FROM "Complaint" WHERE ${breached} ORDER BY number OFFSET $1)`,
    [keep],
  );
  return Math.min(keep, Number(total.rows[0]!.n));
}

type Sweep = (deps: CoreDeps, now: Date) => Promise<unknown[]>;

/** sweepComplaintSla from the complaints area, wherever it lives, or null if not written yet. */
async function findSweep(): Promise<{ sweep: Sweep; from: string } | null> {
  for (const rel of ["src/core/complaints/sla.ts", "src/core/complaints/sweep.ts"]) {
    const file = path.join(ROOT, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { sweepComplaintSla?: Sweep };
    if (typeof mod.sweepComplaintSla === "function") return { sweep: mod.sweepComplaintSla, from: rel };
  }
  return null;
}

interface Row {
  step: string;
  seconds: number;
  target: number | null;
  note: string;
}

async function seed(url: string, rows: Row[]): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();

  const migrate = await timed(() => migrateDatabase(url));
  rows.push({ step: "migrate", seconds: migrate.seconds, target: null, note: "" });

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let seedSeconds = 0;
  // Bulk load the way PostgreSQL likes it: secondary indexes dropped during the inserts and
  // rebuilt once afterwards (from their own definitions, so they stay exactly the migration's).
  await client.query("SET synchronous_commit = off");
  await client.query("SET maintenance_work_mem = '256MB'");
  const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename IN ('Customer', 'Visit', 'Callback', 'Complaint', 'PurchaseOrder')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const ix of indexes) await client.query(`DROP INDEX "${ix.indexname}"`);
  for (const [name, sql] of seedStatements()) {
    const step = await timed(() => client.query(sql));
    seedSeconds += step.seconds;
    rows.push({ step: `seed ${name}`, seconds: step.seconds, target: null, note: `${step.result.rowCount ?? 0} rows` });
  }
  const reindex = await timed(async () => {
    for (const ix of indexes) await client.query(ix.indexdef);
  });
  seedSeconds += reindex.seconds;
  rows.push({ step: "seed: rebuild indexes", seconds: reindex.seconds, target: null, note: `${indexes.length} indexes` });
  const pendingBreaches = await timed(() => markSweptBreaches(client, SCALE.unsweptBreaches));
  seedSeconds += pendingBreaches.seconds;
  // VACUUM sets the visibility map, so index-only scans work as they would on a settled database.
  const analyze = await timed(() => client.query("VACUUM ANALYZE"));
  seedSeconds += analyze.seconds;
  rows.push({ step: "vacuum analyze", seconds: analyze.seconds, target: null, note: "" });
  rows.push({ step: "seed total", seconds: seedSeconds, target: null, note: "" });
  await client.end();
  return pendingBreaches.result;
}

async function databaseExists(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB_NAME]);
    return (rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const url = withDatabase(ADMIN_URL, DB_NAME);
  const reuse = process.argv.includes("--reuse") && (await databaseExists());
  const pendingBreaches = { result: reuse ? -1 : await seed(url, rows) };

  const db = createPrisma(url, { poolSize: 4 });
  const deps: CoreDeps = { db, clock: systemClock };
  try {
    const tenant = await loadTenant(db, "t1");
    const now = new Date();
    const today = localDateOf(now, tenant.timeZone);

    // Each step once, in the order of a morning: the first run of a query is the one that counts.
    {
      const score = await timed(() => scoreCustomers(db, tenant, now));
      const levels = score.result.reduce((acc, r) => ((acc[r.level] = (acc[r.level] ?? 0) + 1), acc), {} as Record<string, number>);
      rows.push({
        step: "churn scoring, all customers",
        seconds: score.seconds,
        target: TARGET_SECONDS,
        note: `${score.result.length} scored; HIGH ${levels.HIGH ?? 0}, MEDIUM ${levels.MEDIUM ?? 0}`,
      });
      const callbacks = await timed(() => buildCallbackDigests(db, tenant, today));
      rows.push({
        step: "callback digests, every member",
        seconds: callbacks.seconds,
        target: TARGET_SECONDS,
        note: `${callbacks.result.members.length} members, ${callbacks.result.members.reduce((n, m) => n + m.items.length, 0)} items, ${callbacks.result.supervisors.length} team summaries`,
      });
    }

    // The churn digest compares with yesterday's snapshot: write one so that path has data.
    const snap = await timed(() => snapshotRisk({ db, clock: { now: () => now } }, tenant.id, addDays(today, -1)));
    rows.push({ step: "risk snapshot", seconds: snap.seconds, target: TARGET_SECONDS, note: `${snap.result.rows} rows` });
    const churn = await timed(() => buildChurnDigests(db, tenant, today, { now }));
    rows.push({
      step: "churn digests, every member",
      seconds: churn.seconds,
      target: TARGET_SECONDS,
      note: `${churn.result.owners.length} owners, ${churn.result.supervisors.length} leads`,
    });
    const kpi = await timed(() =>
      kpiReport(deps, { tenantId: tenant.id, memberId: "m1", role: "MANAGER", platform: "CONSOLE" }, { from: addDays(today, -29), to: today }),
    );
    rows.push({
      step: "KPI report, manager, 30 days",
      seconds: kpi.seconds,
      target: TARGET_SECONDS,
      note: `${kpi.result.members.length} members, ${kpi.result.teams.length} teams`,
    });

    const found = await findSweep();
    if (found) {
      const sweep = await timed(() => found.sweep(deps, new Date()));
      rows.push({
        step: "complaint SLA sweep",
        seconds: sweep.seconds,
        target: TARGET_SECONDS,
        note: `${pendingBreaches.result} due breaches, ${sweep.result.length} escalations (${found.from})`,
      });
    } else {
      // Not written yet: time the query a sweep starts with (every missed deadline, all tenants).
      const sweep = await timed(() =>
        db.complaint.findMany({
          where: {
            OR: [
              { status: "OPEN", ackDueAt: { lt: new Date() } },
              { status: { in: ["OPEN", "ACKNOWLEDGED"] }, resolveDueAt: { lt: new Date() } },
            ],
          },
          select: { id: true, tenantId: true },
          take: 500,
        }),
      );
      rows.push({
        step: "complaint SLA sweep (query only: sweepComplaintSla not found)",
        seconds: sweep.seconds,
        target: TARGET_SECONDS,
        note: `${sweep.result.length} candidates`,
      });
    }
  } finally {
    await db.$disconnect();
  }

  const rss = peakRssMb();
  const width = Math.max(...rows.map((r) => r.step.length));
  const lines = [
    `Accord core benchmark — ${SCALE.members} members, ${SCALE.customers} customers, ${SCALE.visits} visits, ${SCALE.callbacks} callbacks, ${SCALE.complaints} complaints, ${SCALE.purchaseOrders} orders`,
    "",
    `${"step".padEnd(width)} | seconds | target | ok | note`,
    `${"-".repeat(width)}-|---------|--------|----|-----`,
    ...rows.map(
      (r) =>
        `${r.step.padEnd(width)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.target === null ? "      " : `≤ ${r.target} s`.padStart(6)} | ${
          r.target === null ? "  " : r.seconds <= r.target ? "✓ " : "✗ "
        } | ${r.note}`,
    ),
    `${"peak RSS (MB)".padEnd(width)} | ${rss.toFixed(0).padStart(7)} | ${`≤ ${TARGET_RSS_MB}`.padStart(6)} | ${rss <= TARGET_RSS_MB ? "✓ " : "✗ "} |`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const failed = rows.some((r) => r.target !== null && r.seconds > r.target) || rss > TARGET_RSS_MB;
  process.exitCode = failed ? 1 : 0;
}

await main();
