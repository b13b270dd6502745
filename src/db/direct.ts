// The few queries behind every command (who is speaking, the customer card, its risk score, the
// de-duplication claim) run straight on the pg pool that Prisma's adapter uses, as named prepared
// statements. Through Prisma each of them cost several times the database's own work: the query
// compiler and result mapping on our side, parsing and planning on PostgreSQL's (bench/ack.ts).
// Everything else, and anything inside a transaction, goes through Prisma as usual.
//
// Rows come back typed as Prisma's $queryRaw types them (timestamp and date as Date in UTC, int8
// as BigInt, json parsed, enums as their names), so callers cannot tell which path served them.
// Statements are named by a hash of their text: only fixed texts belong here (each distinct text
// stays prepared on every pooled connection). Named statements are off for PGlite, whose socket
// server shares one session between connections, so a name could collide; behind PgBouncer in
// transaction mode they need PgBouncer ≥ 1.21 with max_prepared_statements set (README).
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import pg from "pg";
import type { Db } from "./client.js";

interface DirectPool {
  pool: pg.Pool;
  prepared: boolean;
}

const pools = new WeakMap<object, DirectPool>();

/** Lets directQuery / directExecute reach `pool` (the one behind `db`'s adapter). */
export function attachDirectPool(db: Db, pool: pg.Pool, prepared: boolean): void {
  pools.set(db, { pool, prepared });
}

const OID = { int8: 20, date: 1082, timestamp: 1114 } as const;

// Prisma's raw-query types for the columns pg would read differently.
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    switch (oid) {
      case OID.int8:
        return (value) => BigInt(value);
      case OID.date:
        return (value) => new Date(`${value}T00:00:00.000Z`);
      case OID.timestamp:
        return (value) => new Date(`${value.replace(" ", "T")}Z`);
      default:
        return pg.types.getTypeParser(oid, format as "text") as (value: string) => unknown;
    }
  },
};

const names = new Map<string, string>();
/** Bumped when PostgreSQL refuses a prepared statement after a migration (see run()). */
let generation = 0;

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `accord_${generation}_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

function config(direct: DirectPool, sql: Prisma.Sql): pg.QueryConfig {
  return {
    text: sql.text,
    values: sql.values as unknown[],
    types: types as pg.CustomTypesConfig,
    ...(direct.prepared ? { name: statementName(sql.text) } : {}),
  };
}

type Queryable = Db | Prisma.TransactionClient;

/**
 * After a migration changed a table under a running process (a rolling upgrade), PostgreSQL
 * refuses a statement prepared before it on that connection ("cached plan must not change result
 * type", 0A000). Every statement then gets a new name, prepared afresh on each connection at its
 * next use (the stale ones stay behind, unused, until the connection closes), and this one runs
 * again.
 */
const CACHED_PLAN_CHANGED = "0A000";

async function run(direct: DirectPool, sql: Prisma.Sql): Promise<pg.QueryResult> {
  const query = config(direct, sql);
  try {
    return await direct.pool.query(query);
  } catch (err) {
    if (query.name === undefined || (err as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw err;
    if (query.name === statementName(sql.text)) {
      generation++;
      names.clear();
    }
    return direct.pool.query(config(direct, sql));
  }
}

/** `db.$queryRaw(sql)`, straight on the pool when `db` is a client with one attached. */
export async function directQuery<T>(db: Queryable, sql: Prisma.Sql): Promise<T[]> {
  const direct = pools.get(db);
  if (!direct) return (db as Db).$queryRaw<T[]>(sql);
  return (await run(direct, sql)).rows as T[];
}

/** `db.$executeRaw(sql)` (the number of rows affected), straight on the pool when it can. */
export async function directExecute(db: Queryable, sql: Prisma.Sql): Promise<number> {
  const direct = pools.get(db);
  if (!direct) return (db as Db).$executeRaw(sql);
  return (await run(direct, sql)).rowCount ?? 0;
}

/** Statements on the one connection of a directTransaction. */
export interface DirectTx {
  query<T>(sql: Prisma.Sql): Promise<T[]>;
  execute(sql: Prisma.Sql): Promise<number>;
}

/**
 * Runs `work` in one transaction on a connection of the pool behind `db` (a Prisma interactive
 * transaction when `db` has none attached). For bulk work: Prisma 6.19's raw queries keep about
 * a megabyte of every large parameter set alive, so a million-row import ran out of memory
 * (bench/import.ts). A pg error is rethrown with Prisma's code for a unique violation (P2002), so
 * callers test for it one way.
 */
export async function directTransaction<T>(db: Db, work: (tx: DirectTx) => Promise<T>, options: { timeoutMs: number }): Promise<T> {
  const direct = pools.get(db);
  if (!direct) {
    return db.$transaction(
      (tx) => work({ query: <R>(sql: Prisma.Sql) => tx.$queryRaw<R[]>(sql), execute: (sql) => tx.$executeRaw(sql) }),
      { timeout: options.timeoutMs, maxWait: 30_000 },
    );
  }
  const client = await direct.pool.connect();
  const run = (sql: Prisma.Sql) => client.query({ text: sql.text, values: sql.values as unknown[], types: types as pg.CustomTypesConfig });
  let broken = false;
  try {
    await client.query(`BEGIN`);
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
    const result = await work({ query: async <R>(sql: Prisma.Sql) => (await run(sql)).rows as R[], execute: async (sql) => (await run(sql)).rowCount ?? 0 });
    await client.query(`COMMIT`);
    return result;
  } catch (err) {
    await client.query(`ROLLBACK`).catch(() => {
      broken = true;
    });
    if ((err as { code?: unknown }).code === "23505") throw Object.assign(err as object, { code: "P2002" });
    throw err;
  } finally {
    client.release(broken);
  }
}
