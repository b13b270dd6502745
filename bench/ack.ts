// Slack acknowledgement load benchmark (npm run bench:ack). Sends sustained, correctly signed
// `/crm customer <name>` slash commands at 50, 200 and 500 requests/s to Accord on PostgreSQL and,
// in the same run, to a bare Bolt app that only acknowledges the command, and reports latency
// (p50/p99/max), errors and Accord's median as a multiple of bare Bolt's.
//
// Setup: drops and recreates the database accord_bench_ack at BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres), migrates it, seeds one Slack workspace with
// members, customers and their history (createMany), starts a fake Slack Web API here (auth.test,
// users.info, response_url), and Accord (bench/ack-server.ts) and bare Bolt (bench/bare-bolt.ts)
// as child processes, so neither shares the load generator's event loop.
//
// Before the first rate each server is primed: every seeded user runs the command once, 4 at a
// time, so the first phase does not measure a cold start (JIT, pool, users.info cache).
//
// Load: open loop. Requests are scheduled by the clock at a fixed rate and never wait for earlier
// answers, as Slack's traffic does not. Each rate runs 3 s of warm-up then 20 s measured, against
// bare Bolt and then against Accord. Latency is send -> ack complete. Outcomes per measured
// request: ok (a 200 within 3 s, and for Accord the requested customer's card shown: in the ack,
// or posted to response_url after an empty or "working…" ack, as Accord answers commands), or an
// error: non-200, answered after 3 s (Slack's deadline; abandoned after 10 s), failed connection,
// a 200 with something else than the card, or no card on response_url once Accord is idle again.
// "Time to card" is when the user sees the card: the ack, or the response_url post. Server and
// PostgreSQL CPU per request come from /proc (Linux), so the report shows where the time goes.
// Bounded: rate x 23 requests per phase, loopback only; an Accord still busy 180 s after a phase
// is restarted before the next rate.
//
// Targets (2-core machine): at 200 req/s no error, no ack over 3 s, p99 <= 100 ms; Accord's median
// <= 1.5x bare Bolt's. Exit code 1 when a target is missed. The table is also written as JSON to
// bench/results/ack-<date>.json. BENCH_ACK_RATES (e.g. "50,200") and BENCH_ACK_SECONDS shorten a
// run while iterating; the defaults are the benchmark.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Prisma } from "@prisma/client";
import { slackCatalog } from "../src/adapters/slack/messages.js";
import { createPrisma } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { normalizeName } from "../src/core/customers/rules.js";
import { addDays, localDateOf, toDateColumn } from "../src/core/shared/time.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB_NAME = "accord_bench_ack";
const TZ = "Asia/Shanghai";
const TEAM_ID = "T0BENCHACK";
const BOT_TOKEN = "xoxb-bench";
const SIGNING_SECRET = randomBytes(16).toString("hex");

const RATES = parseRates(process.env.BENCH_ACK_RATES) ?? [50, 200, 500];
const WARMUP_S = 3;
const MEASURE_S = parseSeconds(process.env.BENCH_ACK_SECONDS) ?? 20;
/** Slack shows the user an error when the ack takes longer than this. */
const SLACK_DEADLINE_MS = 3_000;
/** A request still unanswered after this is abandoned (counted as failed). */
const ABANDON_MS = 10_000;
/** Idle time between phases, so one phase's stragglers do not land in the next. */
const PAUSE_MS = 1_500;
/** How long Accord may take to work off a phase's backlog before it is restarted for the next. */
const DRAIN_MAX_MS = 180_000;

const TARGET_RATE = 200;
const TARGET_P99_MS = 100;
const TARGET_RATIO = 1.5;

const SCALE = { supervisors: 12, specialists: 287, customers: 600 };

function parseRates(raw: string | undefined): number[] | undefined {
  if (!raw) return undefined;
  const rates = raw.split(",").map((s) => Number(s.trim()));
  if (rates.some((r) => !Number.isFinite(r) || r <= 0 || r > 2_000)) throw new Error(`BENCH_ACK_RATES: bad rate list ${raw}`);
  return rates;
}

function parseSeconds(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) throw new Error(`BENCH_ACK_SECONDS: must be 1..300, not ${raw}`);
  return seconds;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// -----------------------------------------------------------------------------------------------
// Machine

interface MachineInfo {
  nproc: number;
  model: string;
  memoryGb: number;
  node: string;
  postgres: string;
  uptime: string;
  loadavg: number[];
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":").slice(1).join(":").trim();
  } catch {
    // Not Linux: os.cpus() below knows the model too.
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function uptimeLine(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  }
}

const load1 = () => Number(os.loadavg()[0]!.toFixed(2));

// Linux reports process CPU time in clock ticks of 1/100 s (CLK_TCK, 100 on every mainstream kernel).
const TICK_MS = 10;

/** User + system CPU time of a process (all its threads), ms; null where /proc is unavailable. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU time of every PostgreSQL backend serving the bench database, by pid. */
async function backendCpu(admin: pg.Client): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [DB_NAME]);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

/**
 * CPU the backends used between two snapshots. Approximate: a backend that exited in between
 * (the pool closes idle connections) takes its share with it.
 */
function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * Waits until the process has been idle (under 10 % of a core over half a second), at most maxMs.
 * An overloaded Accord acks with "working…" and goes on answering through response_url, so its
 * backlog can outlast the phase that caused it.
 */
