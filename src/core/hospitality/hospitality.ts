// Hospitality requests (客户招待申请, DESIGN.md §2): request, cancel, settle, look up.
// Decisions on approval steps live in approvals.ts, reminders in reminders.ts.
import { recordAudit } from "../audit/audit.js";
import { canActFor, requireCanActFor } from "../members/authorization.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { fromDateColumn, localDateOf, toDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import {
  approvalRequestedMessage as engineApprovalRequestedMessage,
  cancelRequest,
  resolveStepsFor,
  stepRows,
  stepsForAudit,
} from "../approvals/engine.js";
import { HOSPITALITY_ENTITY, hospitalityKind } from "../approvals/kinds.js";
import { nearestActiveSupervisor } from "../approvals/pool.js";
import { overspend, perHeadFlag } from "./rules.js";
import {
  cancelHospitalitySchema,
  parseHospitalityInput,
  requestHospitalitySchema,
  settleHospitalitySchema,
} from "./schemas.js";
import { effectiveTier, loadRequest, toHospitalityView, type HospitalityView } from "./view.js";

export { HOSPITALITY_ENTITY };

/** A new request from the actor for one of the customers they may act for. */
export async function requestHospitality(deps: CoreDeps, actor: Actor, input: unknown): Promise<HospitalityView> {
  const data = parseHospitalityInput(requestHospitalitySchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const today = localDateOf(now, tenant.timeZone);
    if (data.eventDate < today) throw new InvalidInputError("hospitality.date_in_past", { date: data.eventDate, today });
    const customer = await tx.customer.findFirst({
      where: { id: data.customerId, tenantId: actor.tenantId },
      select: { id: true, name: true, tier: true, tierOverride: true, ownerId: true },
    });
    if (!customer) throw new NotFoundError("hospitality.customer_not_found");
    await requireCanActFor(tx, actor, customer.ownerId);

    const settings = tenant.settings;
    const steps = await resolveStepsFor(tx, hospitalityKind, tenant, {
      requesterId: actor.memberId,
      customerOwnerId: customer.ownerId,
      amountFen: data.estimatedFen,
      now,
    });
    const tier = effectiveTier(customer);
    const perHead = perHeadFlag(settings, tier, data.estimatedFen, data.guests + data.staff);

    // The counter row lock serialises concurrent requests of one tenant: numbers never repeat.
    const [counter] = await tx.$queryRaw<Array<{ number: number }>>`
      UPDATE "Tenant" SET "nextHospitalityNo" = "nextHospitalityNo" + 1
      WHERE id = ${actor.tenantId}
      RETURNING "nextHospitalityNo" - 1 AS number`;
    if (!counter) throw new NotFoundError("tenant.not_found", { tenantId: actor.tenantId });

    const created = await tx.hospitalityRequest.create({
      data: {
        tenantId: actor.tenantId,
        number: counter.number,
        requesterId: actor.memberId,
        customerId: customer.id,
        eventDate: toDateColumn(data.eventDate),
        kind: data.kind,
        guests: data.guests,
        staff: data.staff,
        estimatedFen: data.estimatedFen,
        venue: data.venue ?? null,
        purpose: data.purpose,
        perHeadFlagged: perHead.flagged,
        tierAtRequest: tier,
        perHeadGuidelineFen: perHead.guidelineFen,
        steps: { create: stepRows(hospitalityKind, actor.tenantId, steps, now) },
      },
    });
    const request = await loadRequest(tx, actor.tenantId, created.id);
    const first = request.steps[0]!;

    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "hospitality.requested",
      entityType: HOSPITALITY_ENTITY,
      entityId: request.id,
      after: {
        number: request.number,
        customerId: customer.id,
        eventDate: data.eventDate,
        kind: data.kind,
        guests: data.guests,
        staff: data.staff,
        estimatedFen: data.estimatedFen,
        perHeadFen: perHead.perHeadFen,
        perHeadGuidelineFen: perHead.guidelineFen,
        perHeadFlagged: perHead.flagged,
        tier,
        steps: stepsForAudit(steps),
      },
    });
    await enqueueNotifications(tx, [
      approvalRequestedMessage(tenant.platform, request.tenantId, request.id, request.number, first, request.version),
    ]);
    return toHospitalityView(tx, settings, request);
  });
}

