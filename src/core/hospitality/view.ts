// Loading a hospitality request and turning it into the plain data the use cases return.
import type {
  ApprovalStep,
  HospitalityKind,
  HospitalityRequest,
  HospitalityStatus,
  Tier,
} from "@prisma/client";
import type { CoreDeps, Tx } from "../shared/context.js";
import { ConflictError, NotFoundError } from "../shared/errors.js";
import { fromDateColumn, toDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import { memberNames, stepMemberIds, toStepView, type ApprovalStepView, type MemberName } from "../approvals/view.js";
import {
  collapsedReason,
  decidedStepConflict as engineDecidedStepConflict,
  lateDecisionConflict as engineLateDecisionConflict,
} from "../approvals/engine.js";
import { hospitalityKind } from "../approvals/kinds.js";
import { budgetFenFor, budgetPeriodOf, budgetUse, perHeadFen, perHeadGuidelineFen, type BudgetUse } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

export { collapsedReason };

export type { ApprovalStepView, MemberName };

export interface HospitalityView {
  id: string;
  number: number;
  status: HospitalityStatus;
  /** Put in every card's buttons; a click carrying an older version is a stale card. */
  version: number;
  /** The customer's tier as it was when the request was made. */
  customer: { id: string; name: string; tier: Tier };
  requester: MemberName;
  eventDate: LocalDate;
  kind: HospitalityKind;
  guests: number;
  staff: number;
  estimatedFen: bigint;
  perHeadFen: bigint;
  perHeadGuidelineFen: bigint;
  perHeadFlagged: boolean;
  /** The customer's hospitality budget for the event's period; null when the tier has none. */
  budget: BudgetUse | null;
  venue: string | null;
  purpose: string;
  actualFen: bigint | null;
  overspendFlagged: boolean;
  /** The event date passed while the request was pending: approved after the fact (事后补批). */
  afterTheFact: boolean;
  decidedAt: Date | null;
  settledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  steps: ApprovalStepView[];
}

export type LoadedRequest = HospitalityRequest & {
  steps: ApprovalStep[];
  customer: { id: string; name: string; tier: Tier; tierOverride: Tier | null; ownerId: string };
};

export function effectiveTier(customer: { tier: Tier; tierOverride: Tier | null }): Tier {
  return customer.tierOverride ?? customer.tier;
}

/** The request with its steps (by position) and customer, in the actor's tenant only. */
export async function loadRequest(db: Queryable, tenantId: string, requestId: string): Promise<LoadedRequest> {
  const request = await db.hospitalityRequest.findFirst({
    where: { id: requestId, tenantId },
    include: {
      steps: { orderBy: { position: "asc" } },
      customer: { select: { id: true, name: true, tier: true, tierOverride: true, ownerId: true } },
    },
  });
  if (!request) throw new NotFoundError("hospitality.not_found");
  return request;
}

export { memberNames };

export async function toHospitalityView(
  db: Queryable,
  settings: TenantSettings,
  request: LoadedRequest,
): Promise<HospitalityView> {
  const ids = [request.requesterId];
  ids.push(...stepMemberIds(request.steps));
  const names = await memberNames(db, request.tenantId, ids);
  const name = (id: string): MemberName => ({ id, name: names.get(id) ?? id });
  // Snapshotted at creation; rows from before the snapshot columns fall back to today's tier.
  const tier = request.tierAtRequest ?? effectiveTier(request.customer);
  const eventDate = fromDateColumn(request.eventDate);
  return {
    id: request.id,
    number: request.number,
    status: request.status,
    version: request.version,
    customer: { id: request.customer.id, name: request.customer.name, tier },
    requester: name(request.requesterId),
    eventDate,
    kind: request.kind,
    guests: request.guests,
    staff: request.staff,
    estimatedFen: request.estimatedFen,
    perHeadFen: perHeadFen(request.estimatedFen, request.guests + request.staff),
    perHeadGuidelineFen: request.perHeadGuidelineFen ?? perHeadGuidelineFen(settings, tier),
    perHeadFlagged: request.perHeadFlagged,
    budget: await customerBudgetUse(db, settings, request.tenantId, request.customerId, tier, eventDate),
    venue: request.venue,
    purpose: request.purpose,
    actualFen: request.actualFen,
    overspendFlagged: request.overspendFlagged,
    afterTheFact: request.afterTheFact,
    decidedAt: request.decidedAt,
    settledAt: request.settledAt,
    cancelReason: request.cancelReason,
    createdAt: request.createdAt,
    steps: request.steps.map((s) => toStepView(s, name)),
  };
}

/**
 * The answer for someone whose decision came too late: who decided the request last, how and
 * when (hospitality.already_decided), or that it was cancelled / is no longer pending.
 */
export async function lateDecisionConflict(db: Queryable, request: LoadedRequest): Promise<ConflictError> {
  return engineLateDecisionConflict(db, hospitalityKind, request);
}

/** hospitality.already_decided {by, decision, at} for one decided step. */
export async function decidedStepConflict(db: Queryable, tenantId: string, step: ApprovalStep): Promise<ConflictError> {
  return engineDecidedStepConflict(db, hospitalityKind, tenantId, step);
}

/**
 * How much of the customer's budget for the period of `eventDate` is taken: pending and approved
 * requests count with their estimate, settled ones with what was actually spent.
 */
export async function customerBudgetUse(
  db: Queryable,
  settings: TenantSettings,
  tenantId: string,
  customerId: string,
  tier: Tier,
  eventDate: LocalDate,
): Promise<BudgetUse | null> {
  const budgetFen = budgetFenFor(settings, tier);
  if (budgetFen === null) return null;
  const period = budgetPeriodOf(eventDate, settings.hospitality.budgetPeriod);
  const rows = await db.hospitalityRequest.findMany({
    where: {
      tenantId,
      customerId,
      status: { in: ["PENDING", "APPROVED", "SETTLED"] },
      eventDate: { gte: toDateColumn(period.from), lt: toDateColumn(period.to) },
    },
    select: { status: true, estimatedFen: true, actualFen: true },
  });
  const usedFen = rows.reduce((sum, r) => sum + (r.status === "SETTLED" && r.actualFen !== null ? r.actualFen : r.estimatedFen), 0n);
  return budgetUse(period, budgetFen, usedFen);
}