async function waitIdle(pid: number | undefined, maxMs: number): Promise<{ idle: boolean; waitedMs: number }> {
  const started = performance.now();
  let last = processCpuMs(pid);
  if (last === null) {
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    return { idle: true, waitedMs: PAUSE_MS };
  }
  while (performance.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = processCpuMs(pid);
    if (now === null) break;
    const busy = (now - last) / 500;
    last = now;
    if (busy < 0.1) return { idle: true, waitedMs: Math.round(performance.now() - started) };
  }
  return { idle: false, waitedMs: Math.round(performance.now() - started) };
}

// -----------------------------------------------------------------------------------------------
// Seed: one Slack workspace, a department (manager, supervisors, specialists), customers with
// contacts, visits, orders, an open cadence callback each, some done callbacks and open complaints.

interface SeedMember {
  id: string;
  slackId: string;
  name: string;
  supervisorId: string | null;
}

interface SeedCustomer {
  id: string;
  name: string;
  ownerId: string;
}

interface Seeded {
  members: SeedMember[];
  customers: SeedCustomer[];
  /** The member behind each seeded Slack user id. */
  byId: Map<string, SeedMember>;
  managerId: string;
  rows: Record<string, number>;
}

/** mulberry32: a small deterministic generator, so every run seeds the same department. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英"];
const PLACES = ["华东", "华南", "华北", "西南", "东北", "江苏", "浙江", "广东", "四川", "湖北", "山东", "福建"];
const TRADES = ["精密机械", "电子科技", "医药", "新材料", "物流", "食品", "化工", "汽车零部件", "建材", "纺织"];
const EN_NAMES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure Works", "Wide World", "Proseware"];
const EN_TRADES = ["Trading", "Logistics", "Electronics", "Foods", "Materials", "Instruments"];

async function createDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(url);
}

async function seed(url: string): Promise<Seeded> {
  const random = rng(20_261_123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const personName = () => pick(SURNAMES) + pick(GIVEN);
  const now = new Date();
  const today = localDateOf(now, TZ);
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  const tenantId = randomUUID();
  const member = (name: string, supervisorId: string | null, n: number): SeedMember => ({
    id: randomUUID(),
    slackId: `U0BENCH${String(n).padStart(4, "0")}`,
    name,
    supervisorId,
  });
  const manager = member(`部门经理 ${personName()}`, null, 0);
  const supervisors = Array.from({ length: SCALE.supervisors }, (_, i) => member(`主管 ${personName()}`, manager.id, 1 + i));
  const specialists = Array.from({ length: SCALE.specialists }, (_, i) =>
    member(`客户经理 ${personName()}`, supervisors[i % supervisors.length]!.id, 1 + SCALE.supervisors + i),
  );
  const members = [manager, ...supervisors, ...specialists];

  const usedNames = new Set<string>();
  const customers: SeedCustomer[] = [];
  const customerRows: Prisma.CustomerCreateManyInput[] = [];
  while (customers.length < SCALE.customers) {
    const n = customers.length;
    // Two in three Chinese names; the numeric suffix keeps every name unique without making one a
    // prefix of another, so each lookup is the exact-name path.
    const name =
      n % 3 === 2
        ? `${pick(EN_NAMES)} ${pick(EN_TRADES)} ${String(n).padStart(4, "0")}`
        : `${pick(PLACES)}${pick(TRADES)}有限公司 ${String(n).padStart(4, "0")}`;
    if (usedNames.has(name)) continue;
    usedNames.add(name);
    const owner = pick(specialists);
    const tierRoll = random();
    const tier = tierRoll < 0.05 ? "VIP" : tierRoll < 0.25 ? "A" : tierRoll < 0.85 ? "B" : "C";
    const annualYuan = tier === "VIP" ? int(5_000_000, 20_000_000) : tier === "A" ? int(1_000_000, 4_999_999) : tier === "B" ? int(10_000, 999_999) : 0;
    const id = randomUUID();
    customers.push({ id, name, ownerId: owner.id });
    customerRows.push({
      id,
      tenantId,
      name,
      nameKey: normalizeName(name),
      industry: pick(["制造", "医药", "物流", "零售", "能源"]),
      region: pick(PLACES),
      tier,
      ownerId: owner.id,
      status: tier === "C" ? "PROSPECT" : random() < 0.05 ? "AT_RISK" : "ACTIVE",
      annualPurchaseFen: BigInt(annualYuan) * 100n,
      cooperationStart: tier === "C" ? null : toDateColumn(addDays(today, -int(100, 3_000))),
      lastContactAt: tier === "C" ? null : daysAgo(int(1, 200)),
    });
  }

  const contacts: Prisma.ContactCreateManyInput[] = [];
  const visits: Prisma.VisitCreateManyInput[] = [];
  const orders: Prisma.PurchaseOrderCreateManyInput[] = [];
  const callbacks: Prisma.CallbackCreateManyInput[] = [];
  const complaints: Prisma.ComplaintCreateManyInput[] = [];
  let complaintNo = 0;
  for (const [i, c] of customers.entries()) {
    const row = customerRows[i]!;
    for (let k = 0; k < int(1, 2); k++) {
      contacts.push({ tenantId, customerId: c.id, name: personName(), title: pick(["采购经理", "总经理", "财务总监"]), phone: `1380000${String(int(0, 9999)).padStart(4, "0")}` });
    }
    for (let k = 0; k < int(2, 6); k++) {
      visits.push({ tenantId, customerId: c.id, visitorId: c.ownerId, occurredAt: daysAgo(int(1, 300)), kind: pick(["ON_SITE", "PHONE", "VIDEO"]), summary: `季度回顾 ${k + 1}` });
    }
    if (row.tier === "C") continue;
    for (let k = 0; k < int(3, 8); k++) {
      orders.push({ tenantId, customerId: c.id, orderedOn: toDateColumn(addDays(today, -int(1, 180))), amountFen: BigInt(int(10_000, 500_000)) * 100n });
    }
    callbacks.push({
      tenantId,
      customerId: c.id,
      assigneeId: c.ownerId,
      dueOn: toDateColumn(addDays(today, int(-20, 60))),
      reason: "CADENCE",
      openCadenceKey: c.id,
    });
    if (random() < 0.5) {
      callbacks.push({
        tenantId,
        customerId: c.id,
        assigneeId: c.ownerId,
        dueOn: toDateColumn(addDays(today, -int(10, 90))),
        reason: "AFTER_VISIT",
        status: "DONE",
        satisfaction: int(1, 5),
        completedAt: daysAgo(int(5, 80)),
        completedById: c.ownerId,
      });
    }
    if (random() < 0.12) {
      // Deadlines still ahead, so an SLA sweep (if the scheduler runs) finds nothing to escalate.
      const severity = pick(["LOW", "MEDIUM", "HIGH"] as const);
      const ackHours = severity === "HIGH" ? 4 : severity === "MEDIUM" ? 24 : 48;
      const resolveHours = severity === "HIGH" ? 72 : severity === "MEDIUM" ? 168 : 336;
      const acknowledged = random() < 0.5;
      const created = new Date(now.getTime() - (acknowledged ? int(2, resolveHours / 2) : int(0, ackHours / 2)) * 3_600_000);
      complaints.push({
        tenantId,
        number: ++complaintNo,
        customerId: c.id,
        reporterId: c.ownerId,
        assigneeId: c.ownerId,
        severity,
        category: pick(["PRODUCT", "SERVICE", "DELIVERY"]),
        description: "交货延迟，客户要求说明原因",
        status: acknowledged ? "ACKNOWLEDGED" : "OPEN",
        ackDueAt: new Date(created.getTime() + ackHours * 3_600_000),
        resolveDueAt: new Date(created.getTime() + resolveHours * 3_600_000),
        acknowledgedAt: acknowledged ? new Date(created.getTime() + 3_600_000) : null,
        createdAt: created,
      });
    }
  }

  const db = createPrisma(url, { poolSize: 2 });
  try {
    await db.tenant.create({
      data: { id: tenantId, platform: "SLACK", externalId: TEAM_ID, name: "accord-bench", timeZone: TZ, locale: "zh-CN", nextComplaintNo: complaintNo + 1 },
    });
    // Supervisors before their reports: supervisorId references Member.
    for (const group of [[manager], supervisors, specialists]) {
      await db.member.createMany({
        data: group.map((m, i) => ({
          id: m.id,
          tenantId,
          displayName: m.name,
          role: m === manager ? "MANAGER" : m.supervisorId === manager.id ? "SUPERVISOR" : "SPECIALIST",
          supervisorId: m.supervisorId,
          createdAt: daysAgo(400 - (i % 300)),
        })),
      });
    }
    await db.memberIdentity.createMany({ data: members.map((m) => ({ tenantId, memberId: m.id, platform: "SLACK" as const, platformUserId: m.slackId })) });
    await db.customer.createMany({ data: customerRows });
    await db.contact.createMany({ data: contacts });
    await db.visit.createMany({ data: visits });
    await db.purchaseOrder.createMany({ data: orders });
    await db.callback.createMany({ data: callbacks });
    await db.complaint.createMany({ data: complaints });
    await db.$executeRawUnsafe("ANALYZE");
  } finally {
    await db.$disconnect();
  }
  return {
    members,
    customers,
    byId: new Map(members.map((m) => [m.id, m])),
    managerId: manager.id,
    rows: {
      members: members.length,
      customers: customers.length,
      contacts: contacts.length,
      visits: visits.length,
      purchaseOrders: orders.length,
      callbacks: callbacks.length,
      complaints: complaints.length,
    },
  };
}

// -----------------------------------------------------------------------------------------------
// Fake Slack: the few Web API methods Accord calls while answering a command (auth.test at start,
// users.info per new user; the outbox's DMs answered in kind), and the response_url endpoints,
// where "working…" acks are followed by the real answer. Shapes as in test/fakes/slack.ts; kept
// here, tiny, because this one must stay cheap under load and record only what the report needs.

interface ResponsePost {
  body: unknown;
  /** Date.now() when the post arrived. */
  at: number;
}

