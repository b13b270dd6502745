// Records by number — `complaint #7` / `投诉 #7`, `hospitality #5` / `招待 #5` — open the record's
// card with the buttons the viewer may use now (the core's visibility rules decide; an invisible
// record reads as not found), and `complaints closed [period]` / `投诉列表 已结 [时段]`.
import { listClosedComplaints } from "../../../core/complaints/closed.js";
import { getComplaint } from "../../../core/complaints/queries.js";
import { getHospitality } from "../../../core/hospitality/hospitality.js";
import { NotFoundError } from "../../../core/shared/errors.js";
import { addDays } from "../../../core/shared/time.js";
import type { CommandHandler } from "../../area.js";
import { button, enumLabel, localDateTime, localDay, moreTemplate } from "../../builders/common.js";
import type { ListItem } from "../../views/view.js";
import { ownCard } from "../complaints.js";
import { decisionButtons, hospitalityCardView, requesterButtons } from "../hospitality/index.js";

export const complaintShow: CommandHandler<"complaint.show"> = async (session, command) => {
  const c = await getComplaint(session.deps, session.actor, command.number);
  return { kind: "view", view: await ownCard(session, c) };
};

export const hospitalityShow: CommandHandler<"hospitality.show"> = async (session, command) => {
  const row = await session.deps.db.hospitalityRequest.findFirst({ where: { tenantId: session.tenant.id, number: command.number }, select: { id: true } });
  if (!row) throw new NotFoundError("hospitality.not_found");
  const view = await getHospitality(session.deps, session.actor, row.id);
  const pending = view.status === "PENDING" ? view.steps.find((s) => s.status === "PENDING") : undefined;
  const mine = pending && (pending.approver.id === session.member.id || session.actor.role === "ADMIN");
  const buttons = [
    ...(mine ? decisionButtons(session, view, { id: pending.id, approverId: pending.approver.id }) : []),
    ...(view.requester.id === session.member.id ? requesterButtons(session, view) : []),
  ];
  return { kind: "view", view: hospitalityCardView(session, view, { buttons }) };
};

/** Without a period: the last 90 days. */
export const complaintsClosed: CommandHandler<"complaints.closed"> = async (session, command) => {
  const to = command.to ?? session.today;
  const from = command.from ?? addDays(to, -89);
  const { items, total } = await listClosedComplaints(session.deps, session.actor, { from, to, timeZone: session.tenant.timeZone });
  const list: ListItem[] = items.map((c) => ({
    text: [
      session.t("book.closed.item", {
        number: c.number,
        customer: c.customerName,
        severity: enumLabel(session, c.severity),
        status: enumLabel(session, c.status),
        assignee: c.assigneeName,
        at: c.resolvedAt ? localDateTime(session, c.resolvedAt) : "—",
      }),
      ...(c.resolution ? [c.resolution] : []),
    ].join("\n"),
    buttons: [button(session, "complaint.view.button.details", "complaint.open", { entityId: c.id, memberId: session.member.id })],
  }));
  return {
    kind: "view",
    view: {
      header: { title: session.t("book.closed.title", { from: localDay(session, from), to: localDay(session, to) }) },
      blocks: [{ kind: "list", items: list, totalCount: total, emptyText: session.t("book.closed.none") }],
      summary: session.t("book.closed.title", { from: localDay(session, from), to: localDay(session, to) }),
      moreTemplate: moreTemplate(session),
    },
  };
};
