// Delivers outbox rows. Claim -> send -> record: a row is claimed with a short lease
// (FOR UPDATE SKIP LOCKED, so replicas never claim the same row), sent through the platform's
// sender, then marked SENT with the platform's message id. A crash after the send but before
// the record leaves the lease to expire; the row is then retried with the same dedupeKey, which
// senders pass to the platform as an idempotency key / client message id where it has one.
import type { OutboxMessage, Platform } from "@prisma/client";
import type { Db } from "../db/client.js";
import type { Clock } from "../core/shared/clock.js";

export type DeliveryResult =
  | { ok: true; platformMessageId?: string; channel?: string }
  | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

export type Sender = (message: OutboxMessage) => Promise<DeliveryResult>;

export interface OutboxWorkerOptions {
  db: Db;
  clock: Clock;
  senders: Partial<Record<Platform, Sender>>;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  onDelivered?: (message: OutboxMessage, result: DeliveryResult) => void;
}

/** Backoff for transient failures: 5 s, 20 s, 80 s … capped at 30 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5_000 * 4 ** Math.max(0, attempt - 1), 30 * 60_000);
}

export async function claimOutboxBatch(db: Db, now: Date, platforms: Platform[], batchSize: number, leaseMs: number) {
  if (platforms.length === 0) return [];
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<OutboxMessage[]>`
    UPDATE "OutboxMessage" o
    SET status = 'SENDING', "lockedUntil" = ${leaseUntil}, attempts = o.attempts + 1
    WHERE o.id IN (
      SELECT id FROM "OutboxMessage"
      WHERE platform::text = ANY(${platforms}::text[])
        AND "nextAttemptAt" <= ${now}
        AND (status = 'PENDING' OR (status = 'SENDING' AND "lockedUntil" < ${now}))
      ORDER BY "nextAttemptAt", "createdAt"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING o.*`;
}

/** Claims and delivers one batch; returns how many rows it handled. */
export async function deliverOutboxBatch(options: OutboxWorkerOptions): Promise<number> {
  const { db, clock, senders } = options;
  const platforms = Object.keys(senders) as Platform[];
  const batch = await claimOutboxBatch(db, clock.now(), platforms, options.batchSize ?? 20, options.leaseMs ?? 60_000);
  for (const message of batch) {
    const sender = senders[message.platform]!;
    let result: DeliveryResult;
    try {
      result = await sender(message);
    } catch (err) {
      result = { ok: false, permanent: false, error: (err as Error).message };
    }
    const now = clock.now();
    if (result.ok) {
      await db.outboxMessage.update({
        where: { id: message.id },
        data: { status: "SENT", sentAt: now, lockedUntil: null, platformMessageId: result.platformMessageId ?? null, lastError: null },
      });
      if (result.platformMessageId && result.channel && message.entityType && message.entityId) {
        await db.messageRef.upsert({
          where: { platform_channel_messageId: { platform: message.platform, channel: result.channel, messageId: result.platformMessageId } },
          create: {
            tenantId: message.tenantId,
            entityType: message.entityType,
            entityId: message.entityId,
            platform: message.platform,
            channel: result.channel,
            messageId: result.platformMessageId,
          },
          update: {},
        });
      }
    } else {
      const giveUp = result.permanent || message.attempts >= (options.maxAttempts ?? 8);
      await db.outboxMessage.update({
        where: { id: message.id },
        data: giveUp
          ? { status: "FAILED", lockedUntil: null, lastError: result.error.slice(0, 1000) }
          : {
              status: "PENDING",
              lockedUntil: null,
              lastError: result.error.slice(0, 1000),
              nextAttemptAt: new Date(now.getTime() + (result.retryAfterMs ?? retryDelayMs(message.attempts))),
            },
      });
    }
    options.onDelivered?.(message, result);
  }
  return batch.length;
}
