// visit / 拜访: logging a visit from the command line or the visit form.
//
// Stable button contract (the customer card, the due list, the Callback card and the digest
// show it; keep the id and payload):
//   "visit.open_form"  entityId = customer id, memberId = the member who may click: opens the visit
//                      form with the customer prefilled. Optional args.at ("list" | "card") and
//                      args.cb (a callback id) say which due list / Callback card to refresh once
//                      the visit is logged, since a visit closes the callbacks it satisfies (see
//                      the contract at the top of areas/callbacks.ts).
//
// `visit <customer> <summary>` logs at once as an on-site visit (拜访 is a visit unless told
// otherwise); anything missing, or a name matching several customers, opens the form instead.
import type { VisitKind } from "@prisma/client";
import type { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { loadCustomerFor } from "../../core/customers/lookup.js";
import { normalizeName } from "../../core/customers/rules.js";
import type { DomainError } from "../../core/shared/errors.js";
import { logVisit, logVisitSchema, VISIT_KINDS, type LogVisitResult } from "../../core/visits/visits.js";
import type { ConversationArea } from "../area.js";
import { button, dateDefault, enumLabel, localDateTime, localDay, moreTemplate, payloadFor, scheduleDay } from "../builders/common.js";
import { formErrorsReply, sourceLinkField } from "../builders/forms.js";
import { customerNameCandidates, localDateSchema, nameSchema, splitCustomerAndText } from "../grammar/index.js";
import { checkOccurredAt } from "../../core/visits/rules.js";
import { instantAt } from "../../core/shared/time.js";
import { z } from "zod";
import type { ActionReply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, validateForm, type Form } from "../views/form.js";
import type { ButtonPayload } from "../views/payload.js";
import type { View } from "../views/view.js";
import {
  ambiguousIntro,
  customerField,
  customerFromCommand,
  customerOfSubmission,
  fieldErrorReply,
  placeOf,
  refreshedCard,
  type CustomerRef,
} from "./callbacks.js";

/** What a visit typed on the command line is recorded as. */
export const DEFAULT_VISIT_KIND: VisitKind = "ON_SITE";

/**
 * Splits unquoted `visit` words into customer and summary with ONE query over every leading run
 * of words (customerNameCandidates), matched case-insensitively on nameKey. When no run is an
 * exact name, the first word is taken as a name prefix ("visit 华为 谈了报价" for 华为技术有限公司)
 * and findCustomer decides whether it is unambiguous.
 */
export async function splitVisitWords(session: Session, words: readonly string[]): Promise<{ customer: string; summary?: string }> {
  const keys = [...new Set(customerNameCandidates(words).map(normalizeName))];
  const rows = await session.deps.db.customer.findMany({
    where: { tenantId: session.tenant.id, nameKey: { in: keys } },
    select: { nameKey: true },
  });
  const known = new Set(rows.map((r) => r.nameKey));
  const split = splitCustomerAndText(words, (candidate) => known.has(normalizeName(candidate)));
  if (split) return split;
  const rest = words.slice(1).join(" ");
  return rest ? { customer: words[0]!, summary: rest } : { customer: words[0]! };
}

export interface VisitFormPreset {
  customer?: string;
  ambiguous?: AmbiguousCustomerError;
  summary?: string;
  /** When the visit happened, as typed on the command line. */
  occurredOn?: string;
  occurredTime?: string;
  /** The customer's contacts, to choose who was met. */
  contacts?: Array<{ id: string; name: string; title: string | null }>;
  /** Carried through to the submission: which list or card to refresh afterwards. */
  args?: Record<string, string>;
  /** Customer names to choose from (a message shortcut's guesses first). */
  choices?: readonly string[];
  /** The chat message the note comes from: shown as an editable field, stored with the visit. */
  sourceLink?: string;
  /** Text above the fields (a message shortcut says whose message it is). */
  intro?: string;
}

export function visitForm(session: Session, preset: VisitFormPreset): Form {
  return defineForm({
    formId: "visit.log",
    title: session.t("visit.view.form.title"),
    submitLabel: session.t("visit.view.form.submit"),
    ...(preset.intro ? { intro: preset.intro } : ambiguousIntro(session, preset.ambiguous)),
    fields: [
      customerField(session, session.t("visit.view.field.customer"), preset),
      {
        name: "kind",
        label: session.t("visit.view.field.kind"),
        kind: "select",
        required: true,
        options: VISIT_KINDS.map((kind) => ({ value: kind, label: enumLabel(session, kind) })),
        default: DEFAULT_VISIT_KIND,
      },
      {
        name: "occurredOn",
        label: session.t("visit.view.field.occurred_on"),
        kind: "date",
        required: false,
        lean: "past",
        ...dateDefault(session, preset.occurredOn ?? session.today),
        hint: session.t("visit.view.field.occurred_on_hint"),
      },
      {
        name: "occurredTime",
        label: session.t("visit.view.field.occurred_time"),
        kind: "text",
        required: false,
        maxLength: 5,
        placeholder: "14:00",
        ...(preset.occurredTime ? { default: preset.occurredTime } : {}),
      },
      ...(preset.contacts && preset.contacts.length > 0
        ? [
            {
              name: "contactId",
              label: session.t("visit.view.field.contact"),
              kind: "select" as const,
              required: false,
              options: preset.contacts.map((c) => ({ value: c.id, label: c.title ? `${c.name} · ${c.title}` : c.name })),
            },
          ]
        : []),
      { name: "newContact", label: session.t("visit.view.field.new_contact"), kind: "text", required: false, maxLength: 100 },
      { name: "purpose", label: session.t("visit.view.field.purpose"), kind: "text", required: false, maxLength: 200 },
      {
        name: "summary",
        label: session.t("visit.view.field.summary"),
        kind: "textarea",
        required: true,
        maxLength: 2000,
        ...(preset.summary ? { default: preset.summary } : {}),
      },
      { name: "feedback", label: session.t("visit.view.field.feedback"), kind: "textarea", required: false, maxLength: 2000 },
      { name: "nextStep", label: session.t("visit.view.field.next_step"), kind: "text", required: false, maxLength: 500 },
      {
        name: "nextFollowUpOn",
        label: session.t("visit.view.field.next_follow_up"),
        kind: "date",
        required: false,
        hint: session.t("visit.view.field.next_follow_up_hint"),
      },
      ...(preset.sourceLink !== undefined ? [sourceLinkField(session, preset.sourceLink)] : []),
    ],
    actionId: "visit.log",
    payload: payloadFor(session, { memberId: session.member.id, ...(preset.args ? { args: preset.args } : {}) }),
  });
}

const visitFormSchema = logVisitSchema
  .pick({ kind: true, summary: true, feedback: true, nextStep: true, nextFollowUpOn: true, purpose: true, sourceLink: true })
  .extend({
    customer: nameSchema,
    occurredOn: localDateSchema.optional(),
    occurredTime: z.string().trim().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: "grammar.invalid_time" }).optional(),
    contactId: z.string().optional(),
    newContact: z.string().trim().max(100).optional(),
  });

