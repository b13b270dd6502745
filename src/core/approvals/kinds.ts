// The kinds of request the engine serves. Each names its error codes and notification intents
// (`hospitality.*`, `credit.*`), its audit entity, its amount bands and final approver in the
// tenant settings, and how its request row is read and claimed. Everything else — steps,
// decisions, reminders, re-routing — is the engine's, once.
import type { ApprovalKind, ApprovalStep, ApproverRole } from "@prisma/client";
import type { CoreDeps, Tx } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";
import type { TenantSettings } from "../tenants/settings.js";
import { chainForAmount } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

/** The engine's view of a request of any kind. */
export interface EngineRequest {
  kind: ApprovalKind;
  id: string;
  tenantId: string;
  number: number;
  requesterId: string;
  customerId: string;
  customerOwnerId: string;
  status: string;
  version: number;
  amountFen: bigint;
  steps: ApprovalStep[];
}

export interface ApprovalKindSpec {
  kind: ApprovalKind;
  /** Prefix of error codes, intents and dedupe keys. */
  prefix: "hospitality" | "credit";
  /** AuditLog.entityType and outbox entityType. */
  entityType: string;
  /** The step row's column pointing at the request. */
  stepColumn: "requestId" | "creditRequestId";
  chain(settings: TenantSettings, amountFen: bigint): ApproverRole[];
  finalApproverId(settings: TenantSettings): string | null;
  load(db: Queryable, tenantId: string, id: string): Promise<EngineRequest>;
  /**
   * Moves a PENDING request at `version` one version on (and to `finalStatus` when given);
   * false when another transaction got there first.
   */
  claim(tx: Tx, request: EngineRequest, change: { finalStatus: "APPROVED" | "REJECTED" | "CANCELLED" | null; now: Date; cancelReason?: string | null }): Promise<boolean>;
}

export const HOSPITALITY_ENTITY = "HospitalityRequest";
export const CREDIT_REQUEST_ENTITY = "CreditRequest";

const stepsOrder = { orderBy: { position: "asc" as const } };

export const hospitalityKind: ApprovalKindSpec = {
  kind: "HOSPITALITY",
  prefix: "hospitality",
  entityType: HOSPITALITY_ENTITY,
  stepColumn: "requestId",
  chain: (settings, amountFen) => chainForAmount(settings.hospitality, amountFen),
  finalApproverId: (settings) => settings.hospitality.finalApproverId,
  async load(db, tenantId, id) {
    const r = await db.hospitalityRequest.findFirst({
      where: { id, tenantId },
      include: { steps: stepsOrder, customer: { select: { ownerId: true } } },
    });
    if (!r) throw new NotFoundError("hospitality.not_found");
    return { kind: "HOSPITALITY", id: r.id, tenantId: r.tenantId, number: r.number, requesterId: r.requesterId, customerId: r.customerId, customerOwnerId: r.customer.ownerId, status: r.status, version: r.version, amountFen: r.estimatedFen, steps: r.steps };
  },
  async claim(tx, request, { finalStatus, now, cancelReason }) {
    const claimed = await tx.hospitalityRequest.updateMany({
      where: { id: request.id, tenantId: request.tenantId, status: "PENDING", version: request.version },
      data: {
        version: { increment: 1 },
        ...(finalStatus === "CANCELLED" ? { status: finalStatus, cancelReason: cancelReason ?? null } : finalStatus ? { status: finalStatus, decidedAt: now } : {}),
      },
    });
    return claimed.count === 1;
  },
};

export const creditKind: ApprovalKindSpec = {
  kind: "CREDIT",
  prefix: "credit",
  entityType: CREDIT_REQUEST_ENTITY,
  stepColumn: "creditRequestId",
  chain: (settings, amountFen) => chainForAmount(settings.credit, amountFen),
  finalApproverId: (settings) => settings.credit.finalApproverId ?? settings.hospitality.finalApproverId,
  async load(db, tenantId, id) {
    const r = await db.creditRequest.findFirst({
      where: { id, tenantId },
      include: { steps: stepsOrder, customer: { select: { ownerId: true } } },
    });
    if (!r) throw new NotFoundError("credit.not_found");
    return { kind: "CREDIT", id: r.id, tenantId: r.tenantId, number: r.number, requesterId: r.requesterId, customerId: r.customerId, customerOwnerId: r.customer.ownerId, status: r.status, version: r.version, amountFen: r.requestedLimitFen, steps: r.steps };
  },
  async claim(tx, request, { finalStatus, now, cancelReason }) {
    const claimed = await tx.creditRequest.updateMany({
      where: { id: request.id, tenantId: request.tenantId, status: "PENDING", version: request.version },
      data: {
        version: { increment: 1 },
        ...(finalStatus === "CANCELLED" ? { status: finalStatus, cancelReason: cancelReason ?? null } : finalStatus ? { status: finalStatus, decidedAt: now } : {}),
      },
    });
    return claimed.count === 1;
  },
};

export const approvalKinds: Readonly<Record<ApprovalKind, ApprovalKindSpec>> = { HOSPITALITY: hospitalityKind, CREDIT: creditKind };
