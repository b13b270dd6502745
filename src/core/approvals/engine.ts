// The approval engine (DESIGN.md §2): steps for a request of any kind, decisions, cancelling.
// Only the member whose step is pending (or an ADMIN) decides; nobody decides their own
// request; a rejection needs a reason; a double click, a stale card or two approvers racing
// produce exactly one decision — every loser is told who won. The request row's version is the
// claim: only one transaction moves it on from the version it read.
import type { ApprovalStep, Platform } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { localDateOf } from "../shared/time.js";
import type { TenantView } from "../tenants/tenants.js";
import type { ApprovalKindSpec, EngineRequest } from "./kinds.js";
import { loadApproverPool } from "./pool.js";
import { resolveChain, type ResolvedStep } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

// A collapsed step (its approver already holds an earlier step) is stored SKIPPED with this
// marker and the position it collapsed into in `reason`, which otherwise holds only the
// approver's own words; views expose it as `collapsedInto`, never as text.
const COLLAPSED_MARK = "collapsed-into:";

export function collapsedReason(position: number): string {
  return `${COLLAPSED_MARK}${position}`;
}

export function collapsedInto(step: Pick<ApprovalStep, "status" | "reason">): number | null {
  if (step.status !== "SKIPPED" || !step.reason?.startsWith(COLLAPSED_MARK)) return null;
  const n = Number(step.reason.slice(COLLAPSED_MARK.length));
  return Number.isInteger(n) ? n : null;
}

/** Resolves the chain a new request needs, on the requester's supervisor tree as it is today. */
export async function resolveStepsFor(
  tx: Tx,
  spec: ApprovalKindSpec,
  tenant: TenantView,
  input: { requesterId: string; customerOwnerId: string; amountFen: bigint; now: Date },
): Promise<ResolvedStep[]> {
  const chain = spec.chain(tenant.settings, input.amountFen);
  const pool = await loadApproverPool(tx, tenant.id, input.requesterId, spec.finalApproverId(tenant.settings), {
    customerOwnerId: input.customerOwnerId,
    today: localDateOf(input.now, tenant.timeZone),
  });
  return resolveChain(chain, pool, spec.prefix);
}

/** The nested `steps.create` rows of a new request: the first open step PENDING, collapsed ones SKIPPED. */
export function stepRows(spec: ApprovalKindSpec, tenantId: string, steps: ResolvedStep[], now: Date) {
  return steps.map((s) => ({
    tenantId,
    kind: spec.kind,
    position: s.position,
    role: s.role,
    approverId: s.approverId,
    routedFromId: s.routedFromId ?? null,
    routedReason: s.routedReason ?? null,
    ...(s.collapsedInto !== null
      ? { status: "SKIPPED" as const, reason: collapsedReason(s.collapsedInto) }
      : s.position === 1
        ? { status: "PENDING" as const, pendingSince: now }
        : { status: "WAITING" as const }),
  }));
}

/** The audit form of resolved steps. */
export function stepsForAudit(steps: ResolvedStep[]) {
  return steps.map((s) => ({
    position: s.position,
    role: s.role,
    approverId: s.approverId,
    collapsedInto: s.collapsedInto,
    ...(s.routedFromId ? { routedFromId: s.routedFromId, routedReason: s.routedReason } : {}),
  }));
}

/** The outbox message asking a step's approver to decide (a card with Approve / Reject). */
export function approvalRequestedMessage(
  spec: ApprovalKindSpec,
  platform: Platform,
  tenantId: string,
  requestId: string,
  number: number,
  step: { id: string; approverId: string; position: number },
  version: number,
  options: { rerouted?: boolean } = {},
): EnqueueInput {
  return {
    tenantId,
    platform,
    target: `member:${step.approverId}`,
    intent: { kind: `${spec.prefix}.approval_requested`, requestId, stepId: step.id, number, position: step.position, version },
    // A step routed to someone else asks them too: the key names the new approver.
    dedupeKey: `${spec.prefix}:${requestId}:step:${step.id}:requested${options.rerouted ? `:${step.approverId}` : ""}`,
    entityType: spec.entityType,
    entityId: requestId,
  };
}

