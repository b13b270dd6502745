// complaint / 投诉 and complaints / 投诉列表 (客户投诉处理, DESIGN §2): registering (a form asks for
// what the command left out), the open complaints I own or supervise, the Complaint card with the
// buttons of its current state, and the notifications src/core/complaints enqueues.
//
// Button contract (the customer card and the digests use some of these ids):
//   "complaint.open_form" entityId = customer id; optional args.severity: the register form, prefilled.
//   "complaint.open"      entityId = complaint id: the card, with the buttons the clicker may use.
//   "complaint.ack" / "complaint.close"        entityId = complaint id: done at once.
//   "complaint.resolve"   entityId = complaint id: opens the resolution form.
//   "complaint.reopen"    entityId = complaint id, args.cycle = reopenCount when rendered: the reason form.
//   "complaint.escalate"  entityId = complaint id, args.level = escalation level when rendered: the reason form.
// args.cycle and args.level make a second click on a stale card answer "already … by X" instead
// of reopening or escalating twice (the core's status checks cover the other buttons).
// args.at = "list" marks a button of the complaints list: the answer then shows the refreshed list.
//
// Every change answers with updatedCard (entity "Complaint") so each posted copy (the assignee's
// DM, the channel post) shows the new state. That one view goes to every copy, so it is written
// in the tenant's language and its buttons name the assignee, the entity's own actor.
import type { ComplaintStatus, Severity } from "@prisma/client";
import { z } from "zod";
import {
  acknowledgeComplaint,
  closeComplaint,
  escalateComplaint,
  isInvolved,
  registerComplaint,
  reopenComplaint,
  resolveComplaint,
  type ComplaintData,
} from "../../core/complaints/complaints.js";
import { getComplaint, listOpenComplaints, type ComplaintDetail, type ComplaintTimelineEntry } from "../../core/complaints/queries.js";
import { isActive, isPast, MAX_ESCALATION_LEVEL, nextStatus, type ComplaintAction } from "../../core/complaints/rules.js";
import {
  DESCRIPTION_MAX,
  escalateComplaintSchema,
  REASON_MAX,
  registerComplaintSchema,
  reopenComplaintSchema,
  RESOLUTION_MAX,
  resolveComplaintSchema,
} from "../../core/complaints/schemas.js";
import { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { loadCustomerRow } from "../../core/customers/lookup.js";
import { canActFor, visibleMemberIds } from "../../core/members/authorization.js";
import { actorOf } from "../../core/members/members.js";
import type { Actor } from "../../core/shared/context.js";
import { ConflictError, ForbiddenError, InvalidInputError, isDomainError, NotFoundError, type DomainError } from "../../core/shared/errors.js";
import type { ActionHandler, ConversationArea, FormHandler, IntentRenderer } from "../area.js";
import { button, enumLabel, errorText, errorView, localDateTime, moreTemplate, noticeView, payloadFor, scheduleDay } from "../builders/common.js";
import { formErrorsReply, oneFieldError, sourceLinkField } from "../builders/forms.js";
import { customerOfFieldValue } from "../customer-field.js";
import { missingFields, type CommandOf } from "../grammar/index.js";
import { resolveLocale, t as translate } from "../i18n/index.js";
import type { ActionReply, Reply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, validateForm, type Form, type FormField } from "../views/form.js";
import type { ButtonPayload } from "../views/payload.js";
import { mentionsOf } from "../mention.js";
import { personRef, plainTextOf, type Button, type ListItem, type Tone, type View, type ViewBlock } from "../views/view.js";

export const COMPLAINT_ENTITY = "Complaint";

const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
const CATEGORIES = ["PRODUCT", "SERVICE", "DELIVERY", "BILLING", "OTHER"] as const;
const TIMELINE_SHOWN = 5;
// A list item carries up to four buttons; 20 items stay inside every platform's block limits.
const LIST_LIMIT = 20;
const INTRO_DESCRIPTION_MAX = 200;

const STATUS_TONE: Record<ComplaintStatus, Tone> = { OPEN: "warning", ACKNOWLEDGED: "info", RESOLVED: "success", CLOSED: "neutral" };
const SEVERITY_TONE: Record<Severity, Tone> = { CRITICAL: "danger", HIGH: "warning", MEDIUM: "info", LOW: "neutral" };

/** Shared copies of a card are read by several people: they speak the tenant's language. */
function inTenantLanguage(session: Session): Session {
  const locale = resolveLocale(null, session.tenant.locale);
  return locale === session.locale ? session : { ...session, locale, t: (key, params) => translate(locale, key, params) };
}

async function memberNames(session: Session, ids: Array<string | null | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === "string" && id.length > 0))];
  if (wanted.length === 0) return new Map();
  const rows = await session.deps.db.member.findMany({
    where: { tenantId: session.tenant.id, id: { in: wanted } },
    select: { id: true, displayName: true },
  });
  return new Map(rows.map((m) => [m.id, m.displayName]));
}

// ---- reading a complaint -----------------------------------------------------------------------

/**
 * A member who sees the whole tenant, for rendering a card everyone shares (a channel post, the
 * copies refreshed after a change) when the session's own member may no longer see it (the
 * complaint was escalated past them). Only ever used to read; the core authorised the change.
 */
