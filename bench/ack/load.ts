// The load generator: open loop. Requests are scheduled by the clock at a fixed rate and never wait
// for earlier answers, as Slack's traffic does not. A phase is a warm-up and a measured period at
// one rate against one server; each answer is classified (see PhaseStats) and, for Accord, a
// "working…" ack is settled later against what reached the fake Slack's response_url.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { classifyAccordAnswer, commandBody, sign, slackHeaders, ABANDON_MS, type Plan } from "./command.js";
import type { FakeSlack } from "./fake-slack.js";
import { parseJson } from "./json.js";
import { load1 } from "./machine.js";
import { percentile, round } from "./stats.js";

/** Slack shows the user an error when the ack takes longer than this. */
export const SLACK_DEADLINE_MS = 3_000;

export interface PhaseStats {
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
export interface Deferred {
  responseId: string;
  /** Date.now() at send: the fake Slack stamps response_url posts with Date.now(). */
  sentAtWall: number;
  customerName: string;
}

export interface PhaseRun {
  stats: PhaseStats;
  deferred: Deferred[];
  /** Send -> card latencies of the cards that came in the ack. */
  cardInAckMs: number[];
}

/** How a request was counted: ok (for Accord the card in the ack), deferred ("working…"), or an error. */
export type Outcome = "ok" | "deferred" | "late" | "otherAnswer" | "non200" | "failed";

/** One answered (or abandoned) request, for a caller that follows a long phase as it runs. */
export interface Answer {
  /** False during the warm-up. */
  recorded: boolean;
  outcome: Outcome;
  latencyMs: number;
  responseId: string;
  /** Date.now() at send. */
  sentAtWall: number;
  plan: Plan;
}

export interface PhaseOptions {
  warmupS: number;
  measureS: number;
  /** Called once per request when it is answered, failed or abandoned. */
  onAnswer?: (answer: Answer) => void;
}

export async function runPhase(
  target: "accord" | "bolt",
  port: number,
  rate: number,
  plans: () => Plan,
  fake: FakeSlack,
  options: PhaseOptions,
): Promise<PhaseRun> {
  const warmup = Math.round(rate * options.warmupS);
  const measured = Math.round(rate * options.measureS);
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
      const counted: Outcome =
        outcome === "failed"
          ? "failed"
          : outcome === "non200"
            ? "non200"
            : latency > SLACK_DEADLINE_MS
              ? "late"
              : outcome === "other"
                ? "otherAnswer"
                : outcome === "placeholder"
                  ? "deferred"
                  : "ok";
      if (record) {
        latencies[slot] = latency;
        stats[counted]++;
        if (counted === "deferred") deferred.push({ responseId, sentAtWall, customerName: plan.customerName });
        if (counted === "ok" && target === "accord") cardInAckMs.push(latency);
        if (outcome === "other" || outcome === "non200" || outcome === "failed") {
          // Two examples of each kind, so a flood of one kind does not hide the others.
          sampled[outcome] = (sampled[outcome] ?? 0) + 1;
          if (sampled[outcome]! <= 2) samples.push(`${outcome}: ${status} ${answer.slice(0, 300)}`);
        }
      }
      options.onAnswer?.({ recorded: record, outcome: counted, latencyMs: latency, responseId, sentAtWall, plan });
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
      durationS: round((lastSentAt - startedAt) / 1_000 - options.warmupS),
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
export function settleDeferred(run: PhaseRun, fake: FakeSlack): void {
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

