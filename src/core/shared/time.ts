// Local calendar days in a tenant's time zone. A "local date" is a 'YYYY-MM-DD' string in the
// domain and a DATE column (UTC midnight of that day) in the database.
import { DateTime } from "luxon";

export type LocalDate = string;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isLocalDate(value: string): value is LocalDate {
  return LOCAL_DATE.test(value) && DateTime.fromISO(value, { zone: "utc" }).isValid;
}

/** The calendar day `instant` falls on in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
}

/** A DATE column value (UTC midnight) for a local date. */
export function toDateColumn(date: LocalDate): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** The local date a DATE column holds. */
export function fromDateColumn(value: Date): LocalDate {
  return value.toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toISODate()!;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round(DateTime.fromISO(b, { zone: "utc" }).diff(DateTime.fromISO(a, { zone: "utc" }), "days").days);
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
