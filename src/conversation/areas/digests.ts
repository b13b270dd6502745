// digest / 日报: the morning digests as each recipient sees them, and their preview.
//
// The scheduler enqueues intents with ids and a local date only (target member:<id>):
//   {kind: "digest.callbacks", localDate}       the member's callbacks due that day and overdue
//   {kind: "digest.callbacks.team", localDate}  a lead's team summary
//   {kind: "digest.churn", localDate}           the owner's HIGH/MEDIUM customers
//   {kind: "digest.churn.team", localDate}      a lead's team top 10, newly risen marked
// The content is computed here, at send time, by the core's digest builders restricted to the
// recipient, so a digest never shows a callback done between the run and the send, and the
// `digest` preview (digestFor, the same builders) can never disagree with what is sent.
// Personal digests render nothing (null: dropped) when the recipient has nothing in them.
//
// The team intents also go to the tenant's digests channel (target channel:digests, audience
// "channel", rendered by a system session in the tenant's language): there they show the whole
// department (builders' `department` mode) and carry no buttons, since a channel post is read by
// everyone and a button may name only one member.
//
// The callback digest is the callbacks area's due list (same buttons and contract: Done / Log
// visit / Snooze / Skip with args.at = "list"), so a click turns the digest message into the
// refreshed list (entityType "CallbackList") without a second look for the same thing.
// Below the callbacks, a "visits overdue" section lists the member's planned visits (联络计划,
// visit cadence) still open past their day, each with Log visit (visit.open_form, as in `plan`):
// logging the visit completes the plan.
import type { DueCallback } from "../../core/callbacks/callbacks.js";
import {
  buildCallbackDigests,
  type DepartmentCallbackDigest,
  type MemberCallbackDigest,
  type OverdueVisitItem,
  type SupervisorCallbackDigest,
  type SurveyDigestSection,
  type TeamCallbackRow,
} from "../../core/digests/callbacks.js";
import { buildChurnDigests, type ChurnTeamSummary, type OwnerChurnDigest } from "../../core/digests/churn.js";
import { digestDateSchema, digestFor } from "../../core/digests/digest.js";
import { InvalidInputError } from "../../core/shared/errors.js";
import type { LocalDate } from "../../core/shared/time.js";
import type { ConversationArea, IntentRenderer } from "../area.js";
import { button, moreTemplate, scheduleDay, tierLabel } from "../builders/common.js";
import { mentionsOf } from "../mention.js";
import type { Session } from "../session.js";
import type { ListItem, View, ViewBlock } from "../views/view.js";
import { dueListView } from "./callbacks.js";
import { formatPercent } from "./report.js";
import { memberNames, riskButtons, riskItem, riskTone } from "./risk.js";

/** Rows of a team summary and customers of an owner's churn digest shown before "… N more". */
export const TEAM_ROWS_LIMIT = 30;
export const CHURN_ITEMS_LIMIT = 20;

/** The intent's local date; a malformed one is our bug (the scheduler wrote it), reported as such. */
function intentDate(intent: Record<string, unknown>): LocalDate {
  const parsed = digestDateSchema.safeParse(intent.localDate);
  if (!parsed.success || parsed.data === undefined) throw new InvalidInputError("digest.invalid_date", { value: String(intent.localDate) });
  return parsed.data;
}

/** Channel posts are read by everyone there: no buttons that only the recipient may click. */
function isChannel(intent: Record<string, unknown>): boolean {
  return intent.audience === "channel";
}

// ---------------------------------------------------------------------------------------------
// Callback digests

/** The snooze counts and notes the digest builder does not carry, for the Snooze buttons' version. */
async function dueItems(session: Session, digest: MemberCallbackDigest): Promise<DueCallback[]> {
  const ids = digest.items.map((i) => i.callbackId);
  if (ids.length === 0) return [];
  const rows = await session.deps.db.callback.findMany({
    where: { tenantId: session.tenant.id, id: { in: ids }, status: "PENDING" },
    select: { id: true, snoozeCount: true, note: true },
  });
  const extra = new Map(rows.map((r) => [r.id, r]));
  return digest.items.flatMap((item) => {
    const e = extra.get(item.callbackId);
    if (!e) return [];
    return [
      {
        id: item.callbackId,
        customerId: item.customerId,
        customerName: item.customerName,
        tier: item.tier,
        assigneeId: digest.memberId,
        dueOn: item.dueOn,
        daysOverdue: item.daysOverdue,
        reason: item.reason,
        note: e.note,
        snoozeCount: e.snoozeCount,
      },
    ];
  });
}

