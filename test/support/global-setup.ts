// Prepares one migrated database image per test run; every test file then gets its own fresh
// copy (test/support/db.ts): a PostgreSQL database cloned from a template when
// TEST_DATABASE_URL is set, an in-memory PGlite loaded from a dump otherwise.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/db/embedded.js";
import { migrateDatabase } from "../../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    testDb:
      | { mode: "postgresql"; adminUrl: string; template: string; runId: string }
      | { mode: "pglite"; dumpFile: string };
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const runId = randomBytes(4).toString("hex");
    const template = `accord_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${template}"`);
    await admin.end();
    await migrateDatabase(withDatabase(adminUrl, template));
    project.provide("testDb", { mode: "postgresql", adminUrl, template, runId });
    return async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      const { rows } = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
        [`accord_t_${runId}_%`, template],
      );
      for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      await c.end();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "accord-test-"));
  const embedded = await startEmbeddedPostgres();
  await migrateDatabase(embedded.url);
  const dump = await embedded.db.dumpDataDir("none");
  const dumpFile = path.join(dir, "migrated.tar");
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  await embedded.close();
  project.provide("testDb", { mode: "pglite", dumpFile });
  return async () => rmSync(dir, { recursive: true, force: true });
}
