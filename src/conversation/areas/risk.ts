// risk / 预警: the at-risk customers a member looks after, and the churn-risk pieces other views
// share (a customer's list item with its reasons, the risk line of the customer card). The
// reason texts are the core's (catalog/risk.ts); a reason is always shown with its points so a
// reader can see how the score adds up.
import { myRisk, riskForCustomer, type CustomerRisk, type MyRisk } from "../../core/risk/risk.js";
import type { RiskLevel, RiskReason } from "../../core/risk/rules.js";
import { isDomainError } from "../../core/shared/errors.js";
import type { ConversationArea } from "../area.js";
import { button, localDay, localDayOf, money, moreTemplate, tierLabel } from "../builders/common.js";
import { customerFigures, type CustomerFigures } from "../../core/kpi/customer-figures.js";
import type { Session } from "../session.js";
import type { Button, ListItem, Tone, View } from "../views/view.js";

/** At-risk customers shown in one list; the rest are counted in "… and N more". */
export const RISK_LIST_LIMIT = 20;
/** Reasons on the customer card's risk line (the largest ones; the list shows all). */
export const CARD_REASONS = 3;

export function riskLevelLabel(session: Session, level: RiskLevel): string {
  return session.t(`risk.level.${level}`);
}

export function riskTone(high: number, medium: number): Tone {
  return high > 0 ? "danger" : medium > 0 ? "warning" : "success";
}

export function reasonText(session: Session, reason: RiskReason): string {
  switch (reason.signal) {
    case "contact_gap": {
      if (reason.visitOverdueDays === undefined) return session.t("risk.reason.contact_gap", { days: reason.days, cadenceDays: reason.cadenceDays });
      const visit = session.t("risk.reason.visit_overdue", { days: reason.visitOverdueDays, visitCadenceDays: reason.visitCadenceDays ?? 0 });
      // The call gap is named too when it is past its own cadence.
      return reason.days > reason.cadenceDays
        ? `${session.t("risk.reason.contact_gap", { days: reason.days, cadenceDays: reason.cadenceDays })}${session.t("risk.reason.and")}${visit}`
        : visit;
    }
    case "purchase_decline":
      return session.t("risk.reason.purchase_decline", {
        percent: reason.percent,
        recent: money(BigInt(reason.recentFen)),
        previous: money(BigInt(reason.previousFen)),
      });
    case "open_complaints":
      return session.t("risk.reason.open_complaints", { count: reason.count });
    case "overdue_complaints":
      return session.t("risk.reason.overdue_complaints", { count: reason.count });
    case "low_satisfaction":
      return session.t("risk.reason.low_satisfaction", { satisfaction: reason.satisfaction });
    case "overdue_callbacks":
      return session.t("risk.reason.overdue_callbacks", { count: reason.count, maxDaysOverdue: reason.maxDaysOverdue });
    case "credit":
      return reason.overdueFen > 0
        ? session.t("risk.reason.credit_overdue", { overdue: money(BigInt(reason.overdueFen)) })
        : session.t("risk.reason.credit_over_limit");
  }
}

/** The reasons on one line, largest first, each with its points ("… +35 · … +16"). */
export function reasonsLine(session: Session, reasons: readonly RiskReason[], max = reasons.length): string {
  return reasons
    .slice(0, max)
    .map((r) => `${reasonText(session, r)} ${session.t("risk.points", { points: r.points })}`)
    .join(" · ");
}

export function scoreText(session: Session, risk: Pick<CustomerRisk, "level" | "score">): string {
  return session.t("risk.view.score", { level: riskLevelLabel(session, risk.level), score: risk.score });
}

export interface RiskItemOptions {
  /** Shown for team and tenant lists, where the reader is not the owner. */
  ownerName?: string | undefined;
  /** Marks a customer whose level rose since yesterday's snapshot (churn digest). */
  newlyRisen?: boolean;
  buttons?: Button[];
}

/** One at-risk customer: name, tier, level and score on the first line, the reasons on the second. */
export function riskItem(session: Session, risk: CustomerRisk, options: RiskItemOptions = {}): ListItem {
  const head = [
    `${options.newlyRisen ? "🆕 " : ""}*${risk.name}*`,
    tierLabel(session, risk.tier),
    scoreText(session, risk),
    ...(options.ownerName ? [session.t("risk.view.owner", { name: options.ownerName })] : []),
    ...(options.newlyRisen ? [session.t("digest.churn.newly_risen")] : []),
  ].join(" · ");
  return {
    text: risk.reasons.length > 0 ? `${head}\n${reasonsLine(session, risk.reasons)}` : head,
    ...(options.buttons && options.buttons.length > 0 ? { buttons: options.buttons } : {}),
  };
}

