// Small view builders every area uses: errors, notices, "and N more" text, money and dates in
// the member's language (dates through dates.ts), and button payloads with the house defaults.
import type { Tier } from "@prisma/client";
import { isDomainError, type ErrorParams } from "../../core/shared/errors.js";
import type { Session } from "../session.js";
import type { LocalDate } from "../../core/shared/time.js";
import { asLocalDate, formatDateTime, formatDay, formatDayOf, formatMonth, formatScheduleDay, isIsoDay, type DateConvention } from "./dates.js";
import { settingErrorParams } from "./settings.js";
import { buttonExpiry, encodeButtonPayload, type ButtonPayload, type EncodedButtonPayload } from "../views/payload.js";
import type { Button, Tone, View } from "../views/view.js";

/** Buttons on a card stay usable for a week (a digest item or approval sits a few days). */
export const BUTTON_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function payloadFor(session: Session, fields: Omit<ButtonPayload, "expiresAt">): EncodedButtonPayload {
  return encodeButtonPayload({ ...fields, expiresAt: buttonExpiry(session.now, BUTTON_TTL_MS) });
}

export function button(
  session: Session,
  labelKey: string,
  actionId: string,
  fields: Omit<ButtonPayload, "expiresAt">,
  extra: Pick<Button, "style" | "confirm"> = {},
): Button {
  return { label: session.t(labelKey), actionId, payload: payloadFor(session, fields), ...extra };
}

export function moreTemplate(session: Session): string {
  return session.t("views.more");
}

export function noticeView(session: Session, text: string, tone: Tone = "info", title?: string): View {
  return {
    ...(title ? { header: { title, tone } } : {}),
    blocks: [{ kind: "text", text }],
    summary: text.split("\n")[0]!,
    moreTemplate: moreTemplate(session),
  };
}

export function errorView(session: Session, err: unknown): View {
  if (isDomainError(err)) {
    return noticeView(session, errorText(session, err), "danger");
  }
  return noticeView(session, session.t("views.internal_error"), "danger");
}

/** A domain error's message with its params in the member's words, units and date convention. */
export function errorText(session: Session, err: { code: string; params: ErrorParams }): string {
  return session.t(err.code, translateParams(session, err.params));
}

/**
 * Days in message params ('YYYY-MM-DD', as the grammar and the core pass them) in the member's
 * convention; a `value` is what the member typed, echoed back as typed.
 */
export function dayParams(session: Session, params: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = k !== "value" && isIsoDay(v) ? localDay(session, v) : v;
  return out;
}

/** Enum values in error params (statuses, roles, decisions) shown in the member's language. */
function translateParams(session: Session, params: ErrorParams): ErrorParams {
  const out: Record<string, ErrorParams[string]> = {};
  // A setting's name and range (settings.out_of_range…) in the member's words and units.
  const setting = settingErrorParams(session, params);
  if (setting !== params) return setting;
  for (const [k, v] of Object.entries(params)) {
    // Days as dayParams shows them.
    if (k !== "value" && isIsoDay(v)) {
      out[k] = localDay(session, v);
      continue;
    }
    const key =
      typeof v !== "string" ? undefined : /^[A-Z_]+$/.test(v) ? `enum.${v}` : /^[a-z]+$/.test(v) ? `entity.${v}` : undefined;
    out[k] = key && session.t(key) !== key ? session.t(key) : v;
  }
  return out;
}

export { money } from "./money.js";

export function tierLabel(session: Session, tier: Tier): string {
  return session.t(`enum.tier.${tier}`);
}

export function enumLabel(session: Session, value: string): string {
  const key = `enum.${value}`;
  const text = session.t(key);
  return text === key ? value : text;
}

function convention(session: Session): DateConvention {
  return { locale: session.locale, today: session.today, timeZone: session.tenant.timeZone };
}

/** An instant on the tenant's clock in the member's convention: "11月23日 09:30", "Nov 23, 09:30". */
export function localDateTime(session: Session, at: Date): string {
  return formatDateTime(at, convention(session));
}

/** A calendar day (a local date or a DATE column) in the member's convention: "11月23日", "Nov 23". */
export function localDay(session: Session, date: LocalDate | Date): string {
  return formatDay(asLocalDate(date), convention(session));
}

/** A day in a schedule (callbacks due, plans, my day, digests): "11月23日 周一", "Mon, Nov 23". */
export function scheduleDay(session: Session, date: LocalDate | Date): string {
  return formatScheduleDay(asLocalDate(date), convention(session));
}

/** The day an instant falls on in the tenant's zone: "11月23日", "Nov 23". */
export function localDayOf(session: Session, at: Date): string {
  return formatDayOf(at, convention(session));
}

/** A calendar month ('YYYY-MM'): "2026年12月", "December 2026". */
export function localMonth(session: Session, month: string): string {
  return formatMonth(month, convention(session));
}

/** A date field's prefilled day: the raw value for pickers, the member's convention for text. */
export function dateDefault(session: Session, date: LocalDate | undefined): { default?: string; defaultLabel?: string } {
  return date ? { default: date, defaultLabel: localDay(session, date) } : {};
}
