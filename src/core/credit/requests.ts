// Credit-limit requests (赊销额度申请) on the approval engine: the requested limit picks the
// chain (settings.credit bands), and the last approval sets the customer's new limit in the
// same transaction, audited as a change of the customer.
import type { CreditRequestStatus, Tier } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { canActFor, requireCanActFor } from "../members/authorization.js";
import { enqueueNotifications } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError, NotFoundError } from "../shared/errors.js";
import { loadTenant } from "../tenants/tenants.js";
import { approvalRequestedMessage, cancelRequest, decideStep, resolveStepsFor, stepRows, stepsForAudit } from "../approvals/engine.js";
import { CREDIT_REQUEST_ENTITY, creditKind } from "../approvals/kinds.js";
import { memberNames, stepMemberIds, toStepView, type ApprovalStepView, type MemberName } from "../approvals/view.js";
import { cancelCreditSchema, decideCreditSchema, parseCreditInput, requestCreditSchema } from "./schemas.js";

type Queryable = Tx | CoreDeps["db"];

export const CUSTOMER_ENTITY = "Customer";

export interface CreditRequestView {
  id: string;
  number: number;
  status: CreditRequestStatus;
  version: number;
  customer: { id: string; name: string; tier: Tier; creditLimitFen: bigint | null };
  requester: MemberName;
  currentLimitFen: bigint | null;
  requestedLimitFen: bigint;
  reason: string;
  decidedAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  steps: ApprovalStepView[];
}

async function loadCreditRequest(db: Queryable, tenantId: string, id: string) {
  const r = await db.creditRequest.findFirst({
    where: { id, tenantId },
    include: {
      steps: { orderBy: { position: "asc" } },
      customer: { select: { id: true, name: true, tier: true, tierOverride: true, ownerId: true, creditLimitFen: true } },
    },
  });
  if (!r) throw new NotFoundError("credit.not_found");
  return r;
}

export async function creditRequestView(db: Queryable, tenantId: string, id: string): Promise<CreditRequestView> {
  const r = await loadCreditRequest(db, tenantId, id);
  const names = await memberNames(db, tenantId, [r.requesterId, ...stepMemberIds(r.steps)]);
  const name = (mid: string): MemberName => ({ id: mid, name: names.get(mid) ?? mid });
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    version: r.version,
    customer: { id: r.customer.id, name: r.customer.name, tier: r.customer.tierOverride ?? r.customer.tier, creditLimitFen: r.customer.creditLimitFen },
    requester: name(r.requesterId),
    currentLimitFen: r.currentLimitFen,
    requestedLimitFen: r.requestedLimitFen,
    reason: r.reason,
    decidedAt: r.decidedAt,
    cancelReason: r.cancelReason,
    createdAt: r.createdAt,
    steps: r.steps.map((s) => toStepView(s, name)),
  };
}

