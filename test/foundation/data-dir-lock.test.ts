// One process owns an embedded data directory: a second server, or the admin CLI beside a running
// server, would each confirm writes that the other's shutdown then overwrites. Real processes on a
// real directory: the second one refuses with one line naming the directory and the holder's pid,
// and the first keeps everything it wrote.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embeddedRunsElsewhere } from "../support/db.js";
import { openDatabase } from "../../src/db/database.js";
import { LOCK_FILE } from "../../src/db/data-dir-lock.js";
import { FakeSlack, SlackClientSide, waitFor } from "../fakes/slack.js";
import { projectRoot, spawnAccord, type AccordProcess } from "../support/process.js";

const SECRET = "lock-test-signing-secret-00000001";
const tsxCli = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");

let dataDir: string;
let fake: FakeSlack;
const started: AccordProcess[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: "TLOCK" });
  fake.addUser({ id: "ULOCK", name: "lock.owner", realName: "Lock Owner", locale: "en-US" });
});

// Per attempt (CI retries a failed test once): a fresh directory, and no server of the failed
// attempt left holding its lock.
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "accord-lock-"));
});

afterEach(() => {
  for (const p of started.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

afterAll(async () => {
  await fake?.close();
});

/**
 * `npm run accord -- …` as a child process, to its end. Asynchronous on purpose: a spawnSync
 * would block this process, and with it the fake Slack the running server talks to.
 */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(SLACK_|FEISHU_|DATABASE_URL|ACCORD_|PORT$|TEST_DATABASE_URL)/.test(k)) env[k] = v;
  }
  const child = spawn(process.execPath, [tsxCli, "src/cli.ts", ...args], {
    cwd: projectRoot,
    env: { ...env, ACCORD_DATA_DIR: dataDir, ACCORD_LOCALE: "en" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** `/crm customer add <name>` through Slack, until its answer (after any "working…") names the customer. */
async function added(slack: SlackClientSide, name: string, server: AccordProcess): Promise<void> {
  const sent = await slack.command({ id: "ULOCK", name: "lock.owner" }, `customer add ${name}`);
  try {
    await waitFor(() => fake.responsesTo(sent.responseUrl).some((r) => JSON.stringify(r.body).includes(name)), `the answer naming ${name}`, 30_000);
  } catch (err) {
    // What the server said is the only clue to why it did not answer.
    throw new Error(`${(err as Error).message}\nserver output (last 40 lines):\n${server.output().split("\n").slice(-40).join("\n")}`);
  }
}

describe.skipIf(embeddedRunsElsewhere)("one process per embedded data directory", () => {
  it("refuses a second server and the admin CLI while a server runs, and the first keeps all its data", async () => {
    const env = {
      ACCORD_DATA_DIR: dataDir,
      PORT: "0",
      ACCORD_LOCALE: "en",
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    const first = spawnAccord(env);
    started.push(first);
    const port = await first.listening(90_000);
    const slack = new SlackClientSide(fake, `http://127.0.0.1:${port}/slack/events`, SECRET, { id: "TLOCK", domain: "lock" });
    await added(slack, "Written Before", first);

    // The pid of the node process that serves (`npm start` runs it under tsx, under npm).
    const holder = (JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), "utf8")) as { pid: number }).pid;
    expect(() => process.kill(holder, 0)).not.toThrow();
    const second = spawnAccord(env);
    started.push(second);
    const { code } = await second.exited(60_000);
    expect(code).not.toBe(0);
    const refusal = second.output().trim().split("\n").filter((line) => line.startsWith("accord:"));
    expect(refusal).toEqual([
      `accord: the data directory ${path.resolve(dataDir)} is in use by another Accord process (pid ${holder} on ${hostname()}); ` +
        `stop it first, or use another ACCORD_DATA_DIR (if that process is gone for good, delete ${path.join(path.resolve(dataDir), LOCK_FILE)})`,
    ]);

    // The admin CLI refuses too, before writing anything: exit 1 and the same reason.
    const seeded = await runCli(["seed-demo"]);
    expect(seeded.code).toBe(1);
    expect(seeded.stderr).toContain(`is in use by another Accord process (pid ${holder} on ${hostname()})`);
    expect(seeded.stdout).toBe("");

    // The first server went on as if nothing happened.
    await added(slack, "Written After", first);
    first.child.kill("SIGTERM");
    expect((await first.exited(30_000)).code).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const db = await openDatabase({ dataDir });
    try {
      const names = (await db.prisma.customer.findMany({ select: { name: true } })).map((c) => c.name).sort();
      expect(names).toEqual(["Written After", "Written Before"]);
      expect(await db.prisma.tenant.count({ where: { platform: "CONSOLE" } })).toBe(0);
    } finally {
      await db.close();
    }

    // With the server stopped, the CLI does its work: it reads both customers.
    const exported = await runCli(["export", "customers"]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("Written Before");
    expect(exported.stdout).toContain("Written After");
  }, 240_000);

  it("takes over the lock of a process that died without removing it (same host, pid gone)", async () => {
    const dead = spawn(process.execPath, ["-e", ""]);
    const pid = dead.pid!;
    await new Promise((resolve) => dead.on("exit", resolve));
    writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: "2026-12-01T00:00:00Z" }));
    const db = await openDatabase({ dataDir });
    try {
      expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