interface FakeSlack {
  baseUrl: string;
  /** SLACK_API_URL */
  apiUrl: string;
  /** Web API calls by method. */
  calls: Record<string, number>;
  /** First post to each response_url, by the id at the end of the URL. */
  responses: Map<string, ResponsePost>;
  responseCount(): number;
  close(): Promise<void>;
}

async function startFakeSlack(users: Map<string, SeedMember>): Promise<FakeSlack> {
  const calls: Record<string, number> = {};
  const responses = new Map<string, ResponsePost>();
  let responsePosts = 0;
  let seq = 0;
  const json = (res: http.ServerResponse, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const at = Date.now();
      const pathname = (req.url ?? "/").split("?")[0]!;
      if (pathname.startsWith("/response/")) {
        responsePosts++;
        const id = pathname.slice("/response/".length);
        // The last post counts: an answer replaces a "working…" placeholder.
        responses.set(id, { body: parseJson(raw), at });
        return json(res, { ok: true });
      }
      const method = pathname.replace(/^\/api\//, "");
      calls[method] = (calls[method] ?? 0) + 1;
      // The WebClient posts form-encoded arguments.
      const args = (req.headers["content-type"] ?? "").startsWith("application/json")
        ? ((parseJson(raw) ?? {}) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      switch (method) {
        case "auth.test":
          return json(res, { ok: true, url: "https://accord-bench.slack.com/", team: "Accord Bench", user: "accord", team_id: TEAM_ID, user_id: "UBENCHBOT", bot_id: "BBENCH" });
        case "users.info": {
          const user = users.get(String(args.user));
          if (!user) return json(res, { ok: false, error: "user_not_found" });
          return json(res, {
            ok: true,
            user: { id: user.slackId, team_id: TEAM_ID, name: user.slackId.toLowerCase(), real_name: user.name, profile: { display_name: user.name, real_name: user.name } },
          });
        }
        case "conversations.open":
          return json(res, { ok: true, channel: { id: `D${String(args.users ?? "").split(",")[0]}` } });
        case "chat.postMessage":
        case "chat.update":
          return json(res, { ok: true, channel: args.channel, ts: `${Math.floor(at / 1000)}.${String(++seq).padStart(6, "0")}` });
        default:
          return json(res, { ok: true });
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    calls,
    responses,
    responseCount: () => responsePosts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// -----------------------------------------------------------------------------------------------
// Child processes

interface Child {
  name: string;
  process: ChildProcess;
  port: number;
  /** stderr lines (warnings and errors the server logged), the first ones kept. */
  log: string[];
  logLines: number;
  /** How often each message was logged (pino's msg, with the error's first line). */
  logKinds: Map<string, number>;
}

/** "msg: error message" of a pino JSON line, or the line itself. */
function logKind(line: string): string {
  const parsed = parseJson(line) as { msg?: string; err?: { message?: string } } | null;
  if (!parsed?.msg) return line.slice(0, 120);
  const err = parsed.err?.message?.trim().split("\n").pop()?.trim();
  return err ? `${parsed.msg}: ${err.slice(0, 120)}` : parsed.msg;
}

/** Starts a server child and registers it in `children` at once, so even a failed start gets stopped. */
async function startChild(children: Child[], name: string, script: string, env: NodeJS.ProcessEnv): Promise<Child> {
  // `node --import tsx` runs the TypeScript directly, without the tsx CLI's extra process in between.
  // BENCH_ACK_PROFILE=<dir> writes a V8 CPU profile of each server child there (see README).
  const profile = process.env.BENCH_ACK_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_ACK_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(ROOT, "bench", script)], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const entry: Child = { name, process: child, port: 0, log: [], logLines: 0, logKinds: new Map() };
  children.push(entry);
  createInterface({ input: child.stderr! }).on("line", (line) => {
    entry.logLines++;
    if (entry.log.length < 50) entry.log.push(line);
    const kind = logKind(line);
    entry.logKinds.set(kind, (entry.logKinds.get(kind) ?? 0) + 1);
  });
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s:\n${entry.log.join("\n")}`)), 120_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const message = JSON.parse(line) as { ready?: string; port?: number };
        if (message.ready && message.port) {
          clearTimeout(timer);
          resolve(message.port);
        }
      } catch {
        // Not the readiness line.
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${entry.log.join("\n")}`));
    });
  });
  entry.port = await ready;
  return entry;
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The environment for a child: ours without any Slack, Feishu or Accord settings, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SLACK_|FEISHU_|ACCORD_|DATABASE_URL$|PORT$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

