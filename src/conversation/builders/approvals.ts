// The card of a request on the approval engine (core/approvals), whatever it asks for: hospitality
// or a credit limit. One header (number, customer and amount, status tag), the kind's own fields
// and details, the approval chain step by step, and the outcome in small print; plus the pieces
// every kind's area shares (step lines, decision buttons, conflict texts, decision inputs).
import type { ApprovalStepView } from "../../core/approvals/view.js";
import { z } from "zod";
import { ConflictError, type DomainError } from "../../core/shared/errors.js";
import type { IntentRenderer } from "../area.js";
import { mentionOf } from "../mention.js";
import type { ActionReply } from "../port.js";
import type { Session } from "../session.js";
import type { ButtonPayload } from "../views/payload.js";
import type { Button, Field, Tone, View, ViewBlock } from "../views/view.js";
import { button, enumLabel, errorView, localDateTime, moreTemplate, noticeView } from "./common.js";

export const roleLabel = (session: Session, role: string) => session.t(`hospitality.role.${role}`);

/** Steps decided so far, in the order they were decided. */
export function decidedSteps(view: { steps: ApprovalStepView[] }): ApprovalStepView[] {
  return view.steps
    .filter((s) => (s.status === "APPROVED" || s.status === "REJECTED") && s.decidedAt && s.decidedBy)
    .sort((a, b) => a.decidedAt!.getTime() - b.decidedAt!.getTime() || a.position - b.position);
}

export function pendingStep(view: { status: string; steps: ApprovalStepView[] }): ApprovalStepView | undefined {
  return view.status === "PENDING" ? view.steps.find((s) => s.status === "PENDING") : undefined;
}

/** One line per approval step. */
export function stepLine(session: Session, step: ApprovalStepView): string {
  const base = { position: step.position, role: roleLabel(session, step.role), approver: step.approver.name };
  const status = session.t(`hospitality.step.${step.status}`);
  let line: string;
  if ((step.status === "APPROVED" || step.status === "REJECTED") && step.decidedAt) {
    const at = localDateTime(session, step.decidedAt);
    line =
      step.decidedBy && step.decidedBy.id !== step.approver.id
        ? session.t("hospitality.view.step_decided_for", {
            ...base,
            status: enumLabel(session, step.status === "APPROVED" ? "APPROVE" : "REJECT"),
            by: step.decidedBy.name,
            at,
          })
        : session.t("hospitality.view.step_decided", { ...base, status, at });
  } else if (step.status === "PENDING" && step.pendingSince) {
    line = session.t("hospitality.view.step_pending", { ...base, status, since: localDateTime(session, step.pendingSince) });
  } else if (step.status === "SKIPPED" && step.collapsedInto !== null) {
    line = session.t("hospitality.view.step", { ...base, status: session.t("hospitality.step_collapsed", { position: step.collapsedInto }) });
  } else {
    line = session.t("hospitality.view.step", { ...base, status });
  }
  if (step.routedFrom && step.routedReason) {
    line = `${line}\n${session.t(`approval.view.routed.${step.routedReason}`, { from: step.routedFrom.name })}`;
  }
  return step.reason ? `${line}\n${session.t("hospitality.view.step_reason", { reason: step.reason })}` : line;
}

/** What one kind of request shows on its card; the chain, the outcome and the layout are common. */
export interface ApprovalCard {
  title: string;
  /** Customer and amount. */
  subtitle: string;
  status: { label: string; tone: Tone };
  fields: Field[];
  /** Text blocks between the fields and the chain: the purpose or reason, warnings. */
  details: string[];
  request: { status: string; steps: ApprovalStepView[]; requester: { name: string } };
  /** The kind's words for the final approval (hospitality: who and when; credit: with the new limit). */
  approvedLine: (by: string, at: string) => string;
  cancelledLine: string;
  /** Outcome lines after the decision (settled at …). */
  laterLines?: string[];
  summary: string;
}

/** The small print under the card: who decided what and when, and who is next. */
function outcomeLines(session: Session, card: ApprovalCard): string[] {
  const last = decidedSteps(card.request).at(-1);
  const at = (d: Date) => localDateTime(session, d);
  const lines: string[] = [];
  switch (card.request.status) {
    case "PENDING": {
      if (last) lines.push(session.t("hospitality.view.step_approved_by", { position: last.position, by: last.decidedBy!.name, at: at(last.decidedAt!) }));
      const next = pendingStep(card.request);
      if (next) lines.push(session.t("hospitality.view.waiting_for", { approver: next.approver.name, role: roleLabel(session, next.role) }));
      break;
    }
    case "APPROVED":
    case "SETTLED":
      if (last) lines.push(card.approvedLine(last.decidedBy!.name, at(last.decidedAt!)));
      break;
    case "REJECTED":
      if (last) lines.push(session.t("hospitality.view.rejected_by", { by: last.decidedBy!.name, at: at(last.decidedAt!), reason: last.reason ?? "—" }));
      break;
    case "CANCELLED":
      lines.push(card.cancelledLine);
      break;
  }
  return [...lines, ...(card.laterLines ?? [])];
}

/**
 * The request as it stands now. `lead` goes above the fields (why the member is seeing it),
 * `buttons` below (only in views made for one member, never on the card every copy shows).
 */
