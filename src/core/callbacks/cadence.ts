// The cadence invariant (DESIGN.md §2): every tiered customer (VIP, A, B) has exactly one open
// CADENCE callback, assigned to its owner, due within its tier's cadence. Tier C has none.
// The unique (tenantId, openCadenceKey) index makes a second open one impossible even under races.
import type { Platform, Tier } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { onOrNextWorkingDay } from "../calendar/calendar.js";
import { loadDayCalendar } from "../calendar/store.js";
import type { TenantSettings } from "../tenants/settings.js";
import type { WorkCalendar } from "../calendar/calendar.js";
import type { Tx } from "../shared/context.js";
import { ConflictError } from "../shared/errors.js";
import { addDays, fromDateColumn, toDateColumn, type LocalDate } from "../shared/time.js";

export interface CadenceCustomer {
  id: string;
  tenantId: string;
  ownerId: string;
  /** The effective tier (an override, when there is one, already applied). */
  tier: Tier;
}

export function cadenceDaysFor(settings: TenantSettings, tier: Tier): number | null {
  if (tier === "C") return null;
  return settings.tiers.callbackCadenceDays[tier];
}

/** The tier that decides service and cadence: a supervisor's override wins over the computed one. */
export function effectiveTier(customer: { tier: Tier; tierOverride?: Tier | null }): Tier {
  return customer.tierOverride ?? customer.tier;
}

/** What a sync did, so the use case can report and audit it. */
export type CadenceSync =
  | { action: "none" }
  | { action: "unchanged"; callbackId: string; dueOn: LocalDate }
  | { action: "created"; callbackId: string; dueOn: LocalDate; assigneeId: string }
  | {
      action: "updated";
      callbackId: string;
      dueOn: LocalDate;
      assigneeId: string;
      previous: { dueOn: LocalDate; assigneeId: string };
    }
  | { action: "closed"; callbackId: string; dueOn: LocalDate };

/** Who caused a sync, when the caller wants the sync's change audited. */
export interface CadenceAuditBy {
  actorId: string | null;
  platform: Platform | null;
}

/**
 * Brings the customer's open cadence callback in line with its tier and owner.
 * `lastContact` is the local date of the last contact (visit or done callback); without it the
 * next call counts from today. Pass `by` to write an audit row for the change.
 */
export async function syncCadenceCallback(
  tx: Tx,
  settings: TenantSettings,
  customer: CadenceCustomer,
  today: LocalDate,
  lastContact: LocalDate | null = null,
  by: CadenceAuditBy | null = null,
): Promise<CadenceSync> {
  const result = await applyCadence(tx, settings, customer, today, lastContact);
  const entry = cadenceAuditEntry(customer.id, result);
  if (by && entry) await recordAudit(tx, { tenantId: customer.tenantId, actorId: by.actorId, platform: by.platform, ...entry });
  return result;
}

/** The audit row of a sync that changed something (null: nothing to audit); the import writes the same rows set-based. */
export function cadenceAuditEntry(
  customerId: string,
  result: CadenceSync,
): { action: string; entityType: "Callback"; entityId: string; before: unknown; after: unknown } | null {
  if (result.action === "none" || result.action === "unchanged") return null;
  return {
    action: `callback.cadence_${result.action}`,
    entityType: "Callback",
    entityId: result.callbackId,
    before: result.action === "updated" ? result.previous : result.action === "closed" ? { status: "PENDING" } : undefined,
    after:
      result.action === "closed"
        ? { status: "SKIPPED" }
        : { customerId, reason: "CADENCE", dueOn: result.dueOn, assigneeId: result.assigneeId },
  };
}

/**
 * When the next cadence call or cadence visit falls: `cadence` days after the last contact (or
 * today), never in the past, on a working day (a 调休 Saturday is one; the Spring Festival is not).
 */
export function nextCadenceDate(calendar: WorkCalendar, today: LocalDate, last: LocalDate | null, cadence: number): LocalDate {
  let due = addDays(last ?? today, cadence);
  if (due < today) due = today;
  return onOrNextWorkingDay(calendar, due);
}

/**
 * The new date of an open cadence item (callback or planned visit) after a re-sync. Counted
 * afresh from a contact (`restarted`) the new date always holds; otherwise a tighter cadence
 * (re-tiered up) pulls it in and a looser one never pushes an already-promised date further out.
 */
export function resyncedDue(current: LocalDate, due: LocalDate, restarted: boolean): LocalDate {
  return !restarted && current < due ? current : due;
}

async function applyCadence(
  tx: Tx,
  settings: TenantSettings,
  customer: CadenceCustomer,
  today: LocalDate,
  lastContact: LocalDate | null,
): Promise<CadenceSync> {
  const cadence = cadenceDaysFor(settings, customer.tier);
  let calendar: WorkCalendar | undefined;
  // A concurrent transaction (a completion, a visit) may close the open callback between our
  // read and our write; the conditional write then matches nothing and we read again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const open = await tx.callback.findFirst({
      where: { tenantId: customer.tenantId, openCadenceKey: customer.id },
    });
    if (cadence === null) {
      if (!open) return { action: "none" };
      const closed = await tx.callback.updateMany({
        where: { id: open.id, openCadenceKey: customer.id, status: "PENDING" },
        data: { status: "SKIPPED", openCadenceKey: null, outcome: "tier C: no cadence" },
      });
      if (closed.count === 1) return { action: "closed", callbackId: open.id, dueOn: fromDateColumn(open.dueOn) };
      continue;
    }
    calendar ??= await loadDayCalendar(tx, customer.tenantId, settings);
    const due = nextCadenceDate(calendar, today, lastContact, cadence);
    if (!open) {
      const created = await tx.callback.create({
        data: {
          tenantId: customer.tenantId,
          customerId: customer.id,
          assigneeId: customer.ownerId,
          dueOn: toDateColumn(due),
          reason: "CADENCE",
          openCadenceKey: customer.id,
        },
      });
      return { action: "created", callbackId: created.id, dueOn: due, assigneeId: customer.ownerId };
    }
    const currentDue = fromDateColumn(open.dueOn);
    const newDue = resyncedDue(currentDue, due, lastContact !== null);
    if (open.assigneeId === customer.ownerId && newDue === currentDue) {
      return { action: "unchanged", callbackId: open.id, dueOn: currentDue };
    }
    const moved = await tx.callback.updateMany({
      where: { id: open.id, openCadenceKey: customer.id, status: "PENDING" },
      data: { assigneeId: customer.ownerId, dueOn: toDateColumn(newDue) },
    });
    if (moved.count === 1) {
      return {
        action: "updated",
        callbackId: open.id,
        dueOn: newDue,
        assigneeId: customer.ownerId,
        previous: { dueOn: currentDue, assigneeId: open.assigneeId },
      };
    }
  }
  // Three lost races in one transaction means something rewrites the row in a loop; fail the
  // transaction rather than commit a customer without (or with two) open cadence callbacks.
  throw new ConflictError("callback.changed");
}
