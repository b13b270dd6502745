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
