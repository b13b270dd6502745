// Handovers and leavers: `customer assign <name> @member <reason>` (one customer),
// `customer handover @from @to [all|tier X|region R] <reason>` (many), `admin deactivate @member
// @successor`, and the notices the old and new owner, their supervisors and a successor receive.
import { z } from "zod";
import { handOverCustomer, handOverCustomers, type HandoverSelector } from "../../../core/customers/handover.js";
import { findCustomer } from "../../../core/customers/lookup.js";
import { deactivateMember } from "../../../core/members/deactivate.js";
import type { CommandHandler, IntentRenderer } from "../../area.js";
import { noticeView, tierLabel } from "../../builders/common.js";
import { mentionOf } from "../../mention.js";
import type { Session } from "../../session.js";

async function nameOf(session: Session, id: unknown): Promise<string> {
  if (typeof id !== "string") return "—";
  const m = await session.deps.db.member.findFirst({ where: { tenantId: session.tenant.id, id }, select: { displayName: true } });
  return m?.displayName ?? "—";
}

/** A member named in a handover notice (a direct message): a mention, so the name links to them. */
async function mentionIn(session: Session, id: unknown): Promise<string> {
  const name = await nameOf(session, id);
  return typeof id === "string" && name !== "—" ? mentionOf(session, { id, name }) : name;
}

export const assignCommand: CommandHandler<"customer.assign"> = async (session, command) => {
  if (!command.name || !command.owner) return { kind: "view", view: noticeView(session, session.t("customer.assign_usage"), "warning") };
  if (!command.reason) return { kind: "view", view: noticeView(session, session.t("customer.handover_reason_required"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.name);
  const owner = await session.memberFor(command.owner.platformUserId, command.owner.name);
  await handOverCustomer(session.deps, session.actor, customer.id, owner.id, command.reason);
  return { kind: "view", view: noticeView(session, session.t("customer.assigned", { name: customer.name, owner: owner.displayName }), "success") };
};

export const handoverCommand: CommandHandler<"customer.handover"> = async (session, command) => {
  if (!command.from || !command.to) return { kind: "view", view: noticeView(session, session.t("book.handover.usage"), "warning") };
  if (!command.reason) return { kind: "view", view: noticeView(session, session.t("customer.handover_reason_required"), "warning") };
  const from = await session.memberFor(command.from.platformUserId, command.from.name);
  const to = await session.memberFor(command.to.platformUserId, command.to.name);
  const selector: HandoverSelector = command.selector ?? { all: true };
  const result = await handOverCustomers(session.deps, session.actor, { fromId: from.id, toId: to.id, selector, reason: command.reason });
  const which =
    "tier" in selector ? tierLabel(session, selector.tier) : "region" in selector ? selector.region : session.t("book.handover.all");
  if (result.customers === 0) {
    return { kind: "view", view: noticeView(session, session.t("book.handover.none", { from: from.displayName, which }), "warning") };
  }
  const text = session.t("book.handover.done", {
    count: result.customers,
    from: from.displayName,
    to: to.displayName,
    callbacks: result.callbacks,
    complaints: result.complaints,
    names: result.names.join("、") + (result.customers > result.names.length ? " …" : ""),
  });
  return { kind: "view", view: noticeView(session, text, "success") };
};

export const deactivateCommand: CommandHandler<"admin.deactivate"> = async (session, command) => {
  if (!command.user || !command.successor) return { kind: "view", view: noticeView(session, session.t("book.deactivate.usage"), "warning") };
  const leaver = await session.memberFor(command.user.platformUserId, command.user.name);
  const successor = await session.memberFor(command.successor.platformUserId, command.successor.name);
  const r = await deactivateMember(session.deps, session.actor, leaver.id, successor.id);
  const text = session.t("book.deactivate.done", {
    member: leaver.displayName,
    successor: successor.displayName,
    customers: r.customers,
    callbacks: r.callbacks,
    complaints: r.complaints,
    steps: r.approvalSteps,
    reports: r.reports,
  });
  return { kind: "view", view: noticeView(session, text, "success") };
};

const handoverIntent = z.object({
  role: z.enum(["new_owner", "old_owner", "supervisor"]),
  fromOwnerId: z.string(),
  toOwnerId: z.string(),
  byMemberId: z.string().nullish(),
  customers: z.number(),
  callbacks: z.number(),
  complaints: z.number(),
  reason: z.string(),
  customerId: z.string().optional(),
});

export const renderHandover: IntentRenderer = async (session, raw) => {
  const parsed = handoverIntent.safeParse(raw);
  if (!parsed.success) return null;
  const i = parsed.data;
  const customer = i.customerId
    ? (await session.deps.db.customer.findFirst({ where: { tenantId: session.tenant.id, id: i.customerId }, select: { name: true } }))?.name
    : undefined;
  const params = {
    // The old and new managers (and whoever handed over) as mentions.
    from: await mentionIn(session, i.fromOwnerId),
    to: await mentionIn(session, i.toOwnerId),
    by: await mentionIn(session, i.byMemberId),
    count: i.customers,
    callbacks: i.callbacks,
    complaints: i.complaints,
    reason: i.reason,
    name: customer ?? "",
  };
  const key = `book.handover.notice.${i.role}${customer ? "_one" : ""}`;
  return noticeView(session, session.t(key, params), "info");
};

export const renderSucceeded: IntentRenderer = async (session, raw) => {
  const i = raw as Record<string, unknown>;
  const text = session.t("book.deactivate.notice", {
    member: await nameOf(session, i.leaverId),
    by: await nameOf(session, i.byMemberId),
    customers: Number(i.customers ?? 0),
    callbacks: Number(i.callbacks ?? 0),
    complaints: Number(i.complaints ?? 0),
    steps: Number(i.approvalSteps ?? 0),
  });
  return noticeView(session, text, "info");
};
