// The customer's credit in one line, for the credit card, the customer card and digests.
import type { CreditStatusView } from "../../core/credit/credit.js";
import type { Session } from "../session.js";
import { money } from "./common.js";

export function limitText(session: Session, fen: bigint | null): string {
  return fen === null ? session.t("credit.view.no_limit") : money(fen);
}

/** The customer's credit in one line (for the customer card and digests). */
export function creditLine(session: Session, s: CreditStatusView): string {
  const flags = [
    ...(s.overLimit ? [session.t("credit.view.flag_over_limit")] : []),
    ...(s.overdueFen > 0n ? [session.t("credit.view.flag_overdue", { overdue: money(s.overdueFen) })] : []),
  ];
  return `${session.t("credit.view.line", {
    rating: s.rating ?? "—",
    limit: limitText(session, s.limitFen),
    outstanding: money(s.outstandingFen),
    available: s.availableFen === null ? "—" : money(s.availableFen),
  })}${flags.length ? ` ⚠ ${flags.join(session.t("credit.view.flag_separator"))}` : ""}`;
}

