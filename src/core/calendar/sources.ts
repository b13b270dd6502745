// Where public holidays come from. China: the chinese-days data (holidays AND the 调休 make-up
// working days, updated by its maintainers from the State Council's yearly notice; it covers a
// year only once that notice is out, usually in November of the year before). Other countries:
// date-holidays (rule-based, so every year is "covered"), loaded only when a tenant uses it.
import { createRequire } from "node:module";
import type { LocalDate } from "../shared/time.js";

export type PublicDayKind = "holiday" | "makeup";

export interface PublicDay {
  date: LocalDate;
  kind: PublicDayKind;
  /** The holiday's name, { en, zh } (a make-up day carries the name of the holiday it serves). */
  name: { en: string; zh: string };
}

export interface HolidaySource {
  /** Whether the data knows this year's arrangement (a year it does not know is all plain weekdays). */
  covers(year: number): boolean;
  /** The holidays and make-up days of `year`, by date. */
  year(year: number): ReadonlyMap<LocalDate, PublicDay>;
}

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);

// The data is read once per process: it is immutable package content, not state.
let chinaSource: HolidaySource | null = null;

/** "Spring Festival,春节,4" → { en, zh }. */
function chineseName(raw: string): { en: string; zh: string } {
  const [en = "", zh = ""] = raw.split(",");
  return { en, zh: zh || en };
}

export function chinaHolidays(): HolidaySource {
  if (chinaSource) return chinaSource;
  const data = require("chinese-days/dist/chinese-days.json") as ChineseDaysJson;
  const byYear = new Map<number, Map<LocalDate, PublicDay>>();
  const add = (date: string, kind: PublicDayKind, raw: string) => {
    const year = Number(date.slice(0, 4));
    let days = byYear.get(year);
    if (!days) byYear.set(year, (days = new Map()));
    days.set(date, { date, kind, name: chineseName(raw) });
  };
  for (const [date, raw] of Object.entries(data.holidays)) add(date, "holiday", raw);
  for (const [date, raw] of Object.entries(data.workdays)) add(date, "makeup", raw);
  const empty: ReadonlyMap<LocalDate, PublicDay> = new Map();
  chinaSource = {
    // A year is known once its Spring Festival (always in January or February) is in the data.
    covers: (year) => [...(byYear.get(year)?.values() ?? [])].some((d) => d.kind === "holiday" && d.date.slice(5, 7) <= "02" && d.name.en === "Spring Festival"),
    year: (year) => byYear.get(year) ?? empty,
  };
  return chinaSource;
}

interface DateHolidaysLike {
  getHolidays(year: number, lang?: string): Array<{ date: string; name: string; type: string }>;
}

const countrySources = new Map<string, HolidaySource>();

/**
 * Another country's public holidays (type "public"; "bank", "school" and "observance" days are
 * working days). Null when date-holidays does not know the country: the calendar then has no
 * holidays and reports itself uncovered.
 */
export async function countryHolidays(country: string): Promise<HolidaySource | null> {
  const cached = countrySources.get(country);
  if (cached) return cached;
  const { default: Holidays } = (await import("date-holidays")) as unknown as {
    default: new (country?: string, state?: string) => DateHolidaysLike & { getCountries(): Record<string, string> };
  };
  const [code, state] = country.split("-") as [string, string | undefined];
  if (!Object.hasOwn(new Holidays().getCountries(), code)) return null;
  const hd = state ? new Holidays(code, state) : new Holidays(code);
  const years = new Map<number, Map<LocalDate, PublicDay>>();
  const source: HolidaySource = {
    covers: () => true,
    year(year) {
      let days = years.get(year);
      if (!days) {
        days = new Map();
        const en = new Map(hd.getHolidays(year, "en").map((h) => [h.date.slice(0, 10) + h.type, h.name]));
        for (const h of hd.getHolidays(year)) {
          if (h.type !== "public") continue;
          const date = h.date.slice(0, 10);
          days.set(date, { date, kind: "holiday", name: { en: en.get(date + h.type) ?? h.name, zh: h.name } });
        }
        years.set(year, days);
      }
      return days;
    },
  };
  countrySources.set(country, source);
  return source;
}
