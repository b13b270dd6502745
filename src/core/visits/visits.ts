// Visits (拜访记录, DESIGN.md §2 Visit): logging one is a contact. In one transaction it records
// the visit, moves the customer's last contact, closes the callbacks the visit satisfies,
// restarts the cadence from the visit day and schedules the follow-up the visitor asked for.
import type { Callback, CallbackReason, Visit, VisitKind } from "@prisma/client";
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { customerForActor, lockCustomer, touchLastContact } from "../callbacks/access.js";
import { cadenceCustomerOf, cadenceRefOf, toCallbackView, type CadenceRef, type CallbackView } from "../callbacks/callbacks.js";
import { syncCadenceCallback } from "../callbacks/cadence.js";
import { idField, localDateField, optionalText, parseInput } from "../callbacks/input.js";
import { checkDueDate } from "../callbacks/rules.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { fromDateColumn, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { syncVisitPlansAfterVisit, type VisitPlanSync } from "../plans/visit-plans.js";
import { callbacksClosedByVisit, checkOccurredAt, laterContact, visitOutcome } from "./rules.js";
import { sourceLinkField } from "../shared/source-link.js";

export const VISIT_KINDS = ["ON_SITE", "PHONE", "VIDEO", "RECEPTION", "EMAIL"] as const satisfies readonly VisitKind[];

/** A visit rarely has more than a handful of people from our side. */
export const MAX_CO_VISITORS = 10;

export const logVisitSchema = z.object({
  customerId: idField("visit.invalid_input"),
  kind: z.enum(VISIT_KINDS, { error: "visit.invalid_kind" }),
  /** Defaults to now; at most a few minutes in the future (rules.ts). */
  occurredAt: z.coerce.date({ error: "visit.invalid_occurred_at" }).nullish(),
  purpose: optionalText(200, "visit.text_too_long"),
  summary: z
    .string({ error: "visit.summary_required" })
    .trim()
    .min(1, { error: "visit.summary_required" })
    .max(2000, { error: "visit.text_too_long" }),
  feedback: optionalText(2000, "visit.text_too_long"),
  nextStep: optionalText(500, "visit.text_too_long"),
  /** A tenant-local day, not in the past: schedules an AFTER_VISIT callback for the owner. */
  nextFollowUpOn: localDateField("visit.invalid_date").nullish(),
  coVisitorIds: z.array(idField("visit.invalid_input")).max(MAX_CO_VISITORS, { error: "visit.too_many_co_visitors" }).nullish(),
  /** The customer's contacts met (ids of the customer's Contact rows). */
  contactIds: z.array(idField("visit.invalid_input")).max(MAX_CO_VISITORS, { error: "visit.too_many_contacts" }).nullish(),
  /** Someone met who is not yet among the customer's contacts: added to them, and to the visit. */
  newContactName: optionalText(100, "visit.text_too_long"),
  /** The chat message the visit note was captured from (a message shortcut). */
  sourceLink: sourceLinkField("visit.invalid_source_link"),
});
export type LogVisitInput = z.input<typeof logVisitSchema>;

export interface VisitView {
  id: string;
  customerId: string;
  visitorId: string;
  coVisitorIds: string[];
  occurredAt: Date;
  kind: VisitKind;
  purpose: string | null;
  summary: string;
  feedback: string | null;
  nextStep: string | null;
  nextFollowUpOn: LocalDate | null;
  sourceLink: string | null;
  createdAt: Date;
}

export function toVisitView(v: Visit): VisitView {
  return {
    id: v.id,
    customerId: v.customerId,
    visitorId: v.visitorId,
    coVisitorIds: v.coVisitorIds,
    occurredAt: v.occurredAt,
    kind: v.kind,
    purpose: v.purpose,
    summary: v.summary,
    feedback: v.feedback,
    nextStep: v.nextStep,
    nextFollowUpOn: v.nextFollowUpOn ? fromDateColumn(v.nextFollowUpOn) : null,
    sourceLink: v.sourceLink,
    createdAt: v.createdAt,
  };
}

export interface ClosedByVisit {
  id: string;
  reason: CallbackReason;
  dueOn: LocalDate;
  assigneeId: string;
}

