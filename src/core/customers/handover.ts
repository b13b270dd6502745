// Handing customers over (客户移交): one customer, or many of one account manager's at once, always
// with a reason. Open callbacks and open complaints the old owner held for those customers move
// with them; the old and the new owner and their supervisors are told (outbox). SUPERVISOR and
// up, who must be able to act for both owners.
import type { Prisma, Tier } from "@prisma/client";
import { requireCanActFor, requireRoleAtLeast } from "../members/authorization.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { loadTenant } from "../tenants/tenants.js";
import { requireActiveMember } from "./customers.js";
import { loadCustomerFor } from "./lookup.js";
import { toCustomerView, type CustomerView } from "./views.js";

export type HandoverSelector = { all: true } | { tier: Tier } | { region: string };

export interface HandoverResult {
  fromId: string;
  toId: string;
  customers: number;
  callbacks: number;
  complaints: number;
  /** Names of the first customers moved, for the answer. */
  names: string[];
}

const REASON_MAX = 500;

function requireReason(reason: string | null | undefined): string {
  const text = (reason ?? "").trim();
  if (text === "") throw new InvalidInputError("customer.handover_reason_required", { field: "reason" });
  if (text.length > REASON_MAX) throw new InvalidInputError("customer.invalid_input", { field: "reason" });
  return text;
}

/**
 * Moves `customerIds` (all owned by `fromId`) to `toId` inside `tx`: the customers, the old
 * owner's pending callbacks, planned visits and open complaints for them (a REASSIGNED event on each complaint),
 * one audit row per customer with the reason.
 */
export async function moveCustomers(
  tx: Tx,
  actor: { tenantId: string; memberId: string | null; platform: Actor["platform"] | null },
  customerIds: string[],
  fromId: string,
  toId: string,
  reason: string,
  now: Date,
): Promise<{ callbacks: number; complaints: number }> {
  if (customerIds.length === 0) return { callbacks: 0, complaints: 0 };
  const tenantId = actor.tenantId;
  await tx.customer.updateMany({ where: { tenantId, id: { in: customerIds }, ownerId: fromId }, data: { ownerId: toId } });
  const callbacks = await tx.callback.updateMany({
    where: { tenantId, customerId: { in: customerIds }, status: "PENDING", assigneeId: fromId },
    data: { assigneeId: toId },
  });
  // The planned visits go with them (the cadence plan and any planned by hand), as the callbacks do.
  await tx.visitPlan.updateMany({
    where: { tenantId, customerId: { in: customerIds }, status: "PLANNED", assigneeId: fromId },
    data: { assigneeId: toId },
  });
  const complaints = await tx.complaint.findMany({
    where: { tenantId, customerId: { in: customerIds }, status: { in: ["OPEN", "ACKNOWLEDGED"] }, assigneeId: fromId },
    select: { id: true },
  });
  if (complaints.length > 0) {
    await tx.complaint.updateMany({ where: { id: { in: complaints.map((c) => c.id) } }, data: { assigneeId: toId } });
    await tx.complaintEvent.createMany({
      data: complaints.map((c) => ({ tenantId, complaintId: c.id, kind: "REASSIGNED" as const, actorId: actor.memberId, assigneeId: toId, note: reason, at: now })),
    });
  }
  await tx.auditLog.createMany({
    data: customerIds.map((id) => ({
      tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "customer.handed_over",
      entityType: "Customer",
      entityId: id,
      before: { ownerId: fromId } as Prisma.InputJsonValue,
      after: { ownerId: toId, reason } as Prisma.InputJsonValue,
      at: now,
    })),
  });
  return { callbacks: callbacks.count, complaints: complaints.length };
}

