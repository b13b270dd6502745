// The clicks on a request of the approval engine, for every kind it serves (hospitality, credit):
// Approve, Reject (a form for the reason), the reason submitted, and the requester's Cancel. Each
// kind gives its use cases, its card and its words; the flow — the core re-checks every click,
// a late one gets the reason and the current card — is this one.
import { z } from "zod";
import { isDomainError } from "../../core/shared/errors.js";
import type { ActionHandler, FormHandler } from "../area.js";
import type { ActionReply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, validateForm, type Form } from "../views/form.js";
import type { ButtonPayload } from "../views/payload.js";
import { approvalConflictReply, decisionInput, malformedClick } from "./approvals.js";
import { button, noticeView } from "./common.js";
import { formErrorsReply } from "./forms.js";

type Decision = "APPROVE" | "REJECT";

export interface ApprovalKind<V extends { id: string }> {
  /** The area's action ids: `${kind}.approve`, `${kind}.reject`, `${kind}.cancel`. */
  kind: "hospitality" | "credit";
  decide(session: Session, input: ReturnType<typeof decisionInput> & { decision: Decision; reason?: string }): Promise<V>;
  cancel(session: Session, requestId: string): Promise<V>;
  /** The request as the member may see it (for the reason form). */
  load(session: Session, requestId: string): Promise<V>;
  /** The request as the system sees it (null: gone), for the card every copy shows. */
  current(session: Session, requestId: string): Promise<V | null>;
  cardUpdate(session: Session, view: V): NonNullable<ActionReply["updatedCard"]>;
  /** The core's code for "a rejection needs a reason". */
  reasonRequiredCode: string;
  rejectTexts(session: Session, view: V): { title: string; intro: string };
  decidedText(session: Session, view: V, decision: Decision): string;
  cancelledText(session: Session, view: V): string;
}

const rejectFormSchema = z.object({ reason: z.string().trim().min(1).max(1_000) });

function rejectFields(session: Session): Form["fields"] {
  return [{ name: "reason", label: session.t("hospitality.view.form.reject_reason"), kind: "textarea", required: true, maxLength: 1_000 }];
}

export function approvalActions<V extends { id: string }>(spec: ApprovalKind<V>): {
  approve: ActionHandler;
  reject: ActionHandler;
  submitReject: FormHandler;
  cancel: ActionHandler;
  /** A refused or late click answered with the request's card as it is now (for the kind's own actions too). */
  conflictReply(session: Session, err: unknown, requestId: string): Promise<ActionReply>;
} {
  const conflictReply = (session: Session, err: unknown, requestId: string) =>
    approvalConflictReply(session, err, async () => {
      const current = await spec.current(session, requestId);
      return current ? spec.cardUpdate(session, current) : null;
    });
  const decided = (session: Session, view: V, decision: Decision): ActionReply => ({
    reply: { kind: "view", view: noticeView(session, spec.decidedText(session, view, decision), "success") },
    updatedCard: spec.cardUpdate(session, view),
  });
  const rejectForm = (session: Session, view: V, payload: ButtonPayload): Form => {
    const texts = spec.rejectTexts(session, view);
    return defineForm({
      formId: `${spec.kind}.reject`,
      title: texts.title,
      submitLabel: session.t("hospitality.view.form.reject_submit"),
      intro: texts.intro,
      fields: rejectFields(session),
      actionId: `${spec.kind}.reject`,
      payload: button(session, "hospitality.view.form.reject_submit", `${spec.kind}.reject`, {
        entityId: view.id,
        ...(payload.version !== undefined ? { version: payload.version } : {}),
        memberId: session.member.id,
        ...(payload.args ? { args: payload.args } : {}),
      }).payload,
    });
  };

  return {
    conflictReply,

    async approve(session, payload) {
      const requestId = payload.entityId;
      if (!requestId) return malformedClick(session);
      try {
        return decided(session, await spec.decide(session, { ...decisionInput(payload, requestId), decision: "APPROVE" }), "APPROVE");
      } catch (err) {
        return conflictReply(session, err, requestId);
      }
    },

    async reject(session, payload) {
      const requestId = payload.entityId;
      if (!requestId) return malformedClick(session);
      // The core checks who may decide, the card's version and the step before it asks for a
      // reason, and writes nothing when it refuses: asking it without a reason tells whether a
      // reason form is worth opening, or the click is late or not allowed, without a second copy
      // of those rules here.
      try {
        await spec.decide(session, { ...decisionInput(payload, requestId), decision: "REJECT" });
      } catch (err) {
        if (!(isDomainError(err) && err.code === spec.reasonRequiredCode)) return conflictReply(session, err, requestId);
      }
      const view = await spec.load(session, requestId);
      return { reply: { kind: "form", form: rejectForm(session, view, payload) } };
    },

    async submitReject(session, values, payload) {
      const requestId = payload.entityId;
      if (!requestId) return malformedClick(session);
      const result = validateForm({ fields: rejectFields(session) }, values, rejectFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      try {
        const view = await spec.decide(session, { ...decisionInput(payload, requestId), decision: "REJECT", reason: result.data.reason });
        return decided(session, view, "REJECT");
      } catch (err) {
        return conflictReply(session, err, requestId);
      }
    },

    async cancel(session, payload) {
      const requestId = payload.entityId;
      if (!requestId) return malformedClick(session);
      try {
        const view = await spec.cancel(session, requestId);
        return {
          reply: { kind: "view", view: noticeView(session, spec.cancelledText(session, view), "success") },
          updatedCard: spec.cardUpdate(session, view),
        };
      } catch (err) {
        return conflictReply(session, err, requestId);
      }
    },
  };
}
