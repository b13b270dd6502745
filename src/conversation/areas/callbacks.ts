// callbacks / 回访 and callback / 安排回访: my due list, scheduling, and the Done / Snooze / Skip
// buttons of a callback wherever it is shown (this list, a Callback card, the morning digest).
//
// Stable button contract (the digest renders the same buttons; keep these ids and payloads):
//   "callback.done"    entityId = callback id, memberId = the assignee (the only one who may click).
//                      Opens the outcome form: the result (reached / no answer / asked to call
//                      later, required), a line of outcome and the satisfaction 1–5 (required
//                      for an AFTER_COMPLAINT callback, whose whole purpose is asking it, DESIGN
//                      §2 Complaint). A tap that recorded nothing let "Done" reset the last
//                      contact of a customer nobody had reached.
//   "callback.snooze"  entityId = callback id, version = the callback's snoozeCount when rendered
//                      (a second click on the same stale button is refused, not snoozed twice),
//                      args.days = how many days (default 1, at most 30).
//   "callback.skip"    entityId = callback id: opens the skip-reason form.
//   "visit.open_form"  entityId = customer id (areas/visits.ts); args.cb = the callback id when
//                      the button belongs to one callback.
//   "callback.open_form" entityId = customer id: the schedule form with the customer prefilled.
// Optional args.at says where the button sits, i.e. what the answer's updatedCard is:
//   "list" → the clicker's refreshed due list (entityType "CallbackList", entityId = member id;
//            a digest item may use it too: it is the same "due today and overdue" list);
//   "card" → the Callback card (entityType "Callback", entityId = callback id);
//   absent → no updatedCard (the reply alone says what happened).
import type { Callback, CallbackResult, Tier } from "@prisma/client";
import { z } from "zod";
import { callbackInTenant, requireMayHandleCallback } from "../../core/callbacks/access.js";
import {
  CALLBACK_RESULTS,
  completeCallback,
  completeCallbackSchema,
  dueCallbacksFor,
  myCallbacks,
  scheduleCallback,
  scheduleCallbackSchema,
  skipCallback,
  skipCallbackSchema,
  snoozeCallback,
  type CadenceRef,
  type DueCallback,
} from "../../core/callbacks/callbacks.js";
import { effectiveTier } from "../../core/callbacks/cadence.js";
import { daysOverdue as daysOverdueOf, SNOOZE_DEFAULT_DAYS, snoozedDueDate } from "../../core/callbacks/rules.js";
import { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { findCustomer, loadCustomerFor } from "../../core/customers/lookup.js";
import { isDomainError, type DomainError } from "../../core/shared/errors.js";
import { addDays, fromDateColumn } from "../../core/shared/time.js";
import { visitIdFromOutcome } from "../../core/visits/rules.js";
import type { ConversationArea } from "../area.js";
import { button, dateDefault, enumLabel, errorText, errorView, localDateTime, localDay, moreTemplate, noticeView, payloadFor, scheduleDay, tierLabel } from "../builders/common.js";
import { formErrorsReply, oneFieldError } from "../builders/forms.js";
import { customerOfFieldValue, type CustomerRef } from "../customer-field.js";
import { localDateSchema, nameSchema } from "../grammar/index.js";
import { resolveLocale, t as translate } from "../i18n/index.js";
import type { ActionReply, Reply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, validateForm, type Form, type FormField } from "../views/form.js";
import type { ButtonPayload } from "../views/payload.js";
import type { Button, ListItem, View } from "../views/view.js";

export const CALLBACK_ENTITY = "Callback";
export const CALLBACK_LIST_ENTITY = "CallbackList";

/** Items shown in one due list; the rest are counted in "… and N more" (platform block limits). */
export const DUE_LIST_LIMIT = 20;

export type ButtonPlace = "list" | "card";

export function placeOf(payload: ButtonPayload): ButtonPlace | undefined {
  const at = payload.args?.at;
  return at === "list" || at === "card" ? at : undefined;
}

/** The args every button and form of a callback carries along: where it sits. */
function placeArgs(place: ButtonPlace | undefined): Record<string, string> {
  return place ? { at: place } : {};
}

// ---------------------------------------------------------------------------------------------
// Customers typed by name (shared with areas/visits.ts)

export type { CustomerRef };

/**
 * The customer a form field names: a picker gives the customer's id, free text a name (exact,
 * case-insensitive, or an unambiguous prefix). Throws the lookup's domain errors.
 */
export function customerFromField(session: Session, value: string): Promise<CustomerRef> {
  return customerOfFieldValue(session, value);
}

/**
 * A typed name resolved for a command: the customer, or the candidates of an ambiguous name (the
 * caller then opens its form with a picker, so nothing the user typed is lost).
 */
export async function customerFromCommand(
  session: Session,
  query: string,
): Promise<{ customer: CustomerRef } | { ambiguous: AmbiguousCustomerError }> {
  try {
    const found = await findCustomer(session.deps, session.actor, query);
    return { customer: { id: found.id, name: found.name } };
  } catch (err) {
    if (err instanceof AmbiguousCustomerError) return { ambiguous: err };
    throw err;
  }
}

/**
 * The customer field of a form: a picker over the candidates of an ambiguous name, else text
 * prefilled with the customer's name.
 */
export function customerField(
  session: Session,
  label: string,
  preset: { customer?: string; ambiguous?: AmbiguousCustomerError; choices?: readonly string[] },
): FormField {
  // A chooser over customer names (a guess first, e.g. from a message shortcut), preselecting `customer`.
  if (preset.choices && preset.choices.length > 0) {
    return {
      name: "customer",
      label,
      kind: "customer",
      required: true,
      options: preset.choices.map((name) => ({ value: name, label: name })),
      ...(preset.customer && preset.choices.includes(preset.customer) ? { default: preset.customer } : {}),
    };
  }
  if (preset.ambiguous && preset.ambiguous.candidates.length > 0) {
    return {
      name: "customer",
      label,
      kind: "customer",
      required: true,
      options: preset.ambiguous.candidates.map((c) => ({ value: c.id, label: c.name })),
    };
  }
  return { name: "customer", label, kind: "customer", required: true, maxLength: 200, ...(preset.customer ? { default: preset.customer } : {}) };
}

/** The form's intro when the typed name was ambiguous: asks to pick one of the candidates. */
export function ambiguousIntro(session: Session, err: AmbiguousCustomerError | undefined): { intro?: string } {
  return err ? { intro: session.t("callback.view.pick_customer", { query: err.query }) } : {};
}

/**
 * The customer a submitted form names, or the reply that keeps the form open with the lookup's
 * error next to its customer field.
 */
export async function customerOfSubmission(
  session: Session,
  value: string,
): Promise<{ ok: true; customer: CustomerRef } | { ok: false; reply: ActionReply }> {
  try {
    return { ok: true, customer: await customerFromField(session, value) };
  } catch (err) {
    return { ok: false, reply: fieldErrorReply(session, err, () => "customer") };
  }
}

/**
 * A domain error raised while handling a submitted form, shown next to the field `fieldOf`
 * names for its code so the form stays open with what was typed; anything else propagates (the
 * conversation shows it as a message).
 */
export function fieldErrorReply(session: Session, err: unknown, fieldOf: (err: DomainError) => string | undefined): ActionReply {
  if (!isDomainError(err)) throw err;
  const field = fieldOf(err);
  if (!field) throw err;
  return oneFieldError(session, field, err, errorText(session, err));
}

// ---------------------------------------------------------------------------------------------
// Views

function dueText(session: Session, dueOn: string, daysOverdue: number): string {
  if (daysOverdue > 0) return session.t("callback.view.overdue", { days: daysOverdue, date: scheduleDay(session, dueOn) });
  return dueOn === session.today ? session.t("callback.view.due_today") : session.t("callback.view.due_on", { date: scheduleDay(session, dueOn) });
}

/** Done / Log visit / Snooze / Skip for one pending callback, clickable only by `memberId`. */
function callbackButtons(
  session: Session,
  cb: { id: string; customerId: string; snoozeCount: number; dueOn: string },
  memberId: string,
  place: ButtonPlace,
): Button[] {
  const at = placeArgs(place);
  // The label says where the call goes: "tomorrow" for anything due today or overdue (the
  // snooze counts from today), the exact date for a callback due later.
  const target = snoozedDueDate(session.today, cb.dueOn, { days: SNOOZE_DEFAULT_DAYS });
  const snoozeLabel =
    target === addDays(session.today, 1)
      ? session.t("callback.view.button.snooze")
      : session.t("callback.view.button.snooze_to", { date: localDay(session, target) });
  return [
    button(session, "callback.view.button.done", "callback.done", { entityId: cb.id, memberId, args: at }, { style: "primary" }),
    button(session, "callback.view.button.log_visit", "visit.open_form", { entityId: cb.customerId, memberId, args: { ...at, cb: cb.id } }),
    {
      label: snoozeLabel,
      actionId: "callback.snooze",
      payload: payloadFor(session, { entityId: cb.id, memberId, version: cb.snoozeCount, args: { ...at, days: SNOOZE_DEFAULT_DAYS } }),
    },
    button(session, "callback.view.button.skip", "callback.skip", { entityId: cb.id, memberId, args: at }),
  ];
}

/** The due list of `ownerId` (callbacks due today and overdue, VIP first), buttons for them only. */
export function dueListView(session: Session, ownerId: string, items: readonly DueCallback[]): View {
  const overdue = items.filter((i) => i.daysOverdue > 0).length;
  const counts = session.t("callback.view.list_counts", { due: items.length - overdue, overdue });
  const shown = items.slice(0, DUE_LIST_LIMIT);
  const listItems: ListItem[] = shown.map((item) => ({
    text: [
      `*${item.customerName}* · ${tierLabel(session, item.tier)}`,
      `${dueText(session, item.dueOn, item.daysOverdue)} · ${enumLabel(session, item.reason)}`,
      ...(item.note ? [session.t("callback.view.note", { note: item.note })] : []),
    ].join("\n"),
    buttons: callbackButtons(session, item, ownerId, "list"),
  }));
  return {
    header: { title: session.t("callback.view.list_title", { date: scheduleDay(session, session.today) }), subtitle: counts, tone: overdue > 0 ? "warning" : "info" },
    blocks: [
      {
        kind: "list",
        items: listItems,
        ...(items.length > shown.length ? { totalCount: items.length } : {}),
        emptyText: session.t("callback.view.list_empty"),
      },
    ],
    summary: items.length > 0 ? `${session.t("callback.view.list_title", { date: scheduleDay(session, session.today) })} · ${counts}` : session.t("callback.view.list_empty"),
    moreTemplate: moreTemplate(session),
  };
}

interface CallbackCardData {
  callback: Callback;
  customerName: string;
  tier: Tier;
  names: Map<string, string>;
}

async function loadCallbackCard(session: Session, callbackId: string): Promise<CallbackCardData | null> {
  const row = await session.deps.db.callback.findFirst({
    where: { id: callbackId, tenantId: session.tenant.id },
    include: { customer: { select: { name: true, tier: true, tierOverride: true } } },
  });
  if (!row) return null;
  const memberIds = [row.assigneeId, ...(row.completedById ? [row.completedById] : [])];
  const members = await session.deps.db.member.findMany({
    where: { tenantId: session.tenant.id, id: { in: memberIds } },
    select: { id: true, displayName: true },
  });
  const { customer, ...callback } = row;
  return { callback, customerName: customer.name, tier: effectiveTier(customer), names: new Map(members.map((m) => [m.id, m.displayName])) };
}

/** Who closed it and when, in the reader's language ("Done by Alice at 2026-11-23 09:30"). */
function closedLine(session: Session, data: CallbackCardData): string {
  const cb = data.callback;
  // Closed by Accord itself (a customer re-tiered to C) has no member behind it.
  const by = cb.completedById ? (data.names.get(cb.completedById) ?? cb.completedById) : "Accord";
  const at = localDateTime(session, cb.completedAt ?? cb.updatedAt);
  if (cb.status === "SKIPPED") return session.t("callback.view.skipped_by", { by, at, reason: cb.outcome ?? "" });
  if (visitIdFromOutcome(cb.outcome)) return session.t("callback.view.done_by_visit", { by, at });
  return session.t("callback.view.done_by", { by, at });
}

export function callbackCardView(session: Session, data: CallbackCardData): View {
  const cb = data.callback;
  const dueOn = fromDateColumn(cb.dueOn);
  const pending = cb.status === "PENDING";
  const daysOverdue = pending ? daysOverdueOf(session.today, dueOn) : 0;
  const fields = [
    { label: session.t("callback.view.field.customer"), value: data.customerName },
    { label: session.t("callback.view.field.tier"), value: tierLabel(session, data.tier) },
    { label: session.t("callback.view.field.assignee"), value: data.names.get(cb.assigneeId) ?? cb.assigneeId },
    // Under the "Due" label a day on its own ("Due: Tue, Dec 1", not "Due: due Tue, Dec 1").
    { label: session.t("callback.view.field.due"), value: daysOverdue > 0 ? dueText(session, dueOn, daysOverdue) : pending && dueOn === session.today ? session.t("callback.view.today") : pending ? scheduleDay(session, dueOn) : localDay(session, dueOn) },
    { label: session.t("callback.view.field.reason"), value: enumLabel(session, cb.reason) },
    ...(cb.note ? [{ label: session.t("callback.view.field.note"), value: cb.note }] : []),
    ...(cb.status === "DONE" && cb.result ? [{ label: session.t("callback.view.field.result"), value: session.t(`callback.view.result.${cb.result}`) }] : []),
    ...(cb.originalDueOn && cb.snoozeCount > 0
      ? [{ label: session.t("callback.view.field.postponed"), value: session.t("callback.view.postponed_from", { date: localDay(session, cb.originalDueOn), count: cb.snoozeCount }) }]
      : []),
    ...(cb.status === "DONE" && cb.outcome && !visitIdFromOutcome(cb.outcome)
      ? [{ label: session.t("callback.view.field.outcome"), value: cb.outcome }]
      : []),
    ...(cb.satisfaction !== null ? [{ label: session.t("callback.view.field.satisfaction"), value: satisfactionLabel(session, cb.satisfaction) }] : []),
  ];
  const title = session.t("callback.view.card_title", { customer: data.customerName });
  return {
    header: {
      title,
      tag: { text: session.t(`callback.status.${cb.status}`), tone: pending ? (daysOverdue > 0 ? "warning" : "info") : cb.status === "DONE" ? "success" : "neutral" },
    },
    blocks: [
      { kind: "fields", fields },
      // Buttons name the assignee: a card may be refreshed into anyone's copy, only they act on it.
      pending
        ? { kind: "actions", buttons: callbackButtons(session, { ...cb, dueOn }, cb.assigneeId, "card") }
        : { kind: "context", lines: [closedLine(session, data)] },
    ],
    summary: `${title} · ${session.t(`callback.status.${cb.status}`)}`,
    moreTemplate: moreTemplate(session),
  };
}

function satisfactionLabel(session: Session, score: number): string {
  return session.t(`callback.view.satisfaction.${score}`);
}

async function callbackCard(session: Session, callbackId: string): Promise<View | null> {
  const data = await loadCallbackCard(session, callbackId);
  return data ? callbackCardView(session, data) : null;
}

async function myDueList(session: Session): Promise<View> {
  return dueListView(session, session.member.id, await myCallbacks(session.deps, session.actor));
}

/** What the clicked list or card looks like now (see the contract at the top of this file). */
export async function refreshedCard(
  session: Session,
  place: ButtonPlace | undefined,
  callbackId: string | undefined,
): Promise<ActionReply["updatedCard"]> {
  if (place === "list") return { entityType: CALLBACK_LIST_ENTITY, entityId: session.member.id, view: await myDueList(session) };
  if (place === "card" && callbackId) {
    const view = await callbackCard(session, callbackId);
    if (view) return { entityType: CALLBACK_ENTITY, entityId: callbackId, view };
  }
  return undefined;
}

async function answer(session: Session, payload: ButtonPayload, reply: Reply): Promise<ActionReply> {
  const updatedCard = await refreshedCard(session, placeOf(payload), payload.entityId);
  return updatedCard ? { reply, updatedCard } : { reply };
}

function nextCadenceLine(session: Session, cadence: CadenceRef): string {
  return cadence ? `\n${session.t("callback.view.next_cadence", { date: scheduleDay(session, cadence.dueOn) })}` : "";
}

// ---------------------------------------------------------------------------------------------
// Clicks on a callback

const CLOSED_CONFLICTS = new Set(["callback.already_done", "callback.already_skipped", "callback.changed"]);

/**
 * Runs a decision; when the callback was closed or changed meanwhile (a double click, a stale
 * digest, a colleague faster), says so and refreshes the clicked list/card so its buttons go.
 */
async function decide(session: Session, payload: ButtonPayload, run: () => Promise<Reply>): Promise<ActionReply> {
  try {
    return await answer(session, payload, await run());
  } catch (err) {
    if (isDomainError(err) && CLOSED_CONFLICTS.has(err.code)) {
      return answer(session, payload, { kind: "view", view: errorView(session, err) });
    }
    throw err;
  }
}

/** The callback a button names, if the clicker may handle it (core authorization). */
async function clickedCallback(session: Session, payload: ButtonPayload): Promise<Callback> {
  const callback = await callbackInTenant(session.deps.db, session.tenant.id, payload.entityId ?? "");
  await requireMayHandleCallback(session.deps.db, session.actor, callback);
  return callback;
}

/** "Already done by X at …" for a callback found closed when its button was clicked. */
async function closedReply(session: Session, payload: ButtonPayload, callback: Callback): Promise<ActionReply> {
  const by = callback.completedById
    ? await session.deps.db.member.findFirst({ where: { id: callback.completedById, tenantId: session.tenant.id }, select: { displayName: true } })
    : null;
  const code = callback.status === "SKIPPED" ? "callback.already_skipped" : "callback.already_done";
  const text = session.t(code, { by: by?.displayName ?? "Accord", at: localDateTime(session, callback.completedAt ?? callback.updatedAt) });
  return answer(session, payload, { kind: "view", view: noticeView(session, text, "warning") });
}

async function customerNameOf(session: Session, customerId: string): Promise<string> {
  const c = await session.deps.db.customer.findFirst({ where: { id: customerId, tenantId: session.tenant.id }, select: { name: true } });
  return c?.name ?? "";
}

function outcomeForm(session: Session, callback: Callback, customerName: string, place: ButtonPlace | undefined): Form {
  const askScore = callback.reason === "AFTER_COMPLAINT";
  return defineForm({
    formId: "callback.outcome",
    title: session.t("callback.view.form.outcome_title"),
    submitLabel: session.t("callback.view.form.outcome_submit"),
    intro: session.t("callback.view.form.outcome_intro", {
      customer: customerName,
      date: localDay(session, callback.dueOn),
      reason: enumLabel(session, callback.reason),
    }),
    fields: [
      {
        name: "result",
        label: session.t("callback.view.field.result"),
        kind: "select",
        required: true,
        options: CALLBACK_RESULTS.map((r) => ({ value: r, label: session.t(`callback.view.result.${r}`) })),
      },
      { name: "outcome", label: session.t("callback.view.field.outcome_line"), kind: "text", required: false, maxLength: 200 },
      {
        name: "satisfaction",
        label: session.t("callback.view.field.satisfaction"),
        kind: "select",
        required: askScore,
        options: [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: satisfactionLabel(session, n) })),
        ...(askScore ? { hint: session.t("callback.view.form.satisfaction_hint") } : {}),
      },
    ],
    actionId: "callback.outcome",
    payload: payloadFor(session, { entityId: callback.id, memberId: session.member.id, args: placeArgs(place) }),
  });
}

