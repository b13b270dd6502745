// One process owns an embedded data directory. PGlite keeps the database in memory and writes
// it back to the directory; two processes on one directory (a second `npm start`, the admin CLI
// beside the server, a rolling update on a shared volume) each confirm their writes, and
// whichever stops first loses all of its own. So the first holds a lock file naming its pid and
// host; another process finds it and refuses to start. A lock whose process is gone (a crash,
// kill -9) is stale on the same host and taken over; on another host it cannot be checked, and
// the message says how to remove it by hand.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { DatabaseError } from "./errors.js";

export const LOCK_FILE = "accord.lock";

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DataDirLock {
  release(): void;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? "") };
    }
  } catch {
    // Unreadable or half-written: treated like a lock without an owner.
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the directory's lock, or throws DatabaseError("db.locked") naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = readOwner(file);
      const stale = owner ? owner.host === me.host && owner.pid !== me.pid && !alive(owner.pid) : false;
      if (stale) {
        try {
          unlinkSync(file);
        } catch {
          // Another starter removed it first; the next attempt sees who won.
        }
        continue;
      }
      const holder = owner ? `pid ${owner.pid} on ${owner.host}` : "an unknown process";
      throw new DatabaseError(
        "db.locked",
        `the data directory ${path.resolve(dataDir)} is in use by another Accord process (${holder}); stop it first, ` +
          `or use another ACCORD_DATA_DIR (if that process is gone for good, delete ${path.resolve(file)})`,
      );
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        // Only our own lock: never one a later owner wrote after ours was judged stale.
        if (readOwner(file)?.pid === me.pid) unlinkSync(file);
      },
    };
  }
  throw new DatabaseError("db.locked", `the data directory ${path.resolve(dataDir)} could not be locked (its lock file keeps changing)`);
}
