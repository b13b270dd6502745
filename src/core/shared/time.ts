// Local calendar days in a tenant's time zone. A "local date" is a 'YYYY-MM-DD' string in the
// domain and a DATE column (UTC midnight of that day) in the database.
import { DateTime } from "luxon";

export type LocalDate = string;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isLocalDate(value: string): value is LocalDate {
  return LOCAL_DATE.test(value) && DateTime.fromISO(value, { zone: "utc" }).isValid;
}

// One formatter per zone: every request asks for "today" and every card for a few dates, and
// building the formatter (or a luxon DateTime) costs far more than formatting.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day `instant` falls on in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", calendar: "gregory", numberingSystem: "latn" });
    } catch {
      // An unknown zone (config and settings validate zones; stored data may predate that):
      // luxon's answer, as before this fast path existed.
      return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
    }
    dayFormats.set(timeZone, format);
  }
  // "11/23/2026": format() is several times cheaper than formatToParts().
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/u.exec(format.format(instant));
  if (m) return `${m[3]}-${m[1]}-${m[2]}`;
  let year = "";
  let month = "";
  let day = "";
  for (const part of format.formatToParts(instant)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return `${year.padStart(4, "0")}-${month}-${day}`;
}

/** A DATE column value (UTC midnight) for a local date. */
export function toDateColumn(date: LocalDate): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** The local date a DATE column holds. */
export function fromDateColumn(value: Date): LocalDate {
  return value.toISOString().slice(0, 10);
}

// Calendar arithmetic on 'YYYY-MM-DD' is plain UTC-midnight arithmetic (no zone, no DST): Date.UTC
// normalises day overflow across months and years, and costs a fraction of a luxon DateTime.
function utcDay(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

const DAY_MS = 86_400_000;

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(utcDay(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((utcDay(b) - utcDay(a)) / DAY_MS);
}

/** The instant a local wall-clock time ('HH:mm') happens on `date` in `timeZone`. */
export function instantAt(date: LocalDate, time: string, timeZone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toJSDate();
}

/** The instant the local day `date` starts in `timeZone`. */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return instantAt(date, "00:00", timeZone);
}

/** Whole years from `from` to `to` (local dates), as used for "years of cooperation". */
export function wholeYearsBetween(from: LocalDate, to: LocalDate): number {
  return Math.floor(DateTime.fromISO(to, { zone: "utc" }).diff(DateTime.fromISO(from, { zone: "utc" }), "years").years);
}
