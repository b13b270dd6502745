// The customer card (`customer <name>`): everything an account manager checks before calling,
// as plain data for the view builders. Churn risk is added by the caller from core/risk.
import type { CallbackReason, ComplaintCategory, ComplaintStatus, Severity, VisitKind } from "@prisma/client";
import type { Actor, CoreDeps } from "../shared/context.js";
import { fromDateColumn, localDateOf, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import type { ContactView } from "./customers.js";
import { loadCustomerFor } from "./lookup.js";
import { toCustomerView, type CustomerView } from "./views.js";

export const CARD_NEXT_CALLBACKS = 3;
export const CARD_RECENT_VISITS = 5;

export interface CardCallback {
  id: string;
  dueOn: LocalDate;
  reason: CallbackReason;
  assigneeId: string;
  overdue: boolean;
}

export interface CardComplaint {
  id: string;
  number: number;
  severity: Severity;
  category: ComplaintCategory;
  status: ComplaintStatus;
  escalationLevel: number;
  description: string;
  createdAt: Date;
}

export interface CardVisit {
  id: string;
  occurredAt: Date;
  kind: VisitKind;
  summary: string;
  visitorId: string;
  visitorName: string | null;
}

export interface CustomerCard extends CustomerView {
  owner: { id: string; name: string };
  /** Tenant-local date of lastContactAt. */
  lastContactOn: LocalDate | null;
  openCallbacks: { total: number; next: CardCallback[] };
  /** OPEN and ACKNOWLEDGED complaints; latestOpen is the most recently registered of them. */
  complaints: { openCount: number; latestOpen: CardComplaint | null };
  /** Unmasked: mask with rules.maskContact before posting to a channel. */
  contacts: ContactView[];
  /** Newest first, at most CARD_RECENT_VISITS. */
  recentVisits: CardVisit[];
}

const OPEN_COMPLAINT: ComplaintStatus[] = ["OPEN", "ACKNOWLEDGED"];

export async function getCustomerCard(deps: CoreDeps, actor: Actor, customerId: string): Promise<CustomerCard> {
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);
  const customer = await loadCustomerFor(deps.db, actor, customerId);
  const scope = { tenantId: actor.tenantId, customerId: customer.id };
  const [owner, callbacks, callbackCount, complaintCount, latestComplaint, contacts, visits] = await Promise.all([
    deps.db.member.findFirst({ where: { id: customer.ownerId, tenantId: actor.tenantId }, select: { id: true, displayName: true } }),
    deps.db.callback.findMany({
      where: { ...scope, status: "PENDING" },
      orderBy: [{ dueOn: "asc" }, { createdAt: "asc" }],
      take: CARD_NEXT_CALLBACKS,
    }),
    deps.db.callback.count({ where: { ...scope, status: "PENDING" } }),
    deps.db.complaint.count({ where: { ...scope, status: { in: OPEN_COMPLAINT } } }),
    deps.db.complaint.findFirst({ where: { ...scope, status: { in: OPEN_COMPLAINT } }, orderBy: { createdAt: "desc" } }),
    deps.db.contact.findMany({ where: scope, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    deps.db.visit.findMany({ where: scope, orderBy: { occurredAt: "desc" }, take: CARD_RECENT_VISITS }),
  ]);
  const visitorIds = [...new Set(visits.map((v) => v.visitorId))];
  const visitors =
    visitorIds.length === 0
      ? []
      : await deps.db.member.findMany({ where: { tenantId: actor.tenantId, id: { in: visitorIds } }, select: { id: true, displayName: true } });
  const visitorName = new Map(visitors.map((m) => [m.id, m.displayName]));
  return {
    ...toCustomerView(customer),
    owner: { id: customer.ownerId, name: owner?.displayName ?? "" },
    lastContactOn: customer.lastContactAt ? localDateOf(customer.lastContactAt, tenant.timeZone) : null,
    openCallbacks: {
      total: callbackCount,
      next: callbacks.map((c) => {
        const dueOn = fromDateColumn(c.dueOn);
        return { id: c.id, dueOn, reason: c.reason, assigneeId: c.assigneeId, overdue: dueOn < today };
      }),
    },
    complaints: {
      openCount: complaintCount,
      latestOpen: latestComplaint
        ? {
            id: latestComplaint.id,
            number: latestComplaint.number,
            severity: latestComplaint.severity,
            category: latestComplaint.category,
            status: latestComplaint.status,
            escalationLevel: latestComplaint.escalationLevel,
            description: latestComplaint.description,
            createdAt: latestComplaint.createdAt,
          }
        : null,
    },
    contacts: contacts.map((c) => ({ id: c.id, customerId: c.customerId, name: c.name, title: c.title, phone: c.phone, email: c.email })),
    recentVisits: visits.map((v) => ({
      id: v.id,
      occurredAt: v.occurredAt,
      kind: v.kind,
      summary: v.summary,
      visitorId: v.visitorId,
      visitorName: visitorName.get(v.visitorId) ?? null,
    })),
  };
}