/**
 * The instant a visit typed as a local day (and time) happened: the time given, else now when
 * the day is today, else noon of that day (the day is what matters for the cadence).
 */
export function occurredAtOf(session: Session, date: string | undefined, time: string | undefined): Date | undefined {
  if (!date) return undefined;
  if (time) return instantAt(date, time.padStart(5, "0"), session.tenant.timeZone);
  if (date === session.today) return session.now;
  return instantAt(date, "12:00", session.tenant.timeZone);
}

async function contactsOf(session: Session, customerId: string) {
  return session.deps.db.contact.findMany({
    where: { tenantId: session.tenant.id, customerId },
    select: { id: true, name: true, title: true },
    orderBy: { createdAt: "asc" },
    take: 50,
  });
}

const FORM_TEXT_FIELDS = new Set(["summary", "feedback", "nextStep"]);

function visitFieldOf(err: DomainError): string | undefined {
  switch (err.code) {
    case "visit.summary_required":
      return "summary";
    case "visit.text_too_long":
      return typeof err.params.field === "string" && FORM_TEXT_FIELDS.has(err.params.field) ? err.params.field : undefined;
    case "visit.invalid_date":
    case "callback.date_in_past":
    case "callback.date_too_far":
      return "nextFollowUpOn";
    case "visit.invalid_kind":
      return "kind";
    case "visit.occurred_in_future":
    case "visit.invalid_occurred_at":
      return "occurredOn";
    case "visit.unknown_contact":
      return "contactId";
    case "visit.invalid_source_link":
      return "sourceLink";
    case "visit.customer_not_found":
    case "auth.not_yours":
      return "customer";
    default:
      return undefined;
  }
}