// -----------------------------------------------------------------------------------------------
// Load generator

interface Plan {
  text: string;
  customerName: string;
  user: SeedMember;
}

interface PhaseStats {
  rate: number;
  target: "accord" | "bolt";
  /** Measured requests (the warm-up not included). */
  sent: number;
  /**
   * Acknowledged with 200 within 3 s; for Accord, and the requested customer's card shown: in the
   * ack, or posted to response_url afterwards.
   */
  ok: number;
  /**
   * Accord only: acknowledged in time without the card (an empty ack, or "working…"), the card to
   * follow on response_url. Not an error by Slack's rules; an error when no card followed.
   */
  deferred: number;
  /** Of the deferred: the card did arrive on response_url. */
  deferredCard: number;
  errors: number;
  non200: number;
  /** Answered after Slack's 3 s: Slack has shown the user an error by then. */
  late: number;
  /** Connection failed, or no answer after 10 s. */
  failed: number;
  /** 200 in time, but neither the card nor "working…" (an apology, a wrong card). */
  otherAnswer: number;
  /** "working…" and then no card on response_url (an apology, or nothing). */
  deferredFailed: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Accord only: send -> the card on screen (in the ack, or posted to response_url), ms. */
  timeToCardP50?: number;
  timeToCardP99?: number;
  /** How late the generator itself sent, ms: if this grows, the generator (not the server) was behind. */
  sendLagP99: number;
  sendLagMax: number;
  durationS: number;
  /** Requests sent including the warm-up. */
  total: number;
  /**
   * Server process CPU per request sent (warm-up included), ms. For Accord the window runs until it
   * was idle again, so work finished after a "working…" ack counts too.
   */
  serverCpuMsPerRequest: number | null;
  /** Accord only: CPU of the PostgreSQL backends serving it, per request, ms (approximate). */
  pgCpuMsPerRequest?: number | null;
  /** Accord only: how long it kept working after the last ack. */
  drainSeconds?: number;
  drained?: boolean;
  load1Before: number;
  load1After: number;
  /** A few answers that were errors, for the log. */
  sampleErrors: string[];
}

/** A measured request acknowledged with "working…": its card should come to response_url. */
interface Deferred {
  responseId: string;
  /** Date.now() at send: the fake Slack stamps response_url posts with Date.now(). */
  sentAtWall: number;
  customerName: string;
}