export interface DecisionInput {
  requestId: string;
  stepId?: string | undefined;
  decision: "APPROVE" | "REJECT";
  reason?: string | undefined;
  cardVersion?: number | undefined;
}

export interface DecisionOutcome {
  request: EngineRequest;
  step: ApprovalStep;
  approved: boolean;
  /** APPROVED / REJECTED when this decision settled the request, else null. */
  finalStatus: "APPROVED" | "REJECTED" | null;
  newVersion: number;
}

/**
 * Decides the open step of a request in the caller's transaction: checks, claims, records the
 * step, opens the next one (re-routed if its approver became unavailable), audits and enqueues
 * the messages. `onFinal` runs in the same transaction when the request is settled (credit
 * applies the new limit there).
 */
export async function decideStep(
  tx: Tx,
  spec: ApprovalKindSpec,
  tenant: TenantView,
  actor: Actor,
  data: DecisionInput,
  now: Date,
  onFinal?: (request: EngineRequest, status: "APPROVED" | "REJECTED") => Promise<void>,
): Promise<DecisionOutcome> {
  const p = spec.prefix;
  const request = await spec.load(tx, actor.tenantId, data.requestId);
  if (request.requesterId === actor.memberId) throw new ForbiddenError(`${p}.self_approval`);

  if (request.status !== "PENDING") throw await lateDecisionConflict(tx, spec, request);
  if (data.cardVersion !== undefined && data.cardVersion < request.version) throw await lateDecisionConflict(tx, spec, request);
  if (data.stepId !== undefined) {
    const clicked = request.steps.find((s) => s.id === data.stepId);
    if (!clicked) throw new NotFoundError(`${p}.not_found`);
    if (clicked.status === "APPROVED" || clicked.status === "REJECTED") throw await decidedStepConflict(tx, spec, actor.tenantId, clicked);
    if (clicked.status !== "PENDING") throw new ForbiddenError(`${p}.not_your_step`);
  }
  const step = request.steps.find((s) => s.status === "PENDING");
  if (!step) throw await lateDecisionConflict(tx, spec, request);
  if (step.approverId !== actor.memberId && actor.role !== "ADMIN") {
    // A repeated command (no card to carry a version) from someone whose step is done is a
    // double click too, not a trespass.
    const mine = request.steps
      .filter((s) => s.decidedById === actor.memberId && (s.status === "APPROVED" || s.status === "REJECTED"))
      .at(-1);
    if (mine) throw await decidedStepConflict(tx, spec, actor.tenantId, mine);
    throw new ForbiddenError(`${p}.not_your_step`);
  }
  if (data.decision === "REJECT" && !data.reason) throw new InvalidInputError(`${p}.reason_required`);

  const approve = data.decision === "APPROVE";
  const next = approve ? request.steps.find((s) => s.position > step.position && s.status === "WAITING") : undefined;
  const finalStatus = !approve ? "REJECTED" : next ? null : "APPROVED";
  // The claim: concurrent deciders block on the row and then find the version changed.
  if (!(await spec.claim(tx, request, { finalStatus, now }))) {
    throw await lateDecisionConflict(tx, spec, await spec.load(tx, actor.tenantId, request.id));
  }
  const newVersion = request.version + 1;

  await tx.approvalStep.update({
    where: { id: step.id },
    data: { status: approve ? "APPROVED" : "REJECTED", decidedById: actor.memberId, decidedAt: now, reason: data.reason ?? null },
  });
  const messages: EnqueueInput[] = [];
  const toRequester = (kind: string): EnqueueInput => ({
    tenantId: actor.tenantId,
    platform: tenant.platform,
    target: `member:${request.requesterId}`,
    intent: { kind, requestId: request.id, number: request.number, stepId: step.id, decidedById: actor.memberId },
    dedupeKey: `${p}:${request.id}:${kind}`,
    entityType: spec.entityType,
    entityId: request.id,
  });
  let nextApproverId: string | null = null;
  if (next) {
    const routed = await routeIfUnavailable(tx, spec, tenant, request, next, now);
    nextApproverId = routed.approverId;
    await tx.approvalStep.update({ where: { id: next.id }, data: { status: "PENDING", pendingSince: now } });
    messages.push(
      approvalRequestedMessage(spec, tenant.platform, actor.tenantId, request.id, request.number, { ...next, approverId: routed.approverId }, newVersion, {
        rerouted: routed.approverId !== next.approverId,
      }),
    );
  } else if (approve) {
    messages.push(toRequester(`${p}.approved`));
  } else {
    await tx.approvalStep.updateMany({
      where: { [spec.stepColumn]: request.id, tenantId: actor.tenantId, status: "WAITING" },
      data: { status: "SKIPPED" },
    });
    messages.push(toRequester(`${p}.rejected`));
  }
  await recordAudit(tx, {
    tenantId: actor.tenantId,
    actorId: actor.memberId,
    platform: actor.platform,
    action: approve ? `${p}.step_approved` : `${p}.step_rejected`,
    entityType: spec.entityType,
    entityId: request.id,
    before: { status: request.status, version: request.version, step: { position: step.position, status: step.status } },
    after: {
      status: finalStatus ?? request.status,
      version: newVersion,
      step: { id: step.id, position: step.position, role: step.role, status: approve ? "APPROVED" : "REJECTED" },
      approverId: step.approverId,
      onBehalf: step.approverId !== actor.memberId,
      reason: data.reason ?? null,
      nextStep: next ? { position: next.position, approverId: nextApproverId } : null,
    },
  });
  if (finalStatus && onFinal) await onFinal(request, finalStatus);
  await enqueueNotifications(tx, messages);
  return { request, step, approved: approve, finalStatus, newVersion };
}

