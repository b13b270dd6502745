// node-cron's distributed-coordination hook (RunCoordinator), backed by a lease row in
// PostgreSQL instead of node-cron's default NODE_CRON_RUN environment flag (which needs one
// hand-picked leader and fails over to nobody). Every replica fires the same slot; each asks
// shouldRun(key) and exactly one wins the row "cron:<task>:<slot time>". The row stays after the
// run (pushed DONE_RETENTION_MS out) so a replica firing late does not run the slot again; if the
// winner dies mid-run, nobody re-runs that slot, which is why digest runs carry their own lease and
// the 5-minute sweep catches up what a dead winner left (scheduler.ts).
import type { RunCoordinator } from "node-cron";
import type { Clock } from "../core/shared/clock.js";
import type { Db } from "../db/client.js";

/** How long a finished slot's row is kept: far longer than any clock skew between replicas. */
export const DONE_RETENTION_MS = 24 * 60 * 60_000;

export function cronLeaseKey(key: string): string {
  return `cron:${key}`;
}

/** A RunCoordinator electing one holder per node-cron slot through SchedulerLease rows. */
export function leaseCoordinator(db: Db, clock: Clock, holder: string): RunCoordinator {
  return {
    async shouldRun(key, ttlMs) {
      const now = clock.now();
      const until = new Date(now.getTime() + ttlMs);
      // Insert the lease, or take over one whose holder let it expire; RETURNING yields a row only
      // to the process that wrote it.
      const rows = await db.$queryRaw<Array<{ holder: string }>>`
        INSERT INTO "SchedulerLease" (key, holder, until)
        VALUES (${cronLeaseKey(key)}, ${holder}, (${until.toISOString()}::timestamptz AT TIME ZONE 'UTC'))
        ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
        WHERE "SchedulerLease".until < (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        RETURNING holder`;
      return rows.length === 1 && rows[0]!.holder === holder;
    },
    async onComplete(key) {
      await db.schedulerLease.updateMany({
        where: { key: cronLeaseKey(key), holder },
        data: { until: new Date(clock.now().getTime() + DONE_RETENTION_MS) },
      });
    },
  };
}

/** Drops finished cron slots and idle pacing scopes older than a day (the 5-minute sweep). */
export async function pruneLeases(db: Db, now: Date): Promise<number> {
  const { count } = await db.schedulerLease.deleteMany({ where: { until: { lt: new Date(now.getTime() - DONE_RETENTION_MS) } } });
  return count;
}

/**
 * De-duplication claims (ProcessedEvent) are only needed while a platform may still re-deliver:
 * Slack retries within minutes, Feishu up to about 6 hours. A week is far beyond both, and
 * keeps the table from growing with every request ever received.
 */
export const CLAIM_RETENTION_MS = 7 * 24 * 60 * 60_000;

export async function pruneDeliveryClaims(db: Db, now: Date): Promise<number> {
  const { count } = await db.processedEvent.deleteMany({ where: { claimedAt: { lt: new Date(now.getTime() - CLAIM_RETENTION_MS) } } });
  return count;
}
