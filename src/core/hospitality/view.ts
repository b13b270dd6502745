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
import { fromDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import { memberNames, stepMemberIds, toStepView, type ApprovalStepView, type MemberName } from "../approvals/view.js";
import {
  collapsedReason,
  decidedStepConflict as engineDecidedStepConflict,
  lateDecisionConflict as engineLateDecisionConflict,
} from "../approvals/engine.js";
import { hospitalityKind } from "../approvals/kinds.js";
import { perHeadFen, perHeadGuidelineFen } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

export { collapsedReason };

export type { ApprovalStepView, MemberName };

export interface HospitalityView {
  id: string;
  number: number;
  status: HospitalityStatus;
  /** Put in every card's buttons; a click carrying an older version is a stale card. */
  version: number;
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
  const tier = effectiveTier(request.customer);
  return {
    id: request.id,
    number: request.number,
    status: request.status,
    version: request.version,
    customer: { id: request.customer.id, name: request.customer.name, tier },
    requester: name(request.requesterId),
    eventDate: fromDateColumn(request.eventDate),
    kind: request.kind,
    guests: request.guests,
    staff: request.staff,
    estimatedFen: request.estimatedFen,
    perHeadFen: perHeadFen(request.estimatedFen, request.guests + request.staff),
    perHeadGuidelineFen: perHeadGuidelineFen(settings, tier),
    perHeadFlagged: request.perHeadFlagged,
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