/** Who hears of a handover: both owners and their supervisors, never the actor twice. */
async function handoverNotices(
  tx: Tx,
  tenant: { id: string; platform: EnqueueInput["platform"] },
  actorId: string | null,
  result: Omit<HandoverResult, "names"> & { customerId?: string },
  reason: string,
  stamp: string,
): Promise<void> {
  const owners = await tx.member.findMany({ where: { tenantId: tenant.id, id: { in: [result.fromId, result.toId] } }, select: { id: true, supervisorId: true } });
  const roles = new Map<string, string>();
  roles.set(result.toId, "new_owner");
  roles.set(result.fromId, "old_owner");
  for (const o of owners) if (o.supervisorId && !roles.has(o.supervisorId)) roles.set(o.supervisorId, "supervisor");
  const messages: EnqueueInput[] = [];
  for (const [memberId, role] of roles) {
    if (memberId === actorId) continue;
    messages.push({
      tenantId: tenant.id,
      platform: tenant.platform,
      target: `member:${memberId}`,
      intent: {
        kind: "customer.handover",
        role,
        fromOwnerId: result.fromId,
        toOwnerId: result.toId,
        byMemberId: actorId,
        customers: result.customers,
        callbacks: result.callbacks,
        complaints: result.complaints,
        reason,
        ...(result.customerId ? { customerId: result.customerId } : {}),
      },
      dedupeKey: `customer.handover:${result.customerId ?? result.fromId}:${result.toId}:${memberId}:${stamp}`,
      ...(result.customerId ? { entityType: "Customer", entityId: result.customerId } : {}),
    });
  }
  await enqueueNotifications(tx, messages);
}

/** Hands one customer to `newOwnerId` with a reason. */
export async function handOverCustomer(deps: CoreDeps, actor: Actor, customerId: string, newOwnerId: string, reason: string | null | undefined): Promise<CustomerView> {
  requireRoleAtLeast(actor, "SUPERVISOR");
  const why = requireReason(reason);
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const before = await loadCustomerFor(tx, actor, customerId);
    await requireActiveMember(tx, actor.tenantId, newOwnerId);
    await requireCanActFor(tx, actor, newOwnerId);
    if (before.ownerId === newOwnerId) return toCustomerView(before);
    const moved = await moveCustomers(tx, actor, [before.id], before.ownerId, newOwnerId, why, now);
    await handoverNotices(tx, tenant, actor.memberId, { fromId: before.ownerId, toId: newOwnerId, customers: 1, ...moved, customerId: before.id }, why, now.toISOString());
    return toCustomerView(await tx.customer.findUniqueOrThrow({ where: { id: before.id } }));
  });
}

/** Hands all (or one tier's, or one region's) customers of `fromId` to `toId`. */
export async function handOverCustomers(
  deps: CoreDeps,
  actor: Actor,
  input: { fromId: string; toId: string; selector: HandoverSelector; reason: string | null | undefined },
): Promise<HandoverResult> {
  requireRoleAtLeast(actor, "SUPERVISOR");
  const why = requireReason(input.reason);
  if (input.fromId === input.toId) throw new InvalidInputError("customer.handover_same_member");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    await requireCanActFor(tx, actor, input.fromId);
    await requireActiveMember(tx, actor.tenantId, input.toId);
    await requireCanActFor(tx, actor, input.toId);
    const selected = await tx.customer.findMany({
      where: {
        tenantId: actor.tenantId,
        ownerId: input.fromId,
        ...("tier" in input.selector ? { tier: input.selector.tier } : {}),
        ...("region" in input.selector ? { region: { equals: input.selector.region.trim(), mode: "insensitive" as const } } : {}),
      },
      select: { id: true, name: true, nameKey: true },
      orderBy: { nameKey: "asc" },
    });
    const ids = selected.map((c) => c.id);
    const moved = await moveCustomers(tx, actor, ids, input.fromId, input.toId, why, now);
    const result = { fromId: input.fromId, toId: input.toId, customers: ids.length, ...moved };
    if (ids.length > 0) await handoverNotices(tx, tenant, actor.memberId, result, why, now.toISOString());
    return { ...result, names: selected.slice(0, 10).map((c) => c.name) };
  });
}