async function systemActor(session: Session): Promise<Actor | null> {
  const m = await session.deps.db.member.findFirst({
    where: { tenantId: session.tenant.id, active: true, role: { in: ["ADMIN", "MANAGER"] } },
    orderBy: [{ role: "desc" }, { createdAt: "asc" }],
  });
  return m ? actorOf(m, session.platform) : null;
}

async function detailOrNull(session: Session, actor: Actor, complaintId: string): Promise<ComplaintDetail | null> {
  try {
    return await getComplaint(session.deps, actor, complaintId);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** The complaint as the session's member sees it, else (for shared cards) as the tenant sees it. */
async function sharedDetail(session: Session, complaintId: string): Promise<ComplaintDetail | null> {
  const own = await detailOrNull(session, session.actor, complaintId);
  if (own) return own;
  const system = await systemActor(session);
  return system && system.memberId !== session.actor.memberId ? detailOrNull(session, system, complaintId) : null;
}

/** Who last did `kind` to the complaint, for "already … by X". */
function lastActorOf(session: Session, c: ComplaintDetail, kind: ComplaintTimelineEntry["kind"]): string {
  const event = [...c.timeline].reverse().find((e) => e.kind === kind);
  if (!event) return session.t("complaint.view.someone");
  return event.actor?.displayName || session.t(event.actor ? "complaint.view.someone" : "complaint.view.system");
}

// ---- buttons -----------------------------------------------------------------------------------

/** What one member may do: work on it (acknowledge, resolve, close) and, as anyone involved, reopen or escalate. */
interface Permissions {
  memberId: string;
  work: boolean;
  involved: boolean;
}

async function permissionsOf(session: Session, actor: Actor, c: ComplaintDetail): Promise<Permissions> {
  const work = await canActFor(session.deps.db, actor, c.assigneeId);
  return { memberId: actor.memberId, work, involved: work || (await isInvolved(session.deps.db, actor, c)) };
}

/** The assignee may do everything the card offers, so a shared card names them. */
const assigneePermissions = (c: { assigneeId: string }): Permissions => ({ memberId: c.assigneeId, work: true, involved: true });

type ButtonPlace = "list";

interface ButtonState {
  id: string;
  status: ComplaintStatus;
  escalationLevel: number;
  reopenCount: number;
}

function stateButtons(session: Session, c: ButtonState, who: Permissions, at?: ButtonPlace): Button[] {
  const place: Record<string, string> = at ? { at } : {};
  const base = { entityId: c.id, memberId: who.memberId };
  const plain = at ? { ...base, args: place } : base;
  const buttons: Button[] = [];
  if (who.work && c.status === "OPEN") buttons.push(button(session, "complaint.view.button.ack", "complaint.ack", plain, { style: "primary" }));
  if (who.work && c.status === "ACKNOWLEDGED") {
    buttons.push(button(session, "complaint.view.button.resolve", "complaint.resolve", plain, { style: "primary" }));
  }
  if (who.involved && isActive(c.status) && c.escalationLevel < MAX_ESCALATION_LEVEL) {
    buttons.push(button(session, "complaint.view.button.escalate", "complaint.escalate", { ...base, args: { ...place, level: c.escalationLevel } }, { style: "danger" }));
  }
  if (who.work && c.status === "RESOLVED") buttons.push(button(session, "complaint.view.button.close", "complaint.close", plain, { style: "primary" }));
  if (who.involved && (c.status === "RESOLVED" || c.status === "CLOSED")) {
    buttons.push(button(session, "complaint.view.button.reopen", "complaint.reopen", { ...base, args: { ...place, cycle: c.reopenCount } }));
  }
  return buttons;
}

// ---- the card ----------------------------------------------------------------------------------

function levelLabel(session: Session, level: number): string {
  return level === 0 ? session.t("complaint.view.level_none") : session.t("complaint.view.level_n", { level });
}

function deadlineLabel(session: Session, kind: string): string {
  return session.t(kind === "resolve" ? "complaint.view.deadline.resolve" : "complaint.view.deadline.ack");
}

function dueText(session: Session, due: Date, doneAt: Date | null, breachedAt: Date | null, running: boolean): string {
  if (doneAt) return session.t(breachedAt ? "complaint.view.done_late" : "complaint.view.done", { at: localDateTime(session, doneAt) });
  const at = localDateTime(session, due);
  if (running) return session.t(isPast(due, session.now) ? "complaint.view.overdue" : "complaint.view.due", { at });
  return breachedAt ? session.t("complaint.view.missed", { at }) : session.t("complaint.view.due", { at });
}

function eventText(session: Session, e: ComplaintTimelineEntry): string {
  const who = e.actor?.displayName || session.t(e.actor ? "complaint.view.someone" : "complaint.view.system");
  const assignee = e.assignee?.displayName || session.t("complaint.view.someone");
  const sla = e.note?.startsWith("sla:") ? e.note.slice("sla:".length) : null;
  const level = e.toLevel ?? 0;
  const head = (() => {
    switch (e.kind) {
      case "REGISTERED":
        return session.t("complaint.view.event.registered", { who });
      case "ACKNOWLEDGED":
        return session.t("complaint.view.event.acknowledged", { who });
      case "RESOLVED":
        return session.t("complaint.view.event.resolved", { who });
      case "CLOSED":
        return session.t("complaint.view.event.closed", { who });
      case "REOPENED":
        return session.t("complaint.view.event.reopened", { who });
      case "ESCALATED":
        return sla
          ? session.t("complaint.view.event.escalated_sla", { level, assignee, deadline: deadlineLabel(session, sla) })
          : session.t("complaint.view.event.escalated_manual", { who, level, assignee });
      case "REASSIGNED":
        return session.t("complaint.view.event.reassigned", { assignee });
      case "NOTE":
        return sla ? session.t("complaint.view.event.breach_top", { deadline: deadlineLabel(session, sla) }) : session.t("complaint.view.event.note", { who });
    }
  })();
  const note = e.note && !sla ? `\n${e.note}` : "";
  return `${localDateTime(session, e.at)} · ${head}${note}`;
}

function summaryOfComplaint(session: Session, c: ComplaintDetail): string {
  return session.t("complaint.view.summary", {
    number: c.number,
    customer: c.customer.name,
    severity: enumLabel(session, c.severity),
    status: enumLabel(session, c.status),
  });
}

/** The Complaint card: current state, deadlines in tenant-local time, latest events, `buttons`. */
export function complaintCardView(session: Session, c: ComplaintDetail, options: { buttons?: Button[]; lead?: string } = {}): View {
  const ackRunning = c.status === "OPEN";
  const resolveRunning = isActive(c.status);
  const overdue = (ackRunning && isPast(c.ackDueAt, session.now)) || (resolveRunning && isPast(c.resolveDueAt, session.now));
  const newestFirst = [...c.timeline].reverse();
  const blocks: ViewBlock[] = [
    ...(options.lead ? [{ kind: "text" as const, text: options.lead }] : []),
    {
      kind: "fields",
      fields: [
        { label: session.t("complaint.view.field.customer"), value: c.customer.name },
        { label: session.t("complaint.view.field.severity"), value: enumLabel(session, c.severity) },
        { label: session.t("complaint.view.field.category"), value: enumLabel(session, c.category) },
        { label: session.t("complaint.view.field.status"), value: enumLabel(session, c.status) },
        { label: session.t("complaint.view.field.level"), value: levelLabel(session, c.escalationLevel) },
        { label: session.t("complaint.view.field.assignee"), value: c.assignee.displayName },
        { label: session.t("complaint.view.field.reporter"), value: c.reporter.displayName },
        { label: session.t("complaint.view.field.ack_due"), value: dueText(session, c.ackDueAt, c.acknowledgedAt, c.ackBreachedAt, ackRunning) },
        {
          label: session.t("complaint.view.field.resolve_due"),
          value: dueText(session, c.resolveDueAt, c.resolvedAt, c.resolveBreachedAt, resolveRunning),
        },
      ],
    },
    { kind: "text", text: `*${session.t("complaint.view.field.description")}*\n${c.description}` },
    ...(c.resolution ? [{ kind: "text" as const, text: `*${session.t("complaint.view.field.resolution")}*\n${c.resolution}` }] : []),
    {
      kind: "list",
      title: session.t("complaint.view.timeline"),
      items: newestFirst.slice(0, TIMELINE_SHOWN).map((e) => ({ text: eventText(session, e) })),
      totalCount: newestFirst.length,
    },
    ...(options.buttons && options.buttons.length > 0 ? [{ kind: "actions" as const, buttons: options.buttons }] : []),
  ];
  return {
    header: {
      title: session.t("complaint.view.title", { number: c.number, customer: c.customer.name }),
      tag: { text: enumLabel(session, c.status), tone: STATUS_TONE[c.status] },
      tone: overdue ? "danger" : SEVERITY_TONE[c.severity],
    },
    blocks,
    summary: options.lead ? plainTextOf(options.lead).split("\n")[0]! : summaryOfComplaint(session, c),
    moreTemplate: moreTemplate(session),
  };
}

/** The card every posted copy shows: tenant language, buttons for the assignee. */
async function sharedCard(session: Session, complaintId: string): Promise<NonNullable<ActionReply["updatedCard"]> | null> {
  const shared = inTenantLanguage(session);
  const c = await sharedDetail(shared, complaintId);
  if (!c) return null;
  return { entityType: COMPLAINT_ENTITY, entityId: c.id, view: complaintCardView(shared, c, { buttons: stateButtons(shared, c, assigneePermissions(c)) }) };
}

/** The card as `session`'s member sees it, with the buttons they may use. */
export async function ownCard(session: Session, c: ComplaintDetail, lead?: string): Promise<View> {
  const buttons = stateButtons(session, c, await permissionsOf(session, session.actor, c));
  return complaintCardView(session, c, { buttons, ...(lead ? { lead } : {}) });
}

// ---- the list ----------------------------------------------------------------------------------

/** Open complaints the member owns or supervises, most urgent first, each with its deadline and buttons. */
export async function openComplaintItems(session: Session, limit: number): Promise<{ items: ListItem[]; total: number; overdue: boolean }> {
  const list = await listOpenComplaints(session.deps, session.actor, { limit });
  // One query for the whole list: whose complaints this member may work on (canActFor, set-based).
  const visible = await visibleMemberIds(session.deps.db, session.actor);
  const me = session.member.id;
  const items: ListItem[] = list.items.map((c) => {
    const work = c.assigneeId === me || visible === null || visible.includes(c.assigneeId);
    const who: Permissions = { memberId: me, work, involved: work || c.reporterId === me };
    const head = session.t("complaint.view.list_item", {
      number: c.number,
      customer: c.customer.name,
      severity: enumLabel(session, c.severity),
      status: enumLabel(session, c.status),
      level: levelLabel(session, c.escalationLevel),
    });
    const deadline = c.nextDeadline;
    const detail = deadline
      ? session.t("complaint.view.list_detail", {
          assignee: c.assignee.displayName,
          deadline: deadlineLabel(session, deadline.kind),
          due: session.t(c.overdue ? "complaint.view.overdue" : "complaint.view.due", { at: localDateTime(session, deadline.at) }),
        })
      : c.assignee.displayName;
    return {
      text: `${head}\n${detail}`,
      buttons: [
        button(session, "complaint.view.button.details", "complaint.open", { entityId: c.id, memberId: me }),
        ...stateButtons(session, c, who, "list"),
      ],
    };
  });
  return { items, total: list.total, overdue: list.items.some((c) => c.overdue) };
}

async function complaintsListView(session: Session, lead?: string): Promise<View> {
  const list = await openComplaintItems(session, LIST_LIMIT);
  const items = list.items;
  const title = session.t("complaint.view.list_title", { count: list.total });
  return {
    header: { title, tone: list.overdue ? "warning" : "info" },
    blocks: [
      ...(lead ? [{ kind: "text" as const, text: lead }] : []),
      { kind: "list", items, totalCount: list.total, emptyText: session.t("complaint.view.list_empty") },
    ],
    summary: lead ? plainTextOf(lead).split("\n")[0]! : title,
    moreTemplate: moreTemplate(session),
  };
}

// ---- registering -------------------------------------------------------------------------------

/** SLA spans as DESIGN §2 writes them: hours up to a few days ("72 h"), whole weeks in days. */
function durationText(session: Session, minutes: number): string {
  const day = 24 * 60;
  if (minutes >= 7 * day && minutes % day === 0) return session.t("complaint.view.duration.days", { n: minutes / day });
  if (minutes % 60 === 0) return session.t("complaint.view.duration.hours", { n: minutes / 60 });
  return session.t("complaint.view.duration.minutes", { n: minutes });
}

export interface RegisterDefaults {
  customer?: string;
  severity?: Severity;
  category?: string;
  description?: string;
  /** Customer names to choose from (a message shortcut's guesses first). */
  choices?: readonly string[];
  /** The chat message the complaint comes from: an editable field, stored with the complaint. */
  sourceLink?: string;
  /** Text above the fields (a message shortcut says whose message it is). */
  intro?: string;
}

function registerFields(session: Session, d: RegisterDefaults, ambiguous?: AmbiguousCustomerError): FormField[] {
  // Exact names always resolve, so offering the candidates' names as choices settles the ambiguity.
  // Only in-scope candidates are ever named; when others match too, the field stays free text so
  // a customer outside the scope (anyone may complain about any customer) can still be typed.
  const candidates =
    ambiguous && !ambiguous.more && ambiguous.outsideScope === 0 && ambiguous.candidates.length > 0
      ? ambiguous.candidates.map((c) => ({ value: c.name, label: c.name }))
      : undefined;
  const sla = session.tenant.settings.sla;
  return [
    {
      name: "customer",
      label: session.t("complaint.view.form.customer"),
      kind: "customer",
      required: true,
      maxLength: 200,
      ...(candidates
        ? { options: candidates }
        : d.choices && d.choices.length > 0
          ? { options: d.choices.map((name) => ({ value: name, label: name })), ...(d.customer && d.choices.includes(d.customer) ? { default: d.customer } : {}) }
          : d.customer
            ? { default: d.customer }
            : {}),
    },
    {
      name: "severity",
      label: session.t("complaint.view.form.severity"),
      kind: "select",
      required: true,
      options: SEVERITIES.map((s) => ({
        value: s,
        label: session.t("complaint.view.form.severity_option", {
          severity: enumLabel(session, s),
          ack: durationText(session, sla[s].ackMinutes),
          resolve: durationText(session, sla[s].resolveMinutes),
        }),
      })),
      ...(d.severity ? { default: d.severity } : {}),
    },
    {
      name: "category",
      label: session.t("complaint.view.form.category"),
      kind: "select",
      required: false,
      options: CATEGORIES.map((c) => ({ value: c, label: enumLabel(session, c) })),
      default: d.category ?? "OTHER",
    },
    {
      name: "description",
      label: session.t("complaint.view.form.description"),
      kind: "textarea",
      required: true,
      maxLength: DESCRIPTION_MAX,
      ...(d.description ? { default: d.description } : {}),
    },
    ...(d.sourceLink !== undefined ? [sourceLinkField(session, d.sourceLink)] : []),
  ];
}

export function registerForm(session: Session, defaults: RegisterDefaults, ambiguous?: AmbiguousCustomerError): Form {
  const intro = defaults.intro ?? (ambiguous
    ? ambiguous.more
      ? session.t(ambiguous.code, ambiguous.params)
      : session.t("customer.ambiguous_title", { query: ambiguous.query })
    : undefined);
  return defineForm({
    formId: "complaint.register",
    title: session.t("complaint.view.form.register_title"),
    submitLabel: session.t("complaint.view.form.register_submit"),
    ...(intro ? { intro } : {}),
    fields: registerFields(session, defaults, ambiguous),
    actionId: "complaint.register",
    payload: payloadFor(session, { memberId: session.member.id }),
  });
}

const registerFormSchema = registerComplaintSchema.omit({ customerId: true, sourceLink: true }).extend({
  customer: z.string().trim().min(1).max(200),
  // Checked by the core (complaint.invalid_source_link), shown under its field.
  sourceLink: z.string().optional(),
});

interface RegisterDetails {
  customer: string;
  severity: Severity;
  category?: string;
  description: string;
  sourceLink?: string;
}

/** Any member may complain about any customer of the tenant (no ownership check on the lookup). */
async function register(session: Session, details: RegisterDetails): Promise<View> {
  const customer = await customerOfFieldValue(session, details.customer, { anyOwner: true });
  const created = await registerComplaint(session.deps, session.actor, {
    customerId: customer.id,
    severity: details.severity,
    ...(details.category ? { category: details.category } : {}),
    description: details.description,
    ...(details.sourceLink ? { sourceLink: details.sourceLink } : {}),
  });
  const c = await getComplaint(session.deps, session.actor, created.id);
  const lead = session.t("complaint.view.registered", {
    number: c.number,
    assignee: c.assignee.displayName,
    due: localDateTime(session, c.ackDueAt),
  });
  return ownCard(session, c, lead);
}

async function registerCommand(session: Session, command: CommandOf<"complaint.register">): Promise<Reply> {
  const defaults: RegisterDefaults = {
    ...(command.customer ? { customer: command.customer } : {}),
    ...(command.severity ? { severity: command.severity } : {}),
    ...(command.category ? { category: command.category } : {}),
    ...(command.description ? { description: command.description } : {}),
  };
  if (missingFields(command).length > 0 || !command.customer || !command.severity || !command.description) {
    return { kind: "form", form: registerForm(session, defaults) };
  }
  try {
    const view = await register(session, {
      customer: command.customer,
      severity: command.severity,
      ...(command.category ? { category: command.category } : {}),
      description: command.description,
    });
    return { kind: "view", view };
  } catch (err) {
    // Several customers match: ask which one in the form, keeping what was typed.
    if (err instanceof AmbiguousCustomerError) return { kind: "form", form: registerForm(session, defaults, err) };
    throw err;
  }
}

/** Errors that belong next to one form field, keyed by the use case's field name or code. */
function fieldOfError(err: DomainError): string | undefined {
  if (err instanceof AmbiguousCustomerError) return "customer";
  if (["customer.not_found", "customer.name_required", "complaint.customer_not_found", "complaint.customer_required"].includes(err.code)) return "customer";
  if (err.code.startsWith("complaint.description_")) return "description";
  if (err.code.startsWith("complaint.resolution_")) return "resolution";
  if (err.code.startsWith("complaint.reason_")) return "reason";
  if (err.code === "complaint.invalid_severity") return "severity";
  if (err.code === "complaint.invalid_category") return "category";
  if (err.code === "complaint.invalid_source_link") return "sourceLink";
  return undefined;
}

/** A domain error from a submitted form: next to its field when the form has it, else as a message. */
function formFailure(session: Session, err: unknown, fields: readonly string[]): ActionReply {
  if (!isDomainError(err)) throw err;
  const field = fieldOfError(err);
  if (field && fields.includes(field)) return oneFieldError(session, field, err, errorText(session, err));
  return { reply: { kind: "view", view: errorView(session, err) } };
}

const submitRegister: FormHandler = async (session, values) => {
  // Validated against the plain fields: a name typed or picked from the candidates both resolve.
  const fields = registerFields(session, values.sourceLink !== undefined ? { sourceLink: "" } : {});
  const result = validateForm({ fields }, values, registerFormSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  try {
    const view = await register(session, {
      customer: result.data.customer,
      severity: result.data.severity,
      category: result.data.category,
      description: result.data.description,
      ...(result.data.sourceLink ? { sourceLink: result.data.sourceLink } : {}),
    });
    return { reply: { kind: "view", view } };
  } catch (err) {
    return formFailure(session, err, fields.map((f) => f.name));
  }
};

const openRegisterForm: ActionHandler = async (session, payload) => {
  let name: string;
  try {
    name = (await loadCustomerRow(session.deps.db, session.tenant.id, payload.entityId ?? "")).name;
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError("complaint.customer_not_found", { customer: payload.entityId ?? "" });
    throw err;
  }
  const severity = SEVERITIES.find((s) => s === payload.args?.severity);
  return { reply: { kind: "form", form: registerForm(session, { customer: name, ...(severity ? { severity } : {}) }) } };
};

// ---- changing a complaint ----------------------------------------------------------------------

const complaintIdOf = (payload: ButtonPayload) => payload.entityId ?? "";
const placeOf = (payload: ButtonPayload): ButtonPlace | undefined => (payload.args?.at === "list" ? "list" : undefined);

/**
 * The answer to a change (or a refused one): the message, plus the refreshed card for every copy.
 * A change made from the complaints list answers with the refreshed list under the message, so
 * the member can go on working down it.
 */
async function answer(session: Session, complaintId: string, message: View, done?: { place: ButtonPlace | undefined; text: string }): Promise<ActionReply> {
  const card = await sharedCard(session, complaintId);
  const reply: Reply = done?.place === "list" ? { kind: "view", view: await complaintsListView(session, done.text) } : { kind: "view", view: message };
  return card ? { reply, updatedCard: card } : { reply };
}

/** A conflict (already done, changed meanwhile) in words that name who got there first. */
function conflictView(session: Session, err: ConflictError, current: ComplaintDetail | null): View {
  // Reopening what is open again can only mean someone else reopened it a moment ago.
  if (err.code === "complaint.invalid_transition" && err.params.to === "OPEN" && current && isActive(current.status)) {
    return noticeView(session, session.t("complaint.view.already_reopened", { by: lastActorOf(session, current, "REOPENED") }), "warning");
  }
  return errorView(session, err);
}

async function refused(session: Session, complaintId: string, err: ConflictError): Promise<ActionReply> {
  const current = await detailOrNull(session, session.actor, complaintId);
  return answer(session, complaintId, conflictView(session, err, current));
}

/**
 * Runs one core use case for a click or a submitted form: success → the notice and the refreshed
 * card; a conflict → "already … by X" and the refreshed card (so a stale card loses its buttons);
 * bad input in a form → shown next to `formField`.
 */
async function change<R extends ComplaintData>(
  session: Session,
  payload: ButtonPayload,
  run: () => Promise<R>,
  notice: (result: R, names: Map<string, string>) => string,
  formField?: string,
): Promise<ActionReply> {
  const complaintId = complaintIdOf(payload);
  let result: R;
  try {
    result = await run();
  } catch (err) {
    if (err instanceof ConflictError) return refused(session, complaintId, err);
    if (formField && err instanceof InvalidInputError) return formFailure(session, err, [formField]);
    throw err;
  }
  const text = notice(result, await memberNames(session, [result.assigneeId]));
  return answer(session, complaintId, noticeView(session, text, "success"), { place: placeOf(payload), text });
}

const nameIn = (session: Session, names: Map<string, string>, id: string) => names.get(id) || session.t("complaint.view.someone");

const acknowledge: ActionHandler = (session, payload) =>
  change(
    session,
    payload,
    () => acknowledgeComplaint(session.deps, session.actor, { complaintId: complaintIdOf(payload) }),
    (c) => session.t("complaint.view.acknowledged", { number: c.number, due: localDateTime(session, c.resolveDueAt) }),
  );

const close: ActionHandler = (session, payload) =>
  change(
    session,
    payload,
    () => closeComplaint(session.deps, session.actor, { complaintId: complaintIdOf(payload) }),
    (c) => session.t("complaint.view.closed", { number: c.number }),
  );

/** The complaint behind a button that opens a form, as the clicker may see it. */
async function clicked(session: Session, payload: ButtonPayload): Promise<ComplaintDetail> {
  return getComplaint(session.deps, session.actor, complaintIdOf(payload));
}

/** Refuses early (before anyone types a reason) what the core would refuse on submit. */
function transitionConflict(session: Session, c: ComplaintDetail, action: ComplaintAction): ConflictError | null {
  const last = { resolve: "RESOLVED", close: "CLOSED", acknowledge: "ACKNOWLEDGED", reopen: "REOPENED" } as const;
  try {
    nextStatus(c.status, action, lastActorOf(session, c, last[action]));
    return null;
  } catch (err) {
    if (err instanceof ConflictError) return err;
    throw err;
  }
}

function formIntro(session: Session, c: ComplaintDetail): string {
  const chars = [...c.description];
  const description = chars.length > INTRO_DESCRIPTION_MAX ? `${chars.slice(0, INTRO_DESCRIPTION_MAX).join("")}…` : c.description;
  return session.t("complaint.view.form.intro", { number: c.number, customer: c.customer.name, severity: enumLabel(session, c.severity), description });
}

/** The form's hidden state: the same complaint, the same stale-card markers, the clicker only. */
function formPayload(session: Session, c: ComplaintDetail, payload: ButtonPayload) {
  return payloadFor(session, { entityId: c.id, memberId: session.member.id, ...(payload.args ? { args: payload.args } : {}) });
}

const resolutionField = (session: Session): FormField => ({
  name: "resolution",
  label: session.t("complaint.view.form.resolution"),
  kind: "textarea",
  required: true,
  maxLength: RESOLUTION_MAX,
  hint: session.t("complaint.view.form.resolution_hint"),
});

const reasonField = (session: Session, hint?: string): FormField => ({
  name: "reason",
  label: session.t("complaint.view.field.reason"),
  kind: "textarea",
  required: true,
  maxLength: REASON_MAX,
  ...(hint ? { hint } : {}),
});

const openResolveForm: ActionHandler = async (session, payload) => {
  const c = await clicked(session, payload);
  if (!(await canActFor(session.deps.db, session.actor, c.assigneeId))) throw new ForbiddenError("complaint.forbidden", { number: c.number });
  const conflict = transitionConflict(session, c, "resolve");
  if (conflict) return refused(session, c.id, conflict);
  const form = defineForm({
    formId: "complaint.resolve",
    title: session.t("complaint.view.form.resolve_title", { number: c.number }),
    submitLabel: session.t("complaint.view.form.resolve_submit"),
    intro: formIntro(session, c),
    fields: [resolutionField(session)],
    actionId: "complaint.resolve",
    payload: formPayload(session, c, payload),
  });
  return { reply: { kind: "form", form } };
};

const submitResolve: FormHandler = async (session, values, payload) => {
  const result = validateForm({ fields: [resolutionField(session)] }, values, resolveComplaintSchema.pick({ resolution: true }), session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  return change(
    session,
    payload,
    () => resolveComplaint(session.deps, session.actor, { complaintId: complaintIdOf(payload), resolution: result.data.resolution }),
    (c) => session.t("complaint.view.resolved", { number: c.number, date: scheduleDay(session, c.callbackDueOn) }),
    "resolution",
  );
};

/** A reopen or escalate button from a card that is no longer current: say who moved it on. */
function staleMarker(session: Session, c: ComplaintDetail, payload: ButtonPayload, what: "reopen" | "escalate"): View | null {
  if (what === "reopen") {
    const cycle = payload.args?.cycle;
    if (typeof cycle === "number" && cycle !== c.reopenCount) {
      return noticeView(session, session.t("complaint.view.already_reopened", { by: lastActorOf(session, c, "REOPENED") }), "warning");
    }
    return null;
  }
  const level = payload.args?.level;
  if (typeof level === "number" && level !== c.escalationLevel) {
    const by = lastActorOf(session, c, "ESCALATED");
    return noticeView(session, session.t("complaint.view.already_escalated", { by, level: c.escalationLevel }), "warning");
  }
  return null;
}

const openReopenForm: ActionHandler = async (session, payload) => {
  const c = await clicked(session, payload);
  // A stale card first: whoever moved it on may have taken the clicker out of the loop.
  const stale = staleMarker(session, c, payload, "reopen");
  if (stale) return answer(session, c.id, stale);
  if (!(await isInvolved(session.deps.db, session.actor, c))) throw new ForbiddenError("complaint.forbidden", { number: c.number });
  const conflict = transitionConflict(session, c, "reopen");
  if (conflict) return refused(session, c.id, conflict);
  const form = defineForm({
    formId: "complaint.reopen",
    title: session.t("complaint.view.form.reopen_title", { number: c.number }),
    submitLabel: session.t("complaint.view.form.reopen_submit"),
    intro: formIntro(session, c),
    fields: [reasonField(session)],
    actionId: "complaint.reopen",
    payload: formPayload(session, c, payload),
  });
  return { reply: { kind: "form", form } };
};

const submitReopen: FormHandler = async (session, values, payload) => {
  const result = validateForm({ fields: [reasonField(session)] }, values, reopenComplaintSchema.pick({ reason: true }), session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  const c = await clicked(session, payload);
  const stale = staleMarker(session, c, payload, "reopen");
  if (stale) return answer(session, c.id, stale);
  return change(
    session,
    payload,
    () => reopenComplaint(session.deps, session.actor, { complaintId: c.id, reason: result.data.reason }),
    (r, names) =>
      session.t("complaint.view.reopened", { number: r.number, assignee: nameIn(session, names, r.assigneeId), due: localDateTime(session, r.ackDueAt) }),
    "reason",
  );
};

const openEscalateForm: ActionHandler = async (session, payload) => {
  const c = await clicked(session, payload);
  // A stale card first: an escalation may have taken the clicker out of the loop.
  const stale = staleMarker(session, c, payload, "escalate");
  if (stale) return answer(session, c.id, stale);
  if (!(await isInvolved(session.deps.db, session.actor, c))) throw new ForbiddenError("complaint.forbidden", { number: c.number });
  if (!isActive(c.status)) return refused(session, c.id, new ConflictError("complaint.not_active", { number: c.number, status: c.status }));
  if (c.escalationLevel >= MAX_ESCALATION_LEVEL) {
    return refused(session, c.id, new ConflictError("complaint.max_level", { level: MAX_ESCALATION_LEVEL }));
  }
  const form = defineForm({
    formId: "complaint.escalate",
    title: session.t("complaint.view.form.escalate_title", { number: c.number }),
    submitLabel: session.t("complaint.view.form.escalate_submit"),
    intro: formIntro(session, c),
    fields: [reasonField(session, session.t("complaint.view.form.escalate_hint", { assignee: c.assignee.displayName }))],
    actionId: "complaint.escalate",
    payload: formPayload(session, c, payload),
  });
  return { reply: { kind: "form", form } };
};

const submitEscalate: FormHandler = async (session, values, payload) => {
  const result = validateForm({ fields: [reasonField(session)] }, values, escalateComplaintSchema.pick({ reason: true }), session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  const c = await clicked(session, payload);
  const stale = staleMarker(session, c, payload, "escalate");
  if (stale) return answer(session, c.id, stale);
  return change(
    session,
    payload,
    () => escalateComplaint(session.deps, session.actor, { complaintId: c.id, reason: result.data.reason }),
    (r, names) => session.t("complaint.view.escalated", { number: r.number, level: r.escalationLevel, assignee: nameIn(session, names, r.assigneeId) }),
    "reason",
  );
};

const openCard: ActionHandler = async (session, payload) => {
  const c = await clicked(session, payload);
  return { reply: { kind: "view", view: await ownCard(session, c) } };
};

// ---- notifications -----------------------------------------------------------------------------

const intentSchema = z.object({
  kind: z.string(),
  audience: z.string().optional(),
  complaintId: z.string().min(1),
  assigneeId: z.string().nullish(),
  previousAssigneeId: z.string().nullish(),
  reporterId: z.string().nullish(),
  byId: z.string().nullish(),
  toLevel: z.number().int().nullish(),
  trigger: z.string().nullish(),
});

type Intent = z.infer<typeof intentSchema>;

function headline(session: Session, intent: Intent, c: ComplaintDetail, names: Map<string, string>, assigneeMention?: string): string | null {
  const channel = intent.audience === "channel";
  const name = (id: string | null | undefined) => (id ? nameIn(session, names, id) : session.t("complaint.view.system"));
  const common = {
    number: c.number,
    customer: c.customer.name,
    severity: enumLabel(session, c.severity),
    assignee: assigneeMention ?? name(intent.assigneeId ?? c.assigneeId),
    by: name(intent.byId),
    level: intent.toLevel ?? c.escalationLevel,
    deadline: deadlineLabel(session, intent.trigger ?? "ack"),
  };
  switch (intent.kind) {
    case "complaint.registered": {
      const key = channel ? "registered_channel" : intent.audience === "supervisor" ? "registered_supervisor" : "registered_assignee";
      return session.t(`complaint.view.notify.${key}`, { ...common, reporter: name(intent.reporterId ?? c.reporterId) });
    }
    case "complaint.escalated": {
      const how = intent.trigger === "manual" ? "manual" : "sla";
      const key = channel ? `escalated_channel_${how}` : `escalated_assignee_${how}`;
      return session.t(`complaint.view.notify.${key}`, { ...common, previous: name(intent.previousAssigneeId) });
    }
    case "complaint.sla_breached":
      return session.t(`complaint.view.notify.${channel ? "breached_channel" : "breached_assignee"}`, common);
    case "complaint.sla_warning":
      return session.t("complaint.view.notify.warning_assignee", {
        ...common,
        due: localDateTime(session, intent.trigger === "resolve" ? c.resolveDueAt : c.ackDueAt),
      });
    case "complaint.reopened":
      return session.t(`complaint.view.notify.${channel ? "reopened_channel" : "reopened_assignee"}`, common);
    case "complaint.resolved":
      return session.t("complaint.view.notify.resolved_reporter", common);
    default:
      return null;
  }
}

/**
 * A complaint notification: a direct message shows the card with the buttons its recipient may
 * use; a channel post (already in the tenant's language) shows it without buttons. A complaint
 * the recipient can no longer see, or a malformed intent, is dropped.
 */
const renderIntent: IntentRenderer = async (session, raw) => {
  const parsed = intentSchema.safeParse(raw);
  if (!parsed.success) return null;
  const intent = parsed.data;
  const channel = intent.audience === "channel";
  const c = channel ? await sharedDetail(session, intent.complaintId) : await detailOrNull(session, session.actor, intent.complaintId);
  if (!c) return null;
  const plainNames = await memberNames(session, [intent.assigneeId, intent.previousAssigneeId, intent.reporterId, intent.byId]);
  // A direct message names everyone as a mention (current name, a link to the person); in the
  // channel only the person who now has to act is, so the platform notifies them and no one else.
  const names = channel ? plainNames : await mentionsOf(session, plainNames);
  const assigneeId = intent.assigneeId ?? c.assigneeId;
  const assigneePlatformId = channel && assigneeId ? await session.platformUserIdOf(assigneeId) : null;
  const lead = headline(session, intent, c, names, assigneePlatformId ? personRef(assigneePlatformId, nameIn(session, names, assigneeId!)) : undefined);
  if (lead === null) return null;
  if (channel) return complaintCardView(session, c, { lead });
  return ownCard(session, c, lead);
};

export const complaintsArea: ConversationArea = {
  commands: {
    "complaint.register": registerCommand,
    "complaints.list": async (session) => ({ kind: "view", view: await complaintsListView(session) }),
  },
  actions: {
    "complaint.open_form": openRegisterForm,
    "complaint.open": openCard,
    "complaint.ack": acknowledge,
    "complaint.resolve": openResolveForm,
    "complaint.close": close,
    "complaint.reopen": openReopenForm,
    "complaint.escalate": openEscalateForm,
  },
  anyCustomerForms: ["complaint.register"],
  forms: {
    "complaint.register": submitRegister,
    "complaint.resolve": submitResolve,
    "complaint.reopen": submitReopen,
    "complaint.escalate": submitEscalate,
  },
  intents: {
    "complaint.registered": renderIntent,
    "complaint.escalated": renderIntent,
    "complaint.sla_breached": renderIntent,
    "complaint.sla_warning": renderIntent,
    "complaint.reopened": renderIntent,
    "complaint.resolved": renderIntent,
  },
  cards: {
    [COMPLAINT_ENTITY]: async (session, entityId) => (await sharedCard(session, entityId))?.view ?? null,
  },
};
