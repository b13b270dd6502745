// Credit alerts: a customer owing more than its limit, and invoices past their due date, are
// told to the account manager and their supervisor exactly once — over-limit once per limit
// (dedupe key), each overdue invoice once (claimed by stamping overdueAlertedAt).
import type { Platform } from "@prisma/client";
import { nearestActiveSupervisor } from "../approvals/pool.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type CoreDeps, type Tx } from "../shared/context.js";
import { localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { creditStatusOf } from "./credit.js";
import { CUSTOMER_ENTITY } from "./requests.js";

export interface CreditAlertCount {
  overLimit: number;
  overdue: number;
}

/** Alerts for the given customers as of `today`, in the caller's transaction. */
export async function raiseCreditAlerts(
  tx: Tx,
  tenant: { id: string; platform: Platform },
  customerIds: readonly string[],
  today: LocalDate,
  now: Date,
): Promise<CreditAlertCount> {
  const count: CreditAlertCount = { overLimit: 0, overdue: 0 };
  const messages: EnqueueInput[] = [];
  const recipientsOf = async (ownerId: string) => {
    const supervisor = await nearestActiveSupervisor(tx, tenant.id, ownerId);
    return [ownerId, ...(supervisor && supervisor !== ownerId ? [supervisor] : [])];
  };
  // Overdue invoices not yet told, claimed in one statement so a concurrent import or sweep
  // cannot tell them again.
  const claimed = customerIds.length
    ? await tx.$queryRaw<Array<{ customerId: string; invoiceNo: string }>>`
        UPDATE "Receivable" SET "overdueAlertedAt" = ${now}
        WHERE "tenantId" = ${tenant.id} AND "customerId" = ANY(${[...customerIds]}::text[])
          AND "overdueAlertedAt" IS NULL AND "dueDate" < ${toDateColumn(today)}::date AND "amountFen" > "paidFen"
        RETURNING "customerId", "invoiceNo"`
    : [];
  const overdueBy = new Map<string, string[]>();
  for (const c of claimed) overdueBy.set(c.customerId, [...(overdueBy.get(c.customerId) ?? []), c.invoiceNo]);

  for (const customerId of customerIds) {
    const status = await creditStatusOf(tx, tenant.id, customerId, today);
    const invoices = overdueBy.get(customerId) ?? [];
    if (!status.overLimit && invoices.length === 0) continue;
    const recipients = await recipientsOf(status.customer.ownerId);
    for (const memberId of recipients) {
      if (status.overLimit) {
        messages.push({
          tenantId: tenant.id,
          platform: tenant.platform,
          target: `member:${memberId}`,
          intent: { kind: "credit.over_limit", customerId, limitFen: String(status.limitFen), outstandingFen: String(status.outstandingFen) },
          dedupeKey: `credit:${customerId}:over_limit:${String(status.limitFen)}:${memberId}`,
          entityType: CUSTOMER_ENTITY,
          entityId: customerId,
        });
      }
      if (invoices.length > 0) {
        messages.push({
          tenantId: tenant.id,
          platform: tenant.platform,
          target: `member:${memberId}`,
          intent: { kind: "credit.overdue", customerId, invoices: invoices.sort().join(", "), overdueFen: String(status.overdueFen) },
          dedupeKey: `credit:${customerId}:overdue:${invoices.sort().join(",")}:${memberId}`,
          entityType: CUSTOMER_ENTITY,
          entityId: customerId,
        });
      }
    }
  }
  const added = await enqueueNotifications(tx, messages);
  // Count customers alerted for the first time, not messages.
  if (added > 0) {
    count.overLimit = new Set(messages.filter((m) => m.intent.kind === "credit.over_limit").map((m) => m.entityId)).size;
    count.overdue = overdueBy.size;
  }
  return count;
}

/** The daily sweep: invoices that fell due since the last run, for every tenant with receivables. */
export async function sweepCreditAlerts(deps: CoreDeps, now: Date): Promise<CreditAlertCount> {
  const total: CreditAlertCount = { overLimit: 0, overdue: 0 };
  const tenants = await deps.db.tenant.findMany({
    where: { id: { in: (await deps.db.receivable.findMany({ where: { overdueAlertedAt: null }, distinct: ["tenantId"], select: { tenantId: true } })).map((r) => r.tenantId) } },
    select: { id: true, platform: true, timeZone: true },
  });
  for (const tenant of tenants) {
    const today = localDateOf(now, tenant.timeZone);
    const due = await deps.db.receivable.findMany({
      where: { tenantId: tenant.id, overdueAlertedAt: null, dueDate: { lt: toDateColumn(today) } },
      distinct: ["customerId"],
      select: { customerId: true },
    });
    if (due.length === 0) continue;
    const c = await inTransaction(deps, (tx) => raiseCreditAlerts(tx, tenant, due.map((d) => d.customerId), today, now));
    total.overLimit += c.overLimit;
    total.overdue += c.overdue;
  }
  return total;
}
