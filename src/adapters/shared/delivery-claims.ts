// Platforms deliver at least once: a retried request, a re-sent event or a double-clicked button
// must act once. Claim -> do -> record, in PostgreSQL so replicas share it: the first delivery
// inserts the ProcessedEvent row and works, every other delivery of the same key finds the row and
// only acknowledges. A failed attempt releases its claim so the platform's retry can try again; a
// claim left by a crashed process expires. Each adapter says why its platform re-delivers and
// which key identifies a delivery.
import { randomUUID } from "node:crypto";
import { Prisma, type Platform } from "@prisma/client";
import type { Clock } from "../../core/shared/clock.js";
import type { Db } from "../../db/client.js";
import { utcInstant } from "../../db/sql.js";
import { directExecute } from "../../db/direct.js";

/** A claim older than this without completion belonged to a process that died mid-work. */
export const STALE_CLAIM_MS = 10 * 60_000;

export interface DeliveryClaims {
  /** True when this process should do the work; false for a duplicate. */
  claim(key: string, tenantId?: string): Promise<boolean>;
  complete(key: string): Promise<void>;
  release(key: string): Promise<void>;
}

/**
 * Completions are written together, at most every COMPLETION_BATCH_MS: one UPDATE for every
 * request finished meanwhile instead of one each (a statement per request saved under load). A
 * completion lost to a crash within that window only makes its claim look abandoned, which
 * matters after STALE_CLAIM_MS, long after any platform re-delivers.
 */
export const COMPLETION_BATCH_MS = 25;

/** Claims on one platform's deliveries; keys are unique per platform, not across platforms. */
export function deliveryClaims(db: Db, clock: Clock, platform: Platform): DeliveryClaims {
  let batch: { keys: string[]; written: Promise<void> } | undefined;

  function writeCompletions(keys: string[]): Promise<void> {
    return directExecute(
      db,
      Prisma.sql`
        UPDATE "ProcessedEvent" SET "completedAt" = ${utcInstant(clock.now())}
        WHERE platform = ${platform}::"Platform" AND "eventKey" = ANY(${keys}::text[])`,
    ).then(() => undefined);
  }

  return {
    async claim(key, tenantId) {
      const now = clock.now();
      // Raw SQL on purpose: every request runs this, and one statement through Prisma's query
      // compiler costs several times the database's own work (bench/ack.ts).
      const inserted = await directExecute(db, Prisma.sql`
        INSERT INTO "ProcessedEvent" (id, platform, "eventKey", "tenantId", "claimedAt")
        VALUES (${randomUUID()}, ${platform}::"Platform", ${key}, ${tenantId ?? null}, ${utcInstant(now)})
        ON CONFLICT (platform, "eventKey") DO NOTHING`);
      if (inserted === 1) return true;
      // Take over a claim abandoned by a crashed process; the conditional update lets one taker win.
      const taken = await db.processedEvent.updateMany({
        where: { platform, eventKey: key, completedAt: null, claimedAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
        data: { claimedAt: now },
      });
      return taken.count === 1;
    },
    complete(key) {
      if (batch) {
        batch.keys.push(key);
        return batch.written;
      }
      const keys = [key];
      const written = new Promise<void>((resolve) => setTimeout(resolve, COMPLETION_BATCH_MS)).then(() => {
        batch = undefined;
        return writeCompletions(keys);
      });
      batch = { keys, written };
      return written;
    },
    async release(key) {
      await db.processedEvent.deleteMany({ where: { platform, eventKey: key, completedAt: null } });
    },
  };
}
