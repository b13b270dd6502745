// The hospitality request's card: its labels, fields, warnings (per head over the tier's
// guideline, the customer's budget, overspend) on the one approval card (builders/approvals.ts),
// and the buttons a view made for one member carries.
import type { BudgetPeriod } from "../../../core/hospitality/rules.js";
import type { HospitalityView } from "../../../core/hospitality/view.js";
import { approvalCardView, approvalDecisionButtons, type ApprovalCard } from "../../builders/approvals.js";
import { button, localDateTime, localDay, localMonth, money, scheduleDay, tierLabel } from "../../builders/common.js";
import type { Session } from "../../session.js";
import type { Button, Tone, View } from "../../views/view.js";

// ---- labels ------------------------------------------------------------------------------------

export const kindLabel = (session: Session, kind: string) => session.t(`hospitality.kind.${kind}`);
const statusLabel = (session: Session, status: string) => session.t(`hospitality.status.${status}`);

const STATUS_TONE: Record<HospitalityView["status"], Tone> = {
  PENDING: "warning",
  APPROVED: "success",
  REJECTED: "danger",
  CANCELLED: "neutral",
  SETTLED: "info",
};

/** How far over the approved amount, as a percentage with one decimal ("11.7"), exact to the rounding. */
export function overspendPercentText(actualFen: bigint, approvedFen: bigint): string {
  if (approvedFen <= 0n) return "—";
  // Tenths of a percent, rounded half up in integers.
  const tenths = ((actualFen - approvedFen) * 2000n + approvedFen) / (2n * approvedFen);
  const sign = tenths < 0n ? "-" : "";
  const abs = tenths < 0n ? -tenths : tenths;
  return `${sign}${abs / 10n}.${abs % 10n}`;
}

/** "Q4 2026" / "2026年第4季度". */
function budgetPeriodLabel(session: Session, period: BudgetPeriod): string {
  if (period.kind === "month") return localMonth(session, `${period.year}-${String(period.index ?? 1).padStart(2, "0")}`);
  return session.t(`hospitality.period.${period.kind}`, {
    year: period.year,
    index: period.index ?? "",
    mm: String(period.index ?? "").padStart(2, "0"),
  });
}

/**
 * The request as it stands now, without buttons. `lead` goes above the fields (why the member
 * is seeing it), `buttons` below (only in views made for one member).
 */
