import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { attachDirectPool } from "./direct.js";
import { ForegroundFirstPool } from "./priority.js";

export type Db = PrismaClient;

export interface PrismaOptions {
  poolSize: number;
  /** Postgres schema to use instead of public (tests isolate themselves this way). */
  schema?: string;
  /** Run ./direct.ts queries as named prepared statements (not on PGlite, see there). */
  prepared?: boolean;
  /** Background work (./priority.ts) waits for requests to leave the pool first (the embedded database's one connection). */
  foregroundFirst?: boolean;
}

export function createPrisma(url: string, options: PrismaOptions): Db {
  // Our pool, lent to the adapter, so that ./direct.ts can run the hot queries on it too.
  const poolConfig = { connectionString: url, max: options.poolSize, connectionTimeoutMillis: 10_000 };
  const pool = options.foregroundFirst ? new ForegroundFirstPool(poolConfig) : new pg.Pool(poolConfig);
  // An idle connection the server closed (restart, failover) is an 'error' event on the pool,
  // fatal when nobody listens; pg has already dropped that client and the next query reconnects.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true, ...(options.schema ? { schema: options.schema } : {}) });
  const prisma = new PrismaClient({ adapter });
  attachDirectPool(prisma, pool, options.prepared ?? false);
  return prisma;
}