export interface LogVisitResult {
  visit: VisitView;
  /** Open callbacks the visit satisfied, now DONE with the visit as their outcome. */
  closedCallbacks: ClosedByVisit[];
  /** The AFTER_VISIT callback scheduled for nextFollowUpOn. */
  followUp: CallbackView | null;
  /** The customer's open cadence callback afterwards (restarted from the visit), null for tier C. */
  cadence: CadenceRef;
  /** Planned visits the visit completed and the next cadence visit (face-to-face visits only). */
  visitPlans?: VisitPlanSync;
}

export async function logVisit(deps: CoreDeps, actor: Actor, input: LogVisitInput | unknown): Promise<LogVisitResult> {
  const data = parseInput(logVisitSchema, input, "visit.invalid_input");
  const now = deps.clock.now();
  const occurredAt = data.occurredAt ?? now;
  checkOccurredAt(occurredAt, now);
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(now, tenant.timeZone);
  if (data.nextFollowUpOn) checkDueDate(today, data.nextFollowUpOn);
  const coVisitorIds = [...new Set(data.coVisitorIds ?? [])].filter((id) => id !== actor.memberId);
  const by = { actorId: actor.memberId, platform: actor.platform };
  const audit = { tenantId: actor.tenantId, actorId: actor.memberId, platform: actor.platform };

  return inTransaction(deps, async (tx) => {
    await lockCustomer(tx, actor.tenantId, data.customerId);
    const customer = await customerForActor(tx, actor, data.customerId, "visit.customer_not_found");
    if (coVisitorIds.length > 0) {
      const found = await tx.member.findMany({
        where: { tenantId: actor.tenantId, id: { in: coVisitorIds }, active: true },
        select: { id: true },
      });
      const known = new Set(found.map((m) => m.id));
      const unknown = coVisitorIds.find((id) => !known.has(id));
      if (unknown) throw new InvalidInputError("visit.unknown_co_visitor", { member: unknown });
    }
    const contactIds = [...new Set(data.contactIds ?? [])];
    if (contactIds.length > 0) {
      const found = await tx.contact.count({ where: { tenantId: actor.tenantId, customerId: customer.id, id: { in: contactIds } } });
      if (found !== contactIds.length) throw new InvalidInputError("visit.unknown_contact");
    }
    if (data.newContactName) {
      const contact = await tx.contact.create({ data: { tenantId: actor.tenantId, customerId: customer.id, name: data.newContactName } });
      await recordAudit(tx, { ...audit, action: "contact.added", entityType: "Contact", entityId: contact.id, after: { customerId: customer.id, name: contact.name, via: "visit" } });
      contactIds.push(contact.id);
    }

    const visit = await tx.visit.create({
      data: {
        tenantId: actor.tenantId,
        customerId: customer.id,
        visitorId: actor.memberId,
        coVisitorIds,
        contactIds,
        occurredAt,
        sourceLink: data.sourceLink ?? null,
        kind: data.kind,
        purpose: data.purpose ?? null,
        summary: data.summary,
        feedback: data.feedback ?? null,
        nextStep: data.nextStep ?? null,
        nextFollowUpOn: data.nextFollowUpOn ? toDateColumn(data.nextFollowUpOn) : null,
      },
    });
    await recordAudit(tx, {
      ...audit,
      action: "visit.logged",
      entityType: "Visit",
      entityId: visit.id,
      after: toVisitView(visit),
    });

    const visitDate = localDateOf(occurredAt, tenant.timeZone);
    const open = await tx.callback.findMany({
      where: { tenantId: actor.tenantId, customerId: customer.id, status: "PENDING" },
      select: { id: true, reason: true, dueOn: true },
    });
    const satisfied = callbacksClosedByVisit(
      visitDate,
      open.map((c) => ({ id: c.id, reason: c.reason, dueOn: fromDateColumn(c.dueOn) })),
    );
    let closed: Callback[] = [];
    if (satisfied.length > 0) {
      // Still PENDING in the condition: one closed meanwhile by someone else stays theirs.
      closed = await tx.callback.updateManyAndReturn({
        where: { tenantId: actor.tenantId, id: { in: satisfied.map((c) => c.id) }, status: "PENDING" },
        data: {
          status: "DONE",
          outcome: visitOutcome(visit.id),
          completedAt: now,
          completedById: actor.memberId,
          openCadenceKey: null,
        },
      });
      for (const c of closed) {
        await recordAudit(tx, {
          ...audit,
          action: "callback.completed_by_visit",
          entityType: "Callback",
          entityId: c.id,
          before: { status: "PENDING" },
          after: { status: c.status, outcome: c.outcome, visitId: visit.id },
        });
      }
    }

    // A back-dated visit older than the last contact must not pull the next call in.
    const lastContact = localDateOf(laterContact(customer.lastContactAt, occurredAt), tenant.timeZone);
    const cadence = await syncCadenceCallback(tx, tenant.settings, cadenceCustomerOf(customer), today, lastContact, by);
    await touchLastContact(tx, actor.tenantId, customer.id, occurredAt);

    let followUp: CallbackView | null = null;
    if (data.nextFollowUpOn) {
      const created = await tx.callback.create({
        data: {
          tenantId: actor.tenantId,
          customerId: customer.id,
          assigneeId: customer.ownerId,
          dueOn: toDateColumn(data.nextFollowUpOn),
          reason: "AFTER_VISIT",
          note: data.nextStep ?? null,
          sourceVisitId: visit.id,
        },
      });
      await recordAudit(tx, {
        ...audit,
        action: "callback.scheduled",
        entityType: "Callback",
        entityId: created.id,
        after: {
          customerId: customer.id,
          assigneeId: created.assigneeId,
          dueOn: data.nextFollowUpOn,
          reason: "AFTER_VISIT",
          sourceVisitId: visit.id,
        },
      });
      followUp = toCallbackView(created);
    }
    const visitPlans = await syncVisitPlansAfterVisit(tx, tenant, customer, visit, today, actor.memberId);

    return {
      visit: toVisitView(visit),
      closedCallbacks: closed.map((c) => ({ id: c.id, reason: c.reason, dueOn: fromDateColumn(c.dueOn), assigneeId: c.assigneeId })),
      followUp,
      cadence: cadenceRefOf(cadence),
      visitPlans,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading visits

export const listVisitsSchema = z.object({
  limit: z.coerce.number({ error: "visit.invalid_input" }).int().min(1).max(100).default(20),
  /** Only visits that happened strictly before this instant (the last one of the previous page). */
  before: z.coerce.date({ error: "visit.invalid_input" }).nullish(),
});
export type ListVisitsOptions = z.input<typeof listVisitsSchema>;

export interface VisitListItem extends VisitView {
  visitorName: string;
  coVisitorNames: string[];
}

/** The customer's visits, newest first. */
export async function listVisits(
  deps: CoreDeps,
  actor: Actor,
  customerId: string,
  options: ListVisitsOptions = {},
): Promise<VisitListItem[]> {
  const id = parseInput(z.object({ customerId: idField("visit.invalid_input") }), { customerId }, "visit.invalid_input").customerId;
  const { limit, before } = parseInput(listVisitsSchema, options, "visit.invalid_input");
  const customer = await customerForActor(deps.db, actor, id, "visit.customer_not_found");
  const visits = await deps.db.visit.findMany({
    where: { tenantId: actor.tenantId, customerId: customer.id, ...(before ? { occurredAt: { lt: before } } : {}) },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  const memberIds = [...new Set(visits.flatMap((v) => [v.visitorId, ...v.coVisitorIds]))];
  const members = memberIds.length
    ? await deps.db.member.findMany({ where: { tenantId: actor.tenantId, id: { in: memberIds } }, select: { id: true, displayName: true } })
    : [];
  const names = new Map(members.map((m) => [m.id, m.displayName]));
  const nameOf = (memberId: string) => names.get(memberId) ?? memberId;
  return visits.map((v) => ({ ...toVisitView(v), visitorName: nameOf(v.visitorId), coVisitorNames: v.coVisitorIds.map(nameOf) }));
}

/** How many visits the customer has had (since `since`, when given). */
export async function countVisits(
  deps: CoreDeps,
  actor: Actor,
  customerId: string,
  options: { since?: Date | null } = {},
): Promise<number> {
  const id = parseInput(z.object({ customerId: idField("visit.invalid_input") }), { customerId }, "visit.invalid_input").customerId;
  const customer = await customerForActor(deps.db, actor, id, "visit.customer_not_found");
  return deps.db.visit.count({
    where: { tenantId: actor.tenantId, customerId: customer.id, ...(options.since ? { occurredAt: { gte: options.since } } : {}) },
  });
}
