// The machine a benchmark ran on, and what /proc says about a process: CPU time, resident memory,
// whether it is idle. Linux only; elsewhere the readers return null and the report shows "?".
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";

/** Idle time between phases, so one phase's stragglers do not land in the next. */
export const PAUSE_MS = 1_500;

export interface MachineInfo {
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

export function uptimeLine(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  }
}

/** The machine as a run starts; `postgres` is filled in once the database is up. */
export function machineInfo(): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    model: cpuModel(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: "",
    uptime: uptimeLine(),
    loadavg: loadavgNow(),
  };
}

/** The "machine:" and "uptime:" lines every report starts with. */
export function machineLines(machine: MachineInfo): string {
  return (
    `machine: ${machine.nproc} CPUs (nproc), ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}\n` +
    `uptime: ${machine.uptime}\n`
  );
}

export const loadavgNow = () => os.loadavg().map((l) => Number(l.toFixed(2)));

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

export const load1 = () => Number(os.loadavg()[0]!.toFixed(2));

// Linux reports process CPU time in clock ticks of 1/100 s (CLK_TCK, 100 on every mainstream kernel).
const TICK_MS = 10;

/** User + system CPU time of a process (all its threads), ms; null where /proc is unavailable. */
export function processCpuMs(pid: number | undefined): number | null {
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

/**
 * A memory figure of a process from /proc/<pid>/status, kB: VmRSS (resident now) or VmHWM (the most
 * it was ever resident); null where /proc is unavailable or the process has exited.
 */
export function processMemoryKb(pid: number | undefined, field: "VmRSS" | "VmHWM"): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time of every PostgreSQL backend serving `database`, by pid. */
export async function backendCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
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
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * Waits until the process has been idle (under 10 % of a core over half a second), at most maxMs.
 * An overloaded Accord acks with "working…" and goes on answering through response_url, so its
 * backlog can outlast the phase that caused it.
 */
export async function waitIdle(pid: number | undefined, maxMs: number): Promise<{ idle: boolean; waitedMs: number }> {
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