/** "Schedule callback" and "Log visit" for one customer, clickable only by `memberId`. */
export function riskButtons(session: Session, customerId: string, memberId: string): Button[] {
  return [
    button(session, "customer.button.schedule_callback", "callback.open_form", { entityId: customerId, memberId }, { style: "primary" }),
    button(session, "customer.button.log_visit", "visit.open_form", { entityId: customerId, memberId }),
  ];
}

/** Display names of members by id, one query for the whole list. */
export async function memberNames(session: Session, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await session.deps.db.member.findMany({
    where: { tenantId: session.tenant.id, id: { in: unique } },
    select: { id: true, displayName: true },
  });
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

export function riskListView(session: Session, result: MyRisk, names: ReadonlyMap<string, string>): View {
  const title = session.t(`risk.view.title.${result.scope}`);
  const counts = session.t("risk.view.counts", { high: result.high, medium: result.medium, scored: result.scored });
  const showOwner = result.scope !== "own";
  const items = result.customers.map((r) =>
    riskItem(session, r, {
      ...(showOwner ? { ownerName: names.get(r.ownerId) ?? "—" } : {}),
      buttons: riskButtons(session, r.customerId, session.member.id),
    }),
  );
  const total = result.high + result.medium;
  const { highAt, mediumAt } = session.tenant.settings.risk;
  return {
    header: { title, subtitle: counts, tone: riskTone(result.high, result.medium) },
    blocks: [
      { kind: "list", items, ...(total > items.length ? { totalCount: total } : {}), emptyText: session.t("risk.none") },
      { kind: "context", lines: [session.t("risk.view.as_of", { date: localDay(session, result.asOf), high: highAt, medium: mediumAt })] },
    ],
    summary: `${title} · ${counts}`,
    moreTemplate: moreTemplate(session),
  };
}

/**
 * The risk of the customer on a card, or null when it is not scored (tier C, churned) or the
 * reader may not see it; a card never fails because of its risk line.
 */
export async function cardRisk(
  session: Session,
  customerId: string,
  known?: Parameters<typeof riskForCustomer>[3],
): Promise<CardRisk | null> {
  try {
    return await withFigures(session, customerId, await riskForCustomer(session.deps, session.actor, customerId, known));
  } catch (err) {
    if (isDomainError(err) && err.code === "risk.customer_not_found") return null;
    throw err;
  }
}

/** The score's inputs a department head asks about next on a card: what the customer bought and said. */
export async function withFigures(session: Session, customerId: string, risk: CustomerRisk | null | undefined): Promise<CardRisk | null> {
  if (!risk) return null;
  return { ...risk, figures: await customerFigures(session.deps.db, session.tenant, customerId, session.now) };
}

/** A card's risk with the purchases and survey answers behind it. */
export type CardRisk = CustomerRisk & { figures?: CustomerFigures };

function figuresLines(session: Session, figures: CustomerFigures): string[] {
  const p = figures.purchases;
  const amount = money(p.last12MonthsFen);
  const lines = [
    p.change === null
      ? session.t("risk.view.purchases_12m_no_base", { amount })
      : session.t("risk.view.purchases_12m", {
          amount,
          change: new Intl.NumberFormat(session.locale, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(p.change),
        }),
  ];
  const sv = figures.survey;
  if (sv) {
    const scores = Object.entries(sv.scores).map(([d, n]) => `${d} ${n}`).join(" · ");
    const trend =
      sv.previousAvg === null ? "" : sv.avgScore > sv.previousAvg ? " ↑" : sv.avgScore < sv.previousAvg ? " ↓" : " →";
    lines.push(session.t("risk.view.latest_survey", { survey: sv.surveyName, date: localDayOf(session, sv.respondedAt), scores, trend }));
  }
  return lines;
}

/** "Churn risk: High risk · 82/100" and, below it, the largest reasons (and on a card, purchases and the latest survey). */
export function riskLine(session: Session, risk: CardRisk): string {
  const head = session.t("risk.view.card_line", { score: scoreText(session, risk) });
  const lines = [head, ...(risk.reasons.length > 0 ? [reasonsLine(session, risk.reasons, CARD_REASONS)] : []), ...(risk.figures ? figuresLines(session, risk.figures) : [])];
  return lines.join("\n");
}

export const riskArea: ConversationArea = {
  commands: {
    "risk.list": async (session) => {
      const result = await myRisk(session.deps, session.actor, { limit: RISK_LIST_LIMIT });
      const names = result.scope === "own" ? new Map<string, string>() : await memberNames(session, result.customers.map((c) => c.ownerId));
      return { kind: "view", view: riskListView(session, result, names) };
    },
  },
};
