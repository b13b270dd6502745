// Opens Accord's database: the PostgreSQL named by DATABASE_URL, or embedded PGlite under
// ACCORD_DATA_DIR when none is set. Migrations are applied before the pool opens.
import pg from "pg";
import { createPrisma, type Db } from "./client.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.js";
import { DatabaseError, describeTarget } from "./errors.js";
import { migrateDatabase, migrationsApplied } from "./migrate.js";

export interface Database {
  prisma: Db;
  mode: "postgresql" | "embedded";
  /** host:port/database, without credentials. */
  target: string;
  /** DB reachable and every committed migration applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  migrate?: boolean;
}

async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new DatabaseError(
      "db.unreachable",
      `cannot reach the database at ${describeTarget(url)}: ${(err as Error).message || (err as Error).name}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  if (options.databaseUrl) {
    url = options.databaseUrl;
    await checkReachable(url);
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir });
    url = embedded.url;
  }
  try {
    if (options.migrate !== false) await migrateDatabase(url);
  } catch (err) {
    await embedded?.close();
    throw err;
  }
  // PGlite serves one statement at a time: a larger pool only queues inside the socket server.
  const poolSize = embedded ? 1 : (options.poolSize ?? 10);
  const prisma = createPrisma(url, { poolSize, prepared: !embedded, foregroundFirst: Boolean(embedded) });
  return {
    prisma,
    mode: embedded ? "embedded" : "postgresql",
    target: embedded ? `embedded PGlite at ${options.dataDir}` : describeTarget(url),
    async ready() {
      try {
        return await migrationsApplied((sql) => prisma.$queryRawUnsafe(sql));
      } catch {
        return false;
      }
    },
    async close() {
      await prisma.$disconnect();
      await embedded?.close();
    },
  };
}
