// "My day": the member's work for today in one view — callbacks due and overdue, planned visits,
// approvals waiting for them, open complaints with their deadlines and their customers most at
// risk — each item with the buttons the digests and lists carry (same action ids and payloads, so
// a click does exactly what it does there). Slack shows it on the App Home tab, Feishu as a card
// in the bot's direct chat that is updated in place; both render this one view.
import { myCallbacks } from "../../../core/callbacks/callbacks.js";
import { buildChurnDigests } from "../../../core/digests/churn.js";
import { contactPlan, type PlanItem } from "../../../core/plans/plan.js";
import { button, localDateTime, moreTemplate, scheduleDay, tierLabel } from "../../builders/common.js";
import type { Session } from "../../session.js";
import type { ListItem, View, ViewBlock } from "../../views/view.js";
import { pendingApprovalItems } from "../approvals.js";
import { dueListView } from "../callbacks.js";
import { openComplaintItems } from "../complaints.js";
import { riskButtons, riskItem } from "../risk.js";
import { setupBlocks } from "./setup.js";

/**
 * Items per section before "… and N more": five sections of ten items with their buttons stay
 * within Slack's 100 Home-tab blocks and Feishu's 200 card elements; the lists themselves (the
 * commands) show the rest.
 */
export const MY_DAY_ITEMS = 10;

function section(session: Session, titleKey: string, total: number, items: ListItem[]): ViewBlock[] {
  const shown = items.slice(0, MY_DAY_ITEMS);
  return [
    { kind: "divider" },
    {
      kind: "list",
      title: session.t(titleKey, { count: total }),
      items: shown,
      ...(total > shown.length ? { totalCount: total } : {}),
      emptyText: session.t("home.none"),
    },
  ];
}

function visitItem(session: Session, item: PlanItem): ListItem {
  return {
    text: session.t("home.visit_item", {
      customer: item.customerName,
      tier: tierLabel(session, item.tier),
      date: scheduleDay(session, item.date),
      overdue: item.overdue ? session.t("home.visit_overdue") : "",
      purpose: item.text ? ` · ${item.text}` : "",
    }),
    buttons: [button(session, "plan.view.button.log_visit", "visit.open_form", { entityId: item.customerId, memberId: item.assigneeId }, { style: "primary" })],
  };
}

export async function myDayView(session: Session): Promise<View> {
  const me = session.member.id;
  const [setup, callbacks, plan, approvals, complaints, churn] = await Promise.all([
    setupBlocks(session),
    myCallbacks(session.deps, session.actor),
    contactPlan(session.deps, session.actor, { window: "7d", scope: "me" }),
    pendingApprovalItems(session),
    openComplaintItems(session, MY_DAY_ITEMS),
    buildChurnDigests(session.deps.db, session.tenant, session.today, { recipientId: me, now: session.now }),
  ]);
  // The due list's items carry the digest's Done / Log visit / Snooze / Skip buttons.
  const dueList = dueListView(session, me, callbacks).blocks.find((b) => b.kind === "list");
  const callbackItems = dueList?.kind === "list" ? dueList.items : [];
  const visits = [...plan.overdue, ...plan.days.flatMap((d) => d.groups)].flatMap((g) => g.items).filter((i) => i.kind === "visit");
  const visitTotal = visits.length;
  const mine = churn.owners.find((o) => o.memberId === me);
  const risky = mine?.customers ?? [];
  const riskItems = risky.slice(0, MY_DAY_ITEMS).map((c) => riskItem(session, c, { newlyRisen: c.newlyRisen, buttons: riskButtons(session, c.customerId, me) }));

  const title = session.t("home.title", { date: scheduleDay(session, session.today) });
  const subtitle = session.t("home.subtitle", {
    callbacks: callbacks.length,
    visits: visitTotal,
    approvals: approvals.length,
    complaints: complaints.total,
    risk: risky.length,
  });
  const overdue = callbacks.some((c) => c.daysOverdue > 0) || visits.some((v) => v.overdue) || complaints.overdue;
  return {
    header: { title, subtitle, tone: overdue ? "warning" : "info" },
    blocks: [
      ...setup,
      ...section(session, "home.callbacks", callbacks.length, callbackItems),
      ...section(session, "home.visits", visitTotal, visits.map((v) => visitItem(session, v))),
      ...section(session, "home.approvals", approvals.length, approvals),
      ...section(session, "home.complaints", complaints.total, complaints.items),
      ...section(session, "home.risk", risky.length, riskItems),
      { kind: "context", lines: [session.t("home.updated", { time: localDateTime(session, session.now) })] },
    ],
    summary: `${title} · ${subtitle}`,
    moreTemplate: moreTemplate(session),
  };
}