const outcomeFormSchema = completeCallbackSchema.pick({ result: true, outcome: true, satisfaction: true });

function skipForm(session: Session, callback: Callback, customerName: string, place: ButtonPlace | undefined): Form {
  return defineForm({
    formId: "callback.skip_reason",
    title: session.t("callback.view.form.skip_title"),
    submitLabel: session.t("callback.view.form.skip_submit"),
    intro: session.t("callback.view.form.outcome_intro", {
      customer: customerName,
      date: localDay(session, callback.dueOn),
      reason: enumLabel(session, callback.reason),
    }),
    fields: [{ name: "reason", label: session.t("callback.view.field.skip_reason"), kind: "textarea", required: true, maxLength: 500 }],
    actionId: "callback.skip_reason",
    payload: payloadFor(session, { entityId: callback.id, memberId: session.member.id, args: placeArgs(place) }),
  });
}

const skipFormSchema = skipCallbackSchema.pick({ reason: true });

async function complete(
  session: Session,
  payload: ButtonPayload,
  input: { result?: CallbackResult | undefined; outcome?: string | undefined; satisfaction?: number | undefined },
): Promise<ActionReply> {
  return decide(session, payload, async () => {
    const result = await completeCallback(session.deps, session.actor, { callbackId: payload.entityId, ...input });
    const customer = await customerNameOf(session, result.callback.customerId);
    const text = session.t("callback.view.completed", { customer }) + nextCadenceLine(session, result.cadence);
    return { kind: "view", view: noticeView(session, text, "success") };
  });
}