/** "Surveys to do: 5 — Acme (VIP), Beta (A), Gamma (B) …", with the command that lists them all. */
function surveySectionBlocks(session: Session, section: SurveyDigestSection): ViewBlock[] {
  const names = section.customers.map((c) => session.t("digest.surveys.customer", { name: c.customerName, tier: tierLabel(session, c.tier), survey: c.surveyName }));
  const more = section.count > section.customers.length ? [session.t("views.more", { count: section.count - section.customers.length })] : [];
  return [
    { kind: "text", text: `*${session.t("digest.surveys.title", { count: section.count })}*\n${[...names, ...more].join("\n")}` },
    { kind: "context", lines: [session.t("digest.surveys.hint")] },
  ];
}

export function callbackDigestView(session: Session, localDate: LocalDate, digest: MemberCallbackDigest, items: readonly DueCallback[]): View {
  // "due today" and the list's date are the digest's day, whenever it is sent.
  const list = dueListView({ ...session, today: localDate }, digest.memberId, items);
  const title = session.t("digest.callbacks.title", { date: scheduleDay(session, localDate) });
  const visits = digest.overdueVisits;
  const counts = [
    session.t("digest.callbacks.summary", { due: digest.due, overdue: digest.overdue }),
    ...(digest.surveys ? [session.t("digest.surveys.count", { count: digest.surveys.count })] : []),
  ].join(" · ");
  // With only overdue visits or survey tasks, the empty callback list would just say "nothing due".
  const blocks = [
    ...(items.length > 0 ? list.blocks : []),
    ...overdueVisitBlocks(session, digest.memberId, visits),
    ...(digest.surveys ? surveySectionBlocks(session, digest.surveys) : []),
  ];
  const visitCount = visits.length > 0 ? ` · ${session.t("digest.visits.count", { count: visits.length })}` : "";
  return {
    ...list,
    header: { ...list.header, title, subtitle: counts + visitCount, ...(visits.length > 0 ? { tone: "warning" as const } : {}) },
    blocks,
    summary: `${title} · ${counts}${visitCount}`,
  };
}

/** Overdue planned visits shown in the callback digest before "… N more" (the plan shows them all). */
export const DIGEST_VISITS_LIMIT = 5;

/** The "visits overdue" section: each planned visit past its day with the one click that settles it, Log visit. */
function overdueVisitBlocks(session: Session, memberId: string, visits: readonly OverdueVisitItem[]): ViewBlock[] {
  if (visits.length === 0) return [];
  const shown = visits.slice(0, DIGEST_VISITS_LIMIT);
  const items: ListItem[] = shown.map((v) => ({
    text: [
      `*${v.customerName}* · ${tierLabel(session, v.tier)}`,
      `⚠ ${session.t("digest.visits.overdue", { date: scheduleDay(session, v.plannedOn), days: v.daysOverdue })}${v.purpose ? ` · ${v.purpose}` : ""}`,
    ].join("\n"),
    buttons: [button(session, "plan.view.button.log_visit", "visit.open_form", { entityId: v.customerId, memberId }, { style: "primary" })],
  }));
  return [
    { kind: "text", text: `*${session.t("digest.visits.title")}*` },
    { kind: "list", items, ...(visits.length > shown.length ? { totalCount: visits.length } : {}) },
  ];
}

/** One member's line of a team summary: "⚠ Alice: 2 due, 2 overdue, 0 done yesterday · 0% done (30 days)". */
function teamRowText(session: Session, r: TeamCallbackRow, name = r.name): string {
  return [
    `${r.overdue > 0 ? "⚠ " : ""}${session.t("digest.callbacks.team_row", { name, due: r.due, overdue: r.overdue, doneYesterday: r.doneYesterday })}`,
    ...(r.postponedOverdue ? [session.t("digest.view.postponed_overdue", { count: r.postponedOverdue })] : []),
    ...(r.completionRate !== null ? [session.t("digest.view.member_rate", { rate: formatPercent(session, r.completionRate) })] : []),
  ].join(" · ");
}