interface PhaseRun {
  stats: PhaseStats;
  deferred: Deferred[];
  /** Send -> card latencies of the cards that came in the ack. */
  cardInAckMs: number[];
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

const PLACEHOLDERS = new Set([slackCatalog.en["slack.working"], slackCatalog["zh-CN"]["slack.working"]]);

function commandBody(plan: Plan, responseId: string, fake: FakeSlack, seq: number): string {
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: TEAM_ID,
    team_domain: "accord-bench",
    channel_id: "C0BENCH",
    channel_name: "general",
    user_id: plan.user.slackId,
    user_name: plan.user.name,
    command: "/crm",
    text: plan.text,
    api_app_id: "A0ACCORD",
    is_enterprise_install: "false",
    response_url: `${fake.baseUrl}/response/${responseId}`,
    // Unique per request, as Slack's are: Accord de-duplicates re-deliveries by it.
    trigger_id: `${seq}.${Date.now()}.${randomBytes(8).toString("hex")}`,
  }).toString();
}

function sign(body: string): { timestamp: string; signature: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { timestamp, signature: `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}` };
}

function slackHeaders(body: string, timestamp: string, signature: string): http.OutgoingHttpHeaders {
  return {
    // Exactly this: Bolt's receiver refuses a charset suffix.
    "content-type": "application/x-www-form-urlencoded",
    "content-length": Buffer.byteLength(body),
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
  };
}

/** One signed command, answered or not within 10 s; resolves with the HTTP status (0: no answer). */
function postCommand(port: number, agent: http.Agent, body: string): Promise<number> {
  const { timestamp, signature } = sign(body);
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers: slackHeaders(body, timestamp, signature), timeout: ABANDON_MS },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/**
 * Before anything is measured, every seeded user runs the command once, a few at a time (closed
 * loop): the server's JIT, its connection pool and its users.info cache reach the state of a
 * service that has been up for a while, instead of the first phase paying for a cold start.
 */
async function prime(port: number, seeded: Seeded, fake: FakeSlack): Promise<{ requests: number; seconds: number; non200: number }> {
  const byOwner = new Map<string, SeedCustomer>();
  for (const c of seeded.customers) if (!byOwner.has(c.ownerId)) byOwner.set(c.ownerId, c);
  const plans = seeded.members.map((m): Plan => {
    const c =
      byOwner.get(m.id) ??
      seeded.customers.find((x) => seeded.byId.get(x.ownerId)?.supervisorId === m.id) ??
      seeded.customers[0]!;
    return { text: `customer ${c.name}`, customerName: c.name, user: m };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const started = performance.now();
  let next = 0;
  let non200 = 0;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const status = await postCommand(port, agent, commandBody(plans[index]!, `prime-${port}-${index}`, fake, index));
      if (status !== 200) non200++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  agent.destroy();
  return { requests: plans.length, seconds: round((performance.now() - started) / 1_000), non200 };
}

/**
 * What Accord answered: the card of the customer asked for, an answer still to come on
 * response_url (an empty ack, or "working…"), or something else.
 */
function classifyAccordAnswer(body: unknown, customerName: string): "card" | "placeholder" | "other" {
  if (body === null || body === undefined) return "placeholder";
  const json = body as { text?: string };
  if (json.text && PLACEHOLDERS.has(json.text)) return "placeholder";
  return JSON.stringify(json).includes(customerName) ? "card" : "other";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function runPhase(
  target: "accord" | "bolt",
  port: number,
  rate: number,
  plans: () => Plan,
  fake: FakeSlack,
): Promise<PhaseRun> {
  const warmup = Math.round(rate * WARMUP_S);
  const measured = Math.round(rate * MEASURE_S);
  const total = warmup + measured;
  const intervalMs = 1_000 / rate;
  const latencies = new Float64Array(measured);
  const lags = new Float64Array(measured);
  const stats = { ok: 0, deferred: 0, non200: 0, late: 0, failed: 0, otherAnswer: 0 };
  const deferred: Deferred[] = [];
  const cardInAckMs: number[] = [];
  const samples: string[] = [];
  const sampled: Record<string, number> = {};
  const phaseTag = `${target}${rate}-${randomBytes(3).toString("hex")}`;
  // A fresh pool per phase: each target gets its own warm connections, none left over.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4_096, maxFreeSockets: 256 });
  const load1Before = load1();
  let sent = 0;
  let outstanding = 0;
  let allAnswered!: () => void;
  const answered = new Promise<void>((resolve) => (allAnswered = resolve));
  let finished = false;
  const maybeDone = () => {
    if (!finished && sent === total && outstanding === 0) {
      finished = true;
      allAnswered();
    }
  };

  const fire = (index: number, scheduledAt: number) => {
    const plan = plans();
    const responseId = `${phaseTag}-${index}`;
    const body = commandBody(plan, responseId, fake, index);
    const { timestamp, signature } = sign(body);
    const startedAt = performance.now();
    const sentAtWall = Date.now();
    const record = index >= warmup;
    const slot = index - warmup;
    if (record) lags[slot] = startedAt - scheduledAt;
    outstanding++;
    let settled = false;
    const settle = (outcome: "ok" | "placeholder" | "other" | "non200" | "failed", status: number, answer: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(abandon);
      outstanding--;
      const latency = performance.now() - startedAt;
      if (record) {
        latencies[slot] = latency;
        if (outcome === "failed") stats.failed++;
        else if (outcome === "non200") stats.non200++;
        else if (latency > SLACK_DEADLINE_MS) stats.late++;
        else if (outcome === "other") stats.otherAnswer++;
        else if (outcome === "placeholder") {
          stats.deferred++;
          deferred.push({ responseId, sentAtWall, customerName: plan.customerName });
        } else {
          stats.ok++;
          if (target === "accord") cardInAckMs.push(latency);
        }
        if (outcome === "other" || outcome === "non200" || outcome === "failed") {
          // Two examples of each kind, so a flood of one kind does not hide the others.
          sampled[outcome] = (sampled[outcome] ?? 0) + 1;
          if (sampled[outcome]! <= 2) samples.push(`${outcome}: ${status} ${answer.slice(0, 300)}`);
        }
      }
      maybeDone();
    };
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: "/slack/events",
        method: "POST",
        headers: slackHeaders(body, timestamp, signature),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", () => settle("failed", res.statusCode ?? 0, "response error"));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const answer = Buffer.concat(chunks).toString("utf8");
          if (status !== 200) return settle("non200", status, answer);
          if (target === "bolt") return settle("ok", status, answer);
          const kind = classifyAccordAnswer(parseJson(answer), plan.customerName);
          settle(kind === "card" ? "ok" : kind, status, answer);
        });
      },
    );
    const abandon = setTimeout(() => req.destroy(new Error("abandoned after 10 s")), ABANDON_MS);
    req.on("error", (err) => settle("failed", 0, err.message));
    req.end(body);
  };

  const startedAt = performance.now() + 5;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Everything due is sent now, late or not: the schedule, not the answers, sets the pace.
      while (sent < total && startedAt + sent * intervalMs <= now) {
        const index = sent++;
        fire(index, startedAt + index * intervalMs);
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, startedAt + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const lastSentAt = performance.now();
  maybeDone();
  await answered;
  agent.destroy();

  const sorted = latencies.slice().sort();
  const sortedLags = lags.slice().sort();
  return {
    deferred,
    cardInAckMs,
    stats: {
      rate,
      target,
      sent: measured,
      ok: stats.ok,
      deferred: stats.deferred,
      deferredCard: 0,
      errors: stats.non200 + stats.late + stats.failed + stats.otherAnswer,
      non200: stats.non200,
      late: stats.late,
      failed: stats.failed,
      otherAnswer: stats.otherAnswer,
      deferredFailed: 0,
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
      mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
      sendLagP99: round(percentile(sortedLags, 99)),
      sendLagMax: round(sortedLags[sortedLags.length - 1] ?? Number.NaN),
      durationS: round((lastSentAt - startedAt) / 1_000 - WARMUP_S),
      total,
      serverCpuMsPerRequest: null,
      load1Before,
      load1After: load1(),
      sampleErrors: samples,
    },
  };
}

