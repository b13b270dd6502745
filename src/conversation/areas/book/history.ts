// `customer history <name>` / `客户 历史 <客户名称>`: the customer's timeline, newest first, paged.
import { customerHistory, HISTORY_PAGE_SIZE, type HistoryEntry, type HistoryPage } from "../../../core/customers/history.js";
import { findCustomer } from "../../../core/customers/lookup.js";
import { money } from "../../builders/money.js";
import type { ActionHandler, CommandHandler } from "../../area.js";
import { button, enumLabel, localDateTime, localDay, moreTemplate, noticeView, tierLabel } from "../../builders/common.js";
import type { Session } from "../../session.js";
import type { ListItem, View } from "../../views/view.js";

type Json = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
// Audit rows keep days as 'YYYY-MM-DD' (or a DATE column's UTC midnight); the history shows them as days.
const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?Z)?$/;
const dayOrDash = (session: Session, v: unknown) => (CALENDAR_DAY.test(str(v)) ? localDay(session, str(v).slice(0, 10)) : str(v) || "—");

/** "name: A → B; status: …": amounts in yuan, statuses in words, days as days, lists joined (audit rows keep fen, enum values and ISO days). */
function changesText(session: Session, before: Json, after: Json): string {
  const shown = (k: string, v: unknown): string =>
    v === null || v === undefined || v === ""
      ? "—"
      : Array.isArray(v)
        ? v.length === 0
          ? "—"
          : v.map(str).join(session.t("book.history.list_separator"))
        : /Fen$/.test(k) && /^-?\d+$/.test(String(v))
          ? money(BigInt(String(v)))
          : k === "status"
            ? enumLabel(session, String(v))
            : k === "tier" || k === "tierOverride"
              ? tierLabel(session, String(v) as never)
              : CALENDAR_DAY.test(String(v))
                ? localDay(session, String(v).slice(0, 10))
                : str(v);
  return Object.keys(after)
    .map((k) => session.t("book.history.change", { field: session.t(`book.history.field.${k}`), before: shown(k, before[k]), after: shown(k, after[k]) }))
    .join(session.t("book.history.change_separator"));
}

function auditLine(session: Session, data: Json): string {
  const action = str(data.action);
  const before = (data.before ?? {}) as Json;
  const after = (data.after ?? {}) as Json;
  switch (action) {
    case "customer.tier_overridden":
      return session.t("book.history.tier_overridden", { from: tierLabel(session, str(before.tier) as never), to: tierLabel(session, str(after.tier) as never), reason: str(after.tierOverrideReason) });
    case "customer.tier_override_cleared":
    case "customer.tier_recomputed":
      return session.t("book.history.tier_computed", { from: tierLabel(session, str(before.tier) as never), to: tierLabel(session, str(after.tier) as never) });
    case "customer.handed_over":
    case "customer.owner_assigned":
      return session.t("book.history.handed_over", { reason: str(after.reason) || "—" });
    case "customer.updated":
      return session.t("book.history.edited", { changes: changesText(session, before, after) });
    case "customer.updated_by_import": {
      // An import names who owns the customer by id: the line says the manager changed, as a handover does.
      const { ownerId, importId: _import, line, ...rest } = after;
      const changes = [changesText(session, before, rest), ownerId !== undefined ? session.t("book.history.owner_assigned") : ""].filter(Boolean);
      return session.t("book.history.edited_by_import", { line: str(line), changes: changes.join(session.t("book.history.change_separator")) });
    }
    case "customer.imported":
      return session.t("book.history.imported", { line: str(after.line) });
    case "customer.created":
      return session.t("book.history.created");
    default:
      return session.t(`book.history.${action.replace("customer.", "")}`, { name: str(after.name ?? before.name) });
  }
}

function entryText(session: Session, e: HistoryEntry): string {
  const d = e.data as Json;
  switch (e.kind) {
    case "visit":
      return session.t("book.history.visit", { kind: enumLabel(session, str(d.visitKind)), summary: str(d.summary) });
    case "callback_done":
      return session.t("book.history.callback_done", { outcome: str(d.outcome) || "—" });
    case "callback_skipped":
      return session.t("book.history.callback_skipped", { outcome: str(d.outcome) || "—" });
    case "callback_postponed":
      return session.t("book.history.callback_postponed", { to: dayOrDash(session, ((d.after ?? {}) as Json).dueOn) });
    case "complaint":
      return session.t("book.history.complaint", { number: str(d.number), event: enumLabel(session, `complaint_event.${str(d.event)}`), severity: enumLabel(session, str(d.severity)) });
    case "hospitality_requested":
      return session.t("book.history.hospitality_requested", { number: str(d.number), amount: money(BigInt(str(d.estimatedFen) || "0")) });
    case "hospitality_decided":
      return session.t("book.history.hospitality_decided", { number: str(d.number), status: session.t(`hospitality.status.${str(d.status)}`) });
    case "audit":
      return auditLine(session, d);
  }
}

export function historyView(session: Session, page: HistoryPage): View {
  const items: ListItem[] = page.entries.map((e) => ({
    text: `*${localDateTime(session, e.at)}* · ${e.actorName ?? session.t("book.history.system")}\n${entryText(session, e)}`,
  }));
  const shownTo = page.offset + page.entries.length;
  return {
    header: { title: session.t("book.history.title", { name: page.customer.name }) },
    blocks: [
      { kind: "list", items, emptyText: session.t("book.history.none") },
      ...(page.total > 0 ? [{ kind: "context" as const, lines: [session.t("book.list.showing", { from: page.offset + 1, to: shownTo, total: page.total })] }] : []),
      ...(shownTo < page.total
        ? [{ kind: "actions" as const, buttons: [button(session, "book.button.more", "customer.history_more", { entityId: page.customer.id, memberId: session.member.id, args: { p: shownTo } })] }]
        : []),
    ],
    summary: session.t("book.history.title", { name: page.customer.name }),
    moreTemplate: moreTemplate(session),
  };
}

export const historyCommand: CommandHandler<"customer.history"> = async (session, command) => {
  if (!command.name) return { kind: "view", view: noticeView(session, session.t("book.history.usage"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.name);
  return { kind: "view", view: historyView(session, await customerHistory(session.deps, session.actor, customer.id, { limit: HISTORY_PAGE_SIZE })) };
};

export const historyMore: ActionHandler = async (session, payload) => {
  const offset = Number(payload.args?.p ?? 0) || 0;
  const page = await customerHistory(session.deps, session.actor, payload.entityId ?? "", { offset, limit: HISTORY_PAGE_SIZE });
  return { reply: { kind: "view", view: historyView(session, page) } };
};
