// The cadence invariant (DESIGN.md §2): every tiered customer (VIP, A, B) has exactly one open
// CADENCE callback, assigned to its owner, due within its tier's cadence. Tier C has none.
// The unique (tenantId, openCadenceKey) index makes a second open one impossible even under races.
import type { Tier } from "@prisma/client";
import type { TenantSettings } from "../tenants/settings.js";
import type { Tx } from "../shared/context.js";
import { addDays, fromDateColumn, toDateColumn, type LocalDate } from "../shared/time.js";

export interface CadenceCustomer {
  id: string;
  tenantId: string;
  ownerId: string;
  tier: Tier;
}

export function cadenceDaysFor(settings: TenantSettings, tier: Tier): number | null {
  if (tier === "C") return null;
  return settings.tiers.callbackCadenceDays[tier];
}

/**
 * Brings the customer's open cadence callback in line with its tier and owner.
 * `lastContact` is the local date of the last contact (visit or done callback), or today.
 */
export async function syncCadenceCallback(
  tx: Tx,
  settings: TenantSettings,
  customer: CadenceCustomer,
  today: LocalDate,
  lastContact: LocalDate | null = null,
): Promise<void> {
  const open = await tx.callback.findFirst({
    where: { tenantId: customer.tenantId, openCadenceKey: customer.id },
  });
  const cadence = cadenceDaysFor(settings, customer.tier);
  if (cadence === null) {
    if (open) {
      await tx.callback.update({
        where: { id: open.id },
        data: { status: "SKIPPED", openCadenceKey: null, outcome: "tier C: no cadence" },
      });
    }
    return;
  }
  const base = lastContact ?? today;
  let due = addDays(base, cadence);
  if (due < today) due = today;
  if (!open) {
    await tx.callback.create({
      data: {
        tenantId: customer.tenantId,
        customerId: customer.id,
        assigneeId: customer.ownerId,
        dueOn: toDateColumn(due),
        reason: "CADENCE",
        openCadenceKey: customer.id,
      },
    });
    return;
  }
  const currentDue = fromDateColumn(open.dueOn);
  // A tighter cadence (re-tiered up) pulls the due date in; a looser one never pushes an
  // already-promised call further out.
  const newDue = lastContact === null && currentDue < due ? currentDue : due;
  if (open.assigneeId !== customer.ownerId || newDue !== currentDue) {
    await tx.callback.update({
      where: { id: open.id },
      data: { assigneeId: customer.ownerId, dueOn: toDateColumn(newDue) },
    });
  }
}
