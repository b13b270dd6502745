// The servers under test as child processes (bench/ack/ack-server.ts, bench/ack/bare-bolt.ts), so
// none shares the load generator's event loop: start, wait for the readiness line, collect what
// they log, stop.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseJson } from "./json.js";
import { BOT_TOKEN, ROOT, SIGNING_SECRET, TZ } from "./workspace.js";

export interface Child {
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
export async function startChild(children: Child[], name: string, script: string, env: NodeJS.ProcessEnv): Promise<Child> {
  // `node --import tsx` runs the TypeScript directly, without the tsx CLI's extra process in between.
  // BENCH_ACK_PROFILE=<dir> writes a V8 CPU profile of each server child there (see README).
  const profile = process.env.BENCH_ACK_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_ACK_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(ROOT, "bench", "ack", script)], {
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

export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The environment for a child: ours without any Slack, Feishu or Accord settings, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SLACK_|FEISHU_|ACCORD_|DATABASE_URL$|PORT$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}


/** What both servers need to talk to the fake Slack and check the load generator's signatures. */
export function slackEnv(apiUrl: string): Record<string, string> {
  return { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: apiUrl };
}

/** Accord's environment: Slack, its database, warnings and errors only, the seeded tenant's zone. */
export function accordEnv(apiUrl: string, databaseUrl: string): NodeJS.ProcessEnv {
  return childEnv({ ...slackEnv(apiUrl), DATABASE_URL: databaseUrl, PORT: "0", ACCORD_LOG_LEVEL: "warn", ACCORD_TIMEZONE: TZ, ACCORD_LOCALE: "zh-CN" });
}

export interface LogSummary {
  lines: number;
  /** The first lines logged, up to 20. */
  first: string[];
  /** Messages by how often they were logged, most often first, up to 20. */
  kinds: Array<{ count: number; kind: string }>;
}

/** What the children (the Accords of a run, a restart included) logged, together. */
export function summarizeLogs(children: Child[]): LogSummary {
  const summary = { lines: 0, first: [] as string[], kinds: new Map<string, number>() };
  for (const c of children) {
    summary.lines += c.logLines;
    summary.first.push(...c.log.slice(0, 20 - summary.first.length));
    for (const [kind, n] of c.logKinds) summary.kinds.set(kind, (summary.kinds.get(kind) ?? 0) + n);
  }
  const kinds = [...summary.kinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => ({ count, kind }));
  return { lines: summary.lines, first: summary.first, kinds: kinds.slice(0, 20) };
}

/** "accord logged n warning/error lines, most often: …", or "" when it logged nothing. */
export function logLines(name: string, summary: LogSummary): string {
  if (summary.lines === 0) return "";
  return `${name} logged ${summary.lines} warning/error lines, most often:\n${summary.kinds
    .slice(0, 6)
    .map((k) => `  ${String(k.count).padStart(6)} × ${k.kind}`)
    .join("\n")}\n`;
}
