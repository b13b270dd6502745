// The tenant work calendar (DESIGN.md §2 Work calendar): which local days are working days and
// which hours of them count as business time. A pure value built from the tenant's settings,
// the public holiday data and the tenant's own overrides (loaded by store.ts); every rule that
// needs "working day" or "business minutes" takes one.
//
// Precedence for a day: the tenant's override, then the public data (a holiday is off, a 调休
// make-up day is on even on a Saturday), then the working weekdays.
import { addDays, instantAt, localDateOf, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import type { HolidaySource, PublicDay } from "./sources.js";

export interface CalendarOverride {
  date: LocalDate;
  working: boolean;
  name: string | null;
}

export type DaySource = "override" | "holiday" | "makeup" | "weekday" | "weekend";

export interface DayInfo {
  date: LocalDate;
  working: boolean;
  source: DaySource;
  /** The holiday's or override's name, { en, zh } (both the same for an override). */
  name: { en: string; zh: string } | null;
}

export interface WorkCalendar {
  timeZone: string;
  country: string;
  /** ISO weekdays (1 = Monday) that are working days unless the data or an override says otherwise. */
  workdays: ReadonlySet<number>;
  workStart: string;
  workEnd: string;
  source: HolidaySource | null;
  overrides: ReadonlyMap<LocalDate, CalendarOverride>;
  /** Working hours per day as instants, computed once per calendar (zone arithmetic is the costly part). */
  windows: Map<LocalDate, [number, number]>;
}

export function buildWorkCalendar(
  timeZone: string,
  settings: TenantSettings["calendar"],
  source: HolidaySource | null,
  overrides: readonly CalendarOverride[],
): WorkCalendar {
  return {
    timeZone,
    country: settings.country,
    workdays: new Set(settings.workdays.split(",").map(Number)),
    workStart: settings.workStart,
    workEnd: settings.workEnd,
    source,
    overrides: new Map(overrides.map((o) => [o.date, o])),
    windows: new Map(),
  };
}

/** ISO weekday of a local date (1 = Monday … 7 = Sunday). */
export function isoWeekday(date: LocalDate): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function publicDay(cal: WorkCalendar, date: LocalDate): PublicDay | undefined {
  return cal.source?.year(Number(date.slice(0, 4))).get(date);
}

export function dayInfo(cal: WorkCalendar, date: LocalDate): DayInfo {
  const override = cal.overrides.get(date);
  if (override) {
    const name = override.name ? { en: override.name, zh: override.name } : null;
    return { date, working: override.working, source: "override", name };
  }
  const pub = publicDay(cal, date);
  if (pub) return { date, working: pub.kind === "makeup", source: pub.kind, name: pub.name };
  const working = cal.workdays.has(isoWeekday(date));
  return { date, working, source: working ? "weekday" : "weekend", name: null };
}

export function isWorkingDay(cal: WorkCalendar, date: LocalDate): boolean {
  return dayInfo(cal, date).working;
}

/** Guards the day loops: a calendar with no working day for ten years is a misconfiguration. */
const MAX_SCAN_DAYS = 3_660;

/** `date` itself when it is a working day, else the next one (due dates roll forward). */
export function onOrNextWorkingDay(cal: WorkCalendar, date: LocalDate): LocalDate {
  let d = date;
  for (let i = 0; i < MAX_SCAN_DAYS; i++, d = addDays(d, 1)) if (isWorkingDay(cal, d)) return d;
  return date;
}

/** Whether the public data knows `year`'s holidays (always true for "none": there is nothing to know). */
export function coversYear(cal: WorkCalendar, year: number): boolean {
  if (cal.country === "none") return true;
  return cal.source?.covers(year) ?? false;
}

/** The working hours of a local day as instants (DST-correct: 09:00 is 09:00 local either side of a change). */
function workingWindow(cal: WorkCalendar, date: LocalDate): [number, number] {
  let window = cal.windows.get(date);
  if (!window) {
    window = [instantAt(date, cal.workStart, cal.timeZone).getTime(), instantAt(date, cal.workEnd, cal.timeZone).getTime()];
    cal.windows.set(date, window);
  }
  return window;
}

/**
 * The instant `minutes` of business time after `from`: only the working hours of working days
 * count, so a clock started after hours or on a holiday starts at the next working morning, and
 * one that runs out exactly at closing time ends then (not at the next opening).
 */
export function addBusinessMinutes(cal: WorkCalendar, from: Date, minutes: number): Date {
  let remaining = minutes * 60_000;
  let date = localDateOf(from, cal.timeZone);
  for (let i = 0; i < MAX_SCAN_DAYS; i++, date = addDays(date, 1)) {
    if (!isWorkingDay(cal, date)) continue;
    const [start, end] = workingWindow(cal, date);
    const begin = Math.max(start, from.getTime());
    if (begin >= end) continue;
    if (end - begin >= remaining) return new Date(begin + remaining);
    remaining -= end - begin;
  }
  // No working time for ten years: fall back to calendar time rather than a deadline that never comes.
  return new Date(from.getTime() + minutes * 60_000);
}

/** Business milliseconds between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(cal: WorkCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  let total = 0;
  let date = localDateOf(from, cal.timeZone);
  const last = localDateOf(to, cal.timeZone);
  for (let i = 0; i < MAX_SCAN_DAYS && date <= last; i++, date = addDays(date, 1)) {
    if (!isWorkingDay(cal, date)) continue;
    const [start, end] = workingWindow(cal, date);
    const a = Math.max(start, from.getTime());
    const b = Math.min(end, to.getTime());
    if (b > a) total += b - a;
  }
  return total;
}

/** Working days from `from` (exclusive) to `to` (inclusive): "answered within 2 business days". */
export function workingDaysBetween(cal: WorkCalendar, from: LocalDate, to: LocalDate): number {
  let n = 0;
  for (let d = addDays(from, 1), i = 0; d <= to && i < MAX_SCAN_DAYS; d = addDays(d, 1), i++) if (isWorkingDay(cal, d)) n++;
  return n;
}

/** The days of [from, to] that differ from a plain week: holidays, make-up days and overrides. */
export function specialDays(cal: WorkCalendar, from: LocalDate, to: LocalDate): DayInfo[] {
  const out: DayInfo[] = [];
  for (let d = from, i = 0; d <= to && i < MAX_SCAN_DAYS; d = addDays(d, 1), i++) {
    const info = dayInfo(cal, d);
    if (info.source === "override" || info.source === "holiday" || info.source === "makeup") out.push(info);
  }
  return out;
}
