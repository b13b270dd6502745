// The work calendar on fixed dates: the 2026 Spring Festival (2-15 … 2-23 off, Saturdays 2-14 and
// 2-28 worked) and National Day (10-1 … 10-7 off, Sunday 9-20 and Saturday 10-10 worked), as the
// chinese-days data has them; business minutes across those weeks and across DST in Berlin.
import { describe, expect, it } from "vitest";
import { defaultTenantSettings } from "../tenants/settings.js";
import { addBusinessMinutes, buildWorkCalendar, businessMsBetween, coversYear, dayInfo, isWorkingDay, onOrNextWorkingDay, specialDays, workingDaysBetween } from "./calendar.js";
import { chinaHolidays, countryHolidays } from "./sources.js";

const china = (overrides: Parameters<typeof buildWorkCalendar>[3] = []) =>
  buildWorkCalendar("Asia/Shanghai", defaultTenantSettings.calendar, chinaHolidays(), overrides);

describe("Chinese public holidays and 调休", () => {
  it("knows the 2026 Spring Festival week and its two make-up Saturdays", () => {
    const cal = china();
    for (const d of ["2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"]) {
      expect(dayInfo(cal, d)).toMatchObject({ working: false, source: "holiday", name: { zh: "春节", en: "Spring Festival" } });
    }
    expect(dayInfo(cal, "2026-02-14")).toMatchObject({ working: true, source: "makeup", name: { zh: "春节" } });
    expect(dayInfo(cal, "2026-02-28")).toMatchObject({ working: true, source: "makeup" });
    expect(dayInfo(cal, "2026-02-13")).toMatchObject({ working: true, source: "weekday" });
    expect(dayInfo(cal, "2026-03-07")).toMatchObject({ working: false, source: "weekend" });
  });

  it("knows National Day 2026 with the Sunday 9-20 and Saturday 10-10 worked", () => {
    const cal = china();
    expect(isWorkingDay(cal, "2026-09-20")).toBe(true);
    expect(isWorkingDay(cal, "2026-10-10")).toBe(true);
    expect(isWorkingDay(cal, "2026-10-01")).toBe(false);
    expect(isWorkingDay(cal, "2026-10-07")).toBe(false);
    expect(isWorkingDay(cal, "2026-10-08")).toBe(true);
    expect(onOrNextWorkingDay(cal, "2026-10-01")).toBe("2026-10-08");
    expect(onOrNextWorkingDay(cal, "2026-10-09")).toBe("2026-10-09");
    expect(onOrNextWorkingDay(cal, "2026-10-10")).toBe("2026-10-10");
    expect(workingDaysBetween(cal, "2026-09-30", "2026-10-10")).toBe(3);
  });

  it("lets a tenant override the data either way, with a name", () => {
    const cal = china([
      { date: "2026-02-13", working: false, name: "年会" },
      { date: "2026-02-14", working: false, name: null },
    ]);
    expect(dayInfo(cal, "2026-02-13")).toMatchObject({ working: false, source: "override", name: { zh: "年会", en: "年会" } });
    expect(isWorkingDay(cal, "2026-02-14")).toBe(false);
    expect(onOrNextWorkingDay(cal, "2026-02-13")).toBe("2026-02-24");
  });

  it("says which years the data covers: 2026 yes, 2027 not yet (the December check reports it)", () => {
    const cal = china();
    expect(coversYear(cal, 2025)).toBe(true);
    expect(coversYear(cal, 2026)).toBe(true);
    expect(coversYear(cal, 2027)).toBe(false);
    // An uncovered year is plain weeks, never "all working days".
    expect(isWorkingDay(cal, "2027-02-06")).toBe(false);
    expect(isWorkingDay(cal, "2027-02-08")).toBe(true);
  });

  it("lists the special days of a window in order", () => {
    const days = specialDays(china(), "2026-09-19", "2026-10-11").map((d) => `${d.date} ${d.source}`);
    expect(days).toEqual([
      "2026-09-20 makeup",
      "2026-09-25 holiday",
      "2026-09-26 holiday",
      "2026-09-27 holiday",
      ...["01", "02", "03", "04", "05", "06", "07"].map((d) => `2026-10-${d} holiday`),
      "2026-10-10 makeup",
    ]);
  });
});

describe("business minutes", () => {
  const at = (iso: string) => new Date(iso);

  it("Friday 17:00 before the Spring Festival: 4 working hours end on the 调休 Saturday at noon", () => {
    const cal = china();
    // 2026-02-13 17:00 Shanghai = 09:00Z.
    expect(addBusinessMinutes(cal, at("2026-02-13T09:00:00Z"), 4 * 60).toISOString()).toBe("2026-02-14T04:00:00.000Z");
  });

  it("the 调休 Saturday 17:00: 4 working hours end on the first working day after the holiday", () => {
    const cal = china();
    expect(addBusinessMinutes(cal, at("2026-02-14T09:00:00Z"), 4 * 60).toISOString()).toBe("2026-02-24T04:00:00.000Z");
  });

  it("starts a clock registered at night or on a holiday at the next working morning, and ends at closing time exactly", () => {
    const cal = china();
    expect(addBusinessMinutes(cal, at("2026-10-01T02:00:00Z"), 60).toISOString()).toBe("2026-10-08T02:00:00.000Z");
    expect(addBusinessMinutes(cal, at("2026-10-08T01:00:00Z"), 9 * 60).toISOString()).toBe("2026-10-08T10:00:00.000Z");
    expect(businessMsBetween(cal, at("2026-09-30T09:00:00Z"), at("2026-10-08T02:00:00Z"))).toBe(2 * 3_600_000);
  });

  it("counts local working hours in Berlin across the spring DST change (and German holidays from date-holidays)", async () => {
    const source = await countryHolidays("DE");
    const cal = buildWorkCalendar("Europe/Berlin", { ...defaultTenantSettings.calendar, country: "DE" }, source, []);
    // Friday 2026-03-27 17:00 CET (16:00Z) + 4 h: 1 h Friday, 3 h Monday 30 March from 09:00 CEST (07:00Z).
    expect(addBusinessMinutes(cal, at("2026-03-27T16:00:00Z"), 4 * 60).toISOString()).toBe("2026-03-30T10:00:00.000Z");
    // Maundy Thursday 17:00 CEST: Good Friday and Easter Monday are holidays, so Tuesday 7 April.
    expect(isWorkingDay(cal, "2026-04-03")).toBe(false);
    expect(addBusinessMinutes(cal, at("2026-04-02T15:00:00Z"), 4 * 60).toISOString()).toBe("2026-04-07T10:00:00.000Z");
    // Autumn change (25 October): Friday 23rd 17:00 CEST (15:00Z) + 2 h = Monday 26th 10:00 CET (09:00Z).
    expect(addBusinessMinutes(cal, at("2026-10-23T15:00:00Z"), 2 * 60).toISOString()).toBe("2026-10-26T09:00:00.000Z");
    expect(coversYear(cal, 2031)).toBe(true);
  });

  it("reports an unknown country as uncovered instead of failing", async () => {
    expect(await countryHolidays("QQ")).toBeNull();
    const cal = buildWorkCalendar("UTC", { ...defaultTenantSettings.calendar, country: "QQ" }, null, []);
    expect(coversYear(cal, 2026)).toBe(false);
  });
});
