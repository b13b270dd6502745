// Applies the committed migrations with Prisma's own `migrate deploy` (offline JS engine).
// Several replicas may start together against one PostgreSQL: each takes the same session
// advisory lock first, so exactly one applies the migrations while the others wait, then
// find nothing left to do.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DatabaseError, describeTarget } from "./errors.js";

const require = createRequire(import.meta.url);
/** The directory holding package.json and prisma/: two levels up from src/db, three from dist/src/db. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) || !existsSync(path.join(dir, "prisma"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the Accord installation (package.json with prisma/)");
    dir = parent;
  }
  return dir;
}
const projectRoot = findProjectRoot();

// Any constant shared by every replica; distinct from Prisma's own lock id (72707369).
const MIGRATION_LOCK_ID = 4_262_017;

export interface MigrationResult {
  applied: string[];
  output: string;
}

function runPrismaMigrateDeploy(url: string): Promise<MigrationResult> {
  const cli = require.resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", path.join(projectRoot, "scripts", "prisma-exit-on-idle.cjs"), cli, "migrate", "deploy"], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: url,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new DatabaseError("db.migrate_failed", `prisma migrate deploy failed (exit ${code}):\n${output.trim()}`));
        return;
      }
      // Prisma prints a tree: each applied migration is a folder line ("└─ 20261123000000_init/")
      // with its migration.sql below it; only the folders are migrations.
      const applied = [...output.matchAll(/^\s*[└├]─\s*(\S+)\/$/gm)].map((m) => m[1]!);
      resolve({ applied, output });
    });
  });
}

export async function migrateDatabase(url: string): Promise<MigrationResult> {
  const lockClient = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await lockClient.connect();
  } catch (err) {
    throw new DatabaseError("db.unreachable", `cannot reach the database at ${describeTarget(url)}: ${(err as Error).message}`);
  }
  try {
    await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    return await runPrismaMigrateDeploy(url);
  } finally {
    await lockClient.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}

/** Names of the migrations committed in prisma/migrations, in order. */
export async function committedMigrations(): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(path.join(projectRoot, "prisma", "migrations"), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** True when every committed migration is recorded as finished in the database. */
export async function migrationsApplied(query: (sql: string) => Promise<Array<{ migration_name: string }>>): Promise<boolean> {
  const expected = await committedMigrations();
  let rows: Array<{ migration_name: string }>;
  try {
    rows = await query(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
  } catch {
    return false;
  }
  const done = new Set(rows.map((r) => r.migration_name));
  return expected.every((m) => done.has(m));
}
