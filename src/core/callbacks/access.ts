// Loading what a use case acts on, scoped to the actor's tenant and checked against what the
// actor may see (authorization.ts). Ids from another tenant are simply not found.
import type { Callback, Customer } from "@prisma/client";
import { requireCanActFor } from "../members/authorization.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";

type Queryable = Tx | CoreDeps["db"];

/**
 * The customer, if it exists in the actor's tenant and the actor may act for its owner.
 * `notFoundCode` is the calling area's key ("visit.customer_not_found"), as every area owns its codes.
 */
export async function customerForActor(db: Queryable, actor: Actor, customerId: string, notFoundCode: string): Promise<Customer> {
  const customer = await db.customer.findFirst({ where: { id: customerId, tenantId: actor.tenantId } });
  if (!customer) throw new NotFoundError(notFoundCode, { customer: customerId });
  await requireCanActFor(db, actor, customer.ownerId, "customer");
  return customer;
}

export async function callbackInTenant(db: Queryable, tenantId: string, callbackId: string): Promise<Callback> {
  const callback = await db.callback.findFirst({ where: { id: callbackId, tenantId } });
  if (!callback) throw new NotFoundError("callback.not_found", { callback: callbackId });
  return callback;
}

/** The assignee handles their callback; anyone who may act for the assignee may too. */
export async function requireMayHandleCallback(db: Queryable, actor: Actor, callback: Callback): Promise<void> {
  if (callback.assigneeId === actor.memberId) return;
  await requireCanActFor(db, actor, callback.assigneeId, "callback");
}

/** Moves the customer's last contact forward to `at`, never back (atomic against concurrent contacts). */
export async function touchLastContact(tx: Tx, tenantId: string, customerId: string, at: Date): Promise<void> {
  await tx.customer.updateMany({
    where: { id: customerId, tenantId, OR: [{ lastContactAt: null }, { lastContactAt: { lt: at } }] },
    data: { lastContactAt: at },
  });
}

/**
 * Serializes the transactions that change one customer's callbacks and contact (visits,
 * completions, skips). Without it, a visit re-arming the cadence callback while someone completes
 * another of the customer's callbacks can take the callback and customer row locks in opposite
 * orders and deadlock. NO KEY UPDATE: inserts that merely reference the customer (a complaint's
 * callback, a purchase order) are not blocked.
 */
export async function lockCustomer(tx: Tx, tenantId: string, customerId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Customer" WHERE id = ${customerId} AND "tenantId" = ${tenantId} FOR NO KEY UPDATE`;
}
