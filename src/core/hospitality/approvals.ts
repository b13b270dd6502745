// Approval decisions (DESIGN.md §2): only the member whose step is pending (or an ADMIN)
// decides; nobody decides their own request; a rejection needs a reason; and a double click, a
// stale card or two approvers racing produce exactly one decision — every loser is told who won.
import type { ApproverRole, HospitalityKind, Tier } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import type { LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { approvalRequestedMessage, HOSPITALITY_ENTITY } from "./hospitality.js";
import { decideApprovalSchema, parseHospitalityInput } from "./schemas.js";
import { decidedStepConflict, lateDecisionConflict, loadRequest, toHospitalityView, type HospitalityView } from "./view.js";

export async function decideApproval(deps: CoreDeps, actor: Actor, input: unknown): Promise<HospitalityView> {
  const data = parseHospitalityInput(decideApprovalSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const request = await loadRequest(tx, actor.tenantId, data.requestId);
    if (request.requesterId === actor.memberId) throw new ForbiddenError("hospitality.self_approval");

    if (request.status !== "PENDING") throw await lateDecisionConflict(tx, request);
    if (data.cardVersion !== undefined && data.cardVersion < request.version) throw await lateDecisionConflict(tx, request);
    if (data.stepId !== undefined) {
      const clicked = request.steps.find((s) => s.id === data.stepId);
      if (!clicked) throw new NotFoundError("hospitality.not_found");
      if (clicked.status === "APPROVED" || clicked.status === "REJECTED") throw await decidedStepConflict(tx, actor.tenantId, clicked);
      if (clicked.status !== "PENDING") throw new ForbiddenError("hospitality.not_your_step");
    }
    const step = request.steps.find((s) => s.status === "PENDING");
    if (!step) throw await lateDecisionConflict(tx, request);
    if (step.approverId !== actor.memberId && actor.role !== "ADMIN") {
      // A repeated command (no card to carry a version) from someone whose step is done is a
      // double click too, not a trespass.
      const mine = request.steps
        .filter((s) => s.decidedById === actor.memberId && (s.status === "APPROVED" || s.status === "REJECTED"))
        .at(-1);
      if (mine) throw await decidedStepConflict(tx, actor.tenantId, mine);
      throw new ForbiddenError("hospitality.not_your_step");
    }
    if (data.decision === "REJECT" && !data.reason) throw new InvalidInputError("hospitality.reason_required");

    const approve = data.decision === "APPROVE";
    const next = approve ? request.steps.find((s) => s.position > step.position && s.status === "WAITING") : undefined;
    const finalStatus = !approve ? "REJECTED" : next ? null : "APPROVED";
    // The claim: only one transaction can move the request from this version. Concurrent
    // deciders block on the row and then find the version changed (count 0).
    const claimed = await tx.hospitalityRequest.updateMany({
      where: { id: request.id, tenantId: actor.tenantId, status: "PENDING", version: request.version },
      data: { version: { increment: 1 }, ...(finalStatus ? { status: finalStatus, decidedAt: now } : {}) },
    });
    if (claimed.count === 0) throw await lateDecisionConflict(tx, await loadRequest(tx, actor.tenantId, request.id));
    const newVersion = request.version + 1;

    await tx.approvalStep.update({
      where: { id: step.id },
      data: {
        status: approve ? "APPROVED" : "REJECTED",
        decidedById: actor.memberId,
        decidedAt: now,
        reason: data.reason ?? null,
      },
    });
    const messages: EnqueueInput[] = [];
    const toRequester = (kind: string): EnqueueInput => ({
      tenantId: actor.tenantId,
      platform: tenant.platform,
      target: `member:${request.requesterId}`,
      intent: { kind, requestId: request.id, number: request.number, stepId: step.id, decidedById: actor.memberId },
      dedupeKey: `hospitality:${request.id}:${kind}`,
      entityType: HOSPITALITY_ENTITY,
      entityId: request.id,
    });
    if (next) {
      await tx.approvalStep.update({ where: { id: next.id }, data: { status: "PENDING", pendingSince: now } });
      messages.push(approvalRequestedMessage(tenant.platform, actor.tenantId, request.id, request.number, next, newVersion));
    } else if (approve) {
      messages.push(toRequester("hospitality.approved"));
    } else {
      await tx.approvalStep.updateMany({
        where: { requestId: request.id, tenantId: actor.tenantId, status: "WAITING" },
        data: { status: "SKIPPED" },
      });
      messages.push(toRequester("hospitality.rejected"));
    }
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: approve ? "hospitality.step_approved" : "hospitality.step_rejected",
      entityType: HOSPITALITY_ENTITY,
      entityId: request.id,
      before: { status: request.status, version: request.version, step: { position: step.position, status: step.status } },
      after: {
        status: finalStatus ?? request.status,
        version: newVersion,
        step: { id: step.id, position: step.position, role: step.role, status: approve ? "APPROVED" : "REJECTED" },
        approverId: step.approverId,
        onBehalf: step.approverId !== actor.memberId,
        reason: data.reason ?? null,
        nextStep: next ? { position: next.position, approverId: next.approverId } : null,
      },
    });
    await enqueueNotifications(tx, messages);
    return toHospitalityView(tx, tenant.settings, await loadRequest(tx, actor.tenantId, request.id));
  });
}