function teamCountsText(session: Session, totals: SupervisorCallbackDigest["totals"]): string {
  return session.t("digest.view.team_counts", { due: totals.due, overdue: totals.overdue, doneYesterday: totals.doneYesterday });
}

function rateText(session: Session, rate: number | null, of: "team" | "department"): string {
  return rate !== null
    ? session.t(`digest.view.${of}_rate`, { rate: formatPercent(session, rate) })
    : session.t(`digest.view.${of}_rate_none`);
}

/**
 * A lead's team summary. `mentions` (member id -> mention) names the members as platform mentions:
 * in the lead's direct message they link to each person; the department's channel post keeps
 * plain names, where mentions would notify the whole department every morning.
 */
export function teamCallbackDigestView(session: Session, localDate: LocalDate, team: SupervisorCallbackDigest, mentions?: ReadonlyMap<string, string>): View {
  const title = session.t("digest.callbacks.team_title", { date: scheduleDay(session, localDate) });
  const counts = teamCountsText(session, team.totals);
  const rows = team.team.slice(0, TEAM_ROWS_LIMIT);
  const items: ListItem[] = rows.map((r) => ({ text: teamRowText(session, r, mentions?.get(r.memberId)) }));
  return {
    header: { title, subtitle: counts, tone: team.totals.overdue > 0 ? "warning" : "info" },
    blocks: [
      { kind: "text", text: `*${rateText(session, team.completionRate, "team")}*` },
      { kind: "list", items, ...(team.team.length > rows.length ? { totalCount: team.team.length } : {}) },
    ],
    summary: `${title} · ${counts}`,
    moreTemplate: moreTemplate(session),
  };
}

/**
 * The digests channel's callback post: the department's totals and rate, then each team as its
 * lead's digest shows it. A team is one list item (its rows as lines, the first TEAM_ROWS_LIMIT
 * of them), so a department of many teams stays within Slack's 50 blocks; the renderers clip an
 * overlong item with "…".
 */
export function departmentCallbackDigestView(
  session: Session,
  localDate: LocalDate,
  department: DepartmentCallbackDigest,
  leadNames: ReadonlyMap<string, string>,
): View {
  const title = session.t("digest.callbacks.department_title", { date: scheduleDay(session, localDate) });
  const counts = teamCountsText(session, department.totals);
  const group = (head: string, rows: readonly TeamCallbackRow[]): ListItem => {
    const shown = rows.slice(0, TEAM_ROWS_LIMIT);
    const more = rows.length > shown.length ? [session.t("views.more", { count: rows.length - shown.length })] : [];
    return { text: [head, ...shown.map((r) => teamRowText(session, r)), ...more].join("\n") };
  };
  const items = department.teams.map((team) =>
    group(
      [
        `*${session.t("digest.view.team_of", { name: leadNames.get(team.supervisorId) ?? "—" })}*`,
        teamCountsText(session, team.totals),
        rateText(session, team.completionRate, "team"),
      ].join(" · "),
      team.team,
    ),
  );
  if (department.others.length > 0) items.push(group(`*${session.t("digest.view.outside_teams")}*`, department.others));
  return {
    header: { title, subtitle: counts, tone: department.totals.overdue > 0 ? "warning" : "info" },
    blocks: [
      { kind: "text", text: `*${rateText(session, department.completionRate, "department")}*` },
      { kind: "list", items },
    ],
    summary: `${title} · ${counts}`,
    moreTemplate: moreTemplate(session),
  };
}

// ---------------------------------------------------------------------------------------------
// Churn digests

