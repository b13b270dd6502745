// `customers …` / `客户列表 …` and `customer find …` / `客户 搜索 …`: the customer list with its
// count by tier, and ranked search results, one page at a time. The next page is a button
// (Slack "More", a Feishu card button, a numbered choice on the console) whose payload carries
// the filter compactly: button payloads take ids and codes only (views/payload.ts), so free-text
// filters (region, industry, the search text) travel base64url-encoded.
import type { CustomerStatus, Tier } from "@prisma/client";
import { listCustomers, LIST_PAGE_SIZE, type CustomerListFilter, type CustomerListPage, type FilterName } from "../../../core/customers/list.js";
import { searchCustomers, type SearchResult } from "../../../core/customers/search.js";
import type { ScopeChoice } from "../../../core/members/scope-sql.js";
import type { ActionHandler, CommandHandler } from "../../area.js";
import { button, enumLabel, localDay, moreTemplate, tierLabel } from "../../builders/common.js";
import type { Session } from "../../session.js";
import type { ButtonPayload } from "../../views/payload.js";
import type { Button, ListItem, View } from "../../views/view.js";

const TIERS: readonly Tier[] = ["VIP", "A", "B", "C"];
const STATUSES: readonly CustomerStatus[] = ["PROSPECT", "ACTIVE", "AT_RISK", "CHURNED", "LOST"];
const SCOPE_CODE: Record<ScopeChoice, string> = { mine: "m", team: "t", all: "a" };
const MAX_ARG = 40;

function b64(text: string): string | null {
  const encoded = Buffer.from(text, "utf8").toString("base64url");
  return encoded.length <= MAX_ARG ? encoded : null;
}
const unb64 = (text: string) => Buffer.from(text, "base64url").toString("utf8");

/** The filter and page as button args, or null when a free-text filter is too long to carry. */
export function encodeListArgs(filter: CustomerListFilter, offset: number): Record<string, string> | null {
  const flags = [
    filter.scope ? `s:${SCOPE_CODE[filter.scope]}` : "",
    filter.tiers?.length ? `t:${filter.tiers.map((t) => (t === "VIP" ? "V" : t)).join("")}` : "",
    filter.statuses?.length ? `st:${filter.statuses.map((s) => STATUSES.indexOf(s)).join("")}` : "",
    filter.risk ? `r:${filter.risk[0]}` : "",
    filter.overdue ? "o:1" : "",
    `p:${offset}`,
  ].filter(Boolean);
  const args: Record<string, string> = { f: flags.join(".") };
  if (filter.ownerId) args.ow = filter.ownerId;
  for (const [key, value] of [["rg", filter.region], ["in", filter.industry]] as const) {
    if (!value) continue;
    const encoded = b64(value);
    if (encoded === null) return null;
    args[key] = encoded;
  }
  return args;
}

export function decodeListArgs(args: ButtonPayload["args"]): { filter: CustomerListFilter; offset: number } {
  const filter: CustomerListFilter = {};
  let offset = 0;
  for (const part of String(args?.f ?? "").split(".")) {
    const [key, value = ""] = part.split(":");
    if (key === "s") filter.scope = (Object.entries(SCOPE_CODE).find(([, code]) => code === value)?.[0] as ScopeChoice | undefined) ?? "all";
    if (key === "t") filter.tiers = [...value].map((c) => (c === "V" ? "VIP" : c)).filter((t): t is Tier => TIERS.includes(t as Tier));
    if (key === "st") filter.statuses = [...value].map((d) => STATUSES[Number(d)]).filter((s): s is CustomerStatus => s !== undefined);
    if (key === "r") filter.risk = value === "H" ? "HIGH" : "MEDIUM";
    if (key === "o") filter.overdue = true;
    if (key === "p") offset = Math.max(0, Number(value) || 0);
  }
  if (typeof args?.ow === "string" && args.ow) filter.ownerId = args.ow;
  if (typeof args?.rg === "string" && args.rg) filter.region = unb64(args.rg);
  if (typeof args?.in === "string" && args.in) filter.industry = unb64(args.in);
  return { filter, offset };
}

function filterText(session: Session, name: FilterName, filter: CustomerListFilter, ownerName: string | undefined): string {
  switch (name) {
    case "scope":
      return session.t(`book.list.filter.scope.${filter.scope ?? "all"}`);
    case "tiers":
      return session.t("book.list.filter.tiers", { value: (filter.tiers ?? []).map((t) => tierLabel(session, t)).join(", ") });
    case "region":
      return session.t("book.list.filter.region", { value: filter.region ?? "" });
    case "industry":
      return session.t("book.list.filter.industry", { value: filter.industry ?? "" });
    case "statuses":
      return session.t("book.list.filter.statuses", { value: (filter.statuses ?? []).map((s) => enumLabel(session, s)).join(", ") });
    case "risk":
      return session.t(`book.list.filter.risk.${filter.risk ?? "HIGH"}`);
    case "ownerId":
      return session.t("book.list.filter.owner", { value: ownerName ?? "" });
    case "overdue":
      return session.t("book.list.filter.overdue");
    case "name":
      return session.t("book.list.filter.name", { value: filter.name ?? "" });
  }
}

function openButton(session: Session, customerId: string): Button {
  return button(session, "customer.button.open", "customer.open", { entityId: customerId, memberId: session.member.id });
}

function tierCountLine(session: Session, page: CustomerListPage): string {
  const parts = TIERS.map((t) => `${tierLabel(session, t)} ${page.byTier[t]}`);
  return `${session.t("book.list.count", { count: page.total })} · ${parts.join(" · ")}`;
}

