// What the SIGTERM tests share (test/foundation/shutdown*.test.ts): a real `npm start` against a
// fake platform, on the test's PostgreSQL when TEST_DATABASE_URL is set, else on an embedded data
// directory of its own; a workspace already in use (its members registered, so the commands' cost
// is their own work); and the clean exit every one of them expects.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Platform } from "@prisma/client";
import { afterAll, beforeAll, expect } from "vitest";
import type { Db } from "../../src/db/client.js";
import { openTestDatabase, type TestDatabase } from "./db.js";
import { spawnAccord, withChildDatabase, type AccordProcess } from "./process.js";

/** The answer to a command that arrives while Accord drains (English). */
export const BUSY_TEXT = "Accord is very busy right now and could not get to this in time. Please try again in a moment.";

export interface ShutdownScene<F> {
  readonly tdb: TestDatabase;
  readonly fake: F;
  /** Runs `work` on the child's database (the embedded one only while no server holds it). */
  withDb<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** A workspace whose members are already known, one per platform user. */
  seedWorkspace(tenant: { platform: Platform; externalId: string; name: string }, users: Array<{ userId: string; name: string }>): Promise<void>;
  /** `npm start` on the scene's database, in English, with this grace period and the platform's variables. */
  start(graceSeconds: number, platformEnv: Record<string, string>): AccordProcess;
}

/** Registers the hooks that open the database and the fake before the file's tests and close them (and any child left) after. */
export function shutdownScene<F extends { close(): Promise<void> }>(options: { startFake: () => Promise<F>; dataDirPrefix: string }): ShutdownScene<F> {
  let tdb: TestDatabase | undefined;
  let fake: F | undefined;
  let dataDir: string | undefined;
  let accord: AccordProcess | undefined;

  beforeAll(async () => {
    tdb = await openTestDatabase();
    fake = await options.startFake();
    if (tdb.mode === "pglite") dataDir = mkdtempSync(path.join(tmpdir(), options.dataDirPrefix));
  });

  afterAll(async () => {
    if (accord && accord.child.exitCode === null && accord.child.signalCode === null) accord.child.kill("SIGKILL");
    await fake?.close();
    await tdb?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const scene: ShutdownScene<F> = {
    get tdb() {
      return tdb!;
    },
    get fake() {
      return fake!;
    },
    withDb: (work) => withChildDatabase({ dataDir, tdb: tdb! }, work),
    async seedWorkspace(t, users) {
      await scene.withDb(async (db) => {
        const tenant = await db.tenant.create({ data: { ...t, locale: "en" } });
        for (const u of users) {
          await db.member.create({
            data: { tenantId: tenant.id, displayName: u.name, identities: { create: { tenantId: tenant.id, platform: t.platform, platformUserId: u.userId } } },
          });
        }
      });
    },
    start(graceSeconds, platformEnv) {
      accord = spawnAccord({
        ...(dataDir ? { ACCORD_DATA_DIR: dataDir } : { DATABASE_URL: tdb!.url }),
        PORT: "0",
        ACCORD_LOCALE: "en",
        ACCORD_SHUTDOWN_GRACE_SECONDS: String(graceSeconds),
        ...platformEnv,
      });
      return accord;
    },
  };
  return scene;
}

/** Exits 0 within `withinMs` of the signal, saying every accepted request was answered. */
export async function expectCleanExit(accord: AccordProcess, signalled: number, graceSeconds: number, withinMs = graceSeconds * 1_000): Promise<void> {
  const { code } = await accord.exited((graceSeconds + 10) * 1_000);
  const tookMs = Date.now() - signalled;
  expect(code, accord.output()).toBe(0);
  expect(tookMs, accord.output()).toBeLessThan(withinMs);
  expect(accord.output()).toContain("every accepted request answered");
}

/** A command's answers through its response_url, without the "Working on it…" placeholder. */
export function finalAnswers(fake: { responsesTo(url: string): Array<{ body: unknown }> }, responseUrl: string): string[] {
  return fake
    .responsesTo(responseUrl)
    .map((r) => JSON.stringify(r.body))
    .filter((body) => !body.includes("Working on it"));
}