export function hospitalityCardView(session: Session, view: HospitalityView, options: { lead?: string; buttons?: Button[] } = {}): View {
  const perHead = `${session.t("hospitality.view.per_head_value", {
    perHead: money(view.perHeadFen),
    guideline: money(view.perHeadGuidelineFen),
  })}${view.perHeadFlagged ? " ⚠" : ""}`;
  const fields = [
    {
      label: session.t("hospitality.view.field.customer"),
      value: session.t("hospitality.view.customer_value", { name: view.customer.name, tier: tierLabel(session, view.customer.tier) }),
    },
    { label: session.t("hospitality.view.field.requester"), value: view.requester.name },
    { label: session.t("hospitality.view.field.date"), value: scheduleDay(session, view.eventDate) },
    { label: session.t("hospitality.view.field.kind"), value: kindLabel(session, view.kind) },
    { label: session.t("hospitality.view.field.heads"), value: session.t("hospitality.view.heads_value", { guests: view.guests, staff: view.staff }) },
    { label: session.t("hospitality.view.field.estimated"), value: money(view.estimatedFen) },
    { label: session.t("hospitality.view.field.per_head"), value: perHead },
    ...(view.budget
      ? [
          {
            label: session.t("hospitality.view.field.budget"),
            value: `${session.t("hospitality.view.budget_value", {
              period: budgetPeriodLabel(session, view.budget.period),
              budget: money(view.budget.budgetFen),
              used: money(view.budget.usedFen),
              remaining: money(view.budget.remainingFen),
            })}${view.budget.exceeded ? " ⚠" : ""}`,
          },
        ]
      : []),
    ...(view.venue ? [{ label: session.t("hospitality.view.field.venue"), value: view.venue }] : []),
    ...(view.actualFen !== null
      ? [{ label: session.t("hospitality.view.field.actual"), value: `${money(view.actualFen)}${view.overspendFlagged ? " ⚠" : ""}` }]
      : []),
  ];
  const flags: string[] = [];
  if (view.afterTheFact) flags.push(`⚠ ${session.t("approval.view.after_the_fact", { date: localDay(session, view.eventDate) })}`);
  if (view.perHeadFlagged) {
    flags.push(
      `⚠ ${session.t("hospitality.per_head_flag", {
        perHead: money(view.perHeadFen),
        tier: view.customer.tier,
        guideline: money(view.perHeadGuidelineFen),
      })}`,
    );
  }
  if (view.budget?.exceeded) {
    flags.push(
      `⚠ ${session.t("hospitality.budget_flag", {
        period: budgetPeriodLabel(session, view.budget.period),
        used: money(view.budget.usedFen),
        budget: money(view.budget.budgetFen),
      })}`,
    );
  }
  if (view.overspendFlagged && view.actualFen !== null) {
    flags.push(
      `⚠ ${session.t("hospitality.overspend_flag", {
        actual: money(view.actualFen),
        approved: money(view.estimatedFen),
        tolerance: session.tenant.settings.hospitality.overspendTolerancePercent,
      })} ${session.t("hospitality.overspend_percent", { percent: overspendPercentText(view.actualFen, view.estimatedFen) })}`,
    );
  }
  const at = (d: Date) => localDateTime(session, d);
  const card: ApprovalCard = {
    title: session.t("hospitality.view.title", { number: view.number }),
    subtitle: `${view.customer.name} · ${money(view.estimatedFen)}`,
    status: { label: statusLabel(session, view.status), tone: STATUS_TONE[view.status] },
    fields,
    details: [`*${session.t("hospitality.view.field.purpose")}:* ${view.purpose}`, ...(flags.length > 0 ? [flags.join("\n")] : [])],
    request: view,
    approvedLine: (by, when) => session.t("hospitality.view.approved_by", { by, at: when }),
    cancelledLine: view.cancelReason
      ? session.t("hospitality.view.cancelled_reason", { by: view.requester.name, reason: view.cancelReason })
      : session.t("hospitality.view.cancelled", { by: view.requester.name }),
    laterLines:
      view.status === "SETTLED" && view.settledAt && view.actualFen !== null
        ? [session.t("hospitality.view.settled", { at: at(view.settledAt), actual: money(view.actualFen) })]
        : [],
    summary: session.t("hospitality.view.summary", {
      number: view.number,
      customer: view.customer.name,
      amount: money(view.estimatedFen),
      status: statusLabel(session, view.status),
    }),
  };
  return approvalCardView(session, card, options);
}

export function decisionButtons(session: Session, request: { id: string; version: number }, step: { id: string; approverId: string }): Button[] {
  return approvalDecisionButtons(session, "hospitality", request, step);
}

/** The requester's own buttons on a view made for them: cancel while pending, settle once approved. */
export function requesterButtons(session: Session, view: HospitalityView): Button[] {
  const fields = { entityId: view.id, version: view.version, memberId: view.requester.id };
  if (view.status === "PENDING") {
    return [
      button(session, "hospitality.view.button.cancel", "hospitality.cancel", fields, {
        confirm: {
          title: session.t("hospitality.view.cancel_confirm.title"),
          text: session.t("hospitality.view.cancel_confirm.text"),
          confirm: session.t("hospitality.view.cancel_confirm.yes"),
          deny: session.t("hospitality.view.cancel_confirm.no"),
        },
      }),
    ];
  }
  if (view.status === "APPROVED") return [button(session, "hospitality.view.button.settle", "hospitality.settle", fields, { style: "primary" })];
  return [];
}

