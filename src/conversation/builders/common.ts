// Small view builders every area uses: errors, notices, "and N more" text, money and dates in
// the member's language, and button payloads with the house defaults.
import type { Tier } from "@prisma/client";
import { isDomainError, type ErrorParams } from "../../core/shared/errors.js";
import type { Session } from "../session.js";
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
    return noticeView(session, session.t(err.code, translateParams(session, err.params)), "danger");
  }
  return noticeView(session, session.t("views.internal_error"), "danger");
}

/** Enum values in error params (statuses, roles, decisions) shown in the member's language. */
function translateParams(session: Session, params: ErrorParams): ErrorParams {
  const out: Record<string, ErrorParams[string]> = {};
  // A setting's name and range (settings.out_of_range…) in the member's words and units.
  const setting = settingErrorParams(session, params);
  if (setting !== params) return setting;
  for (const [k, v] of Object.entries(params)) {
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

/** A date-time in the tenant's zone, short: "2026-11-23 09:30". */
// Building an Intl.DateTimeFormat costs far more than formatting with it (it was the largest
// single cost of rendering a customer card): one per time zone, reused.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function localDateTime(session: Session, at: Date): string {
  const timeZone = session.tenant.timeZone;
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(at);
}