export interface PendingApproval {
  stepId: string;
  position: number;
  role: ApproverRole;
  pendingSince: Date | null;
  requestId: string;
  number: number;
  /** For the card's buttons (stale-card check). */
  version: number;
  eventDate: LocalDate;
  kind: HospitalityKind;
  guests: number;
  staff: number;
  estimatedFen: bigint;
  perHeadFlagged: boolean;
  venue: string | null;
  purpose: string;
  customer: { id: string; name: string; tier: Tier };
  requester: { id: string; name: string };
}

interface PendingRow {
  stepId: string;
  position: number;
  role: ApproverRole;
  pendingSince: Date | null;
  requestId: string;
  number: number;
  version: number;
  eventDate: string;
  kind: HospitalityKind;
  guests: number;
  staff: number;
  estimatedFen: bigint | number | string;
  perHeadFlagged: boolean;
  venue: string | null;
  purpose: string;
  customerId: string;
  customerName: string;
  tier: Tier;
  requesterId: string;
  requesterName: string | null;
}

/** The approval steps waiting for the actor, oldest first, in one query. */
export async function myPendingApprovals(deps: CoreDeps, actor: Actor): Promise<PendingApproval[]> {
  const rows = await deps.db.$queryRaw<PendingRow[]>`
    SELECT s.id AS "stepId", s.position, s.role::text AS role, s."pendingSince",
           r.id AS "requestId", r.number, r.version, to_char(r."eventDate", 'YYYY-MM-DD') AS "eventDate",
           r.kind::text AS kind, r.guests, r.staff, r."estimatedFen", r."perHeadFlagged", r.venue, r.purpose,
           c.id AS "customerId", c.name AS "customerName", COALESCE(c."tierOverride", c.tier)::text AS tier,
           r."requesterId", m."displayName" AS "requesterName"
    FROM "ApprovalStep" s
    JOIN "HospitalityRequest" r ON r.id = s."requestId" AND r."tenantId" = s."tenantId"
    JOIN "Customer" c ON c.id = r."customerId" AND c."tenantId" = r."tenantId"
    LEFT JOIN "Member" m ON m.id = r."requesterId" AND m."tenantId" = r."tenantId"
    WHERE s."tenantId" = ${actor.tenantId} AND s."approverId" = ${actor.memberId}
      AND s.status = 'PENDING' AND r.status = 'PENDING'
    ORDER BY s."pendingSince" ASC NULLS LAST, r.number ASC`;
  return rows.map((r) => ({
    stepId: r.stepId,
    position: r.position,
    role: r.role,
    pendingSince: r.pendingSince,
    requestId: r.requestId,
    number: r.number,
    version: r.version,
    eventDate: r.eventDate,
    kind: r.kind,
    guests: r.guests,
    staff: r.staff,
    estimatedFen: BigInt(r.estimatedFen),
    perHeadFlagged: r.perHeadFlagged,
    venue: r.venue,
    purpose: r.purpose,
    customer: { id: r.customerId, name: r.customerName, tier: r.tier },
    requester: { id: r.requesterId, name: r.requesterName ?? r.requesterId },
  }));
}