export function visitLoggedView(session: Session, customer: CustomerRef, result: LogVisitResult): View {
  const v = result.visit;
  const fields = [
    { label: session.t("visit.view.field.kind"), value: enumLabel(session, v.kind) },
    { label: session.t("visit.view.field.when"), value: localDateTime(session, v.occurredAt) },
    { label: session.t("visit.view.field.summary"), value: v.summary },
    ...(v.feedback ? [{ label: session.t("visit.view.field.feedback"), value: v.feedback }] : []),
    ...(v.nextStep ? [{ label: session.t("visit.view.field.next_step"), value: v.nextStep }] : []),
  ];
  const lines = [
    ...result.closedCallbacks.map((c) => session.t("visit.view.closed_callback", { date: localDay(session, c.dueOn), reason: enumLabel(session, c.reason) })),
    ...(result.followUp ? [session.t("visit.view.follow_up", { date: scheduleDay(session, result.followUp.dueOn) })] : []),
    ...(result.cadence ? [session.t("visit.view.next_cadence", { date: scheduleDay(session, result.cadence.dueOn) })] : []),
    ...(result.visitPlans?.done ?? []).map((p) => session.t("visit.view.plan_done", { date: localDay(session, p.plannedOn) })),
    ...(result.visitPlans?.next ? [session.t("visit.view.next_visit", { date: scheduleDay(session, result.visitPlans.next.plannedOn) })] : []),
  ];
  const title = session.t("visit.view.logged_title", { customer: customer.name });
  return {
    header: { title, tone: "success" },
    blocks: [
      { kind: "fields", fields },
      ...(lines.length > 0 ? [{ kind: "context" as const, lines }] : []),
      {
        kind: "actions",
        buttons: [
          button(session, "visit.view.button.schedule_callback", "callback.open_form", { entityId: customer.id, memberId: session.member.id }),
          button(session, "visit.view.button.open_customer", "customer.open", { entityId: customer.id, memberId: session.member.id }),
        ],
      },
    ],
    summary: title,
    moreTemplate: moreTemplate(session),
  };
}

/** The args of a visit.open_form button worth keeping in the form: where to refresh afterwards. */
function refreshArgs(payload: ButtonPayload): Record<string, string> | undefined {
  const at = placeOf(payload);
  const cb = payload.args?.cb;
  if (!at) return undefined;
  return typeof cb === "string" ? { at, cb } : { at };
}

export const visitsArea: ConversationArea = {
  commands: {
    "visit.log": async (session, command) => {
      const typed = command.words
        ? await splitVisitWords(session, command.words)
        : { customer: command.customer, summary: command.summary };
      const when = {
        ...(command.occurredOn ? { occurredOn: command.occurredOn } : {}),
        ...(command.occurredTime ? { occurredTime: command.occurredTime } : {}),
      };
      if (!typed.customer) return { kind: "form", form: visitForm(session, { ...(typed.summary ? { summary: typed.summary } : {}), ...when }) };
      const found = await customerFromCommand(session, typed.customer);
      const summary = typed.summary ? { summary: typed.summary } : {};
      if ("ambiguous" in found) return { kind: "form", form: visitForm(session, { ambiguous: found.ambiguous, ...summary, ...when }) };
      const occurredAt = occurredAtOf(session, command.occurredOn, command.occurredTime);
      // A visit in the future is a plan: refused before any form is filled in.
      if (occurredAt) checkOccurredAt(occurredAt, session.now);
      if (!typed.summary) {
        return { kind: "form", form: visitForm(session, { customer: found.customer.name, contacts: await contactsOf(session, found.customer.id), ...when }) };
      }
      const result = await logVisit(session.deps, session.actor, {
        customerId: found.customer.id,
        kind: DEFAULT_VISIT_KIND,
        summary: typed.summary,
        ...(occurredAt ? { occurredAt } : {}),
      });
      return { kind: "view", view: visitLoggedView(session, found.customer, result) };
    },
  },

  actions: {
    "visit.open_form": async (session, payload) => {
      const customer = await loadCustomerFor(session.deps.db, session.actor, payload.entityId ?? "");
      const args = refreshArgs(payload);
      const contacts = await contactsOf(session, customer.id);
      return { reply: { kind: "form", form: visitForm(session, { customer: customer.name, contacts, ...(args ? { args } : {}) }) } };
    },
  },

  forms: {
    "visit.log": async (session, values, payload): Promise<ActionReply> => {
      // The contact choice is validated against the customer by the core, not by the form's options.
      const result = validateForm(
        visitForm(session, {
          ...(values.contactId ? { contacts: [{ id: values.contactId, name: values.contactId, title: null }] } : {}),
          ...(values.sourceLink !== undefined ? { sourceLink: "" } : {}),
        }),
        values,
        visitFormSchema,
        session,
      );
      if (!result.ok) return formErrorsReply(session, result.errors);
      const picked = await customerOfSubmission(session, result.data.customer);
      if (!picked.ok) return picked.reply;
      const customer = picked.customer;
      let logged: LogVisitResult;
      try {
        const { customer: _typed, occurredOn, occurredTime, contactId, newContact, ...details } = result.data;
        const occurredAt = occurredAtOf(session, occurredOn, occurredTime);
        logged = await logVisit(session.deps, session.actor, {
          ...details,
          customerId: customer.id,
          ...(occurredAt ? { occurredAt } : {}),
          ...(contactId ? { contactIds: [contactId] } : {}),
          ...(newContact ? { newContactName: newContact } : {}),
        });
      } catch (err) {
        return fieldErrorReply(session, err, visitFieldOf);
      }
      const reply = { kind: "view" as const, view: visitLoggedView(session, customer, logged) };
      const cb = payload.args?.cb;
      const updatedCard = await refreshedCard(session, placeOf(payload), typeof cb === "string" ? cb : undefined);
      return updatedCard ? { reply, updatedCard } : { reply };
    },
  },
};