export function approvalCardView(session: Session, card: ApprovalCard, options: { lead?: string; buttons?: Button[] } = {}): View {
  const blocks: ViewBlock[] = [
    ...(options.lead ? [{ kind: "text" as const, text: options.lead }] : []),
    { kind: "fields", fields: card.fields },
    ...card.details.map((text) => ({ kind: "text" as const, text })),
    { kind: "list", title: session.t("hospitality.view.chain_title"), items: card.request.steps.map((s) => ({ text: stepLine(session, s) })) },
    { kind: "context", lines: outcomeLines(session, card) },
    ...(options.buttons && options.buttons.length > 0 ? [{ kind: "actions" as const, buttons: options.buttons }] : []),
  ];
  return {
    header: { title: card.title, subtitle: card.subtitle, tag: { text: card.status.label, tone: card.status.tone }, tone: card.status.tone },
    blocks,
    summary: options.lead ? `${card.summary} — ${options.lead.replaceAll("*", "")}` : card.summary,
    moreTemplate: moreTemplate(session),
  };
}

/** Approve / Reject for one step of an approval-engine request; `kind` picks the area that handles the click. */
export function approvalDecisionButtons(
  session: Session,
  kind: "hospitality" | "credit",
  request: { id: string; version: number },
  step: { id: string; approverId: string },
): Button[] {
  const fields = { entityId: request.id, version: request.version, memberId: step.approverId, args: { step: step.id } };
  return [
    button(session, "hospitality.view.button.approve", `${kind}.approve`, fields, { style: "primary" }),
    button(session, "hospitality.view.button.reject", `${kind}.reject`, fields, { style: "danger" }),
  ];
}

/** The decision a clicked Approve / Reject button stands for: the request, its step and the card's version. */
export function decisionInput(payload: ButtonPayload, requestId: string) {
  const step = payload.args?.step;
  return {
    requestId,
    ...(typeof step === "string" ? { stepId: step } : {}),
    ...(payload.version !== undefined ? { cardVersion: payload.version } : {}),
  };
}

export function malformedClick(session: Session): ActionReply {
  return { reply: { kind: "view", view: noticeView(session, session.t("button.malformed"), "warning") } };
}

/** The core's conflict in the member's words, with the decision time in the tenant's zone. */
export function conflictText(session: Session, err: DomainError): string {
  if (err.code.endsWith(".already_decided")) {
    const at = typeof err.params.at === "string" ? new Date(err.params.at) : null;
    // One's own earlier click (a double click, a second copy of the card) is told as such.
    const key = err.params.byId === session.member.id ? "hospitality.already_decided_by_you" : err.code;
    return session.t(key, {
      ...err.params,
      decision: session.t(`hospitality.step.${String(err.params.decision)}`),
      at: at && !Number.isNaN(at.getTime()) ? localDateTime(session, at) : String(err.params.at ?? ""),
    });
  }
  return renderedErrorText(session, err);
}

export function renderedErrorText(session: Session, err: unknown): string {
  const view = errorView(session, err);
  const first = view.blocks[0];
  return first && first.kind === "text" ? first.text : "";
}

/**
 * A late click (a double click, a stale card, a lost race): the reason as a message, and the
 * current card so the clicked copy loses its buttons. Anything else is rethrown.
 */
export async function approvalConflictReply(
  session: Session,
  err: unknown,
  currentCard: () => Promise<NonNullable<ActionReply["updatedCard"]> | null>,
): Promise<ActionReply> {
  if (!(err instanceof ConflictError)) throw err;
  const current = await currentCard();
  return {
    reply: { kind: "view", view: noticeView(session, conflictText(session, err), "warning") },
    ...(current ? { updatedCard: current } : {}),
  };
}

/** The lead of an approver's DM (asked to decide, or reminded), naming the requester. */
export async function approverLead(
  session: Session,
  leadKey: string,
  view: { number: number; createdAt: Date; requester: { id: string; name: string } },
  step: ApprovalStepView,
): Promise<string> {
  return session.t(leadKey, {
    requester: await mentionOf(session, view.requester),
    number: view.number,
    position: step.position,
    role: roleLabel(session, step.role),
    since: localDateTime(session, step.pendingSince ?? view.createdAt),
  });
}

/**
 * An approver's DM: the card with Approve / Reject while their step is still open (none on a
 * copy posted to a channel), else nothing.
 */
export async function approverDmView(
  session: Session,
  kind: "hospitality" | "credit",
  leadKey: string,
  view: { id: string; version: number; status: string; number: number; createdAt: Date; requester: { id: string; name: string }; steps: ApprovalStepView[] },
  intent: { stepId?: string | undefined; version?: number | undefined; audience?: string | undefined },
  card: (options: { lead: string; buttons: Button[] }) => View,
): Promise<View | null> {
  const step = view.steps.find((s) => s.id === intent.stepId);
  if (view.status !== "PENDING" || !step || step.status !== "PENDING") return null;
  const lead = await approverLead(session, leadKey, view, step);
  const buttons =
    intent.audience === "channel"
      ? []
      : approvalDecisionButtons(session, kind, { id: view.id, version: intent.version ?? view.version }, { id: step.id, approverId: step.approver.id });
  return card({ lead, buttons });
}

/** What the core's outbox intents about a request carry (approval requested, reminded, decided…). */
const approvalIntentSchema = z.object({
  requestId: z.string().min(1),
  stepId: z.string().min(1).optional(),
  version: z.number().int().optional(),
  audience: z.string().optional(),
});

export type ApprovalIntent = z.infer<typeof approvalIntentSchema>;

/**
 * A renderer for an intent about a request: parses it and loads the request as the system sees
 * it (`load`, null when gone); a malformed intent or a vanished request is dropped.
 */
export function approvalIntentRenderer<V>(
  load: (session: Session, requestId: string) => Promise<V | null>,
  render: (session: Session, intent: ApprovalIntent, view: V) => View | null | Promise<View | null>,
): IntentRenderer {
  return async (session, raw) => {
    const parsed = approvalIntentSchema.safeParse(raw);
    if (!parsed.success) return null;
    const view = await load(session, parsed.data.requestId);
    return view ? render(session, parsed.data, view) : null;
  };
}