/** The requester withdraws a request that is still pending; its open step's approver is told. */
export async function cancelRequest(
  tx: Tx,
  spec: ApprovalKindSpec,
  tenant: TenantView,
  actor: Actor,
  requestId: string,
  reason: string | null,
  now: Date,
): Promise<EngineRequest> {
  const p = spec.prefix;
  const request = await spec.load(tx, actor.tenantId, requestId);
  if (request.requesterId !== actor.memberId) throw new ForbiddenError(`${p}.not_requester`);
  if (request.status !== "PENDING") throw new ConflictError(`${p}.not_pending`, { status: request.status });
  // Unlike a decision, a cancel does not care which version it read: it only needs the request
  // still pending, so it claims on the current version and retries once if a step moved.
  let current = request;
  let claimed = await spec.claim(tx, current, { finalStatus: "CANCELLED", now, cancelReason: reason });
  if (!claimed) {
    current = await spec.load(tx, actor.tenantId, request.id);
    if (current.status !== "PENDING") throw new ConflictError(`${p}.not_pending`, { status: current.status });
    claimed = await spec.claim(tx, current, { finalStatus: "CANCELLED", now, cancelReason: reason });
    if (!claimed) throw new ConflictError(`${p}.not_pending`, { status: current.status });
  }
  // Read after the claim: a step decided just before it has moved the pending step on, and
  // the version bump makes any decision still in flight fail.
  const pending = await tx.approvalStep.findFirst({ where: { [spec.stepColumn]: request.id, tenantId: actor.tenantId, status: "PENDING" } });
  await tx.approvalStep.updateMany({
    where: { [spec.stepColumn]: request.id, tenantId: actor.tenantId, status: { in: ["PENDING", "WAITING"] } },
    data: { status: "SKIPPED" },
  });
  await recordAudit(tx, {
    tenantId: actor.tenantId,
    actorId: actor.memberId,
    platform: actor.platform,
    action: `${p}.cancelled`,
    entityType: spec.entityType,
    entityId: request.id,
    before: { status: request.status },
    after: { status: "CANCELLED", reason, at: now },
  });
  if (pending) {
    await enqueueNotifications(tx, [
      {
        tenantId: actor.tenantId,
        platform: tenant.platform,
        target: `member:${pending.approverId}`,
        intent: { kind: `${p}.cancelled`, requestId: request.id, stepId: pending.id, number: request.number },
        dedupeKey: `${p}:${request.id}:cancelled`,
        entityType: spec.entityType,
        entityId: request.id,
      },
    ]);
  }
  return current;
}

