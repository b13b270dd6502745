// A fresh, migrated database for one test file. Call in beforeAll; close in afterAll.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { createPrisma, type Db } from "../../src/db/client.js";
import { startEmbeddedPostgres } from "../../src/db/embedded.js";

export interface TestDatabase {
  prisma: Db;
  url: string;
  mode: "postgresql" | "pglite";
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A test file's teardown must end: a hook that hangs fails the whole file after its tests passed,
 * and vitest does not retry hooks. Each step gets CLOSE_BUDGET_MS; past that the file goes on
 * (its worker process ends with it) and stderr says which step hung and what was still open, so
 * the next occurrence can be traced. Twice in CI (both on PGlite, scheduler.test.ts) a close
 * never finished; it has not been reproduced in isolation.
 */
const CLOSE_BUDGET_MS = 20_000;

async function settled(step: Promise<unknown>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), CLOSE_BUDGET_MS)));
  const outcome = await Promise.race([step.then(() => "done" as const), hung]).finally(() => clearTimeout(timer));
  if (outcome === "hung") {
    const open = process.getActiveResourcesInfo().join(", ");
    process.stderr.write(`[test database] ${what} did not finish within ${CLOSE_BUDGET_MS / 1000} s; going on. Still open: ${open}\n`);
  }
}

export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const spec = inject("testDb");
  if (spec.mode === "postgresql") {
    const name = `accord_t_${spec.runId}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: spec.adminUrl });
    await admin.connect();
    try {
      // Cloning a template fails while another clone of it is starting; retry briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${spec.template}"`);
          break;
        } catch (err) {
          if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
    } finally {
      await admin.end();
    }
    const url = withDatabase(spec.adminUrl, name);
    const prisma = createPrisma(url, { poolSize: options.poolSize ?? 10, prepared: true });
    return {
      prisma,
      url,
      mode: "postgresql",
      async close() {
        await settled(prisma.$disconnect(), "disconnecting Prisma");
        // FORCE ends any connection the disconnect left behind.
        const c = new pg.Client({ connectionString: spec.adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([readFileSync(spec.dumpFile)]) });
  const prisma = createPrisma(embedded.url, { poolSize: 1 });
  return {
    prisma,
    url: embedded.url,
    mode: "pglite",
    async close() {
      await settled(prisma.$disconnect(), "disconnecting Prisma");
      // Stopping the socket server destroys any connection the disconnect left behind.
      await settled(embedded.close(), "closing the embedded database");
    },
  };
}

/**
 * For tests of processes that run on the embedded database whatever TEST_DATABASE_URL says (they
 * clear it): the suite's PGlite pass runs them; the PostgreSQL pass would prove nothing new and
 * spend CI minutes. `describe.skipIf(embeddedRunsElsewhere)`.
 */
export const embeddedRunsElsewhere = Boolean(process.env.TEST_DATABASE_URL);
