// Workspace settings as members see and type them, in one place: each by its name in their
// language (never the dotted key alone), each value in its unit — yuan, days, hours, months —
// never fen; a deadline in hours, or in minutes when under an hour (never "0.02 hours"). The use
// case (core/tenants/admin.ts) reads typed values in the same units.
import type { ErrorParams } from "../../core/shared/errors.js";
import { catalogs, locales } from "../i18n/index.js";
import type { Session } from "../session.js";
import { money } from "./money.js";

export type SettingUnit = "money" | "days" | "hours" | "duration" | "months" | "years" | "points" | "percent" | "plain";

export function settingUnit(key: string): SettingUnit {
  if (/Fen(\.|$)/.test(key)) return "money";
  if (/Minutes$/.test(key)) return "duration";
  if (/Days(\.|$)/.test(key)) return "days";
  if (/Hours$/.test(key)) return "hours";
  if (/Months(\.|$)/.test(key)) return "months";
  if (/Years$/.test(key)) return "years";
  if (/Percent$/.test(key)) return "percent";
  if (/^risk\.(weights\.|highAt$|mediumAt$)/.test(key)) return "points";
  return "plain";
}

/** The setting's name in the member's language; the key itself only for a setting without one. */
export function settingLabel(session: Session, key: string): string {
  const labelKey = `settings.label.${key}`;
  const label = session.t(labelKey);
  return label === labelKey ? key : label;
}

/** A stored value as the member reads it: ¥5,000,000.00, 14 天, 4 hours, 是, 季. */
/** Takes only the translator, so the operator CLI shows values the same way. */
export function settingValueText(session: Pick<Session, "t">, key: string, value: string | number | boolean | null): string {
  if (value === null || value === "") return "—";
  const unit = settingUnit(key);
  if (typeof value === "number") {
    if (unit === "money") return money(BigInt(value));
    if (unit === "duration") return durationText(session, value);
    if (unit !== "plain") return session.t(`settings.unit.${unit}`, { n: value });
    return String(value);
  }
  const word = `settings.value.${String(value)}`;
  const text = session.t(word);
  return text === word ? String(value) : text;
}

/** A duration stored in minutes: whole minutes under an hour, else hours to two decimals (1.5 hours). */
function durationText(session: Pick<Session, "t">, minutes: number): string {
  if (Math.round(minutes) < 60) return session.t("settings.unit.minutes", { n: Math.round(minutes) });
  return session.t("settings.unit.hours", { n: Math.round((minutes / 60) * 100) / 100 });
}

const normalize = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]/gu, "");

let byName: Map<string, string> | undefined;

/** The key a typed setting name stands for, in either language ("VIP 年采购额门槛", "Callback every, VIP"). */
export function settingKeyByName(typed: string): string | undefined {
  if (!byName) {
    byName = new Map();
    for (const catalog of Object.values(catalogs)) {
      for (const locale of locales) {
        for (const [messageKey, label] of Object.entries(catalog[locale])) {
          if (messageKey.startsWith("settings.label.")) byName.set(normalize(label), messageKey.slice("settings.label.".length));
        }
      }
    }
  }
  const wanted = normalize(typed);
  return wanted ? byName.get(wanted) : undefined;
}

/** A number in the unit members type for `key` (yuan, hours, days…), as text: for ranges in errors. */
export function typedValueText(session: Session, key: string, n: number): string {
  const unit = settingUnit(key);
  const rounded = Math.round(n * 100) / 100;
  if (unit === "money") return money(BigInt(Math.round(n * 100)));
  if (unit === "duration") return durationText(session, n * 60);
  if (unit !== "plain") return session.t(`settings.unit.${unit}`, { n: rounded });
  return String(rounded);
}

/** Error params of a settings error in the member's terms: the setting's name, its range in units. */
export function settingErrorParams(session: Session, params: ErrorParams): ErrorParams {
  const key = params.key;
  if (typeof key !== "string" || session.t(`settings.label.${key}`) === `settings.label.${key}`) return params;
  const out: Record<string, ErrorParams[string]> = { ...params, key: settingLabel(session, key) };
  for (const bound of ["min", "max"] as const) {
    const n = params[bound];
    if (typeof n === "number") out[bound] = typedValueText(session, key, n);
  }
  return out;
}