/**
 * After Accord has worked off the phase: which "working…" acks were followed by the card on
 * response_url, and how long each user waited for their card.
 */
function settleDeferred(run: PhaseRun, fake: FakeSlack): void {
  const posts = fake.responses;
  const toCard = [...run.cardInAckMs];
  for (const d of run.deferred) {
    const post = posts.get(d.responseId);
    if (post && classifyAccordAnswer(post.body, d.customerName) === "card") {
      run.stats.deferredCard++;
      run.stats.ok++;
      toCard.push(post.at - d.sentAtWall);
    } else {
      run.stats.deferredFailed++;
      if (run.stats.deferredFailed <= 2) {
        run.stats.sampleErrors.push(`"working…", then ${post ? JSON.stringify(post.body).slice(0, 300) : "nothing on response_url"}`);
      }
    }
  }
  run.stats.errors += run.stats.deferredFailed;
  toCard.sort((a, b) => a - b);
  run.stats.timeToCardP50 = round(percentile(toCard, 50));
  run.stats.timeToCardP99 = round(percentile(toCard, 99));
}

// -----------------------------------------------------------------------------------------------
// Report

interface ResultRow {
  rate: number;
  targets: string;
  accord: PhaseStats;
  bolt: PhaseStats;
  /** Accord's median / bare Bolt's median. */
  medianRatio: number;
  missed: string[];
}

function verdict(rate: number, accord: PhaseStats, ratio: number): { targets: string; missed: string[] } {
  const missed: string[] = [];
  const targets: string[] = [];
  if (rate === TARGET_RATE) {
    targets.push("0 errors", "max ≤ 3 s", `p99 ≤ ${TARGET_P99_MS} ms`);
    if (accord.errors > 0) missed.push(`${accord.errors} errors`);
    if (accord.max > SLACK_DEADLINE_MS) missed.push(`max ${accord.max} ms > 3 s`);
    if (accord.p99 > TARGET_P99_MS) missed.push(`p99 ${accord.p99} ms > ${TARGET_P99_MS} ms`);
  }
  targets.push(`p50 ≤ ${TARGET_RATIO}× bolt`);
  if (!(ratio <= TARGET_RATIO)) missed.push(`median ${ratio.toFixed(1)}× bolt > ${TARGET_RATIO}×`);
  return { targets: targets.join(", "), missed };
}

function errorsText(p: PhaseStats): string {
  if (p.errors === 0) return "0";
  const parts: Array<[number, string]> = [
    [p.non200, "non-200"],
    [p.late, "> 3 s"],
    [p.failed, "failed"],
    [p.otherAnswer, "wrong answer"],
    [p.deferredFailed, "no card on response_url"],
  ];
  return `${p.errors} (${parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(", ")})`;
}

