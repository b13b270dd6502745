// hospitality / 招待 and approvals / 审批: requesting hospitality (a form asks for what the
// command left out), the approvers' Approve / Reject buttons, cancelling, settling, and the DMs
// the core's outbox intents turn into. The request's card is ./card.ts.
//
// The card registered for the entity never carries buttons: it is what every posted copy shows
// after a change. Buttons are added only to views made for one member (an approver's DM, the
// requester's own reply), always naming that member in the payload; the core re-checks every
// click anyway.
import { z } from "zod";
import { AmbiguousCustomerError } from "../../../core/customers/errors.js";
import { decideApproval } from "../../../core/hospitality/approvals.js";
import { cancelHospitality, getHospitality, HOSPITALITY_ENTITY, requestHospitality, settleHospitality } from "../../../core/hospitality/hospitality.js";
import { hospitalityKinds } from "../../../core/hospitality/schemas.js";
import { loadRequest, toHospitalityView, type HospitalityView } from "../../../core/hospitality/view.js";
import { ConflictError, isDomainError, NotFoundError } from "../../../core/shared/errors.js";
import { yuanToFen } from "../../../core/shared/money.js";
import {
  approvalIntentRenderer,
  approverDmView,
  decidedSteps,
  malformedClick,
  pendingStep,
  renderedErrorText,
  roleLabel,
} from "../../builders/approvals.js";
import { approvalActions } from "../../builders/approval-actions.js";
import { moneyInput } from "../../builders/money.js";
import type { ActionHandler, ConversationArea, FormHandler, IntentRenderer } from "../../area.js";
import { mentionOf } from "../../mention.js";
import { button, dateDefault, money } from "../../builders/common.js";
import { domainErrorReply, formErrorsReply, oneFieldError } from "../../builders/forms.js";
import { customerOfFieldValue } from "../../customer-field.js";
import type { CommandOf } from "../../grammar/index.js";
import type { ActionReply, Reply } from "../../port.js";
import type { Session } from "../../session.js";
import { defineForm, validateForm, type Form } from "../../views/form.js";
import type { View } from "../../views/view.js";
import { ambiguousView } from "../customers.js";
import { hospitalityCardView, kindLabel, requesterButtons } from "./card.js";

export { HOSPITALITY_ENTITY };
export { decisionButtons, hospitalityCardView, kindLabel, overspendPercentText, requesterButtons } from "./card.js";

function cardUpdate(session: Session, view: HospitalityView): NonNullable<ActionReply["updatedCard"]> {
  return { entityType: HOSPITALITY_ENTITY, entityId: view.id, view: hospitalityCardView(session, view) };
}

/**
 * The request as the system sees it, for cards refreshed on every copy and for deliveries whose
 * recipient the core already chose; null when it is gone.
 */
