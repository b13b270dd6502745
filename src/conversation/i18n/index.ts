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
import { glossaryCatalog } from "./catalog/glossary.js";
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
import { settingsCatalog } from "./catalog/settings.js";
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
  glossary: glossaryCatalog,
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
  settings: settingsCatalog,
  surveys: surveysCatalog,
  views: viewsCatalog,
  "views.common": commonViewsCatalog,
  visits: visitsCatalog,
  "visits.views": visitsViewsCatalog,
};

/** A list (readonly string[]) is written as the locale writes one: 华东、华北 / East, North. */
export type MessageParams = Record<string, string | number | bigint | readonly string[]>;

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
  // Glossary references ({@callback}) are resolved once here, not on every t().
  for (const locale of locales) {
    for (const [key, template] of Object.entries(messages[locale])) messages[locale][key] = expandTerms(template, messages[locale]);
  }
  // hasOwn, not `in` or plain indexing: a key like "constructor" must not find Object.prototype's.
  const lookup = (locale: Locale, key: string) => (Object.hasOwn(messages[locale], key) ? messages[locale][key] : undefined);
  return {
    t(locale, key, params = {}) {
      const wanted = normalizeLocale(locale) ?? defaultLocale;
      const own = lookup(wanted, key);
      const template = own ?? lookup("en", key) ?? key;
      return format(template, params, own === undefined ? "en" : wanted);
    },
    hasMessage(key, locale) {
      return locale ? lookup(locale, key) !== undefined : locales.some((l) => lookup(l, key) !== undefined);
    },
  };
}

/** {@name} → the glossary's term.name in the same language; an unknown term stays visible. */
export function expandTerms(template: string, messages: Readonly<Record<string, string>>): string {
  return template.replace(/\{@(\w+)\}/g, (whole, name: string) => (Object.hasOwn(messages, `term.${name}`) ? messages[`term.${name}`]! : whole));
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

/**
 * Fills {placeholders}, and ICU plurals — `{count, plural, =0 {none} one {# day} other {# days}}`
 * — chosen by Intl.PluralRules for the locale (# is the number). A small subset of ICU rather than
 * a dependency: catalog text is full of literal <angle> brackets and apostrophes that a full ICU
 * parser would read as tags and quotes.
 */
export function format(template: string, params: MessageParams, locale: Locale = "en"): string {
  return fillPlain(expandPlurals(template, params, locale), params, locale);
}

function fillPlain(template: string, params: MessageParams, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const value = params[name]!;
    return typeof value === "object" ? listFormat(locale).format(value) : String(value);
  });
}

const listFormats = new Map<Locale, Intl.ListFormat>();

// "narrow": a plain enumeration (华东、华北、华南 / East, North, South) without "and", which the
// message's own wording supplies where it wants one.
function listFormat(locale: Locale): Intl.ListFormat {
  let f = listFormats.get(locale);
  if (!f) listFormats.set(locale, (f = new Intl.ListFormat(locale, { type: "conjunction", style: "narrow" })));
  return f;
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

function expandPlurals(template: string, params: MessageParams, locale: Locale): string {
  const head = /\{(\w+),\s*plural,/g;
  let out = "";
  let from = 0;
  for (let m = head.exec(template); m; m = head.exec(template)) {
    const end = matchingBrace(template, m.index);
    if (end < 0) break;
    const name = m[1]!;
    out += template.slice(from, m.index);
    from = end + 1;
    head.lastIndex = end + 1;
    if (!Object.prototype.hasOwnProperty.call(params, name)) {
      out += template.slice(m.index, end + 1);
      continue;
    }
    const value = Number(params[name]);
    const branches = pluralBranches(template.slice(m.index + m[0].length, end));
    let rules = pluralRules.get(locale);
    if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
    const branch = branches.get(`=${value}`) ?? branches.get(rules.select(value)) ?? branches.get("other") ?? "";
    out += expandPlurals(branch, params, locale).replace(/#/g, String(params[name]));
  }
  return out + template.slice(from);
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function pluralBranches(body: string): Map<string, string> {
  const branches = new Map<string, string>();
  const selector = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/g;
  for (let m = selector.exec(body); m; m = selector.exec(body)) {
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(body, open);
    if (close < 0) break;
    branches.set(m[1]!, body.slice(open + 1, close));
    selector.lastIndex = close + 1;
  }
  return branches;
}

/** The {placeholder} names a message uses, for catalog consistency checks. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)(?:\}|,\s*plural,)/g)].map((m) => m[1]!))].sort();
}