function table(rows: ResultRow[]): string {
  const header = ["rate/s", "target", "sent", "ok", "via response_url", "errors", "p50 ms", "p99 ms", "max ms", "bolt p50", "bolt p99", "p50 ratio", "load1", "met"];
  const body = rows.map((r) => [
    String(r.rate),
    r.targets,
    String(r.accord.sent),
    String(r.accord.ok),
    String(r.accord.deferredCard),
    errorsText(r.accord),
    r.accord.p50.toFixed(1),
    r.accord.p99.toFixed(1),
    r.accord.max.toFixed(1),
    r.bolt.p50.toFixed(1),
    r.bolt.p99.toFixed(1),
    `${r.medianRatio.toFixed(2)}×`,
    r.accord.load1Before.toFixed(2),
    r.missed.length === 0 ? "✓" : `✗ ${r.missed.join("; ")}`,
  ]);
  return grid(header, body);
}

const msText = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(1));

/** Where the time goes: CPU per request of each process, Accord's backlog, the generator's own lag. */
function costTable(rows: ResultRow[]): string {
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? "?" : v.toFixed(2));
  const header = [
    "rate/s",
    "time to card p50 / p99 ms",
    "accord CPU ms/req",
    "PostgreSQL CPU ms/req",
    "bolt CPU ms/req",
    "accord p90 ms",
    "accord drained after",
    "send lag p99 ms (accord / bolt)",
  ];
  const body = rows.map((r) => [
    String(r.rate),
    r.accord.deferredCard + r.accord.ok === 0 ? "no card in time or later" : `${msText(r.accord.timeToCardP50)} / ${msText(r.accord.timeToCardP99)}`,
    ms(r.accord.serverCpuMsPerRequest),
    ms(r.accord.pgCpuMsPerRequest),
    ms(r.bolt.serverCpuMsPerRequest),
    r.accord.p90.toFixed(1),
    `${r.accord.drainSeconds ?? "?"} s${r.accord.drained === false ? " (still busy)" : ""}`,
    `${r.accord.sendLagP99.toFixed(1)} / ${r.bolt.sendLagP99.toFixed(1)}`,
  ]);
  return grid(header, body);
}

function grid(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}

function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, "-").replace(/\..*$/, "");
}

