// A customer's history (客户历史): one timeline, newest first, of visits, callbacks done, skipped
// or postponed, complaint events in every state, hospitality requests and decisions, tier
// changes with their reasons, handovers and edits of the file — each with who and when. Read
// from the records themselves and the audit log, one page per statement.
import { Prisma } from "@prisma/client";
import type { Actor, CoreDeps } from "../shared/context.js";
import { loadCustomerFor } from "./lookup.js";

export type HistoryKind =
  | "visit"
  | "callback_done"
  | "callback_skipped"
  | "callback_postponed"
  | "complaint"
  | "hospitality_requested"
  | "hospitality_decided"
  | "audit";

export interface HistoryEntry {
  at: Date;
  kind: HistoryKind;
  actorId: string | null;
  actorName: string | null;
  /** What happened, per kind: visit kind and summary, complaint number and event, audit action with before/after… */
  data: Record<string, unknown>;
}

export interface HistoryPage {
  customer: { id: string; name: string };
  entries: HistoryEntry[];
  offset: number;
  total: number;
}

export const HISTORY_PAGE_SIZE = 15;

/** Audit actions of the customer's own row that belong in its history. */
const CUSTOMER_ACTIONS = [
  "customer.created",
  "customer.imported",
  "customer.updated",
  "customer.updated_by_import",
  "customer.owner_assigned",
  "customer.handed_over",
  "customer.tier_overridden",
  "customer.tier_override_cleared",
  "customer.tier_recomputed",
  "customer.contact_added",
  "customer.contact_updated",
  "customer.contact_removed",
  "customer.primary_contact_set",
];

interface Row {
  at: Date;
  kind: HistoryKind;
  actorId: string | null;
  actorName: string | null;
  data: Record<string, unknown>;
  total: number;
}

export async function customerHistory(deps: CoreDeps, actor: Actor, customerId: string, page: { offset?: number; limit?: number } = {}): Promise<HistoryPage> {
  const customer = await loadCustomerFor(deps.db, actor, customerId);
  const t = actor.tenantId;
  const c = customer.id;
  const limit = Math.min(Math.max(page.limit ?? HISTORY_PAGE_SIZE, 1), 100);
  const offset = Math.max(page.offset ?? 0, 0);
  const rows = await deps.db.$queryRaw<Row[]>(Prisma.sql`
    WITH h AS (
      SELECT v."occurredAt" AS at, 'visit' AS kind, v."visitorId" AS "actorId",
             json_build_object('visitKind', v.kind, 'summary', v.summary) AS data
      FROM "Visit" v WHERE v."tenantId" = ${t} AND v."customerId" = ${c}
      UNION ALL
      SELECT cb."completedAt", CASE cb.status WHEN 'DONE' THEN 'callback_done' ELSE 'callback_skipped' END, cb."completedById",
             json_build_object('dueOn', cb."dueOn", 'reason', cb.reason, 'outcome', cb.outcome, 'satisfaction', cb.satisfaction)
      FROM "Callback" cb WHERE cb."tenantId" = ${t} AND cb."customerId" = ${c} AND cb.status IN ('DONE', 'SKIPPED') AND cb."completedAt" IS NOT NULL
      UNION ALL
      SELECT a.at, 'callback_postponed', a."actorId", json_build_object('before', a.before, 'after', a.after)
      FROM "AuditLog" a JOIN "Callback" cb ON cb.id = a."entityId" AND cb."tenantId" = a."tenantId"
      WHERE a."tenantId" = ${t} AND a."entityType" = 'Callback' AND a.action = 'callback.snoozed' AND cb."customerId" = ${c}
      UNION ALL
      SELECT e.at, 'complaint', e."actorId",
             json_build_object('number', co.number, 'event', e.kind, 'severity', co.severity, 'note', e.note, 'toLevel', e."toLevel")
      FROM "ComplaintEvent" e JOIN "Complaint" co ON co.id = e."complaintId"
      WHERE e."tenantId" = ${t} AND co."tenantId" = ${t} AND co."customerId" = ${c}
      UNION ALL
      SELECT hr."createdAt", 'hospitality_requested', hr."requesterId",
             json_build_object('number', hr.number, 'estimatedFen', hr."estimatedFen"::text, 'purpose', hr.purpose)
      FROM "HospitalityRequest" hr WHERE hr."tenantId" = ${t} AND hr."customerId" = ${c}
      UNION ALL
      SELECT hr."decidedAt", 'hospitality_decided', NULL,
             json_build_object('number', hr.number, 'status', hr.status)
      FROM "HospitalityRequest" hr WHERE hr."tenantId" = ${t} AND hr."customerId" = ${c} AND hr."decidedAt" IS NOT NULL
      UNION ALL
      SELECT a.at, 'audit', a."actorId", json_build_object('action', a.action, 'before', a.before, 'after', a.after)
      FROM "AuditLog" a
      WHERE a."tenantId" = ${t} AND a."entityType" = 'Customer' AND a."entityId" = ${c} AND a.action IN (${Prisma.join(CUSTOMER_ACTIONS)})
    )
    SELECT h.at, h.kind, h."actorId", m."displayName" AS "actorName", h.data, count(*) OVER ()::int AS total
    FROM h LEFT JOIN "Member" m ON m.id = h."actorId" AND m."tenantId" = ${t}
    ORDER BY h.at DESC, h.kind
    LIMIT ${limit} OFFSET ${offset}`);
  const total = rows[0]?.total ?? (offset > 0 ? (await customerHistory(deps, actor, customerId, { offset: 0, limit: 1 })).total : 0);
  return {
    customer: { id: customer.id, name: customer.name },
    entries: rows.map((r) => ({ at: r.at, kind: r.kind, actorId: r.actorId, actorName: r.actorName, data: r.data })),
    offset,
    total,
  };
}
