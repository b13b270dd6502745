// The customer card (`customer <name>`): everything an account manager checks before calling,
// as plain data for the view builders. Churn risk is added by the caller from core/risk.
import { Prisma, type CallbackReason, type ComplaintCategory, type ComplaintStatus, type Customer, type Severity, type VisitKind } from "@prisma/client";
import { instantFromJson } from "../../db/sql.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { localDateOf, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import type { ContactView } from "./customers.js";
import { loadCustomerFor } from "./lookup.js";
import { toCustomerView, type CustomerView } from "./views.js";
import { directQuery } from "../../db/direct.js";

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

export async function getCustomerCard(deps: CoreDeps, actor: Actor, customerId: string): Promise<CustomerCard> {
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const customer = await loadCustomerFor(deps.db, actor, customerId);
  return customerCardOf(deps, tenant.timeZone, customer);
}

interface CardRow {
  ownerName: string | null;
  callbackCount: number;
  callbacks: Array<{ id: string; dueOn: string; reason: CallbackReason; assigneeId: string }>;
  complaintCount: number;
  latestComplaint: (Omit<CardComplaint, "createdAt"> & { createdAt: string }) | null;
  contacts: Array<Omit<ContactView, "customerId">>;
  visits: Array<Omit<CardVisit, "occurredAt"> & { occurredAt: string }>;
}

/**
 * The card of a customer row the caller has already found and checked (findCustomerRow /
 * loadCustomerFor): one statement, because the card is the most frequent request there is and
 * each query through Prisma costs more CPU than the database spends on it (bench/ack.ts).
 */
export async function customerCardOf(deps: CoreDeps, timeZone: string, customer: Customer): Promise<CustomerCard> {
  const today = localDateOf(deps.clock.now(), timeZone);
  const t = customer.tenantId;
  const c = customer.id;
  const [row] = await directQuery<CardRow>(deps.db, Prisma.sql`
    SELECT
      (SELECT m."displayName" FROM "Member" m WHERE m.id = ${customer.ownerId} AND m."tenantId" = ${t}) AS "ownerName",
      (SELECT count(*)::int FROM "Callback" cb WHERE cb."tenantId" = ${t} AND cb."customerId" = ${c} AND cb.status = 'PENDING') AS "callbackCount",
      (SELECT COALESCE(json_agg(x ORDER BY x."dueOn", x."createdAt"), '[]'::json) FROM (
         SELECT cb.id, cb."dueOn", cb.reason, cb."assigneeId", cb."createdAt" FROM "Callback" cb
         WHERE cb."tenantId" = ${t} AND cb."customerId" = ${c} AND cb.status = 'PENDING'
         ORDER BY cb."dueOn", cb."createdAt" LIMIT ${CARD_NEXT_CALLBACKS}) x) AS callbacks,
      (SELECT count(*)::int FROM "Complaint" co WHERE co."tenantId" = ${t} AND co."customerId" = ${c} AND co.status IN ('OPEN', 'ACKNOWLEDGED')) AS "complaintCount",
      (SELECT row_to_json(x) FROM (
         SELECT co.id, co.number, co.severity, co.category, co.status, co."escalationLevel", co.description, co."createdAt"
         FROM "Complaint" co
         WHERE co."tenantId" = ${t} AND co."customerId" = ${c} AND co.status IN ('OPEN', 'ACKNOWLEDGED')
         ORDER BY co."createdAt" DESC LIMIT 1) x) AS "latestComplaint",
      (SELECT COALESCE(json_agg(x ORDER BY x."createdAt", x.id), '[]'::json) FROM (
         SELECT ct.id, ct.name, ct.title, ct.phone, ct.email, ct."createdAt" FROM "Contact" ct
         WHERE ct."tenantId" = ${t} AND ct."customerId" = ${c}) x) AS contacts,
      (SELECT COALESCE(json_agg(x ORDER BY x."occurredAt" DESC), '[]'::json) FROM (
         SELECT v.id, v."occurredAt", v.kind, v.summary, v."visitorId", m."displayName" AS "visitorName"
         FROM "Visit" v LEFT JOIN "Member" m ON m.id = v."visitorId" AND m."tenantId" = v."tenantId"
         WHERE v."tenantId" = ${t} AND v."customerId" = ${c}
         ORDER BY v."occurredAt" DESC LIMIT ${CARD_RECENT_VISITS}) x) AS visits`);
  if (!row) throw new Error("the card query returned no row");
  const latest = row.latestComplaint;
  return {
    ...toCustomerView(customer),
    owner: { id: customer.ownerId, name: row.ownerName ?? "" },
    lastContactOn: customer.lastContactAt ? localDateOf(customer.lastContactAt, timeZone) : null,
    openCallbacks: {
      total: row.callbackCount,
      next: row.callbacks.map((cb) => {
        // A DATE serialised by json_agg is 'YYYY-MM-DD', already the local date it stands for.
        const dueOn: LocalDate = cb.dueOn.slice(0, 10);
        return { id: cb.id, dueOn, reason: cb.reason, assigneeId: cb.assigneeId, overdue: dueOn < today };
      }),
    },
    complaints: {
      openCount: row.complaintCount,
      latestOpen: latest
        ? {
            id: latest.id,
            number: latest.number,
            severity: latest.severity,
            category: latest.category,
            status: latest.status,
            escalationLevel: latest.escalationLevel,
            description: latest.description,
            createdAt: instantFromJson(latest.createdAt),
          }
        : null,
    },
    contacts: row.contacts.map((ct) => ({ id: ct.id, customerId: customer.id, name: ct.name, title: ct.title, phone: ct.phone, email: ct.email })),
    recentVisits: row.visits.map((v) => ({
      id: v.id,
      occurredAt: instantFromJson(v.occurredAt),
      kind: v.kind,
      summary: v.summary,
      visitorId: v.visitorId,
      visitorName: v.visitorName ?? null,
    })),
  };
}
