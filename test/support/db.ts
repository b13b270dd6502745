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
        await prisma.$disconnect();
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
      await prisma.$disconnect();
      await embedded.close();
    },
  };
}

/**
 * For tests of processes that run on the embedded database whatever TEST_DATABASE_URL says (they
 * clear it): the suite's PGlite pass runs them; the PostgreSQL pass would prove nothing new and
 * spend CI minutes. `describe.skipIf(embeddedRunsElsewhere)`.
 */
export const embeddedRunsElsewhere = Boolean(process.env.TEST_DATABASE_URL);
