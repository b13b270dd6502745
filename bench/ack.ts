// Slack acknowledgement load benchmark (npm run bench:ack). Sends sustained, correctly signed
// `/crm customer <name>` slash commands at 50, 200 and 500 requests/s to Accord on PostgreSQL and,
// in the same run, to a bare Bolt app that only acknowledges the command, and reports latency
// (p50/p99/max), errors and Accord's median as a multiple of bare Bolt's.
//
// Setup: drops and recreates the database accord_bench_ack at BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres), migrates it, seeds one Slack workspace with
// members, customers and their history (createMany), starts a fake Slack Web API here (auth.test,
// users.info, response_url), and Accord (bench/ack/ack-server.ts) and bare Bolt (bench/ack/bare-bolt.ts)
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
//
// The parts live in bench/ack/ (seed, fake Slack, child processes, load generator, report), shared
// with the soak benchmark (bench/soak.ts).
import pg from "pg";
import { seededRandom } from "../src/core/shared/random.js";
import { accordEnv, childEnv, logLines, slackEnv, startChild, stopChild, summarizeLogs, type Child } from "./ack/children.js";
import { ABANDON_MS, prime, type Plan } from "./ack/command.js";
import { runPhase, settleDeferred, SLACK_DEADLINE_MS } from "./ack/load.js";
import {
  backendCpu,
  backendCpuDelta,
  loadavgNow,
  PAUSE_MS,
  processCpuMs,
  uptimeLine,
  waitIdle,
} from "./ack/machine.js";
import { costTable, phaseLine, table, TARGET_P99_MS, TARGET_RATE, TARGET_RATIO, verdict, writeResult, type ResultRow } from "./ack/report.js";
import { prepareBench } from "./ack/setup.js";
import { round } from "./ack/stats.js";
import { ADMIN_URL } from "./ack/workspace.js";

const DB_NAME = "accord_bench_ack";
const RATES = parseRates(process.env.BENCH_ACK_RATES) ?? [50, 200, 500];
const WARMUP_S = 3;
const MEASURE_S = parseSeconds(process.env.BENCH_ACK_SECONDS) ?? 20;
/** How long Accord may take to work off a phase's backlog before it is restarted for the next. */
const DRAIN_MAX_MS = 180_000;

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

async function main(): Promise<void> {
  const { startedAt, machine, url, seeded, fake } = await prepareBench("Accord Slack ack benchmark", DB_NAME);

  const children: Child[] = [];
  const rows: ResultRow[] = [];
  let accord: Child;
  const accordChildren: Child[] = [];
  let restarts = 0;
  let failure: unknown;
  try {
    const accordChildEnv = accordEnv(fake.apiUrl, url);
    accord = await startChild(children, "accord", "ack-server.ts", accordChildEnv);
    accordChildren.push(accord);
    const bolt = await startChild(children, "bolt", "bare-bolt.ts", childEnv(slackEnv(fake.apiUrl)));
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
    const random = seededRandom(7);
    const plan = (): Plan => {
      const c = seeded.customers[Math.floor(random() * seeded.customers.length)]!;
      const roll = random();
      const owner = seeded.byId.get(c.ownerId)!;
      const user = roll < 0.75 ? owner : roll < 0.9 ? seeded.byId.get(owner.supervisorId!)! : seeded.byId.get(seeded.managerId)!;
      return { text: `customer ${c.name}`, customerName: c.name, user };
    };

    const phase = { warmupS: WARMUP_S, measureS: MEASURE_S };
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      for (const rate of RATES) {
        // Bare Bolt first, while Accord is quiet: Accord's backlog from the previous rate is drained
        // (or Accord restarted) before anything is measured.
        const boltCpu = processCpuMs(bolt.process.pid);
        const b = (await runPhase("bolt", bolt.port, rate, plan, fake, phase)).stats;
        const boltCpuAfter = processCpuMs(bolt.process.pid);
        b.serverCpuMsPerRequest = boltCpu === null || boltCpuAfter === null ? null : round((boltCpuAfter - boltCpu) / b.total);
        process.stdout.write(phaseLine(b));
        await new Promise((r) => setTimeout(r, PAUSE_MS));

        const accordCpu = processCpuMs(accord.process.pid);
        const pgBefore = await backendCpu(admin, DB_NAME);
        const run = await runPhase("accord", accord.port, rate, plan, fake, phase);
        const drain = await waitIdle(accord.process.pid, DRAIN_MAX_MS);
        settleDeferred(run, fake);
        const a = run.stats;
        const accordCpuAfter = processCpuMs(accord.process.pid);
        const pgAfter = await backendCpu(admin, DB_NAME);
        a.serverCpuMsPerRequest = accordCpu === null || accordCpuAfter === null ? null : round((accordCpuAfter - accordCpu) / a.total);
        a.pgCpuMsPerRequest = pgAfter.size === 0 ? null : round(backendCpuDelta(pgBefore, pgAfter) / a.total);
        a.drainSeconds = round(drain.waitedMs / 1_000);
        a.drained = drain.idle;
        process.stdout.write(phaseLine(a));
        const ratio = a.p50 / b.p50;
        rows.push({ rate, ...verdict(rate, a, ratio), accord: a, bolt: b, medianRatio: round(ratio) });
        if (!drain.idle && rate !== RATES[RATES.length - 1]) {
          process.stdout.write(`  accord still busy after ${DRAIN_MAX_MS / 1_000} s: restarting it for the next rate\n`);
          await stopChild(accord);
          accord = await startChild(children, "accord", "ack-server.ts", accordChildEnv);
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
  const accordLog = summarizeLogs(accordChildren);
  const slackCalls = fake.calls;
  process.stdout.write(`fake Slack Web API calls: ${JSON.stringify(slackCalls)}; response_url posts: ${fake.responseCount()}\n`);
  process.stdout.write(logLines("accord", accordLog));
  for (const r of rows) {
    if (r.accord.sampleErrors.length > 0) process.stdout.write(`sample errors at ${r.rate}/s:\n  ${r.accord.sampleErrors.join("\n  ")}\n`);
  }

  writeResult("ack", startedAt, { ...machine, uptimeAtEnd: endUptime, loadavgAtEnd: loadavgNow() }, {
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
      accordByMessage: accordLog.kinds,
      accordFirst: accordLog.first,
      boltLines: children.find((c) => c.name === "bolt")?.logLines ?? 0,
    },
    accordRestarts: restarts,
  });
  process.exitCode = rows.some((r) => r.missed.length > 0) ? 1 : 0;
}

await main();