export function churnDigestView(session: Session, localDate: LocalDate, own: OwnerChurnDigest, options: { buttons: boolean }): View {
  const title = session.t("digest.churn.title", { date: scheduleDay(session, localDate) });
  const newlyRisen = own.customers.filter((c) => c.newlyRisen).length;
  const counts = session.t("digest.churn.counts", { high: own.high, medium: own.medium, newlyRisen });
  const shown = own.customers.slice(0, CHURN_ITEMS_LIMIT);
  const items = shown.map((c) =>
    riskItem(session, c, { newlyRisen: c.newlyRisen, ...(options.buttons ? { buttons: riskButtons(session, c.customerId, own.memberId) } : {}) }),
  );
  return {
    header: { title, subtitle: counts, tone: riskTone(own.high, own.medium) },
    blocks: [
      { kind: "list", items, ...(own.customers.length > shown.length ? { totalCount: own.customers.length } : {}) },
      ...(newlyRisen > 0 ? [{ kind: "context" as const, lines: [session.t("digest.view.newly_risen_hint")] }] : []),
    ],
    summary: `${title} · ${counts}`,
    moreTemplate: moreTemplate(session),
  };
}

/**
 * A lead's team top (buttons for `buttonsFor`, the lead) or, without buttons, the department's
 * top for the digests channel: the same view, as the department head's digest shows it.
 */
