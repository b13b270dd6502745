// Embedded PostgreSQL for a fresh machine: PGlite stored on disk, served on loopback through
// the Postgres wire protocol so Prisma's pg adapter and the Prisma CLI treat it like any server.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir } from "./data-dir-lock.js";

export interface EmbeddedPostgres {
  url: string;
  db: PGlite;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory to keep the data in; undefined keeps it in memory (tests). */
  dataDir?: string;
  /** A tarball made by PGlite#dumpDataDir to start from (tests start from a migrated copy). */
  loadDataDir?: Blob;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Before PGlite reads the directory: a second process must not even open it.
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  let db: PGlite;
  try {
    db = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      // Customer search indexes use pg_trgm (migration 20261203150000); PGlite ships it as a
      // contrib extension that must be loaded here before CREATE EXTENSION can find it.
      extensions: { pg_trgm },
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  // PGlite executes one statement at a time; the socket server queues the rest and keeps a
  // transaction's statements together. Two connections: the app pool (size 1) and one for
  // the migration CLI, which runs before the pool opens.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 2 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    db,
    async close() {
      await server.stop();
      // Closing flushes PGlite's WAL to the data directory: nothing written is lost.
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
