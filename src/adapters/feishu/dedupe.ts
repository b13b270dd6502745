// Feishu delivers events at least once and re-sends one it thinks failed (about 15 s, 5 min, 1 h
// and 6 h later), and its long connection hands each event to one random instance: each
// event_id, and each message_id (a message can come back under a new event), must act once.
// Claim -> do -> record, in PostgreSQL so replicas share it: the first delivery inserts the
// ProcessedEvent row and works, every other delivery finds the row and only acknowledges. A failed
// attempt releases its claim so the platform's retry can try again; a claim left by a crashed
// process expires.
import type { Clock } from "../../core/shared/clock.js";
import type { Db } from "../../db/client.js";

/** A claim older than this without completion belonged to a process that died mid-work. */
export const STALE_CLAIM_MS = 10 * 60_000;

export interface EventClaims {
  /** True when this process should do the work; false for a duplicate. */
  claim(key: string, tenantId?: string): Promise<boolean>;
  complete(key: string): Promise<void>;
  release(key: string): Promise<void>;
}

export const eventKey = (eventId: string) => `event:${eventId}`;
export const messageKey = (messageId: string) => `message:${messageId}`;

export function eventClaims(db: Db, clock: Clock): EventClaims {
  return {
    async claim(key, tenantId) {
      const now = clock.now();
      const inserted = await db.processedEvent.createMany({
        data: [{ platform: "FEISHU", eventKey: key, claimedAt: now, ...(tenantId ? { tenantId } : {}) }],
        skipDuplicates: true,
      });
      if (inserted.count === 1) return true;
      // Take over a claim abandoned by a crashed process; the conditional update lets one taker win.
      const taken = await db.processedEvent.updateMany({
        where: { platform: "FEISHU", eventKey: key, completedAt: null, claimedAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
        data: { claimedAt: now },
      });
      return taken.count === 1;
    },
    async complete(key) {
      await db.processedEvent.updateMany({ where: { platform: "FEISHU", eventKey: key }, data: { completedAt: clock.now() } });
    },
    async release(key) {
      await db.processedEvent.deleteMany({ where: { platform: "FEISHU", eventKey: key, completedAt: null } });
    },
  };
}