/** A new limit for one of the customers the actor may act for, through the approval chain. */
export async function requestCreditLimit(deps: CoreDeps, actor: Actor, input: unknown): Promise<CreditRequestView> {
  const data = parseCreditInput(requestCreditSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const customer = await tx.customer.findFirst({
      where: { id: data.customerId, tenantId: actor.tenantId },
      select: { id: true, ownerId: true, creditLimitFen: true },
    });
    if (!customer) throw new NotFoundError("credit.customer_not_found");
    await requireCanActFor(tx, actor, customer.ownerId);
    if (customer.creditLimitFen === data.newLimitFen) throw new ConflictError("credit.same_limit", { limit: data.newLimitFen.toString() });
    const open = await tx.creditRequest.findFirst({ where: { tenantId: actor.tenantId, customerId: customer.id, status: "PENDING" }, select: { number: true } });
    if (open) throw new ConflictError("credit.request_open", { number: open.number });

    const steps = await resolveStepsFor(tx, creditKind, tenant, {
      requesterId: actor.memberId,
      customerOwnerId: customer.ownerId,
      amountFen: data.newLimitFen,
      now,
    });
    const [counter] = await tx.$queryRaw<Array<{ number: number }>>`
      UPDATE "Tenant" SET "nextCreditRequestNo" = "nextCreditRequestNo" + 1
      WHERE id = ${actor.tenantId}
      RETURNING "nextCreditRequestNo" - 1 AS number`;
    if (!counter) throw new NotFoundError("tenant.not_found", { tenantId: actor.tenantId });
    const created = await tx.creditRequest.create({
      data: {
        tenantId: actor.tenantId,
        number: counter.number,
        requesterId: actor.memberId,
        customerId: customer.id,
        currentLimitFen: customer.creditLimitFen,
        requestedLimitFen: data.newLimitFen,
        reason: data.reason,
        steps: { create: stepRows(creditKind, actor.tenantId, steps, now) },
      },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "credit.requested",
      entityType: CREDIT_REQUEST_ENTITY,
      entityId: created.id,
      after: {
        number: created.number,
        customerId: customer.id,
        currentLimitFen: customer.creditLimitFen,
        requestedLimitFen: data.newLimitFen,
        reason: data.reason,
        steps: stepsForAudit(steps),
      },
    });
    const first = created.steps.find((s) => s.status === "PENDING")!;
    await enqueueNotifications(tx, [
      approvalRequestedMessage(creditKind, tenant.platform, actor.tenantId, created.id, created.number, first, created.version),
    ]);
    return creditRequestView(tx, actor.tenantId, created.id);
  });
}

/** Approve or reject the open step; the last approval sets the customer's limit. */
export async function decideCreditRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<CreditRequestView> {
  const data = parseCreditInput(decideCreditSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    await decideStep(tx, creditKind, tenant, actor, data, now, async (request, status) => {
      if (status !== "APPROVED") return;
      const before = await tx.customer.findFirstOrThrow({ where: { id: request.customerId, tenantId: actor.tenantId }, select: { creditLimitFen: true } });
      await tx.customer.update({ where: { id: request.customerId }, data: { creditLimitFen: request.amountFen } });
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actorId: actor.memberId,
        platform: actor.platform,
        action: "customer.credit_limit_changed",
        entityType: CUSTOMER_ENTITY,
        entityId: request.customerId,
        before: { creditLimitFen: before.creditLimitFen },
        after: { creditLimitFen: request.amountFen, creditRequestId: request.id, number: request.number },
      });
    });
    return creditRequestView(tx, actor.tenantId, data.requestId);
  });
}

export async function cancelCreditRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<CreditRequestView> {
  const data = parseCreditInput(cancelCreditSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    await cancelRequest(tx, creditKind, tenant, actor, data.requestId, data.reason ?? null, now);
    return creditRequestView(tx, actor.tenantId, data.requestId);
  });
}

/** One request, for its requester, anyone on its chain and whoever may act for the requester. */
export async function getCreditRequest(deps: CoreDeps, actor: Actor, requestId: string): Promise<CreditRequestView> {
  const view = await creditRequestView(deps.db, actor.tenantId, requestId);
  const involved =
    view.requester.id === actor.memberId || view.steps.some((s) => s.approver.id === actor.memberId || s.decidedBy?.id === actor.memberId);
  if (!involved && !(await canActFor(deps.db, actor, view.requester.id))) throw new NotFoundError("credit.not_found");
  return view;
}

/** Credit steps waiting for the actor, oldest first. */
export async function myPendingCreditApprovals(deps: CoreDeps, actor: Actor): Promise<CreditRequestView[]> {
  const steps = await deps.db.approvalStep.findMany({
    where: { tenantId: actor.tenantId, approverId: actor.memberId, status: "PENDING", kind: "CREDIT", creditRequest: { status: "PENDING" } },
    orderBy: [{ pendingSince: "asc" }],
    select: { creditRequestId: true },
  });
  const views: CreditRequestView[] = [];
  for (const s of steps) if (s.creditRequestId) views.push(await creditRequestView(deps.db, actor.tenantId, s.creditRequestId));
  return views;
}