// ---------------------------------------------------------------------------------------------
// Scheduling

function scheduleForm(
  session: Session,
  preset: { customer?: string; ambiguous?: AmbiguousCustomerError; dueDate?: string; note?: string },
): Form {
  return defineForm({
    formId: "callback.schedule",
    title: session.t("callback.view.form.schedule_title"),
    submitLabel: session.t("callback.view.form.schedule_submit"),
    ...ambiguousIntro(session, preset.ambiguous),
    fields: [
      customerField(session, session.t("callback.view.field.customer"), preset),
      { name: "dueDate", label: session.t("callback.view.field.due_date"), kind: "date", required: true, ...dateDefault(session, preset.dueDate) },
      { name: "note", label: session.t("callback.view.field.note"), kind: "textarea", required: false, maxLength: 500, ...(preset.note ? { default: preset.note } : {}) },
    ],
    actionId: "callback.schedule",
    payload: payloadFor(session, { memberId: session.member.id }),
  });
}

const scheduleFormSchema = z.object({ customer: nameSchema, dueDate: localDateSchema }).extend(scheduleCallbackSchema.pick({ note: true }).shape);

async function schedule(session: Session, customer: CustomerRef, dueDate: string, note: string | undefined): Promise<View> {
  const created = await scheduleCallback(session.deps, session.actor, { customerId: customer.id, dueOn: dueDate, ...(note ? { note } : {}) });
  const card = await callbackCard(session, created.id);
  const done = session.t("callback.view.scheduled", { customer: customer.name, date: scheduleDay(session, created.dueOn) });
  if (!card) return noticeView(session, done, "success");
  return { ...card, blocks: [{ kind: "text", text: done }, ...card.blocks], summary: done };
}

