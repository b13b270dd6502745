// Whole-tenant read queries (risk scoring, digests, KPIs) run with PostgreSQL's JIT off. Their
// plan costs cross jit_optimize_above_cost on department-sized data, and LLVM then spends more
// time compiling (measured: 1.4 s on the 100k-customer bench) than the query takes to run
// (1.3 s). SET LOCAL keeps the change inside one transaction, so pooled connections are not
// affected; PGlite accepts the setting too.
import type { Prisma } from "@prisma/client";
import type { CoreDeps, Tx } from "../shared/context.js";

export type Queryable = Tx | CoreDeps["db"];

function isClient(db: Queryable): db is CoreDeps["db"] {
  return typeof (db as CoreDeps["db"]).$transaction === "function";
}

/** Runs `query` with JIT off. Inside a caller's transaction the setting lasts until its end. */
export async function analyticalQuery<T>(db: Queryable, query: (q: Queryable) => Prisma.PrismaPromise<T>): Promise<T> {
  if (isClient(db)) {
    // Interactive, for its maxWait: the batch form waits 2 s for a connection, too little for the
    // embedded database's one connection under load.
    return db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SET LOCAL jit = off`;
        return query(tx);
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  }
  await db.$executeRaw`SET LOCAL jit = off`;
  return query(db);
}
