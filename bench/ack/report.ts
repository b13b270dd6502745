// The ack benchmark's report: the targets and the verdict per rate, the latency table, where the
// time goes (CPU per request), the progress line printed after each phase, and the JSON file of
// a run (ack's or soak's).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SLACK_DEADLINE_MS, type PhaseStats } from "./load.js";
import { ROOT } from "./workspace.js";

export const TARGET_RATE = 200;
export const TARGET_P99_MS = 100;
export const TARGET_RATIO = 1.5;

export interface ResultRow {
  rate: number;
  targets: string;
  accord: PhaseStats;
  bolt: PhaseStats;
  /** Accord's median / bare Bolt's median. */
  medianRatio: number;
  missed: string[];
}

export function verdict(rate: number, accord: PhaseStats, ratio: number): { targets: string; missed: string[] } {
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

export function table(rows: ResultRow[]): string {
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
export function costTable(rows: ResultRow[]): string {
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

export function grid(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}

/** A run's start as a file name part: 2026-12-03T16-45-45. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, "-").replace(/\..*$/, "");
}

/** The line printed after each phase. */
export function phaseLine(p: PhaseStats): string {
  return (
    `  ${String(p.rate).padStart(3)}/s ${p.target.padEnd(6)}: p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms, ${p.errors} errors` +
    (p.deferred > 0 ? `, ${p.deferred} acks without the card (${p.deferredCard} cards followed on response_url)` : "") +
    (p.timeToCardP50 !== undefined && !Number.isNaN(p.timeToCardP50) ? `, time to card p50 ${p.timeToCardP50} ms p99 ${p.timeToCardP99} ms` : "") +
    `, server CPU ${p.serverCpuMsPerRequest ?? "?"} ms/req` +
    (p.pgCpuMsPerRequest !== undefined ? `, PostgreSQL CPU ${p.pgCpuMsPerRequest ?? "?"} ms/req, drained in ${p.drainSeconds} s` : "") +
    `, send lag p99 ${p.sendLagP99} ms, load ${p.load1Before}\n`
  );
}


/**
 * Writes a run's JSON to bench/results/<benchmark>-<start>.json with what every run records (when,
 * on which machine), prints the path and returns it.
 */
export function writeResult(benchmark: "ack" | "soak", startedAt: Date, machine: object, body: Record<string, unknown>): string {
  const resultsDir = path.join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${benchmark}-${stamp(startedAt)}.json`);
  const run = { benchmark: `slack-${benchmark}`, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine };
  writeFileSync(file, `${JSON.stringify({ ...run, ...body }, null, 2)}\n`);
  process.stdout.write(`written: ${path.relative(ROOT, file)}\n`);
  return file;
}
