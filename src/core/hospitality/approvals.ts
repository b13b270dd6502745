// Hospitality approval decisions, on the approval engine (src/core/approvals): only the member whose step is pending (or an ADMIN)
// decides; nobody decides their own request; a rejection needs a reason; and a double click, a
// stale card or two approvers racing produce exactly one decision — every loser is told who won.
import type { ApproverRole, HospitalityKind, Tier } from "@prisma/client";
import { decideStep } from "../approvals/engine.js";
import { hospitalityKind } from "../approvals/kinds.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import type { LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { perHeadGuidelineFen } from "./rules.js";
import { decideApprovalSchema, parseHospitalityInput } from "./schemas.js";
import { loadRequest, toHospitalityView, type HospitalityView } from "./view.js";

export async function decideApproval(deps: CoreDeps, actor: Actor, input: unknown): Promise<HospitalityView> {
  const data = parseHospitalityInput(decideApprovalSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    await decideStep(tx, hospitalityKind, tenant, actor, data, now);
    return toHospitalityView(tx, tenant.settings, await loadRequest(tx, actor.tenantId, data.requestId));
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
  /** The guideline of the customer's tier when the request was made. */
  perHeadGuidelineFen: bigint;
  venue: string | null;
  purpose: string;
  /** The customer's tier when the request was made. */
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
  perHeadGuidelineFen: bigint | number | string | null;
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
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const rows = await deps.db.$queryRaw<PendingRow[]>`
    SELECT s.id AS "stepId", s.position, s.role::text AS role, s."pendingSince",
           r.id AS "requestId", r.number, r.version, to_char(r."eventDate", 'YYYY-MM-DD') AS "eventDate",
           r.kind::text AS kind, r.guests, r.staff, r."estimatedFen", r."perHeadFlagged", r."perHeadGuidelineFen", r.venue, r.purpose,
           c.id AS "customerId", c.name AS "customerName", COALESCE(r."tierAtRequest", c."tierOverride", c.tier)::text AS tier,
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
    // Rows from before the snapshot fall back to today's setting for the tier.
    perHeadGuidelineFen: r.perHeadGuidelineFen !== null ? BigInt(r.perHeadGuidelineFen) : perHeadGuidelineFen(tenant.settings, r.tier),
    venue: r.venue,
    purpose: r.purpose,
    customer: { id: r.customerId, name: r.customerName, tier: r.tier },
    requester: { id: r.requesterId, name: r.requesterName ?? r.requesterId },
  }));
}