export function teamChurnDigestView(
  session: Session,
  localDate: LocalDate,
  team: ChurnTeamSummary,
  names: ReadonlyMap<string, string>,
  options: { buttonsFor?: string },
): View {
  const buttonsFor = options.buttonsFor;
  const title = session.t(team.scope === "tenant" ? "digest.churn.tenant_title" : "digest.churn.team_title", { date: scheduleDay(session, localDate) });
  const counts = session.t("digest.churn.counts", { high: team.high, medium: team.medium, newlyRisen: team.newlyRisen });
  const items = team.top.map((c) =>
    riskItem(session, c, {
      ownerName: names.get(c.ownerId) ?? "—",
      newlyRisen: c.newlyRisen,
      ...(buttonsFor
        ? { buttons: [button(session, "customer.button.open", "customer.open", { entityId: c.customerId, memberId: buttonsFor })] }
        : {}),
    }),
  );
  const total = team.high + team.medium;
  return {
    header: { title, subtitle: counts, tone: riskTone(team.high, team.medium) },
    blocks: [
      { kind: "list", items, ...(total > items.length ? { totalCount: total } : {}) },
      ...(team.newlyRisen > 0 ? [{ kind: "context" as const, lines: [session.t("digest.view.newly_risen_hint")] }] : []),
    ],
    summary: `${title} · ${counts}`,
    moreTemplate: moreTemplate(session),
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering the scheduled intents for their recipient

const renderCallbacks: IntentRenderer = async (session, intent) => {
  if (isChannel(intent)) return null;
  const localDate = intentDate(intent);
  const built = await buildCallbackDigests(session.deps.db, session.tenant, localDate, { recipientId: session.member.id });
  const mine = built.members.find((m) => m.memberId === session.member.id);
  if (!mine) return null;
  const items = await dueItems(session, mine);
  return items.length > 0 || mine.overdueVisits.length > 0 || mine.surveys ? callbackDigestView(session, localDate, mine, items) : null;
};

/** The team's members as mentions, by member id. */
function teamMentions(session: Session, team: SupervisorCallbackDigest): Promise<Map<string, string>> {
  return mentionsOf(session, new Map(team.team.map((r) => [r.memberId, r.name])));
}

const renderCallbacksTeam: IntentRenderer = async (session, intent) => {
  const localDate = intentDate(intent);
  if (isChannel(intent)) {
    const { department } = await buildCallbackDigests(session.deps.db, session.tenant, localDate, { department: true });
    if (!department || department.teams.length + department.others.length === 0) return null;
    const names = await memberNames(session, department.teams.map((t) => t.supervisorId));
    return departmentCallbackDigestView(session, localDate, department, names);
  }
  const built = await buildCallbackDigests(session.deps.db, session.tenant, localDate, { recipientId: session.member.id });
  const team = built.supervisors.find((s) => s.supervisorId === session.member.id);
  return team ? teamCallbackDigestView(session, localDate, team, await teamMentions(session, team)) : null;
};

const renderChurn: IntentRenderer = async (session, intent) => {
  if (isChannel(intent)) return null;
  const localDate = intentDate(intent);
  const built = await buildChurnDigests(session.deps.db, session.tenant, localDate, { recipientId: session.member.id });
  const mine = built.owners.find((o) => o.memberId === session.member.id);
  return mine && mine.customers.length > 0 ? churnDigestView(session, localDate, mine, { buttons: true }) : null;
};

const renderChurnTeam: IntentRenderer = async (session, intent) => {
  const localDate = intentDate(intent);
  const built = isChannel(intent)
    ? await buildChurnDigests(session.deps.db, session.tenant, localDate, { department: true })
    : await buildChurnDigests(session.deps.db, session.tenant, localDate, { recipientId: session.member.id });
  const team = isChannel(intent) ? built.department : built.supervisors.find((s) => s.memberId === session.member.id);
  if (!team || team.high + team.medium === 0) return null;
  const names = await memberNames(session, team.top.map((c) => c.ownerId));
  // Owners as mentions in the lead's direct message only (see teamCallbackDigestView).
  if (isChannel(intent)) return teamChurnDigestView(session, localDate, team, names, {});
  return teamChurnDigestView(session, localDate, team, await mentionsOf(session, names), { buttonsFor: session.member.id });
};

// ---------------------------------------------------------------------------------------------
// `digest [callbacks|risk]`: today's digests as this member will receive them

/**
 * Items per list in the preview: up to four digests share one message, and Slack allows 50
 * blocks in all (an item with buttons takes two); the full lists come in the digests themselves.
 */
export const PREVIEW_ITEMS = 5;

function shortened(block: ViewBlock): ViewBlock {
  if (block.kind !== "list" || block.items.length <= PREVIEW_ITEMS) return block;
  return { ...block, items: block.items.slice(0, PREVIEW_ITEMS), totalCount: Math.max(block.totalCount ?? 0, block.items.length) };
}

/** One view made of several digests: each digest's title in bold, its blocks, a divider between. */
function combined(session: Session, title: string, subtitle: string, parts: readonly (View | string)[]): View {
  const blocks: ViewBlock[] = [];
  parts.forEach((part, i) => {
    if (i > 0) blocks.push({ kind: "divider" });
    if (typeof part === "string") {
      blocks.push({ kind: "text", text: part });
      return;
    }
    const head = [part.header ? `*${part.header.title}*` : "", part.header?.subtitle ?? ""].filter(Boolean).join("\n");
    if (head) blocks.push({ kind: "text", text: head });
    blocks.push(...part.blocks.map(shortened));
  });
  return { header: { title, subtitle }, blocks, summary: title, moreTemplate: moreTemplate(session) };
}

export const digestsArea: ConversationArea = {
  commands: {
    "digest.preview": async (session, command) => {
      const digest = await digestFor(session.deps, session.actor);
      const date = digest.localDate;
      const parts: (View | string)[] = [];
      if (command.digest !== "CHURN") {
        const { mine, team } = digest.callbacks;
        const items = mine ? await dueItems(session, mine) : [];
        if (mine && (items.length > 0 || mine.overdueVisits.length > 0 || mine.surveys)) parts.push(callbackDigestView(session, date, mine, items));
        if (team) parts.push(teamCallbackDigestView(session, date, team, await teamMentions(session, team)));
        if (parts.length === 0) parts.push(session.t("digest.view.no_callbacks"));
      }
      if (command.digest !== "CALLBACKS") {
        const before = parts.length;
        const { mine, team } = digest.churn;
        if (mine && mine.customers.length > 0) parts.push(churnDigestView(session, date, mine, { buttons: true }));
        if (team) {
          const names = await mentionsOf(session, await memberNames(session, team.top.map((c) => c.ownerId)));
          parts.push(teamChurnDigestView(session, date, team, names, { buttonsFor: team.memberId }));
        }
        if (parts.length === before) parts.push(session.t("digest.view.no_churn"));
      }
      const { callbacksAt, churnAt } = session.tenant.settings.digests;
      const title = session.t("digest.view.preview_title", { date: scheduleDay(session, date) });
      const subtitle = session.t(
        command.digest === "CALLBACKS" ? "digest.view.preview_when_callbacks" : command.digest === "CHURN" ? "digest.view.preview_when_churn" : "digest.view.preview_when",
        { callbacksAt, churnAt },
      );
      return { kind: "view", view: combined(session, title, subtitle, parts) };
    },
  },

  intents: {
    "digest.callbacks": renderCallbacks,
    "digest.callbacks.team": renderCallbacksTeam,
    "digest.churn": renderChurn,
    "digest.churn.team": renderChurnTeam,
  },
};
