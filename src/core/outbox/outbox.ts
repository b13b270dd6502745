// The outbox: every outbound message is a row first, written in the same transaction as the
// state change that causes it, so a crash can never lose or invent a notification. The core
// records *what* to tell *whom* (a notification intent with ids only); the delivery worker
// renders it for the platform at send time (scheduler/).
import type { Platform, Prisma } from "@prisma/client";
import type { Tx } from "../shared/context.js";

/** "member:<memberId>" for a direct message, "channel:<kind>" for a configured tenant channel. */
export type OutboxTarget = `member:${string}` | `channel:${"complaints" | "digests"}`;

export interface NotificationIntent {
  /** e.g. "complaint.escalated", "hospitality.approval_requested"; the renderer switches on it. */
  kind: string;
  /** Ids and small scalars only: never personal data (phone numbers, e-mails). */
  [key: string]: string | number | boolean | null;
}

export interface EnqueueInput {
  tenantId: string;
  platform: Platform;
  target: OutboxTarget;
  intent: NotificationIntent;
  /** Unique per message: a retried use case or sweep never enqueues the same message twice. */
  dedupeKey: string;
  entityType?: string;
  entityId?: string;
  notBefore?: Date;
}

/** Enqueues messages; duplicates by dedupeKey are ignored. Returns how many were new. */
export async function enqueueNotifications(tx: Tx, messages: EnqueueInput[]): Promise<number> {
  if (messages.length === 0) return 0;
  const result = await tx.outboxMessage.createMany({
    data: messages.map((m) => ({
      tenantId: m.tenantId,
      platform: m.platform,
      target: m.target,
      payload: m.intent as unknown as Prisma.InputJsonValue,
      dedupeKey: m.dedupeKey,
      entityType: m.entityType ?? null,
      entityId: m.entityId ?? null,
      ...(m.notBefore ? { nextAttemptAt: m.notBefore } : {}),
    })),
    skipDuplicates: true,
  });
  return result.count;
}
