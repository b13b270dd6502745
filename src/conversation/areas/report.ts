// report / 报表: KPIs for a range (definitions in core/kpi/rules.ts). The core decides whose
// figures a role may see (kpiGroups); `me | team | all` on the command only narrows what is
// shown, and asking for more than the role covers shows what it covers with a note saying so.
// Percentages, durations and money are written in the reader's language.
import type { Tier } from "@prisma/client";
import { kpiReport, type KpiMetrics, type KpiReport, type KpiRow } from "../../core/kpi/kpi.js";
import { TIERS } from "../../core/kpi/rules.js";
import type { ConversationArea } from "../area.js";
import { reportWorkbook } from "../exports/report-xlsx.js";
import { localDay, money, moreTemplate, tierLabel } from "../builders/common.js";
import type { Session } from "../session.js";
import type { Field, ListItem, View, ViewBlock } from "../views/view.js";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Member and team rows shown before "… N more" (a department can have hundreds of members). */
export const REPORT_ROWS_LIMIT = 30;

type Scope = "me" | "team" | "tenant";
const SCOPE_RANK: Record<Scope, number> = { me: 0, team: 1, tenant: 2 };

function numberFormat(session: Session, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(session.locale, options);
}

/** A fraction 0..1 as "83.3%" / "83.3%". */
export function formatPercent(session: Session, fraction: number): string {
  return numberFormat(session, { style: "percent", maximumFractionDigits: 1 }).format(fraction);
}

/** Minutes as "25 min", "1 h 30 min", "3 d 4 h" (and the Chinese equivalents). */
export function formatDuration(session: Session, minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return session.t("report.view.duration.min", { m });
  if (m < 24 * 60) return session.t("report.view.duration.h_min", { h: Math.floor(m / 60), m: m % 60 });
  return session.t("report.view.duration.d_h", { d: Math.floor(m / (24 * 60)), h: Math.floor((m % (24 * 60)) / 60) });
}

/** Working time in hours and minutes: a "day" of working time would read as 24 hours, so there is none. */
export function formatWorkingDuration(session: Session, minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  return m < 60 ? session.t("report.view.duration.min", { m }) : session.t("report.view.duration.h_min", { h: Math.floor(m / 60), m: m % 60 });
}

function workingMedian(session: Session, minutes: number | null, count: number): string {
  return minutes === null ? noData(session) : session.t("report.view.median", { duration: formatWorkingDuration(session, minutes), count });
}

function noData(session: Session): string {
  return session.t("kpi.no_data");
}

function completion(session: Session, k: KpiMetrics): string {
  const c = k.callbacks;
  return c.completionRate === null
    ? noData(session)
    : session.t("report.view.of", { value: formatPercent(session, c.completionRate), part: c.done, whole: c.due });
}

function churn(session: Session, k: KpiMetrics): string {
  const c = k.churn;
  return c.rate === null ? noData(session) : session.t("report.view.of", { value: formatPercent(session, c.rate), part: c.churned, whole: c.activeAtStart });
}

function satisfaction(session: Session, k: KpiMetrics): string {
  const s = k.satisfaction;
  if (s.average === null) return noData(session);
  const average = numberFormat(session, { maximumFractionDigits: 2 }).format(s.average);
  return session.t("report.view.satisfaction", { average, responses: s.responses });
}

function median(session: Session, minutes: number | null, count: number): string {
  return minutes === null ? noData(session) : session.t("report.view.median", { duration: formatDuration(session, minutes), count });
}

function breaches(session: Session, k: KpiMetrics): string {
  return session.t("report.view.breaches", { count: k.complaints.breachedSla, registered: k.complaints.registered });
}

function onTime(session: Session, k: KpiMetrics): string {
  const c = k.callbacks;
  return c.onTimeRate === null ? noData(session) : session.t("report.view.of", { value: formatPercent(session, c.onTimeRate), part: c.onTime, whole: c.due });
}

function outcomes(session: Session, k: KpiMetrics): string {
  const o = k.callbacks.outcomes;
  return session.t("report.view.outcomes", { reached: o.reached, noAnswer: o.noAnswer, callLater: o.callLater });
}