export function customerListView(session: Session, filter: CustomerListFilter, page: CustomerListPage, ownerName?: string): View {
  const title = session.t("book.list.title");
  if (page.total === 0) {
    const emptied = page.emptiedBy ? filterText(session, page.emptiedBy, filter, ownerName) : session.t("book.list.filter.scope.all");
    const text = session.t("book.list.empty", { filter: emptied });
    return { header: { title, tone: "neutral" }, blocks: [{ kind: "text", text }], summary: text, moreTemplate: moreTemplate(session) };
  }
  const items: ListItem[] = page.items.map((c) => {
    const facts = [
      tierLabel(session, c.tier),
      enumLabel(session, c.status),
      c.ownerName,
      c.region ?? "",
      c.riskLevel ? session.t(`book.list.risk.${c.riskLevel}`, { score: c.riskScore ?? 0 }) : "",
      c.overdueCallbacks > 0 ? session.t("book.list.overdue", { count: c.overdueCallbacks }) : "",
    ].filter(Boolean);
    return { text: `*${c.name}* · ${facts.join(" · ")}`, buttons: [openButton(session, c.id)] };
  });
  const shownTo = page.offset + page.items.length;
  const context = [
    session.t("book.list.showing", { from: page.offset + 1, to: shownTo, total: page.total }),
    page.riskAsOf ? session.t("book.list.risk_as_of", { date: localDay(session, page.riskAsOf) }) : session.t("book.list.risk_none"),
  ];
  const nextArgs = shownTo < page.total ? encodeListArgs(filter, shownTo) : null;
  return {
    header: { title, tone: "info" },
    blocks: [
      { kind: "text", text: tierCountLine(session, page) },
      { kind: "list", items },
      { kind: "context", lines: context },
      ...(nextArgs
        ? [{ kind: "actions" as const, buttons: [button(session, "book.button.more", "customers.more", { memberId: session.member.id, args: nextArgs })] }]
        : []),
    ],
    summary: tierCountLine(session, page),
    moreTemplate: moreTemplate(session),
  };
}

async function showList(session: Session, filter: CustomerListFilter, offset: number, ownerName?: string): Promise<View> {
  const page = await listCustomers(session.deps, session.actor, session.tenant.timeZone, filter, { offset, limit: LIST_PAGE_SIZE });
  let name = ownerName;
  if (filter.ownerId && name === undefined) {
    name = (await session.deps.db.member.findFirst({ where: { tenantId: session.tenant.id, id: filter.ownerId }, select: { displayName: true } }))?.displayName;
  }
  return customerListView(session, filter, page, name);
}

export const listCommand: CommandHandler<"customers.list"> = async (session, command) => {
  const owner = command.owner ? await session.memberFor(command.owner.platformUserId, command.owner.name) : undefined;
  const filter: CustomerListFilter = {
    ...(command.scope ? { scope: command.scope } : {}),
    ...(command.tiers ? { tiers: command.tiers } : {}),
    ...(command.region ? { region: command.region } : {}),
    ...(command.industry ? { industry: command.industry } : {}),
    ...(command.statuses ? { statuses: command.statuses } : {}),
    ...(command.risk ? { risk: command.risk } : {}),
    ...(owner ? { ownerId: owner.id } : {}),
    ...(command.overdue ? { overdue: true } : {}),
  };
  return { kind: "view", view: await showList(session, filter, 0, owner?.displayName) };
};

export const listMore: ActionHandler = async (session, payload) => {
  const { filter, offset } = decodeListArgs(payload.args);
  return { reply: { kind: "view", view: await showList(session, filter, offset) } };
};

// ---- search ------------------------------------------------------------------------------------

export const SEARCH_PAGE_SIZE = 10;

export function searchView(session: Session, query: string, result: SearchResult, offset: number): View {
  const title = session.t("book.search.title", { query });
  const outside = result.outsideScope > 0 ? [session.t("customer.outside_scope", { count: result.outsideScope })] : [];
  if (result.total === 0) {
    const text = session.t("customer.not_found", { query });
    return { header: { title, tone: "neutral" }, blocks: [{ kind: "text", text }, ...(outside.length ? [{ kind: "context" as const, lines: outside }] : [])], summary: text, moreTemplate: moreTemplate(session) };
  }
  const items: ListItem[] = result.hits.map((h) => ({
    text: `*${h.name}* · ${tierLabel(session, h.tier)} · ${h.ownerName} · ${session.t(`book.search.rank.${h.rank}`)}`,
    buttons: [openButton(session, h.id)],
  }));
  const shownTo = offset + result.hits.length;
  const q = b64(query);
  return {
    header: { title, tone: "info" },
    blocks: [
      { kind: "list", items },
      { kind: "context", lines: [session.t("book.list.showing", { from: offset + 1, to: shownTo, total: result.total }), ...outside] },
      ...(shownTo < result.total && q
        ? [{ kind: "actions" as const, buttons: [button(session, "book.button.more", "customers.find_more", { memberId: session.member.id, args: { q, p: shownTo } })] }]
        : []),
    ],
    summary: title,
    moreTemplate: moreTemplate(session),
  };
}

export async function showSearch(session: Session, query: string, offset: number): Promise<View> {
  const result = await searchCustomers(session.deps, session.actor, query, { offset, limit: SEARCH_PAGE_SIZE });
  return searchView(session, query, result, offset);
}

export const findMore: ActionHandler = async (session, payload) => {
  const query = typeof payload.args?.q === "string" ? unb64(payload.args.q) : "";
  const offset = Number(payload.args?.p ?? 0) || 0;
  return { reply: { kind: "view", view: await showSearch(session, query, offset) } };
};
