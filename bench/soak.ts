// Slack soak benchmark (npm run bench:soak): does Accord's memory stay flat over time? One Accord
// answers a steady stream of correctly signed slash commands for BENCH_SOAK_MINUTES (default 20,
// 1..240) at BENCH_SOAK_RATE requests/s (default 20, 1..200), and its resident memory is sampled
// every 10 s.
//
// Setup as bench:ack (the parts live in bench/ack/): drops and recreates the database
// accord_bench_soak at BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
// seeds the same department (300 members, 600 customers with their history), starts the fake Slack
// Web API here and Accord (bench/ack/ack-server.ts, scheduler off unless BENCH_ACK_SCHEDULER=1) as a
// child process, and primes it (every seeded user's command once).
//
// Load: open loop at a fixed rate, as bench:ack. The mix: 70 % customer cards (`customer <name>`, by
// the owner, their supervisor or the head of department), 15 % the asker's own list
// (`customers mine`) and 15 % searches (`customer find <name without its number>`), each by the
// customer's owner, so every answer names a known customer. An answer counts when it names that
// customer: in the ack, or on response_url within 30 s of the send (Accord acks first and answers
// there). Errors: non-200, an ack after Slack's 3 s, a failed or abandoned (10 s) connection, an
// answer without the customer, or no answer on response_url in time.
//
// Measured: 3 minutes of warm-up at the same rate (excluded from the slope), then the soak. Every
// 10 s: Accord's VmRSS (/proc/<pid>/status; Linux), its CPU over the interval, and the requests
// answered and errors so far. Reported: start RSS (at the end of the warm-up), peak and end RSS of
// the measured period, VmHWM, the least-squares slope in MB/hour of each minute's lowest RSS (what
// stays resident after V8 collects, where a leak shows) and, for information, of every sample
// (tilted by GC's sawtooth), requests, errors, ack p50/p99 and time to answer p50/p99.
//
// Target: floor slope <= 5 MB/hour and no error (warm-up included). Exit code 1 when missed. Samples and
// summary are written as JSON to bench/results/soak-<date>.json. A run of a few minutes shows the
// benchmark works; its slope is mostly noise (GC), so judge memory on the 20-minute default or
// longer.
import { performance } from "node:perf_hooks";
import { seededRandom } from "../src/core/shared/random.js";
import { accordEnv, logLines, startChild, stopChild, summarizeLogs, type Child } from "./ack/children.js";
import { ABANDON_MS, classifyAccordAnswer, prime, type Plan } from "./ack/command.js";
import type { FakeSlack } from "./ack/fake-slack.js";
import { runPhase, SLACK_DEADLINE_MS, type Answer } from "./ack/load.js";
import { loadavgNow, processCpuMs, processMemoryKb, uptimeLine, waitIdle } from "./ack/machine.js";
import { writeResult } from "./ack/report.js";
import type { Seeded } from "./ack/seed.js";
import { prepareBench } from "./ack/setup.js";
import { leastSquaresSlope, percentile, round } from "./ack/stats.js";

const DB_NAME = "accord_bench_soak";
const MINUTES = parseBounded("BENCH_SOAK_MINUTES", 1, 240) ?? 20;
const RATE = parseBounded("BENCH_SOAK_RATE", 1, 200) ?? 20;
// V8 grows the heap for the first minutes and then gives back ~100 MB at once (seen at about 60 s
// at 20 req/s): a warm-up that ends near that drop tilts the slope by hundreds of MB/hour.
const WARMUP_S = 180;
const SAMPLE_MS = 10_000;
/** An answer that has not reached response_url this long after its "working…" ack is an error. */
const ANSWER_WITHIN_MS = 30_000;
/** How long Accord may take to go idle after priming and after the last request. */
const IDLE_MAX_MS = 60_000;
const TARGET_SLOPE_MB_PER_HOUR = 5;

