// Loading a tenant's work calendar and the calendar use cases: the admin's overrides
// (`admin calendar <date> <workday|holiday> [name]`), the look-ahead (`calendar [month]`), and
// the December check that next year's holiday data exists.
import type { Db } from "../../db/client.js";
import { recordAudit } from "../audit/audit.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { addDays, fromDateColumn, isLocalDate, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { toTenantView, type TenantView } from "../tenants/tenants.js";
import { buildWorkCalendar, coversYear, dayInfo, specialDays, type DayInfo, type WorkCalendar } from "./calendar.js";
import { chinaHolidays, countryHolidays, type HolidaySource } from "./sources.js";

export async function holidaySourceFor(country: string): Promise<HolidaySource | null> {
  if (country === "none") return null;
  if (country === "CN") return chinaHolidays();
  return countryHolidays(country);
}

/** The tenant's calendar: its settings, the public data of its country and its overrides (one small query). */
export async function loadWorkCalendar(db: Tx | Db, tenant: Pick<TenantView, "id" | "timeZone" | "settings">): Promise<WorkCalendar> {
  const [source, rows] = await Promise.all([
    holidaySourceFor(tenant.settings.calendar.country),
    db.calendarDay.findMany({ where: { tenantId: tenant.id }, select: { date: true, working: true, name: true } }),
  ]);
  return buildWorkCalendar(
    tenant.timeZone,
    tenant.settings.calendar,
    source,
    rows.map((r) => ({ date: fromDateColumn(r.date), working: r.working, name: r.name })),
  );
}

/**
 * The calendar for day-level questions only ("is the 28th a working day?"), where the zone does
 * not matter: for callers that have the tenant's settings but not its row.
 */
export async function loadDayCalendar(db: Tx | Db, tenantId: string, settings: TenantView["settings"]): Promise<WorkCalendar> {
  return loadWorkCalendar(db, { id: tenantId, timeZone: "UTC", settings });
}

export interface SetCalendarDayInput {
  date: LocalDate;
  working: boolean;
  name?: string | null | undefined;
}

/** An ADMIN makes a day working or non-working for the tenant (replacing an earlier override of that day). */
export async function setCalendarDay(deps: CoreDeps, actor: Actor, input: SetCalendarDayInput): Promise<DayInfo> {
  requireRoleAtLeast(actor, "ADMIN");
  if (!isLocalDate(input.date)) throw new InvalidInputError("calendar.invalid_date", { value: input.date });
  const name = input.name?.trim() ? input.name.trim().slice(0, 100) : null;
  return inTransaction(deps, async (tx) => {
    const key = { tenantId_date: { tenantId: actor.tenantId, date: toDateColumn(input.date) } };
    const before = await tx.calendarDay.findUnique({ where: key });
    await tx.calendarDay.upsert({
      where: key,
      create: { tenantId: actor.tenantId, date: toDateColumn(input.date), working: input.working, name, createdById: actor.memberId },
      update: { working: input.working, name, createdById: actor.memberId },
    });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "calendar.day_set",
      entityType: "CalendarDay",
      entityId: input.date,
      before: before ? { working: before.working, name: before.name } : undefined,
      after: { working: input.working, name },
    });
    const row = await tx.tenant.findUniqueOrThrow({ where: { id: actor.tenantId } });
    return dayInfo(await loadWorkCalendar(tx, toTenantView(row)), input.date);
  });
}

export interface CalendarOutlook {
  from: LocalDate;
  to: LocalDate;
  /** Holidays, make-up working days and the tenant's overrides in the window, by date. */
  days: DayInfo[];
  /** Years of the window the holiday data does not know yet (treated as plain weeks). */
  uncoveredYears: number[];
  workdays: number[];
  workStart: string;
  workEnd: string;
  country: string;
}

/**
 * What `calendar [month]` shows: the given month ('YYYY-MM'), or from today the next 90 days,
 * so the coming Spring Festival or National Day and their make-up days are in view.
 */
export async function calendarOutlook(deps: CoreDeps, tenant: TenantView, today: LocalDate, month?: string): Promise<CalendarOutlook> {
  const cal = await loadWorkCalendar(deps.db, tenant);
  let from = today;
  let to = addDays(today, 90);
  if (month) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidInputError("calendar.invalid_month", { value: month });
    from = `${month}-01`;
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1));
    to = addDays(next.toISOString().slice(0, 10), -1);
  }
  const years = [...new Set([Number(from.slice(0, 4)), Number(to.slice(0, 4))])];
  return {
    from,
    to,
    days: specialDays(cal, from, to),
    uncoveredYears: years.filter((y) => !coversYear(cal, y)),
    workdays: [...cal.workdays].sort(),
    workStart: cal.workStart,
    workEnd: cal.workEnd,
    country: cal.country,
  };
}

/** The month from which admins hear that next year's holidays are missing. */
export const COVERAGE_CHECK_MONTH = 12;

/**
 * From December on, tells each tenant's admins once (per year) that the holiday data does not
 * know next year yet, so it is not silently treated as a year of plain weeks: they update Accord
 * (a newer chinese-days) or enter the days with `admin calendar`. A tenant that entered overrides
 * for next year's Spring Festival period has done the latter and is not told.
 */
export async function reportUncoveredYears(deps: CoreDeps, now: Date): Promise<number> {
  const rows = await deps.db.tenant.findMany();
  let enqueued = 0;
  for (const row of rows) {
    let tenant: TenantView;
    let today: LocalDate;
    try {
      // A tenant whose settings or zone no longer parse has no calendar to check; its own
      // requests say so, and the other tenants are still checked.
      tenant = toTenantView(row);
      new Intl.DateTimeFormat("en", { timeZone: tenant.timeZone });
      today = localDateOf(now, tenant.timeZone);
    } catch {
      continue;
    }
    if (Number(today.slice(5, 7)) < COVERAGE_CHECK_MONTH) continue;
    const year = Number(today.slice(0, 4)) + 1;
    const cal = await loadWorkCalendar(deps.db, tenant);
    if (coversYear(cal, year)) continue;
    const entered = [...cal.overrides.keys()].some((d) => d.startsWith(`${year}-01`) || d.startsWith(`${year}-02`));
    if (entered) continue;
    const admins = await deps.db.member.findMany({ where: { tenantId: tenant.id, role: "ADMIN", active: true }, select: { id: true } });
    const messages: EnqueueInput[] = admins.map((a) => ({
      tenantId: tenant.id,
      platform: tenant.platform,
      target: `member:${a.id}`,
      intent: { kind: "calendar.year_uncovered", year, country: cal.country },
      dedupeKey: `calendar:${tenant.id}:uncovered:${year}:${a.id}`,
      entityType: "Tenant",
      entityId: tenant.id,
    }));
    enqueued += await inTransaction(deps, (tx) => enqueueNotifications(tx, messages));
  }
  return enqueued;
}