// -----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine: MachineInfo = {
    nproc: os.availableParallelism(),
    model: cpuModel(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: "",
    uptime: uptimeLine(),
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  process.stdout.write(`Accord Slack ack benchmark — ${startedAt.toISOString()}\n`);
  process.stdout.write(`machine: ${machine.nproc} CPUs (nproc), ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}\n`);
  process.stdout.write(`uptime: ${machine.uptime}\n`);

  const url = withDatabase(ADMIN_URL, DB_NAME);
  await createDatabase(url);
  {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    machine.postgres = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    await client.end();
  }
  const seeded = await seed(url);
  process.stdout.write(`database: ${DB_NAME} on PostgreSQL ${machine.postgres}; seeded ${Object.entries(seeded.rows).map(([k, v]) => `${v} ${k}`).join(", ")}\n`);

  const fake = await startFakeSlack(new Map(seeded.members.map((m) => [m.slackId, m])));

  const children: Child[] = [];
  const rows: ResultRow[] = [];
  let accord: Child;
  const accordChildren: Child[] = [];
  let restarts = 0;
  const report = (p: PhaseStats) =>
    process.stdout.write(
      `  ${String(p.rate).padStart(3)}/s ${p.target.padEnd(6)}: p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms, ${p.errors} errors` +
        (p.deferred > 0 ? `, ${p.deferred} acks without the card (${p.deferredCard} cards followed on response_url)` : "") +
        (p.timeToCardP50 !== undefined && !Number.isNaN(p.timeToCardP50) ? `, time to card p50 ${p.timeToCardP50} ms p99 ${p.timeToCardP99} ms` : "") +
        `, server CPU ${p.serverCpuMsPerRequest ?? "?"} ms/req` +
        (p.pgCpuMsPerRequest !== undefined ? `, PostgreSQL CPU ${p.pgCpuMsPerRequest ?? "?"} ms/req, drained in ${p.drainSeconds} s` : "") +
        `, send lag p99 ${p.sendLagP99} ms, load ${p.load1Before}\n`,
    );
  let failure: unknown;
  try {
    const slackEnv = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: fake.apiUrl };
    const accordEnv = childEnv({ ...slackEnv, DATABASE_URL: url, PORT: "0", ACCORD_LOG_LEVEL: "warn", ACCORD_TIMEZONE: TZ, ACCORD_LOCALE: "zh-CN" });
    accord = await startChild(children, "accord", "ack-server.ts", accordEnv);
    accordChildren.push(accord);
    const bolt = await startChild(children, "bolt", "bare-bolt.ts", childEnv(slackEnv));
    process.stdout.write(`accord on :${accord.port} (pid ${accord.process.pid}), bare bolt on :${bolt.port} (pid ${bolt.process.pid})\n`);
    process.stdout.write(`per rate: ${WARMUP_S} s warm-up + ${MEASURE_S} s measured, bare Bolt then Accord; open loop, keep-alive\n`);

    for (const [name, child] of [["bare bolt", bolt], ["accord", accord]] as const) {
      const primed = await prime(child.port, seeded, fake);
      const idle = await waitIdle(child.process.pid, DRAIN_MAX_MS);
      process.stdout.write(
        `primed ${name}: ${primed.requests} commands (every seeded user once, 4 at a time) in ${primed.seconds} s, ${primed.non200} not 200` +
          `${idle.idle ? "" : ", still busy afterwards"}\n`,
      );
    }
    process.stdout.write("\n");

    // What a department does: mostly account managers opening their own customers, sometimes their
    // supervisor or the head of department (who may open any customer of their team).
    const random = rng(7);
    const plan = (): Plan => {
      const c = seeded.customers[Math.floor(random() * seeded.customers.length)]!;
      const roll = random();
      const owner = seeded.byId.get(c.ownerId)!;
      const user = roll < 0.75 ? owner : roll < 0.9 ? seeded.byId.get(owner.supervisorId!)! : seeded.byId.get(seeded.managerId)!;
      return { text: `customer ${c.name}`, customerName: c.name, user };
    };

    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      for (const rate of RATES) {
        // Bare Bolt first, while Accord is quiet: Accord's backlog from the previous rate is drained
        // (or Accord restarted) before anything is measured.
        const boltCpu = processCpuMs(bolt.process.pid);
        const b = (await runPhase("bolt", bolt.port, rate, plan, fake)).stats;
        const boltCpuAfter = processCpuMs(bolt.process.pid);
        b.serverCpuMsPerRequest = boltCpu === null || boltCpuAfter === null ? null : round((boltCpuAfter - boltCpu) / b.total);
        report(b);
        await new Promise((r) => setTimeout(r, PAUSE_MS));

        const accordCpu = processCpuMs(accord.process.pid);
        const pgBefore = await backendCpu(admin);
        const run = await runPhase("accord", accord.port, rate, plan, fake);
        const drain = await waitIdle(accord.process.pid, DRAIN_MAX_MS);
        settleDeferred(run, fake);
        const a = run.stats;
        const accordCpuAfter = processCpuMs(accord.process.pid);
        const pgAfter = await backendCpu(admin);
        a.serverCpuMsPerRequest = accordCpu === null || accordCpuAfter === null ? null : round((accordCpuAfter - accordCpu) / a.total);
        a.pgCpuMsPerRequest = pgAfter.size === 0 ? null : round(backendCpuDelta(pgBefore, pgAfter) / a.total);
        a.drainSeconds = round(drain.waitedMs / 1_000);
        a.drained = drain.idle;
        report(a);
        const ratio = a.p50 / b.p50;
        rows.push({ rate, ...verdict(rate, a, ratio), accord: a, bolt: b, medianRatio: round(ratio) });
        if (!drain.idle && rate !== RATES[RATES.length - 1]) {
          process.stdout.write(`  accord still busy after ${DRAIN_MAX_MS / 1_000} s: restarting it for the next rate\n`);
          await stopChild(accord);
          accord = await startChild(children, "accord", "ack-server.ts", accordEnv);
          accordChildren.push(accord);
          restarts++;
          await prime(accord.port, seeded, fake);
          await waitIdle(accord.process.pid, DRAIN_MAX_MS);
        }
      }
    } finally {
      await admin.end();
    }
  } catch (err) {
    failure = err;
  } finally {
    for (const child of children) await stopChild(child);
    await fake.close();
  }
  if (failure) throw failure;

  const endUptime = uptimeLine();
  process.stdout.write(`\n${table(rows)}\n\n${costTable(rows)}\n\n`);
  process.stdout.write(`uptime at the end: ${endUptime}\n`);
  const accordLog = { lines: 0, first: [] as string[], kinds: new Map<string, number>() };
  for (const c of accordChildren) {
    accordLog.lines += c.logLines;
    accordLog.first.push(...c.log.slice(0, 20 - accordLog.first.length));
    for (const [kind, n] of c.logKinds) accordLog.kinds.set(kind, (accordLog.kinds.get(kind) ?? 0) + n);
  }
  const logKinds = [...accordLog.kinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => ({ count, kind }));
  const slackCalls = fake.calls;
  process.stdout.write(`fake Slack Web API calls: ${JSON.stringify(slackCalls)}; response_url posts: ${fake.responseCount()}\n`);
  if (accordLog.lines > 0) {
    process.stdout.write(
      `accord logged ${accordLog.lines} warning/error lines, most often:\n${logKinds
        .slice(0, 6)
        .map((k) => `  ${String(k.count).padStart(6)} × ${k.kind}`)
        .join("\n")}\n`,
    );
  }
  for (const r of rows) {
    if (r.accord.sampleErrors.length > 0) process.stdout.write(`sample errors at ${r.rate}/s:\n  ${r.accord.sampleErrors.join("\n  ")}\n`);
  }

  const resultsDir = path.join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `ack-${stamp(startedAt)}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: "slack-ack",
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { ...machine, uptimeAtEnd: endUptime, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
        setup: {
          database: DB_NAME,
          seeded: seeded.rows,
          command: "/crm customer <name>",
          priming: "every seeded user once, 4 concurrent, before the first rate and after a restart",
          warmupSeconds: WARMUP_S,
          measuredSeconds: MEASURE_S,
          slackDeadlineMs: SLACK_DEADLINE_MS,
          abandonMs: ABANDON_MS,
          targets: { atRate: TARGET_RATE, errors: 0, maxMs: SLACK_DEADLINE_MS, p99Ms: TARGET_P99_MS, medianRatio: TARGET_RATIO },
        },
        rows,
        fakeSlackCalls: slackCalls,
        responseUrlPosts: fake.responseCount(),
        serverLog: {
          accordLines: accordLog.lines,
          accordByMessage: logKinds.slice(0, 20),
          accordFirst: accordLog.first,
          boltLines: children.find((c) => c.name === "bolt")?.logLines ?? 0,
        },
        accordRestarts: restarts,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`written: ${path.relative(ROOT, file)}\n`);
  process.exitCode = rows.some((r) => r.missed.length > 0) ? 1 : 0;
}

await main();
