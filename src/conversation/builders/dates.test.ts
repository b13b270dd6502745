import { describe, expect, it } from "vitest";
import { parseDate } from "../grammar/values.js";
import { formatDateTime, formatDay, formatDayOf, formatMonth, formatScheduleDay } from "./dates.js";

const zh = { locale: "zh-CN" as const, today: "2026-11-23", timeZone: "Asia/Shanghai" };
const en = { locale: "en" as const, today: "2026-11-23", timeZone: "Asia/Shanghai" };

describe("formatDay", () => {
  it("shows a day of the current year without the year", () => {
    expect(formatDay("2026-11-20", zh)).toBe("11月20日");
    expect(formatDay("2026-11-20", en)).toBe("Nov 20");
  });

  it("shows the year for a day of another year, on both sides of the boundary", () => {
    expect(formatDay("2025-11-20", zh)).toBe("2025年11月20日");
    expect(formatDay("2025-11-20", en)).toBe("Nov 20, 2025");
    expect(formatDay("2027-01-04", { ...zh, today: "2026-12-31" })).toBe("2027年1月4日");
    expect(formatDay("2027-01-04", { ...en, today: "2027-01-01" })).toBe("Jan 4");
    expect(formatDay("2026-12-31", { ...en, today: "2027-01-01" })).toBe("Dec 31, 2026");
  });
});

describe("formatScheduleDay", () => {
  it("adds the weekday: after the day in Chinese, before it in English", () => {
    expect(formatScheduleDay("2026-11-20", zh)).toBe("11月20日 周五");
    expect(formatScheduleDay("2026-11-20", en)).toBe("Fri, Nov 20");
    expect(formatScheduleDay("2027-01-04", zh)).toBe("2027年1月4日 周一");
    expect(formatScheduleDay("2027-01-04", en)).toBe("Mon, Jan 4, 2027");
  });
});

describe("formatDateTime", () => {
  it("shows the tenant's wall clock on a 24-hour clock", () => {
    const at = new Date("2026-11-20T02:00:00Z");
    expect(formatDateTime(at, zh)).toBe("11月20日 10:00");
    expect(formatDateTime(at, en)).toBe("Nov 20, 10:00");
    expect(formatDateTime(new Date("2026-11-20T06:30:00Z"), en)).toBe("Nov 20, 14:30");
  });

  it("takes the day in the tenant's zone: a UTC evening is the next morning in Shanghai", () => {
    const at = new Date("2026-12-31T17:30:00Z");
    expect(formatDateTime(at, zh)).toBe("2027年1月1日 01:30");
    expect(formatDateTime(at, { ...en, today: "2027-01-01" })).toBe("Jan 1, 01:30");
    expect(formatDayOf(at, zh)).toBe("2027年1月1日");
    expect(formatDateTime(at, { ...en, timeZone: "UTC" })).toBe("Dec 31, 17:30");
  });
});

describe("formatMonth", () => {
  it("names the month with its year", () => {
    expect(formatMonth("2026-12", zh)).toBe("2026年12月");
    expect(formatMonth("2026-12", en)).toBe("December 2026");
  });
});

describe("what it shows reads back", () => {
  const cases: Array<[string, typeof zh | typeof en]> = [
    ["2026-11-20", zh],
    ["2025-11-20", zh],
    ["2026-11-20", en],
    ["2025-11-20", en],
    ["2027-01-04", zh],
    ["2027-01-04", en],
  ];
  it.each(cases)("parses %s shown in the member's convention back to the same day", (date, convention) => {
    for (const lean of ["past", "future"] as const) {
      const shown = formatDay(date, convention);
      const sameYearLean = date < convention.today ? "past" : "future";
      // A day shown without its year is this year's: the parser's lean finds it when it points that way.
      if (!/\d{4}/.test(shown) && lean !== sameYearLean) continue;
      expect(parseDate(shown, { today: convention.today, lean })).toEqual({ ok: true, value: date });
      expect(parseDate(formatScheduleDay(date, convention), { today: convention.today, lean })).toEqual({ ok: true, value: date });
    }
  });
});