async function systemView(session: Session, requestId: string): Promise<HospitalityView | null> {
  try {
    return await toHospitalityView(session.deps.db, session.tenant.settings, await loadRequest(session.deps.db, session.tenant.id, requestId));
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

// ---- decisions and conflicts -------------------------------------------------------------------

/** A late click: the reason, and the current card for the clicked copy. */
const { approve, reject, submitReject, cancel, conflictReply } = approvalActions<HospitalityView>({
  kind: "hospitality",
  decide: (session, input) => decideApproval(session.deps, session.actor, input),
  cancel: (session, requestId) => cancelHospitality(session.deps, session.actor, { requestId }),
  load: (session, requestId) => getHospitality(session.deps, session.actor, requestId),
  current: systemView,
  cardUpdate,
  reasonRequiredCode: "hospitality.reason_required",
  rejectTexts: (session, view) => ({
    title: session.t("hospitality.view.form.reject_title", { number: view.number }),
    intro: session.t("hospitality.view.form.reject_intro", { requester: view.requester.name, amount: money(view.estimatedFen), customer: view.customer.name }),
  }),
  decidedText: (session, view, decision) => {
    const next = pendingStep(view);
    return decision === "REJECT"
      ? session.t("hospitality.view.you_rejected", { number: view.number, requester: view.requester.name })
      : next
        ? session.t("hospitality.view.you_approved_next", { number: view.number, approver: next.approver.name, role: roleLabel(session, next.role) })
        : session.t("hospitality.view.you_approved_final", { number: view.number, requester: view.requester.name });
  },
  cancelledText: (session, view) => session.t("hospitality.view.you_cancelled", { number: view.number }),
});

const settleFormSchema = z.object({ actual: z.string() });

function settleFields(session: Session, defaultFen?: bigint): Form["fields"] {
  return [
    {
      name: "actual",
      label: session.t("hospitality.view.form.settle_actual"),
      kind: "amount",
      required: true,
      ...(defaultFen !== undefined ? { default: moneyInput(defaultFen) } : {}),
    },
  ];
}

const settle: ActionHandler = async (session, payload) => {
  const requestId = payload.entityId;
  if (!requestId) return malformedClick(session);
  const view = await getHospitality(session.deps, session.actor, requestId);
  // The core refuses these on submit too; saying so now spares filling in a form for nothing.
  if (view.status !== "APPROVED") return conflictReply(session, new ConflictError("hospitality.not_approved", { status: view.status }), requestId);
  const form = defineForm({
    formId: "hospitality.settle",
    title: session.t("hospitality.view.form.settle_title", { number: view.number }),
    submitLabel: session.t("hospitality.view.form.settle_submit"),
    intro: session.t("hospitality.view.form.settle_intro", {
      approved: money(view.estimatedFen),
      tolerance: session.tenant.settings.hospitality.overspendTolerancePercent,
    }),
    fields: settleFields(session, view.estimatedFen),
    actionId: "hospitality.settle",
    payload: button(session, "hospitality.view.form.settle_submit", "hospitality.settle", {
      entityId: view.id,
      memberId: session.member.id,
    }).payload,
  });
  return { reply: { kind: "form", form } };
};

const submitSettle: FormHandler = async (session, values, payload) => {
  const requestId = payload.entityId;
  if (!requestId) return malformedClick(session);
  const result = validateForm({ fields: settleFields(session) }, values, settleFormSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  try {
    const view = await settleHospitality(session.deps, session.actor, { requestId, actualFen: yuanToFen(result.data.actual) });
    const text = session.t("hospitality.view.you_settled", { number: view.number, actual: money(view.actualFen ?? 0n) });
    return {
      reply: { kind: "view", view: hospitalityCardView(session, view, { lead: text }) },
      updatedCard: cardUpdate(session, view),
    };
  } catch (err) {
    if (err instanceof ConflictError) return conflictReply(session, err, requestId);
    return domainErrorReply(session, err, (f) => (f === "actualFen" ? "actual" : undefined));
  }
};

// ---- requesting --------------------------------------------------------------------------------

interface RequestDefaults {
  customer?: string;
  eventDate?: string;
  kind?: string;
  guests?: number;
  estimatedFen?: bigint;
  purpose?: string;
}

function requestFields(session: Session, d: RequestDefaults): Form["fields"] {
  return [
    { name: "customer", label: session.t("hospitality.view.form.customer"), kind: "customer", required: true, maxLength: 200, ...(d.customer ? { default: d.customer } : {}) },
    { name: "eventDate", label: session.t("hospitality.view.form.date"), kind: "date", required: true, ...dateDefault(session, d.eventDate) },
    {
      name: "kind",
      label: session.t("hospitality.view.form.kind"),
      kind: "select",
      required: true,
      options: hospitalityKinds.map((k) => ({ value: k, label: kindLabel(session, k) })),
      ...(d.kind ? { default: d.kind } : {}),
    },
    {
      name: "guests",
      label: session.t("hospitality.view.form.guests"),
      kind: "number",
      required: true,
      hint: session.t("hospitality.view.form.heads_hint"),
      ...(d.guests !== undefined ? { default: String(d.guests) } : {}),
    },
    { name: "staff", label: session.t("hospitality.view.form.staff"), kind: "number", required: false },
    {
      name: "estimated",
      label: session.t("hospitality.view.form.estimated"),
      kind: "amount",
      required: true,
      ...(d.estimatedFen !== undefined ? { default: moneyInput(d.estimatedFen) } : {}),
    },
    { name: "venue", label: session.t("hospitality.view.form.venue"), kind: "text", required: false, maxLength: 200 },
    { name: "purpose", label: session.t("hospitality.view.form.purpose"), kind: "textarea", required: true, maxLength: 1_000, ...(d.purpose ? { default: d.purpose } : {}) },
  ];
}

export function requestForm(session: Session, defaults: RequestDefaults): Form {
  const h = session.tenant.settings.hospitality;
  return defineForm({
    formId: "hospitality.request",
    title: session.t("hospitality.view.form.request_title"),
    submitLabel: session.t("hospitality.view.form.request_submit"),
    intro: session.t("hospitality.view.form.request_intro", {
      supervisorMax: money(BigInt(h.supervisorOnlyMaxFen)),
      managerMax: money(BigInt(h.managerMaxFen)),
    }),
    fields: requestFields(session, defaults),
    actionId: "hospitality.request",
    payload: button(session, "hospitality.view.form.request_submit", "hospitality.request", { memberId: session.member.id }).payload,
  });
}

const requestFormSchema = z.object({
  customer: z.string().trim().min(1).max(200),
  eventDate: z.string(),
  kind: z.enum(hospitalityKinds),
  guests: z.number().int().min(1).max(10_000),
  staff: z.number().int().min(0).max(10_000).optional(),
  estimated: z.string().refine((v) => /^\d+(\.\d{1,2})?$/.test(v) && yuanToFen(v) > 0n, "form.invalid_amount"),
  venue: z.string().trim().max(200).optional(),
  purpose: z.string().trim().min(1).max(1_000),
});

interface RequestDetails {
  customer: string;
  eventDate: string;
  kind: (typeof hospitalityKinds)[number];
  guests: number;
  staff?: number;
  estimatedFen: bigint;
  venue?: string;
  purpose: string;
}

/** Files the request and answers with its card (and the requester's Cancel button), named as the request's card. */
async function submitRequest(session: Session, details: RequestDetails): Promise<{ view: View; card: { entityType: string; entityId: string } }> {
  const customer = await customerOfFieldValue(session, details.customer);
  const view = await requestHospitality(session.deps, session.actor, {
    customerId: customer.id,
    eventDate: details.eventDate,
    kind: details.kind,
    guests: details.guests,
    ...(details.staff !== undefined ? { staff: details.staff } : {}),
    estimatedFen: details.estimatedFen,
    ...(details.venue ? { venue: details.venue } : {}),
    purpose: details.purpose,
  });
  const first = pendingStep(view);
  const lead = first
    ? session.t("hospitality.view.submitted", { number: view.number, approver: first.approver.name, role: roleLabel(session, first.role) })
    : undefined;
  return {
    view: hospitalityCardView(session, view, { ...(lead ? { lead } : {}), buttons: requesterButtons(session, view) }),
    card: { entityType: HOSPITALITY_ENTITY, entityId: view.id },
  };
}

const requestCommand = async (session: Session, command: CommandOf<"hospitality.request">): Promise<Reply> => {
  const { customer, amountFen, date, purpose, hospitalityKind, guests, staff } = command;
  // guests and kind are not part of the short command form, yet a real request needs them (the
  // per-head check): anything missing opens the form with what was typed filled in.
  if (!customer || amountFen === undefined || !date || !purpose || !hospitalityKind || guests === undefined) {
    return {
      kind: "form",
      form: requestForm(session, {
        ...(customer ? { customer } : {}),
        ...(date ? { eventDate: date } : {}),
        ...(hospitalityKind ? { kind: hospitalityKind } : {}),
        ...(guests !== undefined ? { guests } : {}),
        ...(amountFen !== undefined ? { estimatedFen: amountFen } : {}),
        ...(purpose ? { purpose } : {}),
      }),
    };
  }
  try {
    const submitted = await submitRequest(session, {
      customer,
      eventDate: date,
      kind: hospitalityKind,
      guests,
      ...(staff !== undefined ? { staff } : {}),
      estimatedFen: amountFen,
      purpose,
    });
    return { kind: "view", view: submitted.view, card: submitted.card };
  } catch (err) {
    if (err instanceof AmbiguousCustomerError) return { kind: "view", view: ambiguousView(session, err) };
    throw err;
  }
};

// Use-case field names → form field names, for errors that name a field.
const REQUEST_FIELD: Record<string, string> = {
  customerId: "customer",
  eventDate: "eventDate",
  kind: "kind",
  guests: "guests",
  staff: "staff",
  estimatedFen: "estimated",
  venue: "venue",
  purpose: "purpose",
};

const submitRequestForm: FormHandler = async (session, values) => {
  const result = validateForm({ fields: requestFields(session, {}) }, values, requestFormSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  const d = result.data;
  try {
    const submitted = await submitRequest(session, {
      customer: d.customer,
      eventDate: d.eventDate,
      kind: d.kind,
      guests: d.guests,
      ...(d.staff !== undefined ? { staff: d.staff } : {}),
      estimatedFen: yuanToFen(d.estimated),
      ...(d.venue ? { venue: d.venue } : {}),
      purpose: d.purpose,
    });
    return { reply: { kind: "view", view: submitted.view, card: submitted.card } };
  } catch (err) {
    // Errors about what was typed belong next to the field, so the form stays open to fix them.
    if (isDomainError(err)) {
      const field =
        err.code === "hospitality.date_in_past"
          ? "eventDate"
          : err.code.startsWith("customer.") || err.code === "hospitality.customer_not_found" || err.code === "auth.not_yours"
            ? "customer"
            : undefined;
      if (field) return oneFieldError(session, field, err, renderedErrorText(session, err));
    }
    return domainErrorReply(session, err, (f) => REQUEST_FIELD[f]);
  }
};

// ---- outbox intents ----------------------------------------------------------------------------

const intentRenderer = (render: Parameters<typeof approvalIntentRenderer<HospitalityView>>[1]) => approvalIntentRenderer(systemView, render);

/** An approver's DM: the card with Approve / Reject while their step is still open, else dropped. */
function approverDm(leadKey: string) {
  return intentRenderer((session, intent, view) =>
    approverDmView(session, "hospitality", leadKey, view, intent, (options) => hospitalityCardView(session, view, options)),
  );
}

const intents: Record<string, IntentRenderer> = {
  "hospitality.approval_requested": approverDm("hospitality.view.approval_requested"),
  "hospitality.approval_reminder": approverDm("hospitality.view.approval_reminder"),
  "hospitality.approved": intentRenderer(async (session, intent, view) => {
    const last = decidedSteps(view).at(-1)?.decidedBy;
    return hospitalityCardView(session, view, {
      lead: session.t("hospitality.view.approved_notice", { number: view.number, by: last ? await mentionOf(session, last) : "—" }),
      buttons: intent.audience === "channel" ? [] : requesterButtons(session, view),
    });
  }),
  "hospitality.rejected": intentRenderer(async (session, _intent, view) => {
    const last = decidedSteps(view).at(-1);
    return hospitalityCardView(session, view, {
      lead: session.t("hospitality.view.rejected_notice", {
        number: view.number,
        by: last?.decidedBy ? await mentionOf(session, last.decidedBy) : "—",
        reason: last?.reason ?? "—",
      }),
    });
  }),
  "hospitality.cancelled": intentRenderer(async (session, _intent, view) =>
    hospitalityCardView(session, view, {
      lead: session.t("hospitality.view.cancelled_notice", { requester: await mentionOf(session, view.requester), number: view.number }),
    }),
  ),
  "hospitality.overspent": intentRenderer(async (session, _intent, view) =>
    hospitalityCardView(session, view, {
      lead: session.t("hospitality.view.overspent_notice", {
        requester: await mentionOf(session, view.requester),
        number: view.number,
        actual: money(view.actualFen ?? 0n),
        approved: money(view.estimatedFen),
      }),
    }),
  ),
};

// ---- the area ----------------------------------------------------------------------------------

export const hospitalityArea: ConversationArea = {
  commands: {
    "hospitality.request": requestCommand,
  },
  actions: {
    "hospitality.approve": approve,
    "hospitality.reject": reject,
    "hospitality.cancel": cancel,
    "hospitality.settle": settle,
  },
  forms: {
    "hospitality.request": submitRequestForm,
    "hospitality.reject": submitReject,
    "hospitality.settle": submitSettle,
  },
  intents,
  cards: {
    [HOSPITALITY_ENTITY]: async (session, entityId) => {
      const view = await systemView(session, entityId);
      return view ? hospitalityCardView(session, view) : null;
    },
  },
};
