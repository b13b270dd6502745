// Platforms deliver at least once: a retried request, a re-sent event or a double-clicked button
// must act once. Claim -> do -> record, in PostgreSQL so replicas share it: the first delivery
// inserts the ProcessedEvent row and works, every other delivery of the same key finds the row and
// only acknowledges. A failed attempt releases its claim so the platform's retry can try again; a
// claim left by a crashed process expires. Each adapter says why its platform re-delivers and
// which key identifies a delivery.
import type { Platform } from "@prisma/client";
import type { Clock } from "../../core/shared/clock.js";
import type { Db } from "../../db/client.js";

/** A claim older than this without completion belonged to a process that died mid-work. */
export const STALE_CLAIM_MS = 10 * 60_000;

export interface DeliveryClaims {
  /** True when this process should do the work; false for a duplicate. */
  claim(key: string, tenantId?: string): Promise<boolean>;
  complete(key: string): Promise<void>;
  release(key: string): Promise<void>;
}

/** Claims on one platform's deliveries; keys are unique per platform, not across platforms. */
export function deliveryClaims(db: Db, clock: Clock, platform: Platform): DeliveryClaims {
  return {
    async claim(key, tenantId) {
      const now = clock.now();
      const inserted = await db.processedEvent.createMany({
        data: [{ platform, eventKey: key, claimedAt: now, ...(tenantId ? { tenantId } : {}) }],
        skipDuplicates: true,
      });
      if (inserted.count === 1) return true;
      // Take over a claim abandoned by a crashed process; the conditional update lets one taker win.
      const taken = await db.processedEvent.updateMany({
        where: { platform, eventKey: key, completedAt: null, claimedAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
        data: { claimedAt: now },
      });
      return taken.count === 1;
    },
    async complete(key) {
      await db.processedEvent.updateMany({ where: { platform, eventKey: key }, data: { completedAt: clock.now() } });
    },
    async release(key) {
      await db.processedEvent.deleteMany({ where: { platform, eventKey: key, completedAt: null } });
    },
  };
}
