// The seed of the PostgreSQL benchmarks (bench/core.ts, bench/digest.ts): one tenant 't1' at
// department scale, written entirely in SQL (generate_series), so a million rows cost no round
// trip to JS. Each benchmark passes its own department; the rows depend on nothing else, so a
// benchmark seeds the same rows on every run (but for dates and timestamps, which follow now()).
// bench/ack.ts seeds differently (a small department through Prisma) and does not use this.
import pg from "pg";

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const TZ = "Asia/Shanghai";

export interface Scale {
  members: number;
  customers: number;
  visits: number;
  callbacks: number;
  complaints: number;
  purchaseOrders: number;
}

/** 1 manager (m1), `seniors` senior supervisors, `supervisors` supervisors, the rest specialists. */
export interface Department {
  scale: Scale;
  seniors: number;
  supervisors: number;
  /**
   * Outbox messages take the tenant's platform, so a benchmark that delivers needs a real one.
   * A FEISHU tenant also gets one Feishu identity per member ('ou_' || n), as a members import
   * would leave it.
   */
  platform: "CONSOLE" | "FEISHU";
  /** Display names are 'Member ' and the number zero-padded to this many digits. */
  memberNameDigits: number;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
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

export async function databaseExists(database: string): Promise<boolean> {
  return admin(async (c) => ((await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).rowCount ?? 0) > 0);
}

/** Drops the database an earlier run left (ending any session still connected to it) and creates it empty. */
export async function recreateDatabase(database: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
}

/** The INSERT statements of the seed, named, in the order they must run (foreign keys). */
export function seedStatements(department: Department): Array<[string, string]> {
  const { scale, seniors, supervisors } = department;
  const firstSpecialist = 2 + seniors + supervisors;
  const specialists = scale.members - firstSpecialist + 1;
  // Every id is deterministic text ('m12', 'c4711'): the seed needs no round trip to JS, and the
  // owner of customer n is computable in SQL as the specialist firstSpecialist + n % specialists.
  const ownerOf = (n: string) => `'m' || (${firstSpecialist} + (${n}) % ${specialists})`;
  const today = `(now() AT TIME ZONE '${TZ}')::date`;
  return [
    [
      "tenant",
      `INSERT INTO "Tenant" (id, platform, "externalId", name, "timeZone", locale, settings, "updatedAt")
       VALUES ('t1', '${department.platform}', 'bench', 'Bench Co', '${TZ}', 'zh-CN', '{}', now())`,
    ],
    [
      "members",
      `INSERT INTO "Member" (id, "tenantId", "displayName", role, "supervisorId", "updatedAt")
       SELECT 'm' || i, 't1', 'Member ' || lpad(i::text, ${department.memberNameDigits}, '0'),
         (CASE WHEN i = 1 THEN 'MANAGER' WHEN i < ${firstSpecialist} THEN 'SUPERVISOR' ELSE 'SPECIALIST' END)::"Role",
         CASE WHEN i = 1 THEN NULL
              WHEN i <= 1 + ${seniors} THEN 'm1'
              WHEN i < ${firstSpecialist} THEN 'm' || (2 + (i - 2 - ${seniors}) % ${seniors})
              ELSE 'm' || (2 + ${seniors} + (i - ${firstSpecialist}) % ${supervisors}) END,
         now()
       FROM generate_series(1, ${scale.members}) AS i`,
    ],
    ...(department.platform === "FEISHU" ? [feishuIdentities(scale)] : []),
    [
      "customers",
      // Tiers: 5 % VIP, 20 % A, 55 % B, 20 % C (prospects); 2 % of the tiered ones churned.
      // Every fourth customer has a Chinese name (華 words with their pinyin and initials, as
      // core/customers/search-keys.ts writes them), so the search steps meet both kinds.
      `INSERT INTO "Customer" (id, "tenantId", name, "nameKey", "namePinyin", "nameInitials", region, industry, tier, "ownerId", status,
         "annualPurchaseFen", "lastContactAt", "createdAt", "updatedAt")
       SELECT 'c' || n, 't1', nm.name, lower(nm.name), nm.py, nm.ini,
         (ARRAY['华东', '华南', '华北', '西南', '东北', '西北'])[1 + n % 6], (ARRAY['制造', '通信', '金融', '零售', '能源'])[1 + n % 5],
         t.tier::"Tier", ${ownerOf("n")},
         (CASE WHEN t.tier = 'C' THEN 'PROSPECT' WHEN n % 50 = 0 THEN 'CHURNED' ELSE 'ACTIVE' END)::"CustomerStatus",
         (n % 1000) * 1000000, now() - ((n * 7919) % 240) * interval '1 day', now() - interval '3 years', now()
       FROM generate_series(1, ${scale.customers}) AS n,
         LATERAL (SELECT CASE WHEN (n - 1) % 100 < 5 THEN 'VIP' WHEN (n - 1) % 100 < 25 THEN 'A' WHEN (n - 1) % 100 < 80 THEN 'B' ELSE 'C' END AS tier) t,
         LATERAL (SELECT 1 + (n / 4) % 8 AS p, 1 + (n / 32) % 6 AS s) k,
         LATERAL (SELECT
           CASE WHEN n % 4 = 0 THEN (ARRAY['华为', '中兴', '华东', '北方', '长城', '海尔', '美的', '格力'])[k.p] || (ARRAY['科技', '机电', '电气', '钢铁', '物流', '银行'])[k.s] || n
                ELSE 'Customer ' || lpad(n::text, 6, '0') END AS name,
           CASE WHEN n % 4 = 0 THEN (ARRAY['huawei', 'zhongxing', 'huadong', 'beifang', 'changcheng', 'haier', 'meide', 'geli'])[k.p] || (ARRAY['keji', 'jidian', 'dianqi', 'gangtie', 'wuliu', 'yinhang'])[k.s] || n
                ELSE 'customer' || lpad(n::text, 6, '0') END AS py,
           CASE WHEN n % 4 = 0 THEN (ARRAY['hw', 'zx', 'hd', 'bf', 'cc', 'he', 'md', 'gl'])[k.p] || (ARRAY['kj', 'jd', 'dq', 'gt', 'wl', 'yh'])[k.s] || n
                ELSE 'c' || lpad(n::text, 6, '0') END AS ini) nm`,
    ],
    [
      "visits",
      `INSERT INTO "Visit" (id, "tenantId", "customerId", "visitorId", "occurredAt", kind, summary)
       SELECT 'v' || i, 't1', 'c' || n, ${ownerOf("n")},
         now() - ((i * 104729) % (365 * 24)) * interval '1 hour', 'ON_SITE', 'Quarterly review ' || i
       FROM generate_series(1::bigint, ${scale.visits}) AS i, LATERAL (SELECT 1 + (i * 7) % ${scale.customers} AS n) c`,
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
       FROM generate_series(1, ${scale.callbacks}) AS i,
         LATERAL (SELECT CASE WHEN i <= 80000 THEN 'cadence' WHEN i <= 190000 THEN 'history' ELSE 'manual' END AS kind) k,
         -- Cadence rows: the i-th tiered customer ((n - 1) % 100 < 80), so each has exactly one.
         LATERAL (SELECT CASE WHEN k.kind = 'cadence' THEN ((i - 1) / 80) * 100 + (i - 1) % 80 + 1
                              ELSE 1 + (i * 31) % ${scale.customers} END AS n) c`,
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
       FROM generate_series(1, ${scale.complaints}) AS i,
         LATERAL (SELECT 1 + (i * 97) % ${scale.customers} AS n) c,
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
       FROM generate_series(1, ${scale.purchaseOrders}) AS i,
         LATERAL (SELECT 1 + (i * 53) % ${scale.customers} AS n) c,
         LATERAL (SELECT (i * 37) % 180 AS back) d`,
    ],
  ];
}

function feishuIdentities(scale: Scale): [string, string] {
  return [
    "member identities",
    `INSERT INTO "MemberIdentity" (id, "tenantId", "memberId", platform, "platformUserId")
       SELECT 'mi' || i, 't1', 'm' || i, 'FEISHU', 'ou_' || i FROM generate_series(1, ${scale.members}) AS i`,
  ];
}