function parseBounded(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}: must be ${min}..${max}, not ${raw}`);
  return value;
}

type Command = "card" | "list" | "search";

interface SoakPlan extends Plan {
  command: Command;
}

interface Sample {
  /** Seconds since the first request. */
  t: number;
  phase: "warmup" | "measured";
  rssMb: number | null;
  /** Accord's CPU over the interval since the previous sample, % of one core. */
  cpuPercent: number | null;
  /** Requests answered (or failed) so far, warm-up included. */
  answered: number;
  /** Errors so far, warm-up included; answers still due on response_url are not counted yet. */
  errors: number;
}

/** The mix: mostly cards, some lists and searches, each naming a customer the answer must show. */
function planner(seeded: Seeded): () => SoakPlan {
  const random = seededRandom(11);
  return () => {
    const c = seeded.customers[Math.floor(random() * seeded.customers.length)]!;
    const owner = seeded.byId.get(c.ownerId)!;
    const roll = random();
    if (roll < 0.15) return { command: "list", text: "customers mine", customerName: c.name, user: owner };
    if (roll < 0.3) return { command: "search", text: `customer find ${c.name.replace(/ \d+$/u, "")}`, customerName: c.name, user: owner };
    const who = random();
    const user = who < 0.75 ? owner : who < 0.9 ? seeded.byId.get(owner.supervisorId!)! : seeded.byId.get(seeded.managerId)!;
    return { command: "card", text: `customer ${c.name}`, customerName: c.name, user };
  };
}

/**
 * Errors and time to answer as the run goes: answers in the ack are counted at once, "working…"
 * acks once their answer reached response_url (or ANSWER_WITHIN_MS passed). Each response_url post
 * is read once and dropped, so the generator's memory stays flat too.
 */
function answerBook(fake: FakeSlack) {
  const errorsByKind: Record<string, number> = {};
  const sampleErrors: string[] = [];
  const timeToAnswerMs: number[] = [];
  const byCommand: Record<Command, { sent: number; errors: number }> = { card: { sent: 0, errors: 0 }, list: { sent: 0, errors: 0 }, search: { sent: 0, errors: 0 } };
  const pending: Answer[] = [];
  let answered = 0;
  let errors = 0;
  const error = (kind: string, answer: Answer, detail: string) => {
    errors++;
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
    byCommand[(answer.plan as SoakPlan).command].errors++;
    if (sampleErrors.length < 10) sampleErrors.push(`${kind}: ${answer.plan.text} → ${detail.slice(0, 300)}`);
  };
  return {
    onAnswer(answer: Answer): void {
      answered++;
      byCommand[(answer.plan as SoakPlan).command].sent++;
      if (answer.outcome === "deferred") pending.push(answer);
      else if (answer.outcome === "ok") {
        if (answer.recorded) timeToAnswerMs.push(answer.latencyMs);
      } else error(answer.outcome, answer, `ack after ${Math.round(answer.latencyMs)} ms`);
    },
    /** Settles the "working…" acks sent before `dueBefore` (Date.now() time; Infinity: all). */
    settle(dueBefore: number): void {
      let i = 0;
      for (; i < pending.length && pending[i]!.sentAtWall + ANSWER_WITHIN_MS <= dueBefore; i++) {
        const d = pending[i]!;
        const post = fake.takeResponse(d.responseId);
        if (!post) error("noAnswer", d, "nothing on response_url");
        else if (classifyAccordAnswer(post.body, d.plan.customerName) !== "card") error("otherAnswer", d, JSON.stringify(post.body));
        else if (post.at - d.sentAtWall > ANSWER_WITHIN_MS) error("lateAnswer", d, `answered after ${post.at - d.sentAtWall} ms`);
        else if (d.recorded) timeToAnswerMs.push(post.at - d.sentAtWall);
      }
      pending.splice(0, i);
    },
    get answered() {
      return answered;
    },
    get errors() {
      return errors;
    },
    errorsByKind,
    sampleErrors,
    timeToAnswerMs,
    byCommand,
  };
}

async function main(): Promise<void> {
  const { startedAt, machine, url, seeded, fake } = await prepareBench("Accord Slack soak benchmark", DB_NAME);
  const children: Child[] = [];
  const samples: Sample[] = [];
  const book = answerBook(fake);
  let sampler: NodeJS.Timeout | undefined;
  let failure: unknown;
  let stats: Awaited<ReturnType<typeof runPhase>>["stats"] | undefined;
  let vmHwmMb: number | null = null;
  let primedLine = "";
  try {
    const accord = await startChild(children, "accord", "ack-server.ts", accordEnv(fake.apiUrl, url));
    const pid = accord.process.pid;
    process.stdout.write(`accord on :${accord.port} (pid ${pid})\n`);
    const primed = await prime(accord.port, seeded, fake);
    const idle = await waitIdle(pid, IDLE_MAX_MS);
    primedLine = `primed accord: ${primed.requests} commands (every seeded user once, 4 at a time) in ${primed.seconds} s, ${primed.non200} not 200${idle.idle ? "" : ", still busy afterwards"}`;
    process.stdout.write(`${primedLine}\n`);
    process.stdout.write(
      `load: ${RATE} req/s open loop, ${WARMUP_S} s warm-up + ${MINUTES} min measured; 70 % cards, 15 % "customers mine", 15 % "customer find"; RSS every ${SAMPLE_MS / 1_000} s\n\n`,
    );

    const loadStarted = performance.now();
    let lastCpu = processCpuMs(pid);
    let lastAt = loadStarted;
    const sample = () => {
      const now = performance.now();
      const cpu = processCpuMs(pid);
      const rssKb = processMemoryKb(pid, "VmRSS");
      book.settle(Date.now());
      const t = round((now - loadStarted) / 1_000);
      const s: Sample = {
        t,
        phase: t >= WARMUP_S - 0.5 ? "measured" : "warmup",
        rssMb: rssKb === null ? null : round(rssKb / 1_024),
        cpuPercent: cpu === null || lastCpu === null ? null : Math.round(((cpu - lastCpu) / (now - lastAt)) * 100),
        answered: book.answered,
        errors: book.errors,
      };
      lastCpu = cpu;
      lastAt = now;
      samples.push(s);
      if (samples.length % 6 === 0) {
        process.stdout.write(`  ${String(Math.round(t)).padStart(5)} s ${s.phase.padEnd(8)}: RSS ${s.rssMb ?? "?"} MB, CPU ${s.cpuPercent ?? "?"} %, ${s.answered} answered, ${s.errors} errors\n`);
      }
    };
    sampler = setInterval(sample, SAMPLE_MS);
    const run = await runPhase("accord", accord.port, RATE, planner(seeded), fake, {
      warmupS: WARMUP_S,
      measureS: MINUTES * 60,
      onAnswer: (answer) => book.onAnswer(answer),
    });
    clearInterval(sampler);
    sampler = undefined;
    // The end of the measured period: the last request has been acknowledged.
    sample();
    stats = run.stats;
    vmHwmMb = ((kb) => (kb === null ? null : round(kb / 1_024)))(processMemoryKb(pid, "VmHWM"));
    await waitIdle(pid, IDLE_MAX_MS);
    await new Promise((r) => setTimeout(r, 1_000));
    book.settle(Number.POSITIVE_INFINITY);
  } catch (err) {
    failure = err;
  } finally {
    if (sampler) clearInterval(sampler);
    for (const child of children) await stopChild(child);
    await fake.close();
  }
  if (failure) throw failure;
  if (!stats) throw new Error("the soak did not run");

  const measured = samples.filter((s) => s.phase === "measured" && s.rssMb !== null);
  const rss = measured.map((s) => s.rssMb!);
  const slopeMbPerHour = round(leastSquaresSlope(measured.map((s) => s.t / 3_600), rss));
  // RSS saws up and down by tens of MB as V8 collects, so one tooth can tilt the slope of all
  // samples either way. The lowest sample of each minute tracks what stays resident after
  // collection, where a leak shows: the target is on that floor; the all-samples slope is shown.
  const floors = new Map<number, Sample>();
  for (const s of measured) {
    const minute = Math.floor((s.t - WARMUP_S) / 60);
    const low = floors.get(minute);
    if (!low || s.rssMb! < low.rssMb!) floors.set(minute, s);
  }
  const floorSlopeMbPerHour = round(leastSquaresSlope([...floors.values()].map((s) => s.t / 3_600), [...floors.values()].map((s) => s.rssMb!)));
  const toAnswer = book.timeToAnswerMs.sort((a, b) => a - b);
  const summary = {
    rate: RATE,
    warmupSeconds: WARMUP_S,
    measuredMinutes: MINUTES,
    requests: stats.total,
    measuredRequests: stats.sent,
    byCommand: book.byCommand,
    errors: book.errors,
    errorsByKind: book.errorsByKind,
    ackMs: { p50: stats.p50, p99: stats.p99, max: stats.max },
    timeToAnswerMs: { p50: round(percentile(toAnswer, 50)), p99: round(percentile(toAnswer, 99)) },
    rssMb: { start: rss[0] ?? null, peak: rss.length ? Math.max(...rss) : null, end: rss[rss.length - 1] ?? null, vmHwm: vmHwmMb },
    slopeMbPerHour,
    floorSlopeMbPerHour,
    sendLagP99Ms: stats.sendLagP99,
  };
  const missed: string[] = [];
  if (!(floorSlopeMbPerHour <= TARGET_SLOPE_MB_PER_HOUR)) missed.push(`RSS floor slope ${floorSlopeMbPerHour} MB/hour > ${TARGET_SLOPE_MB_PER_HOUR}`);
  if (book.errors > 0) missed.push(`${book.errors} errors`);

  const endUptime = uptimeLine();
  const mb = (v: number | null) => (v === null ? "?" : `${v.toFixed(1)} MB`);
  process.stdout.write(
    [
      "",
      `requests: ${summary.requests} (${summary.measuredRequests} measured; cards ${book.byCommand.card.sent}, lists ${book.byCommand.list.sent}, searches ${book.byCommand.search.sent})`,
      `errors: ${book.errors}${book.errors ? ` (${Object.entries(book.errorsByKind).map(([k, n]) => `${n} ${k}`).join(", ")})` : ""}`,
      `ack p50 / p99 / max: ${stats.p50} / ${stats.p99} / ${stats.max} ms; time to answer p50 / p99: ${summary.timeToAnswerMs.p50} / ${summary.timeToAnswerMs.p99} ms; send lag p99 ${stats.sendLagP99} ms`,
      `RSS start (after ${WARMUP_S} s warm-up) ${mb(summary.rssMb.start)}, peak ${mb(summary.rssMb.peak)}, end ${mb(summary.rssMb.end)}; VmHWM ${mb(vmHwmMb)}`,
      `RSS slope of each minute's lowest sample (${floors.size} minutes): ${floorSlopeMbPerHour} MB/hour (target ≤ ${TARGET_SLOPE_MB_PER_HOUR}); of all ${measured.length} samples: ${slopeMbPerHour} MB/hour`,
      `met: ${missed.length === 0 ? "✓" : `✗ ${missed.join("; ")}`}`,
      `uptime at the end: ${endUptime}`,
      "",
    ].join("\n"),
  );
  const accordLog = summarizeLogs(children);
  process.stdout.write(logLines("accord", accordLog));
  // The acks' own error samples (with the HTTP answer) and those found on response_url.
  const sampleErrors = [...stats.sampleErrors, ...book.sampleErrors];
  if (sampleErrors.length > 0) process.stdout.write(`sample errors:\n  ${sampleErrors.join("\n  ")}\n`);

  writeResult("soak", startedAt, { ...machine, uptimeAtEnd: endUptime, loadavgAtEnd: loadavgNow() }, {
    setup: {
      database: DB_NAME,
      seeded: seeded.rows,
      commands: { "customer <name>": 0.7, "customers mine": 0.15, "customer find <name without its number>": 0.15 },
      priming: primedLine,
      warmupSeconds: WARMUP_S,
      measuredMinutes: MINUTES,
      rate: RATE,
      sampleSeconds: SAMPLE_MS / 1_000,
      slackDeadlineMs: SLACK_DEADLINE_MS,
      abandonMs: ABANDON_MS,
      answerWithinMs: ANSWER_WITHIN_MS,
      targets: { floorSlopeMbPerHour: TARGET_SLOPE_MB_PER_HOUR, errors: 0 },
    },
    summary,
    met: missed.length === 0,
    missed,
    samples,
    sampleErrors,
    fakeSlackCalls: fake.calls,
    responseUrlPosts: fake.responseCount(),
    serverLog: { accordLines: accordLog.lines, accordByMessage: accordLog.kinds, accordFirst: accordLog.first },
  });
  process.exitCode = missed.length === 0 ? 0 : 1;
}

await main();
