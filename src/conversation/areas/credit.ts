// credit / 信用: a customer's credit at a glance, credit-limit requests on the approval engine
// (the approvers' Approve / Reject buttons, cancelling), credit reviews, the over-limit and
// overdue alerts, and `away` (外出), which routes approval steps while a member is absent.
//
// As in hospitality, the card registered for a request never carries buttons; buttons go only
// on views made for one member, naming that member in the payload.
import { z } from "zod";
import { setAway } from "../../core/approvals/absence.js";
import { CREDIT_REQUEST_ENTITY } from "../../core/approvals/kinds.js";
import { findCustomer } from "../../core/customers/lookup.js";
import { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { creditStatusOf, getCreditStatus, recordCreditReview, type CreditStatusView } from "../../core/credit/credit.js";
import { cancelCreditRequest, creditRequestView, decideCreditRequest, getCreditRequest, requestCreditLimit, type CreditRequestView } from "../../core/credit/requests.js";
import { NotFoundError } from "../../core/shared/errors.js";
import { localDateOf } from "../../core/shared/time.js";
import type { CommandHandler, ConversationArea, IntentRenderer } from "../area.js";
import { mentionOf } from "../mention.js";
import { button, localDay, money, moreTemplate, noticeView, tierLabel } from "../builders/common.js";
import type { ActionReply, Reply } from "../port.js";
import type { Session } from "../session.js";

import type { Button, Tone, View, ViewBlock } from "../views/view.js";
import { approvalActions } from "../builders/approval-actions.js";
import { creditLine, limitText } from "../builders/credit.js";
import { ambiguousView } from "./customers.js";
import { approvalCardView, approvalDecisionButtons, approvalIntentRenderer, approverDmView, decidedSteps, pendingStep, roleLabel } from "../builders/approvals.js";

export { CREDIT_REQUEST_ENTITY, creditLine };

const STATUS_TONE: Record<CreditRequestView["status"], Tone> = {
  PENDING: "warning",
  APPROVED: "success",
  REJECTED: "danger",
  CANCELLED: "neutral",
};

const statusLabel = (session: Session, status: string) => session.t(`credit.status.${status}`);

// ---- the credit card ---------------------------------------------------------------------------

export function creditCardView(session: Session, s: CreditStatusView, lead?: string): View {
  const review = s.lastReview;
  const fields = [
    { label: session.t("credit.view.field.customer"), value: session.t("credit.view.customer_value", { name: s.customer.name, tier: tierLabel(session, s.customer.tier) }) },
    { label: session.t("credit.view.field.rating"), value: s.rating ?? "—" },
    { label: session.t("credit.view.field.limit"), value: limitText(session, s.limitFen) },
    { label: session.t("credit.view.field.outstanding"), value: `${money(s.outstandingFen)}${s.overLimit ? " ⚠" : ""}` },
    { label: session.t("credit.view.field.overdue"), value: s.overdueFen > 0n ? `${money(s.overdueFen)} ⚠` : money(0n) },
    { label: session.t("credit.view.field.available"), value: s.availableFen === null ? "—" : money(s.availableFen) },
    { label: session.t("credit.view.field.last_review"), value: review ? session.t("credit.view.review_value", { date: localDay(session, review.reviewedOn), rating: review.rating, by: review.reviewer.name }) : session.t("credit.view.never_reviewed") },
    { label: session.t("credit.view.field.next_review"), value: s.nextReviewOn ? `${localDay(session, s.nextReviewOn)}${s.reviewOverdue ? " ⚠" : ""}` : session.t("credit.view.review_due_now") },
  ];
  const flags: string[] = [];
  if (s.overLimit && s.limitFen !== null) flags.push(`⚠ ${session.t("credit.view.over_limit", { outstanding: money(s.outstandingFen), limit: money(s.limitFen) })}`);
  if (s.overdueFen > 0n) flags.push(`⚠ ${session.t("credit.view.overdue", { overdue: money(s.overdueFen), count: s.overdueInvoices })}`);
  if (s.pendingRequest) flags.push(session.t("credit.view.pending_request", { number: s.pendingRequest.number, limit: money(s.pendingRequest.requestedLimitFen) }));
  const title = session.t("credit.view.title", { customer: s.customer.name });
  const blocks: ViewBlock[] = [
    ...(lead ? [{ kind: "text" as const, text: lead }] : []),
    { kind: "fields", fields },
    ...(review ? [{ kind: "text" as const, text: session.t("credit.view.review_summary", { summary: review.summary }) }] : []),
    ...(flags.length ? [{ kind: "text" as const, text: flags.join("\n") }] : []),
  ];
  const tone: Tone = s.overLimit || s.overdueFen > 0n ? "danger" : "info";
  return { header: { title, tone }, blocks, summary: `${title} — ${creditLine(session, s)}`, moreTemplate: moreTemplate(session) };
}

// ---- the request card ----------------------------------------------------------------------------

export function creditRequestCardView(session: Session, view: CreditRequestView, options: { lead?: string; buttons?: Button[] } = {}): View {
  const fields = [
    { label: session.t("credit.view.field.customer"), value: session.t("credit.view.customer_value", { name: view.customer.name, tier: tierLabel(session, view.customer.tier) }) },
    { label: session.t("credit.view.field.requester"), value: view.requester.name },
    { label: session.t("credit.view.field.current_limit"), value: limitText(session, view.currentLimitFen) },
    { label: session.t("credit.view.field.requested_limit"), value: money(view.requestedLimitFen) },
    ...(view.status === "APPROVED" ? [{ label: session.t("credit.view.field.limit_now"), value: limitText(session, view.customer.creditLimitFen) }] : []),
  ];
  return approvalCardView(
    session,
    {
      title: session.t("credit.view.request_title", { number: view.number }),
      subtitle: `${view.customer.name} · ${money(view.requestedLimitFen)}`,
      status: { label: statusLabel(session, view.status), tone: STATUS_TONE[view.status] },
      fields,
      details: [session.t("credit.view.reason", { reason: view.reason })],
      request: view,
      approvedLine: (by, at) => session.t("credit.view.approved_by", { by, at, limit: money(view.requestedLimitFen) }),
      cancelledLine: session.t("hospitality.view.cancelled", { by: view.requester.name }),
      summary: session.t("credit.view.request_summary", {
        number: view.number,
        customer: view.customer.name,
        limit: money(view.requestedLimitFen),
        status: statusLabel(session, view.status),
      }),
    },
    options,
  );
}

export function decisionButtons(session: Session, request: { id: string; version: number }, step: { id: string; approverId: string }): Button[] {
  return approvalDecisionButtons(session, "credit", request, step);
}

function requesterButtons(session: Session, view: CreditRequestView): Button[] {
  if (view.status !== "PENDING") return [];
  return [button(session, "hospitality.view.button.cancel", "credit.cancel", { entityId: view.id, version: view.version, memberId: view.requester.id })];
}

function cardUpdate(session: Session, view: CreditRequestView): NonNullable<ActionReply["updatedCard"]> {
  return { entityType: CREDIT_REQUEST_ENTITY, entityId: view.id, view: creditRequestCardView(session, view) };
}

async function systemView(session: Session, requestId: string): Promise<CreditRequestView | null> {
  try {
    return await creditRequestView(session.deps.db, session.tenant.id, requestId);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

// ---- decisions -----------------------------------------------------------------------------------

const { approve, reject, submitReject, cancel } = approvalActions<CreditRequestView>({
  kind: "credit",
  decide: (session, input) => decideCreditRequest(session.deps, session.actor, input),
  cancel: (session, requestId) => cancelCreditRequest(session.deps, session.actor, { requestId }),
  load: (session, requestId) => getCreditRequest(session.deps, session.actor, requestId),
  current: systemView,
  cardUpdate,
  reasonRequiredCode: "credit.reason_required",
  rejectTexts: (session, view) => ({
    title: session.t("credit.view.form.reject_title", { number: view.number }),
    intro: session.t("credit.view.form.reject_intro", { requester: view.requester.name, limit: money(view.requestedLimitFen), customer: view.customer.name }),
  }),
  decidedText: (session, view, decision) => {
    const next = pendingStep(view);
    return decision === "REJECT"
      ? session.t("credit.view.you_rejected", { number: view.number, requester: view.requester.name })
      : next
        ? session.t("credit.view.you_approved_next", { number: view.number, approver: next.approver.name, role: roleLabel(session, next.role) })
        : session.t("credit.view.you_approved_final", { number: view.number, customer: view.customer.name, limit: money(view.requestedLimitFen) });
  },
  cancelledText: (session, view) => session.t("credit.view.you_cancelled", { number: view.number }),
});

// ---- commands ------------------------------------------------------------------------------------

function usage(session: Session, key: string): Reply {
  return { kind: "view", view: noticeView(session, session.t(key), "warning") };
}

async function withCustomer(session: Session, name: string, then: (customerId: string) => Promise<Reply>): Promise<Reply> {
  try {
    const customer = await findCustomer(session.deps, session.actor, name);
    return await then(customer.id);
  } catch (err) {
    if (err instanceof AmbiguousCustomerError) return { kind: "view", view: ambiguousView(session, err) };
    throw err;
  }
}

const showCommand: CommandHandler<"credit.show"> = async (session, command) => {
  if (!command.customer) return usage(session, "credit.view.show_usage");
  return withCustomer(session, command.customer, async (id) => ({ kind: "view", view: creditCardView(session, await getCreditStatus(session.deps, session.actor, id)) }));
};

const requestCommand: CommandHandler<"credit.request"> = async (session, command) => {
  if (!command.customer || command.amountFen === undefined || !command.reason) return usage(session, "credit.view.request_usage");
  const { amountFen, reason } = command;
  return withCustomer(session, command.customer, async (customerId) => {
    const view = await requestCreditLimit(session.deps, session.actor, { customerId, newLimitFen: amountFen, reason });
    const first = pendingStep(view);
    const lead = first ? session.t("credit.view.submitted", { number: view.number, approver: first.approver.name, role: roleLabel(session, first.role) }) : undefined;
    return { kind: "view", view: creditRequestCardView(session, view, { ...(lead ? { lead } : {}), buttons: requesterButtons(session, view) }) };
  });
};

const reviewCommand: CommandHandler<"credit.review"> = async (session, command) => {
  if (!command.customer || !command.rating || !command.summary) return usage(session, "credit.view.review_usage");
  const { rating, summary } = command;
  return withCustomer(session, command.customer, async (customerId) => {
    const status = await recordCreditReview(session.deps, session.actor, { customerId, rating, summary });
    const lead = session.t("credit.view.reviewed", { rating, next: status.nextReviewOn ? localDay(session, status.nextReviewOn) : "—" });
    return { kind: "view", view: creditCardView(session, status, lead) };
  });
};

const awayCommand: CommandHandler<"member.away"> = async (session, command) => {
  if (!command.from || !command.to) return usage(session, "approval.view.away_usage");
  const delegate = command.delegate ? await session.memberFor(command.delegate.platformUserId, command.delegate.name) : null;
  const result = await setAway(session.deps, session.actor, { from: command.from, to: command.to, delegateId: delegate?.id ?? null });
  const text = result.delegate
    ? session.t("approval.view.away_delegate", { from: localDay(session, result.from), to: localDay(session, result.to), delegate: result.delegate.name, moved: result.rerouted.rerouted })
    : session.t("approval.view.away_next_level", { from: localDay(session, result.from), to: localDay(session, result.to), moved: result.rerouted.rerouted });
  return { kind: "view", view: noticeView(session, text, "success") };
};

// ---- outbox intents --------------------------------------------------------------------------------

const requestIntent = (render: Parameters<typeof approvalIntentRenderer<CreditRequestView>>[1]) => approvalIntentRenderer(systemView, render);

function approverDm(leadKey: string) {
  return requestIntent((session, intent, view) =>
    approverDmView(session, "credit", leadKey, view, intent, (options) => creditRequestCardView(session, view, options)),
  );
}

const customerIntent = z.object({ customerId: z.string().min(1), invoices: z.string().optional() });

function alertIntent(leadKey: string): IntentRenderer {
  return async (session, raw) => {
    const parsed = customerIntent.safeParse(raw);
    if (!parsed.success) return null;
    let status: CreditStatusView;
    try {
      status = await creditStatusOf(session.deps.db, session.tenant.id, parsed.data.customerId, localDateOf(session.now, session.tenant.timeZone));
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
    const lead = session.t(leadKey, {
      customer: status.customer.name,
      outstanding: money(status.outstandingFen),
      limit: limitText(session, status.limitFen),
      overdue: money(status.overdueFen),
      invoices: parsed.data.invoices ?? "",
    });
    return creditCardView(session, status, lead);
  };
}

const intents: Record<string, IntentRenderer> = {
  "credit.approval_requested": approverDm("credit.view.approval_requested"),
  "credit.approval_reminder": approverDm("credit.view.approval_reminder"),
  "credit.approved": requestIntent(async (session, _intent, view) => {
    const last = decidedSteps(view).at(-1)?.decidedBy;
    const by = last ? await mentionOf(session, last) : "—";
    return creditRequestCardView(session, view, {
      lead: session.t("credit.view.approved_notice", { number: view.number, customer: view.customer.name, limit: money(view.requestedLimitFen), by }),
    });
  }),
  "credit.rejected": requestIntent(async (session, _intent, view) => {
    const last = decidedSteps(view).at(-1);
    const by = last?.decidedBy ? await mentionOf(session, last.decidedBy) : "—";
    return creditRequestCardView(session, view, { lead: session.t("credit.view.rejected_notice", { number: view.number, by, reason: last?.reason ?? "—" }) });
  }),
  "credit.cancelled": requestIntent(async (session, _intent, view) =>
    creditRequestCardView(session, view, { lead: session.t("credit.view.cancelled_notice", { requester: await mentionOf(session, view.requester), number: view.number }) }),
  ),
  "credit.over_limit": alertIntent("credit.view.over_limit_notice"),
  "credit.overdue": alertIntent("credit.view.overdue_notice"),
};

export const creditArea: ConversationArea = {
  commands: {
    "credit.show": showCommand,
    "credit.request": requestCommand,
    "credit.review": reviewCommand,
    "member.away": awayCommand,
  },
  actions: { "credit.approve": approve, "credit.reject": reject, "credit.cancel": cancel },
  forms: { "credit.reject": submitReject },
  intents,
  cards: {
    [CREDIT_REQUEST_ENTITY]: async (session, entityId) => {
      const view = await systemView(session, entityId);
      return view ? creditRequestCardView(session, view) : null;
    },
  },
};
