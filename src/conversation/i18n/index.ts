// The message runtime: every user-facing string comes from a catalog through t(). A key missing
// in Chinese falls back to English, a key missing everywhere shows the key itself, so a gap is
// visible in the UI and in tests instead of an empty message.
import { adminCatalog } from "./catalog/admin.js";
import { calendarCatalog } from "./catalog/calendar.js";
import { callbacksCatalog } from "./catalog/callbacks.js";
import { callbacksViewsCatalog } from "./catalog/callbacks.views.js";
import { callbacksOutcomesCatalog } from "./catalog/callbacks.outcomes.js";
import { cliCatalog } from "./catalog/cli.js";
import { complaintsCatalog } from "./catalog/complaints.js";
import { complaintsViewsCatalog } from "./catalog/complaints.views.js";
import { consoleCatalog } from "./catalog/console.js";
import { csvCatalog } from "./catalog/csv.js";
import { creditCatalog } from "./catalog/credit.js";
import { hospitalityPolicyCatalog } from "./catalog/hospitality.policy.js";
import { creditViewsCatalog } from "./catalog/credit.views.js";
import { customersCatalog } from "./catalog/customers.js";
import { customersViewsCatalog } from "./catalog/customers.views.js";
import { digestsCatalog } from "./catalog/digests.js";
import { grammarCatalog } from "./catalog/grammar.js";
import { helpCatalog } from "./catalog/help.js";
import { homeCatalog } from "./catalog/home.js";
import { helpBookCatalog } from "./catalog/help.book.js";
import { customerBookCatalog } from "./catalog/customers.book.js";
import { hospitalityCatalog } from "./catalog/hospitality.js";
import { hospitalityViewsCatalog } from "./catalog/hospitality.views.js";
import { insightsViewsCatalog } from "./catalog/insights.views.js";
import { inputCatalog } from "./catalog/input.js";
import { kpiCatalog } from "./catalog/kpi.js";
import { platformCatalog } from "./catalog/platform.js";
import { kpiViewsCatalog } from "./catalog/kpi.views.js";
import { ordersCatalog } from "./catalog/orders.js";
import { riskCatalog } from "./catalog/risk.js";
import { surveysCatalog } from "./catalog/surveys.js";
import { commonViewsCatalog } from "./catalog/views.common.js";
import { viewsCatalog } from "./catalog/views.js";
import { visitsCatalog } from "./catalog/visits.js";
import { visitsViewsCatalog } from "./catalog/visits.views.js";
import type { Catalog, Locale } from "./catalog/types.js";

export type { Catalog, Locale } from "./catalog/types.js";

export const locales: readonly Locale[] = ["zh-CN", "en"];
export const defaultLocale: Locale = "zh-CN";

/**
 * Every catalog file in catalog/, by file name (the i18n test fails when a file is not listed
 * here); the merged view below is what t() reads.
 */
export const catalogs: Readonly<Record<string, Catalog>> = {
  admin: adminCatalog,
  calendar: calendarCatalog,
  callbacks: callbacksCatalog,
  "callbacks.views": callbacksViewsCatalog,
  "callbacks.outcomes": callbacksOutcomesCatalog,
  cli: cliCatalog,
  home: homeCatalog,
  complaints: complaintsCatalog,
  "complaints.views": complaintsViewsCatalog,
  console: consoleCatalog,
  csv: csvCatalog,
  credit: creditCatalog,
  "credit.views": creditViewsCatalog,
  customers: customersCatalog,
  "customers.views": customersViewsCatalog,
  digests: digestsCatalog,
  grammar: grammarCatalog,
  help: helpCatalog,
  "help.book": helpBookCatalog,
  "customers.book": customerBookCatalog,
  hospitality: hospitalityCatalog,
  "hospitality.views": hospitalityViewsCatalog,
  "hospitality.policy": hospitalityPolicyCatalog,
  "insights.views": insightsViewsCatalog,
  input: inputCatalog,
  kpi: kpiCatalog,
  platform: platformCatalog,
  "kpi.views": kpiViewsCatalog,
  orders: ordersCatalog,
  risk: riskCatalog,
  surveys: surveysCatalog,
  views: viewsCatalog,
  "views.common": commonViewsCatalog,
  visits: visitsCatalog,
  "visits.views": visitsViewsCatalog,
};

export type MessageParams = Record<string, string | number | bigint>;

export type Translate = (locale: Locale | string, key: string, params?: MessageParams) => string;

export interface Translator {
  t: Translate;
  hasMessage(key: string, locale?: Locale): boolean;
}

/** A translator over the given catalogs; the app uses the one over every catalog (below). */
export function createTranslator(all: readonly Catalog[]): Translator {
  const messages: Record<Locale, Record<string, string>> = { "zh-CN": {}, en: {} };
  // Keys are unique across catalogs (asserted by the i18n test), so the order does not matter.
  for (const catalog of all) {
    for (const locale of locales) Object.assign(messages[locale], catalog[locale]);
  }
  // hasOwn, not `in` or plain indexing: a key like "constructor" must not find Object.prototype's.
  const lookup = (locale: Locale, key: string) => (Object.hasOwn(messages[locale], key) ? messages[locale][key] : undefined);
  return {
    t(locale, key, params = {}) {
      const wanted = normalizeLocale(locale) ?? defaultLocale;
      const template = lookup(wanted, key) ?? lookup("en", key) ?? key;
      return format(template, params);
    },
    hasMessage(key, locale) {
      return locale ? lookup(locale, key) !== undefined : locales.some((l) => lookup(l, key) !== undefined);
    },
  };
}

const translator = createTranslator(Object.values(catalogs));

/** The message for `key` in `locale` with {placeholders} filled; unknown placeholders stay visible. */
export const t: Translate = translator.t;
export const hasMessage: Translator["hasMessage"] = translator.hasMessage;

/** Normalizes what members, tenants and platforms report ("zh", "zh_CN", "en-US") to a supported locale. */
export function normalizeLocale(value: string | null | undefined): Locale | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase().replace("_", "-");
  if (v === "zh" || v.startsWith("zh-")) return "zh-CN";
  if (v === "en" || v.startsWith("en-")) return "en";
  return undefined;
}

/** The member's own language if set and supported, else the tenant's, else Chinese. */
export function resolveLocale(memberLocale: string | null | undefined, tenantLocale: string | null | undefined): Locale {
  return normalizeLocale(memberLocale) ?? normalizeLocale(tenantLocale) ?? defaultLocale;
}

export function format(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The {placeholder} names a message uses, for catalog consistency checks. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}
