// Slack re-sends an Events API request it thinks failed (X-Slack-Retry-Num) and a flaky network can
// deliver one interaction twice; either must act once. Claim -> do -> record, in PostgreSQL so
// replicas share it: the first delivery inserts the ProcessedEvent row and works, every other
// delivery of the same key finds the row and only acknowledges. A failed attempt releases its
// claim so a retry can try again; a claim left by a crashed process expires.
import { createHash } from "node:crypto";
import type { Db } from "../../db/client.js";
import type { Clock } from "../../core/shared/clock.js";

/** A claim older than this without completion belonged to a process that died mid-work. */
export const STALE_CLAIM_MS = 10 * 60_000;

interface SlackBodyShape {
  type?: string;
  event_id?: string;
  trigger_id?: string;
  team_id?: string;
  team?: { id?: string } | null;
  user?: { team_id?: string } | null;
}

/**
 * The de-duplication key of one Slack delivery: the event id for Events API callbacks, else the
 * trigger_id every command and interaction carries (new per click, identical on a re-delivery),
 * else a hash of the whole body.
 */
export function deliveryKey(body: unknown): string {
  const b = (body ?? {}) as SlackBodyShape;
  const team = b.team_id ?? b.team?.id ?? b.user?.team_id ?? "-";
  if (b.type === "event_callback" && b.event_id) return `event:${team}:${b.event_id}`;
  if (b.trigger_id) return `retry:${team}:${b.trigger_id}`;
  return `retry:${team}:${createHash("sha256").update(JSON.stringify(body ?? null)).digest("hex")}`;
}

export interface DeliveryClaims {
  /** True when this process should do the work; false for a duplicate. */
  claim(key: string): Promise<boolean>;
  complete(key: string): Promise<void>;
  release(key: string): Promise<void>;
}

export function deliveryClaims(db: Db, clock: Clock): DeliveryClaims {
  return {
    async claim(key) {
      const now = clock.now();
      const inserted = await db.processedEvent.createMany({
        data: [{ platform: "SLACK", eventKey: key, claimedAt: now }],
        skipDuplicates: true,
      });
      if (inserted.count === 1) return true;
      // Take over a claim abandoned by a crashed process; the conditional update lets one taker win.
      const taken = await db.processedEvent.updateMany({
        where: { platform: "SLACK", eventKey: key, completedAt: null, claimedAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
        data: { claimedAt: now },
      });
      return taken.count === 1;
    },
    async complete(key) {
      await db.processedEvent.updateMany({ where: { platform: "SLACK", eventKey: key }, data: { completedAt: clock.now() } });
    },
    async release(key) {
      await db.processedEvent.deleteMany({ where: { platform: "SLACK", eventKey: key, completedAt: null } });
    },
  };
}