const scheduleFieldOf = (err: DomainError): string | undefined => {
  if (["callback.invalid_date", "callback.date_in_past", "callback.date_too_far"].includes(err.code)) return "dueDate";
  if (err.code === "callback.text_too_long") return "note";
  if (["callback.customer_not_found", "auth.not_yours"].includes(err.code)) return "customer";
  return undefined;
};

// ---------------------------------------------------------------------------------------------

export const callbacksArea: ConversationArea = {
  commands: {
    "callbacks.list": async (session) => ({ kind: "view", view: await myDueList(session) }),

    "callback.schedule": async (session, command) => {
      const preset = { ...(command.dueDate ? { dueDate: command.dueDate } : {}), ...(command.note ? { note: command.note } : {}) };
      if (!command.customer) return { kind: "form", form: scheduleForm(session, preset) };
      const found = await customerFromCommand(session, command.customer);
      if ("ambiguous" in found) return { kind: "form", form: scheduleForm(session, { ...preset, ambiguous: found.ambiguous }) };
      if (!command.dueDate) return { kind: "form", form: scheduleForm(session, { ...preset, customer: found.customer.name }) };
      return { kind: "view", view: await schedule(session, found.customer, command.dueDate, command.note) };
    },
  },

  actions: {
    "callback.open_form": async (session, payload) => {
      const customer = await loadCustomerFor(session.deps.db, session.actor, payload.entityId ?? "");
      return { reply: { kind: "form", form: scheduleForm(session, { customer: customer.name }) } };
    },

    "callback.done": async (session, payload) => {
      const callback = await clickedCallback(session, payload);
      if (callback.status !== "PENDING") return closedReply(session, payload, callback);
      const customer = await customerNameOf(session, callback.customerId);
      return { reply: { kind: "form", form: outcomeForm(session, callback, customer, placeOf(payload)) } };
    },

    "callback.snooze": async (session, payload) => {
      const callback = await clickedCallback(session, payload);
      if (callback.status !== "PENDING") return closedReply(session, payload, callback);
      if (payload.version !== undefined && payload.version !== callback.snoozeCount) {
        // The same (stale) Snooze button clicked again: the first click already moved it.
        const text = session.t("callback.view.already_snoozed", { date: scheduleDay(session, callback.dueOn) });
        return answer(session, payload, { kind: "view", view: noticeView(session, text, "warning") });
      }
      const days = payload.args?.days;
      return decide(session, payload, async () => {
        const moved = await snoozeCallback(session.deps, session.actor, {
          callbackId: callback.id,
          ...(typeof days === "number" ? { days } : {}),
        });
        const customer = await customerNameOf(session, moved.customerId);
        return { kind: "view", view: noticeView(session, session.t("callback.view.snoozed", { customer, date: scheduleDay(session, moved.dueOn) }), "success") };
      });
    },

    "callback.skip": async (session, payload) => {
      const callback = await clickedCallback(session, payload);
      if (callback.status !== "PENDING") return closedReply(session, payload, callback);
      const customer = await customerNameOf(session, callback.customerId);
      return { reply: { kind: "form", form: skipForm(session, callback, customer, placeOf(payload)) } };
    },
  },

  forms: {
    "callback.schedule": async (session, values) => {
      const result = validateForm(scheduleForm(session, {}), values, scheduleFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      const picked = await customerOfSubmission(session, result.data.customer);
      if (!picked.ok) return picked.reply;
      try {
        return { reply: { kind: "view", view: await schedule(session, picked.customer, result.data.dueDate, result.data.note) } };
      } catch (err) {
        return fieldErrorReply(session, err, scheduleFieldOf);
      }
    },

    "callback.outcome": async (session, values, payload) => {
      const callback = await clickedCallback(session, payload);
      const form = outcomeForm(session, callback, "", placeOf(payload));
      const result = validateForm(form, values, outcomeFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      try {
        return await complete(session, payload, {
          ...(result.data.result ? { result: result.data.result } : {}),
          ...(result.data.outcome ? { outcome: result.data.outcome } : {}),
          ...(result.data.satisfaction !== undefined ? { satisfaction: result.data.satisfaction } : {}),
        });
      } catch (err) {
        return fieldErrorReply(session, err, (e) =>
          e.code === "callback.invalid_satisfaction"
            ? "satisfaction"
            : e.code === "callback.text_too_long" || e.code === "callback.outcome_required"
              ? "outcome"
              : e.code === "callback.invalid_result"
                ? "result"
                : undefined,
        );
      }
    },

    "callback.skip_reason": async (session, values, payload) => {
      const callback = await clickedCallback(session, payload);
      const result = validateForm(skipForm(session, callback, "", placeOf(payload)), values, skipFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      try {
        return await decide(session, payload, async () => {
          const skipped = await skipCallback(session.deps, session.actor, { callbackId: callback.id, reason: result.data.reason });
          const customer = await customerNameOf(session, skipped.callback.customerId);
          const text = session.t("callback.view.skipped", { customer }) + nextCadenceLine(session, skipped.cadence);
          return { kind: "view", view: noticeView(session, text, "success") };
        });
      } catch (err) {
        return fieldErrorReply(session, err, (e) =>
          e.code === "callback.skip_reason_required" || e.code === "callback.text_too_long" ? "reason" : undefined,
        );
      }
    },
  },

  cards: {
    [CALLBACK_ENTITY]: (session, entityId) => callbackCard(session, entityId),

    // A member's due list, in that member's language, with buttons only they may click.
    [CALLBACK_LIST_ENTITY]: async (session, entityId) => {
      const member = await session.deps.db.member.findFirst({ where: { id: entityId, tenantId: session.tenant.id } });
      if (!member) return null;
      const locale = resolveLocale(member.locale, session.tenant.locale);
      const theirs: Session = { ...session, locale, t: (key, params) => translate(locale, key, params) };
      const items = await dueCallbacksFor(session.deps.db, session.tenant.id, session.today, [member.id]);
      return dueListView(theirs, member.id, items);
    },
  },
};

