// approvals / 审批: every approval step waiting for the member, of every kind the engine serves
// (hospitality and credit), oldest first, each with its Approve / Reject buttons.
import { myPendingApprovals, type PendingApproval } from "../../core/hospitality/approvals.js";
import { myPendingCreditApprovals } from "../../core/credit/requests.js";
import type { CreditRequestView } from "../../core/credit/requests.js";
import { perHeadFen } from "../../core/hospitality/rules.js";
import type { ConversationArea } from "../area.js";
import { money, moreTemplate, scheduleDay } from "../builders/common.js";
import { limitText } from "../builders/credit.js";
import type { Reply } from "../port.js";
import type { Session } from "../session.js";
import type { ListItem } from "../views/view.js";
import { decisionButtons as creditDecisionButtons } from "./credit.js";
import { decisionButtons, kindLabel } from "./hospitality/index.js";

function hospitalityItem(session: Session, a: PendingApproval): ListItem {
  const heads = a.guests + a.staff;
  return {
    text: [
      session.t("hospitality.view.approvals_item", { number: a.number, customer: a.customer.name, amount: money(a.estimatedFen), date: scheduleDay(session, a.eventDate) }),
      session.t("hospitality.view.approvals_item_detail", {
        kind: kindLabel(session, a.kind),
        heads: session.t("hospitality.view.heads_value", { guests: a.guests, staff: a.staff }),
        perHead: money(perHeadFen(a.estimatedFen, heads)),
        flag: a.perHeadFlagged ? session.t("hospitality.view.guideline_flag", { guideline: money(a.perHeadGuidelineFen) }) : "",
        requester: a.requester.name,
      }),
      a.purpose,
    ].join("\n"),
    buttons: decisionButtons(session, { id: a.requestId, version: a.version }, { id: a.stepId, approverId: session.member.id }),
  };
}

function creditItem(session: Session, view: CreditRequestView, stepId: string): ListItem {
  return {
    text: [
      session.t("approval.view.credit_item", { number: view.number, customer: view.customer.name, limit: money(view.requestedLimitFen) }),
      session.t("approval.view.credit_item_detail", { current: limitText(session, view.currentLimitFen), requester: view.requester.name }),
      view.reason,
    ].join("\n"),
    buttons: creditDecisionButtons(session, { id: view.id, version: view.version }, { id: stepId, approverId: session.member.id }),
  };
}

/** Every approval step waiting for the member, oldest first across kinds, each with its buttons. */
export async function pendingApprovalItems(session: Session): Promise<ListItem[]> {
  const [hospitality, credit] = await Promise.all([
    myPendingApprovals(session.deps, session.actor),
    myPendingCreditApprovals(session.deps, session.actor),
  ]);
  const entries: Array<{ since: number; item: ListItem }> = hospitality.map((a) => ({
    since: a.pendingSince?.getTime() ?? Number.MAX_SAFE_INTEGER,
    item: hospitalityItem(session, a),
  }));
  for (const view of credit) {
    const step = view.steps.find((s) => s.status === "PENDING" && s.approver.id === session.member.id);
    if (step) entries.push({ since: step.pendingSince?.getTime() ?? Number.MAX_SAFE_INTEGER, item: creditItem(session, view, step.id) });
  }
  // Oldest first across kinds; the sort is stable, so each kind keeps its own order on ties.
  entries.sort((a, b) => a.since - b.since);
  return entries.map((e) => e.item);
}

async function approvalsList(session: Session): Promise<Reply> {
  const entries = await pendingApprovalItems(session);
  const title = session.t("hospitality.view.approvals_title", { count: entries.length });
  return {
    kind: "view",
    view: {
      header: { title, tone: entries.length > 0 ? "warning" : "info" },
      blocks: [{ kind: "list", items: entries, emptyText: session.t("hospitality.view.approvals_empty") }],
      summary: title,
      moreTemplate: moreTemplate(session),
    },
  };
}

export const approvalsArea: ConversationArea = {
  commands: {
    "approvals.list": async (session) => approvalsList(session),
  },
};
