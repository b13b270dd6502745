// Approval reminders (DESIGN.md §2, the 5-minute sweep), for requests of every kind: a step pending longer than
// settings.hospitality.reminderAfterHours reminds its approver, at most once per tenant-local
// day and never sooner than that many hours after the previous reminder (so an evening
// reminder is not followed by another just after midnight).
import { Prisma, type Platform } from "@prisma/client";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { localDateOf, startOfLocalDay } from "../shared/time.js";
import { parseTenantSettings } from "../tenants/settings.js";
import { approvalKinds } from "./kinds.js";
import { utcInstant } from "../../db/sql.js";

export interface ReminderSweepResult {
  reminded: number;
  /** Tenants skipped because their stored settings do not parse; the others are unaffected. */
  failedTenantIds: string[];
}

interface TenantCutoffs {
  tenantId: string;
  platform: Platform;
  localDate: string;
  /** Steps pending since at or before this instant are due a reminder. */
  pendingBefore: Date;
  /** A previous reminder before this instant (start of the local day, and at least the reminder interval ago) allows another. */
  remindedBefore: Date;
}

export async function sweepApprovalReminders(
  deps: CoreDeps,
  now: Date,
  options: { tenantId?: string } = {},
): Promise<ReminderSweepResult> {
  const tenantsWithPending = await deps.db.approvalStep.findMany({
    where: { status: "PENDING", ...(options.tenantId ? { tenantId: options.tenantId } : {}) },
    distinct: ["tenantId"],
    select: { tenantId: true },
  });
  if (tenantsWithPending.length === 0) return { reminded: 0, failedTenantIds: [] };
  const tenants = await deps.db.tenant.findMany({
    where: { id: { in: tenantsWithPending.map((t) => t.tenantId) } },
    select: { id: true, platform: true, timeZone: true, settings: true },
  });

  const cutoffs: TenantCutoffs[] = [];
  const failedTenantIds: string[] = [];
  for (const t of tenants) {
    try {
      const hours = parseTenantSettings(t.settings).hospitality.reminderAfterHours;
      const localDate = localDateOf(now, t.timeZone);
      const interval = hours * 3_600_000;
      const dayStart = startOfLocalDay(localDate, t.timeZone).getTime();
      cutoffs.push({
        tenantId: t.id,
        platform: t.platform,
        localDate,
        pendingBefore: new Date(now.getTime() - interval),
        remindedBefore: new Date(Math.min(dayStart, now.getTime() - interval)),
      });
    } catch {
      failedTenantIds.push(t.id);
    }
  }
  if (cutoffs.length === 0) return { reminded: 0, failedTenantIds };

  const values = Prisma.join(
    cutoffs.map((c) => Prisma.sql`(${c.tenantId}::text, ${utcInstant(c.pendingBefore)}, ${utcInstant(c.remindedBefore)})`),
  );
  const byTenant = new Map(cutoffs.map((c) => [c.tenantId, c]));

  return inTransaction(deps, async (tx) => {
    // One statement claims every due step: a concurrent sweep (another replica) blocks on the
    // same rows and then finds lastRemindedAt already moved, so each reminder is sent once.
    const claimed = await tx.$queryRaw<Array<{ id: string; tenantId: string; kind: "HOSPITALITY" | "CREDIT"; requestId: string; approverId: string; position: number; number: number; version: number }>>`
      UPDATE "ApprovalStep" s SET "lastRemindedAt" = ${utcInstant(now)}
      FROM (VALUES ${values}) AS t(tenant_id, pending_before, reminded_before),
           (SELECT id, number, version FROM "HospitalityRequest" WHERE status = 'PENDING'
            UNION ALL
            SELECT id, number, version FROM "CreditRequest" WHERE status = 'PENDING') r
      WHERE s."tenantId" = t.tenant_id
        AND r.id = COALESCE(s."requestId", s."creditRequestId")
        AND s.status = 'PENDING'
        AND s."pendingSince" <= t.pending_before
        AND (s."lastRemindedAt" IS NULL OR s."lastRemindedAt" < t.reminded_before)
      RETURNING s.id, s."tenantId", s.kind::text AS kind, r.id AS "requestId", s."approverId", s.position, r.number, r.version`;
    const messages: EnqueueInput[] = claimed.map((s) => {
      const c = byTenant.get(s.tenantId)!;
      const spec = approvalKinds[s.kind];
      return {
        tenantId: s.tenantId,
        platform: c.platform,
        target: `member:${s.approverId}`,
        intent: {
          kind: `${spec.prefix}.approval_reminder`,
          requestId: s.requestId,
          stepId: s.id,
          number: s.number,
          position: s.position,
          version: s.version,
        },
        dedupeKey: `${spec.prefix}:${s.requestId}:step:${s.id}:reminder:${c.localDate}`,
        entityType: spec.entityType,
        entityId: s.requestId,
      };
    });
    await enqueueNotifications(tx, messages);
    return { reminded: claimed.length, failedTenantIds };
  });
}
