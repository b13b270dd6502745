// The customer card (`customer <name>`): everything an account manager checks before calling,
// as plain data for the view builders. Churn risk is added by the caller from core/risk.
import { Prisma, type CallbackReason, type ComplaintCategory, type ComplaintStatus, type Customer, type Severity, type VisitKind } from "@prisma/client";
import { instantFromJson } from "../../db/sql.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { localDateOf, type LocalDate } from "../shared/time.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { requireCanActFor } from "../members/authorization.js";
import { oneCustomerMeasuresSql, scoreMeasures, type CustomerRisk, type MeasureRow } from "../risk/risk.js";
import { InvalidInputError, NotFoundError } from "../shared/errors.js";
import { normalizeName } from "./rules.js";
import type { ContactView } from "./contacts.js";
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

/** What the card adds to customer row `c` of the enclosing query, as columns of CardRow. */
function cardColumns(): Prisma.Sql {
  return Prisma.sql`
      (SELECT m."displayName" FROM "Member" m WHERE m.id = c."ownerId" AND m."tenantId" = c."tenantId") AS "ownerName",
      (SELECT count(*)::int FROM "Callback" cb WHERE cb."tenantId" = c."tenantId" AND cb."customerId" = c.id AND cb.status = 'PENDING') AS "callbackCount",
      (SELECT COALESCE(json_agg(x ORDER BY x."dueOn", x."createdAt"), '[]'::json) FROM (
         SELECT cb.id, cb."dueOn", cb.reason, cb."assigneeId", cb."createdAt" FROM "Callback" cb
         WHERE cb."tenantId" = c."tenantId" AND cb."customerId" = c.id AND cb.status = 'PENDING'
         ORDER BY cb."dueOn", cb."createdAt" LIMIT ${CARD_NEXT_CALLBACKS}) x) AS callbacks,
      (SELECT count(*)::int FROM "Complaint" co
         WHERE co."tenantId" = c."tenantId" AND co."customerId" = c.id AND co.status IN ('OPEN', 'ACKNOWLEDGED')) AS "complaintCount",
      (SELECT row_to_json(x) FROM (
         SELECT co.id, co.number, co.severity, co.category, co.status, co."escalationLevel", co.description, co."createdAt"
         FROM "Complaint" co
         WHERE co."tenantId" = c."tenantId" AND co."customerId" = c.id AND co.status IN ('OPEN', 'ACKNOWLEDGED')
         ORDER BY co."createdAt" DESC LIMIT 1) x) AS "latestComplaint",
      (SELECT COALESCE(json_agg(x ORDER BY x."primary" DESC, x."createdAt", x.id), '[]'::json) FROM (
         SELECT ct.id, ct.name, ct.title, ct.phone, ct.email, ct."primary", ct."createdAt" FROM "Contact" ct
         WHERE ct."tenantId" = c."tenantId" AND ct."customerId" = c.id) x) AS contacts,
      (SELECT COALESCE(json_agg(x ORDER BY x."occurredAt" DESC), '[]'::json) FROM (
         SELECT v.id, v."occurredAt", v.kind, v.summary, v."visitorId", m."displayName" AS "visitorName"
         FROM "Visit" v LEFT JOIN "Member" m ON m.id = v."visitorId" AND m."tenantId" = v."tenantId"
         WHERE v."tenantId" = c."tenantId" AND v."customerId" = c.id
         ORDER BY v."occurredAt" DESC LIMIT ${CARD_RECENT_VISITS}) x) AS visits`;
}

/**
 * The card of a customer row the caller has already found and checked (findCustomerRow /
 * loadCustomerFor): one statement, because the card is the most frequent request there is and
 * each query through Prisma costs more CPU than the database spends on it (bench/ack.ts).
 */
export async function customerCardOf(deps: CoreDeps, timeZone: string, customer: Customer): Promise<CustomerCard> {
  const [row] = await directQuery<CardRow>(
    deps.db,
    Prisma.sql`SELECT ${cardColumns()} FROM "Customer" c WHERE c."tenantId" = ${customer.tenantId} AND c.id = ${customer.id}`,
  );
  if (!row) throw new NotFoundError("customer.not_found", { query: customer.name });
  return assembleCard(customer, row, localDateOf(deps.clock.now(), timeZone), timeZone);
}

/** The measures of customer risk as row_to_json carries them (bigint as a JSON number). */
type MeasureJson = Omit<MeasureRow, "recentFen" | "previousFen"> & { recentFen: number | string; previousFen: number | string };

/**
 * `customer <exact name>`, the command people type most: the customer, its card and its churn
 * risk in one statement, then the same ownership check as findCustomer. Null when no customer
 * has exactly that name (a prefix goes through findCustomerRow and customerCardOf instead).
 */
export async function customerCardByName(
  deps: CoreDeps,
  actor: Actor,
  tenant: TenantView,
  query: string,
): Promise<{ card: CustomerCard; risk: CustomerRisk | null } | null> {
  const key = normalizeName(query);
  if (key === "") throw new InvalidInputError("customer.name_required");
  const now = deps.clock.now();
  const [row] = await directQuery<Customer & CardRow & { risk: MeasureJson | null }>(
    deps.db,
    Prisma.sql`
    SELECT c.*, ${cardColumns()},
      (SELECT row_to_json(r) FROM (${oneCustomerMeasuresSql(tenant, now, Prisma.sql`found.id`)}) r) AS risk
    FROM "Customer" c
    -- The risk subquery has a "Customer" c of its own: it sees this row's id as found.id.
    CROSS JOIN LATERAL (SELECT c.id) found(id)
    WHERE c."tenantId" = ${actor.tenantId} AND c."nameKey" = ${key}`,
  );
  if (!row) return null;
  await requireCanActFor(deps.db, actor, row.ownerId);
  const { ownerName, callbackCount, callbacks, complaintCount, latestComplaint, contacts, visits, risk, ...customer } = row;
  const card = assembleCard(
    customer,
    { ownerName, callbackCount, callbacks, complaintCount, latestComplaint, contacts, visits },
    localDateOf(now, tenant.timeZone),
    tenant.timeZone,
  );
  const measures = risk ? { ...risk, recentFen: BigInt(risk.recentFen), previousFen: BigInt(risk.previousFen) } : null;
  return { card, risk: measures ? (scoreMeasures(tenant, [measures])[0] ?? null) : null };
}

function assembleCard(customer: Customer, row: CardRow, today: LocalDate, timeZone: string): CustomerCard {
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
