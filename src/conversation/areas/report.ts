// report / 报表: KPIs for a range (definitions in core/kpi/rules.ts). The core decides whose
// figures a role may see (kpiGroups); `me | team | all` on the command only narrows what is
// shown, and asking for more than the role covers shows what it covers with a note saying so.
// Percentages, durations and money are written in the reader's language.
import type { Tier } from "@prisma/client";
import { kpiReport, type KpiMetrics, type KpiReport, type KpiRow } from "../../core/kpi/kpi.js";
import { TIERS } from "../../core/kpi/rules.js";
import type { ConversationArea } from "../area.js";
import { money, moreTemplate, tierLabel } from "../builders/common.js";
import type { Session } from "../session.js";
import type { Field, ListItem, View, ViewBlock } from "../views/view.js";

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
    { label: session.t("kpi.callback_completion"), value: completion(session, k) },
    { label: session.t("report.view.median_ack"), value: median(session, k.complaints.medianAckMinutes, k.complaints.acknowledged) },
    { label: session.t("report.view.median_resolve"), value: median(session, k.complaints.medianResolveMinutes, k.complaints.resolved) },
    { label: session.t("kpi.breached_sla"), value: breaches(session, k) },
    { label: session.t("kpi.churn_rate"), value: churn(session, k) },
    { label: session.t("kpi.avg_satisfaction"), value: satisfaction(session, k) },
    { label: session.t("report.view.hospitality_per_customer"), value: perCustomer(session, k) },
    { label: session.t("report.view.hospitality_per_tier"), value: perTier(session, k) },
  ];
}

/** The KPIs of one member or team on one line, for lists. */
function rowLine(session: Session, k: KpiMetrics): string {
  const rate = (value: number | null) => (value === null ? noData(session) : formatPercent(session, value));
  return session.t("report.view.row", {
    callbacks: rate(k.callbacks.completionRate),
    ack: k.complaints.medianAckMinutes === null ? noData(session) : formatDuration(session, k.complaints.medianAckMinutes),
    breaches: k.complaints.breachedSla,
    churn: rate(k.churn.rate),
    satisfaction: k.satisfaction.average === null ? noData(session) : numberFormat(session, { maximumFractionDigits: 2 }).format(k.satisfaction.average),
    spend: money(k.hospitality.spendFen),
  });
}

function rowsBlock(session: Session, title: string, rows: readonly KpiRow[], label: (row: KpiRow) => string): ViewBlock {
  const shown = rows.slice(0, REPORT_ROWS_LIMIT);
  const items: ListItem[] = shown.map((row) => ({ text: `*${label(row)}*\n${rowLine(session, row.metrics)}` }));
  return { kind: "list", title, items, ...(rows.length > shown.length ? { totalCount: rows.length } : {}) };
}

export function reportView(session: Session, report: KpiReport, requested?: Scope): View {
  const allowed: Scope = report.scope === "self" ? "me" : report.scope;
  const wanted = requested ?? allowed;
  const scope: Scope = SCOPE_RANK[wanted] > SCOPE_RANK[allowed] ? allowed : wanted;
  const mine = report.members.find((r) => r.id === session.member.id);
  const main = scope === "me" ? (mine ?? report.total) : report.total;
  const title = session.t("kpi.title", { from: report.from, to: report.to });
  const subtitle = session.t(`report.view.scope.${scope}`, { count: main.members });
  const blocks: ViewBlock[] = [{ kind: "fields", fields: metricFields(session, main.metrics) }];
  if (scope !== "me" && report.teams.length > 0) {
    blocks.push(rowsBlock(session, session.t("report.view.teams"), report.teams, (r) => `${session.t("kpi.team", { name: r.name ?? "—" })} (${session.t("report.view.members_count", { count: r.members })})`));
  }
  if (scope !== "me" && report.members.length > 0) {
    blocks.push(rowsBlock(session, session.t("report.view.members"), report.members, (r) => r.name ?? "—"));
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
      return { kind: "view", view: reportView(session, report, command.scope) };
    },
  },
};