/**
 * The step's approver as it should be now: unchanged while they are active and not away,
 * otherwise the step is re-resolved for its role (delegate, or the next level) and stored.
 * A step nobody else can take stays where it is.
 */
export async function routeIfUnavailable(
  tx: Tx,
  spec: ApprovalKindSpec,
  tenant: TenantView,
  request: EngineRequest,
  step: ApprovalStep,
  now: Date,
  options: { unavailable?: { memberId: string; why: "INACTIVE" | "AWAY" } } = {},
): Promise<{ approverId: string; changed: boolean }> {
  const today = localDateOf(now, tenant.timeZone);
  const pool = await loadApproverPool(tx, tenant.id, request.requesterId, spec.finalApproverId(tenant.settings), {
    customerOwnerId: request.customerOwnerId,
    today,
  });
  const holder = [...pool.supervisors, ...pool.managers, ...pool.admins, ...(pool.finalApprover ? [pool.finalApprover] : [])].find(
    (c) => c.id === step.approverId,
  );
  const holderActive = holder
    ? holder.active
    : ((await tx.member.findFirst({ where: { id: step.approverId, tenantId: tenant.id }, select: { active: true } }))?.active ?? false);
  const gone = options.unavailable?.memberId === step.approverId && options.unavailable.why === "INACTIVE";
  const away = pool.absent?.has(step.approverId) ?? false;
  if (holderActive && !away && !gone) return { approverId: step.approverId, changed: false };

  // Nobody already holding another live step of this request is asked again.
  const others = request.steps.filter((s) => s.id !== step.id && s.status !== "SKIPPED").map((s) => s.approverId);
  const excluded = new Set(others);
  if (gone) excluded.add(step.approverId);
  // The step's own role first; when nobody of that level is left, the next level up decides.
  const levels = (["SUPERVISOR", "MANAGER", "FINAL"] as const).slice(["SUPERVISOR", "MANAGER", "FINAL"].indexOf(step.role));
  let resolved: ResolvedStep | undefined;
  for (const level of levels) {
    try {
      resolved = resolveChain([level], { ...pool, excluded }, spec.prefix)[0];
      break;
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
    }
  }
  if (!resolved || resolved.approverId === step.approverId) return { approverId: step.approverId, changed: false };
  const reason = !holderActive || gone ? "INACTIVE" : (resolved.routedReason ?? "AWAY");
  await tx.approvalStep.update({
    where: { id: step.id },
    data: { approverId: resolved.approverId, routedFromId: step.approverId, routedReason: reason },
  });
  return { approverId: resolved.approverId, changed: true };
}

/**
 * The answer for someone whose decision came too late: who decided the request last, how and
 * when (<kind>.already_decided), or that it was cancelled / is no longer pending.
 */
export async function lateDecisionConflict(db: Queryable, spec: ApprovalKindSpec, request: { status: string; tenantId: string; steps: ApprovalStep[] }): Promise<ConflictError> {
  if (request.status === "CANCELLED") return new ConflictError(`${spec.prefix}.not_pending`, { status: request.status });
  const decided = request.steps
    .filter((s) => (s.status === "APPROVED" || s.status === "REJECTED") && s.decidedAt)
    .sort((a, b) => b.decidedAt!.getTime() - a.decidedAt!.getTime() || b.position - a.position)[0];
  if (!decided) return new ConflictError(`${spec.prefix}.not_pending`, { status: request.status });
  return decidedStepConflict(db, spec, request.tenantId, decided);
}

/** <kind>.already_decided {by, decision, at} for one decided step. */
export async function decidedStepConflict(db: Queryable, spec: ApprovalKindSpec, tenantId: string, step: ApprovalStep): Promise<ConflictError> {
  const deciderId = step.decidedById ?? step.approverId;
  const member = await db.member.findFirst({ where: { tenantId, id: deciderId }, select: { displayName: true } });
  return new ConflictError(`${spec.prefix}.already_decided`, {
    by: member?.displayName ?? deciderId,
    byId: deciderId,
    decision: step.status,
    at: (step.decidedAt ?? new Date(0)).toISOString(),
  });
}