/** The outbox message asking a step's approver to decide (a card with Approve / Reject). */
export function approvalRequestedMessage(
  platform: EnqueueInput["platform"],
  tenantId: string,
  requestId: string,
  number: number,
  step: { id: string; approverId: string; position: number },
  version: number,
): EnqueueInput {
  return engineApprovalRequestedMessage(hospitalityKind, platform, tenantId, requestId, number, step, version);
}

/** The requester withdraws a request that is still pending. */
export async function cancelHospitality(deps: CoreDeps, actor: Actor, input: unknown): Promise<HospitalityView> {
  const data = parseHospitalityInput(cancelHospitalitySchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const request = await cancelRequest(tx, hospitalityKind, tenant, actor, data.requestId, data.reason ?? null, now);
    return toHospitalityView(tx, tenant.settings, await loadRequest(tx, actor.tenantId, request.id));
  });
}

/**
 * The requester records what was actually spent. Spending more than the approved amount plus
 * the tolerance (10 %) is flagged to the requester's supervisor.
 */
export async function settleHospitality(deps: CoreDeps, actor: Actor, input: unknown): Promise<HospitalityView> {
  const data = parseHospitalityInput(settleHospitalitySchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const request = await loadRequest(tx, actor.tenantId, data.requestId);
    if (request.requesterId !== actor.memberId) throw new ForbiddenError("hospitality.not_requester");
    if (request.status !== "APPROVED") throw new ConflictError("hospitality.not_approved", { status: request.status });
    // What was spent is known only once the event has taken place.
    const today = localDateOf(now, tenant.timeZone);
    const eventDate = fromDateColumn(request.eventDate);
    if (today < eventDate) throw new InvalidInputError("hospitality.settle_before_event", { date: eventDate, today });
    const check = overspend(data.actualFen, request.estimatedFen, tenant.settings.hospitality.overspendTolerancePercent);
    const claimed = await tx.hospitalityRequest.updateMany({
      where: { id: request.id, tenantId: actor.tenantId, status: "APPROVED" },
      data: { status: "SETTLED", actualFen: data.actualFen, overspendFlagged: check.flagged, settledAt: now },
    });
    if (claimed.count === 0) throw new ConflictError("hospitality.not_approved", { status: "SETTLED" });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "hospitality.settled",
      entityType: HOSPITALITY_ENTITY,
      entityId: request.id,
      before: { status: request.status, actualFen: null },
      after: { status: "SETTLED", actualFen: data.actualFen, overByFen: check.overByFen, overspendFlagged: check.flagged },
    });
    if (check.flagged) {
      const supervisorId = await nearestActiveSupervisor(tx, actor.tenantId, request.requesterId);
      if (supervisorId) {
        await enqueueNotifications(tx, [
          {
            tenantId: actor.tenantId,
            platform: tenant.platform,
            target: `member:${supervisorId}`,
            intent: { kind: "hospitality.overspent", requestId: request.id, number: request.number },
            dedupeKey: `hospitality:${request.id}:overspent`,
            entityType: HOSPITALITY_ENTITY,
            entityId: request.id,
          },
        ]);
      }
    }
    return toHospitalityView(tx, tenant.settings, await loadRequest(tx, actor.tenantId, request.id));
  });
}

/**
 * One request with its steps. Visible to its requester, anyone on its approval chain and
 * whoever may act for the requester; to everyone else it does not exist.
 */
export async function getHospitality(deps: CoreDeps, actor: Actor, requestId: string): Promise<HospitalityView> {
  const request = await loadRequest(deps.db, actor.tenantId, requestId);
  const involved =
    request.requesterId === actor.memberId ||
    request.steps.some((s) => s.approverId === actor.memberId || s.decidedById === actor.memberId);
  if (!involved && !(await canActFor(deps.db, actor, request.requesterId))) {
    throw new NotFoundError("hospitality.not_found");
  }
  const tenant = await loadTenant(deps.db, actor.tenantId);
  return toHospitalityView(deps.db, tenant.settings, request);
}
