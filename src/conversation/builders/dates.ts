// The one way a view shows a date: in the member's language convention, the year only when it is
// not the current one (zh-CN "11月20日" / "2025年11月20日", en "Nov 20" / "Nov 20, 2025"), a
// weekday where the view is a schedule ("11月20日 周五", "Fri, Nov 20"), times on a 24-hour clock
// ("11月20日 10:00", "Nov 20, 10:00"). Calendar days are the domain's 'YYYY-MM-DD' local dates;
// instants are shown in the tenant's time zone. Whatever a machine or the user round-trips (CSV,
// xlsx, date pickers, button and audit payloads, logs) stays ISO and never comes through here;
// every form shown here is one the grammar's date parser reads back.
import { fromDateColumn, isLocalDate, localDateOf, type LocalDate } from "../../core/shared/time.js";
import type { Locale } from "../i18n/catalog/types.js";

export interface DateConvention {
  locale: Locale;
  /** The member's today (tenant-local): decides whether the year is shown. */
  today: LocalDate;
  /** The tenant's time zone, for instants. */
  timeZone: string;
}

// Building an Intl.DateTimeFormat costs far more than formatting with it (it was the largest
// single cost of rendering a customer card): one per locale, shape and zone, reused.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, shape: "day" | "dayYear" | "weekday" | "time" | "month", timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${shape}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      shape === "day"
        ? { month: "short", day: "numeric" }
        : shape === "dayYear"
          ? { year: "numeric", month: "short", day: "numeric" }
          : shape === "weekday"
            ? { weekday: "short" }
            : shape === "month"
              ? { year: "numeric", month: "long" }
              : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone, calendar: "gregory", numberingSystem: "latn" });
    formats.set(key, format);
  }
  return format;
}

function dayOnly(locale: Locale, date: LocalDate, today: LocalDate): string {
  const shape = date.slice(0, 4) === today.slice(0, 4) ? "day" : "dayYear";
  return formatter(locale, shape, "UTC").format(new Date(`${date}T00:00:00.000Z`));
}

/** A calendar day: "11月20日", "2025年11月20日"; "Nov 20", "Nov 20, 2025". */
export function formatDay(date: LocalDate, convention: Pick<DateConvention, "locale" | "today">): string {
  return dayOnly(convention.locale, date, convention.today);
}

/** A day in a schedule, with its weekday: "11月20日 周五"; "Fri, Nov 20". */
export function formatScheduleDay(date: LocalDate, convention: Pick<DateConvention, "locale" | "today">): string {
  const day = dayOnly(convention.locale, date, convention.today);
  const weekday = formatter(convention.locale, "weekday", "UTC").format(new Date(`${date}T00:00:00.000Z`));
  return convention.locale === "en" ? `${weekday}, ${day}` : `${day} ${weekday}`;
}

/** An instant as the tenant's wall clock: "11月20日 10:00"; "Nov 20, 10:00" (24-hour). */
export function formatDateTime(at: Date, convention: DateConvention): string {
  const day = dayOnly(convention.locale, localDateOf(at, convention.timeZone), convention.today);
  const time = formatter(convention.locale, "time", convention.timeZone).format(at);
  return convention.locale === "en" ? `${day}, ${time}` : `${day} ${time}`;
}

/** A calendar month ('YYYY-MM'): "2026年12月", "December 2026". */
export function formatMonth(month: string, convention: Pick<DateConvention, "locale">): string {
  return formatter(convention.locale, "month", "UTC").format(new Date(`${month}-01T00:00:00.000Z`));
}

/** The day an instant falls on in the tenant's zone, without the time. */
export function formatDayOf(at: Date, convention: DateConvention): string {
  return dayOnly(convention.locale, localDateOf(at, convention.timeZone), convention.today);
}

/** A DATE column (UTC midnight of the local day) or a local date, as a calendar day. */
export function asLocalDate(value: LocalDate | Date): LocalDate {
  return typeof value === "string" ? value : fromDateColumn(value);
}

/** True for a real 'YYYY-MM-DD' day, which a message parameter shows as a calendar day. */
export function isIsoDay(value: unknown): value is LocalDate {
  return typeof value === "string" && isLocalDate(value);
}