function signedPercent(session: Session, fraction: number): string {
  return numberFormat(session, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(fraction);
}

function sales(session: Session, k: KpiMetrics): string {
  const s = k.sales;
  const change = s.growth === null ? noData(session) : signedPercent(session, s.growth);
  return session.t("report.view.sales", { amount: money(s.salesFen), previous: money(s.previousFen), growth: change });
}

function retention(session: Session, k: KpiMetrics): string {
  const s = k.sales;
  return s.retention === null ? noData(session) : session.t("report.view.of", { value: formatPercent(session, s.retention), part: s.retained, whole: s.activeBefore });
}

function perCustomer(session: Session, k: KpiMetrics): string {
  const h = k.hospitality;
  return h.perCustomerFen === null
    ? noData(session)
    : session.t("report.view.per_customer", { amount: money(h.perCustomerFen), spend: money(h.spendFen), customers: h.customers });
}

function perTier(session: Session, k: KpiMetrics): string {
  const parts = TIERS.filter((tier: Tier) => k.hospitality.byTier[tier].requests > 0).map((tier) => {
    const s = k.hospitality.byTier[tier];
    return session.t("report.view.tier_spend", {
      tier: tierLabel(session, tier),
      amount: s.perCustomerFen === null ? noData(session) : money(s.perCustomerFen),
      spend: money(s.spendFen),
    });
  });
  return parts.length > 0 ? parts.join(" · ") : noData(session);
}

/** Every KPI of one group, one field each. */
function metricFields(session: Session, k: KpiMetrics): Field[] {
  return [
    { label: session.t("report.view.sales_label"), value: sales(session, k) },
    { label: session.t("report.view.retention_label"), value: retention(session, k) },
    { label: session.t("kpi.callback_completion"), value: completion(session, k) },
    { label: session.t("report.view.on_time_label"), value: onTime(session, k) },
    { label: session.t("report.view.outcomes_label"), value: outcomes(session, k) },
    ...(k.callbacks.postponed > 0
      ? [{ label: session.t("report.view.postponed_label"), value: session.t("report.view.postponed", { count: k.callbacks.postponed, overdue: k.callbacks.postponedOverdue }) }]
      : []),
    { label: session.t("report.view.visits_label"), value: String(k.visits.logged) },
    { label: session.t("report.view.median_ack"), value: median(session, k.complaints.medianAckMinutes, k.complaints.acknowledged) },
    { label: session.t("report.view.median_resolve"), value: median(session, k.complaints.medianResolveMinutes, k.complaints.resolved) },
    { label: session.t("report.view.median_ack_working"), value: workingMedian(session, k.complaints.medianAckWorkingMinutes, k.complaints.acknowledged) },
    { label: session.t("report.view.median_resolve_working"), value: workingMedian(session, k.complaints.medianResolveWorkingMinutes, k.complaints.resolved) },
    { label: session.t("kpi.breached_sla"), value: breaches(session, k) },
    { label: session.t("report.view.escalations_label"), value: String(k.complaints.escalationsReceived) },
    { label: session.t("kpi.churn_rate"), value: churn(session, k) },
    { label: session.t("kpi.avg_satisfaction"), value: satisfaction(session, k) },
    { label: session.t("report.view.hospitality_per_customer"), value: perCustomer(session, k) },
    { label: session.t("report.view.hospitality_per_tier"), value: perTier(session, k) },
  ];
}

/**
 * The KPIs of one member or team on one line, for lists. A member with no customers of their own
 * (a department head, an admin) has no callbacks to complete: the line leaves that figure out
 * rather than showing a "—" that reads like a failure.
 */
function rowLine(session: Session, k: KpiMetrics, kind: KpiRow["kind"]): string {
  const rate = (value: number | null) => (value === null ? noData(session) : formatPercent(session, value));
  const parts: string[] = [];
  parts.push(session.t("report.view.row.sales", { amount: money(k.sales.salesFen), growth: k.sales.growth === null ? noData(session) : signedPercent(session, k.sales.growth) }));
  if (k.sales.activeBefore > 0) parts.push(session.t("report.view.row.retention", { rate: rate(k.sales.retention) }));
  if (k.callbacks.due > 0 || (kind !== "member" || k.customers > 0)) {
    parts.push(session.t("report.view.row.callbacks", { rate: rate(k.callbacks.completionRate), done: k.callbacks.done, due: k.callbacks.due }));
  }
  if (k.callbacks.postponedOverdue > 0) parts.push(session.t("report.view.row.postponed_overdue", { count: k.callbacks.postponedOverdue }));
  if (k.visits.logged > 0) parts.push(session.t("report.view.row.visits", { count: k.visits.logged }));
  if (k.complaints.medianAckMinutes !== null) {
    const ack = session.t("report.view.row.ack", { duration: formatDuration(session, k.complaints.medianAckMinutes) });
    const working = k.complaints.medianAckWorkingMinutes;
    parts.push(working === null ? ack : `${ack}${session.t("report.view.row.ack_working", { duration: formatWorkingDuration(session, working) })}`);
  }
  parts.push(session.t("report.view.row.breaches", { count: k.complaints.breachedSla }));
  if (k.complaints.escalationsReceived > 0) parts.push(session.t("report.view.row.escalations", { count: k.complaints.escalationsReceived }));
  if (k.churn.rate !== null) parts.push(session.t("report.view.row.churn", { rate: rate(k.churn.rate) }));
  if (k.satisfaction.average !== null) {
    parts.push(session.t("report.view.row.satisfaction", { average: numberFormat(session, { maximumFractionDigits: 2 }).format(k.satisfaction.average) }));
  }
  if (k.hospitality.spendFen > 0n) parts.push(session.t("report.view.row.hospitality", { spend: money(k.hospitality.spendFen) }));
  return parts.join(" · ");
}

/** Whether a member row has anything to say: customers of their own, or something in the period. */
export function memberRowShown(row: KpiRow): boolean {
  const k = row.metrics;
  return (
    k.customers > 0 ||
    k.callbacks.due > 0 ||
    k.complaints.registered > 0 ||
    k.complaints.breachedSla > 0 ||
    k.complaints.escalationsReceived > 0 ||
    k.visits.logged > 0 ||
    k.sales.salesFen > 0n ||
    k.sales.previousFen > 0n ||
    k.hospitality.requests > 0 ||
    k.satisfaction.responses > 0 ||
    k.churn.activeAtStart > 0
  );
}

/** Who a row counts, in words: the member (and how many customers), a team and its size, or "not in a team". */
export function rowLabel(session: Session, row: KpiRow): string {
  const inactive = row.inactiveMembers > 0 ? session.t("report.view.label.inactive_count", { count: row.inactiveMembers }) : "";
  if (row.kind === "member") {
    const name = row.name ?? "—";
    const who = row.inactive ? session.t("report.view.label.deactivated", { name }) : name;
    return session.t("report.view.label.with", { who, what: session.t("report.view.label.customers", { count: row.metrics.customers }) });
  }
  const what = `${session.t("report.view.members_count", { count: row.members })}${inactive}`;
  const who = row.kind === "others" ? session.t("report.view.label.others") : session.t("kpi.team", { name: row.name ?? "—" });
  return session.t("report.view.label.with", { who, what });
}

function rowsBlock(session: Session, title: string, rows: readonly KpiRow[], hidden = 0): ViewBlock {
  const shown = rows.slice(0, REPORT_ROWS_LIMIT);
  const items: ListItem[] = shown.map((row) => ({ text: `*${rowLabel(session, row)}*\n${rowLine(session, row.metrics, row.kind)}` }));
  return {
    kind: "list",
    title: hidden > 0 ? `${title} · ${session.t("report.view.hidden_members", { count: hidden })}` : title,
    items,
    ...(rows.length > shown.length ? { totalCount: rows.length } : {}),
  };
}

export function reportView(session: Session, report: KpiReport, requested?: Scope): View {
  const allowed: Scope = report.scope === "self" ? "me" : report.scope;
  const wanted = requested ?? allowed;
  const scope: Scope = SCOPE_RANK[wanted] > SCOPE_RANK[allowed] ? allowed : wanted;
  const mine = report.members.find((r) => r.id === session.member.id);
  const main = scope === "me" ? (mine ?? report.total) : report.total;
  const title = session.t("kpi.title", { from: localDay(session, report.from), to: localDay(session, report.to) });
  const subtitle = session.t(`report.view.scope.${scope}`, { count: main.members });
  const blocks: ViewBlock[] = [{ kind: "fields", fields: metricFields(session, main.metrics) }];
  if (scope !== "me" && report.teams.length > 0) {
    blocks.push(rowsBlock(session, session.t("report.view.teams"), report.teams));
  }
  if (scope !== "me" && report.members.length > 0) {
    const shown = report.members.filter(memberRowShown);
    blocks.push(rowsBlock(session, session.t("report.view.members"), shown, report.members.length - shown.length));
  }
  const notes = [
    ...(wanted !== scope ? [session.t("report.view.scope_limited", { scope: session.t(`report.view.scope_name.${allowed}`) })] : []),
    session.t("report.view.definitions"),
  ];
  blocks.push({ kind: "context", lines: notes });
  return {
    header: { title, subtitle },
    blocks,
    summary: `${title} · ${subtitle}`,
    moreTemplate: moreTemplate(session),
  };
}

export const reportArea: ConversationArea = {
  commands: {
    "report.kpi": async (session, command) => {
      const report = await kpiReport(session.deps, session.actor, {
        ...(command.from ? { from: command.from } : {}),
        ...(command.to ? { to: command.to } : {}),
      });
      const view = reportView(session, report, command.scope);
      if (!command.file) return { kind: "view", view };
      const name = `${session.t("report.file.name", { from: report.from, to: report.to })}.xlsx`;
      const bytes = await reportWorkbook(report, session.locale);
      const sent: View = {
        header: { title: session.t("report.file.sent_title", { name }), subtitle: view.header?.subtitle ?? "" },
        blocks: [{ kind: "text", text: session.t("report.file.sent", { name, rows: report.members.length }) }],
        summary: session.t("report.file.sent_title", { name }),
      };
      return { kind: "file", file: { name, bytes, mime: XLSX_MIME }, view: sent };
    },
  },
};
