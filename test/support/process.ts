// Runs Accord as a real child process, as `npm start` does (`node --import tsx src/main.ts`), for
// tests that must see what an installer sees: exit codes, stderr lines, signals.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../src/db/client.js";
import { openDatabase } from "../../src/db/database.js";
import type { TestDatabase } from "./db.js";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface AccordProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the port once the process logs that it listens. */
  listening(timeoutMs?: number): Promise<number>;
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnAccord(env: Record<string, string | undefined>, entry = "src/main.ts"): AccordProcess {
  const cleanEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(SLACK_|FEISHU_|DATABASE_URL|ACCORD_|PORT$|TEST_DATABASE_URL)/.test(k)) cleanEnv[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
  const child = spawn(process.execPath, ["--import", "tsx", entry], { cwd: projectRoot, env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      waiters.splice(0).forEach((w) => w());
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => out,
    listening(timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening after ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = () => {
          const m = /"port":(\d+)[^\n]*Accord listening/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            reject(new Error(`exited with ${child.exitCode} before listening:\n${out}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    exited(timeoutMs = 30_000) {
      return Promise.race([
        exit,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${out}`)), timeoutMs)),
      ]);
    },
  };
}

/**
 * Runs `work` on a child process's database: the test's PostgreSQL, or the embedded data
 * directory (opened here, so only while no server holds it).
 */
export async function withChildDatabase<T>(where: { dataDir: string | undefined; tdb: TestDatabase }, work: (db: Db) => Promise<T>): Promise<T> {
  if (!where.dataDir) return work(where.tdb.prisma);
  const db = await openDatabase({ dataDir: where.dataDir });
  try {
    return await work(db.prisma);
  } finally {
    await db.close();
  }
}
