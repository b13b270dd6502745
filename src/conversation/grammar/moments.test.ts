// Past moments, months and plan words of the one date grammar (values.ts), on a fixed today:
// Thursday 2026-12-03.
import { describe, expect, it } from "vitest";
import { parseDateTime, parseDayKind, parseMonth, parsePlanWindow, parseTimeOfDay } from "./values.js";

const past = { today: "2026-12-03", lean: "past" as const };
const value = <T>(p: { ok: true; value: T } | { ok: false } | null) => (p && p.ok ? p.value : p);

describe("moments for a visit that happened", () => {
  it("reads days with or without a time, glued Chinese included", () => {
    expect(value(parseDateTime("yesterday", past))).toEqual({ date: "2026-12-02" });
    expect(value(parseDateTime("12/1 14:00", past))).toEqual({ date: "2026-12-01", time: "14:00" });
    expect(value(parseDateTime("昨天下午", past))).toEqual({ date: "2026-12-02", time: "15:00" });
    expect(value(parseDateTime("昨天下午3点半", past))).toEqual({ date: "2026-12-02", time: "15:30" });
    // Leaning to the past, a weekday is the last one (Monday before Thursday 12-03).
    expect(value(parseDateTime("周一上午", past))).toEqual({ date: "2026-11-30", time: "10:00" });
    expect(value(parseDateTime("12月1日9:30", past))).toEqual({ date: "2026-12-01", time: "09:30" });
    // Leaning to the past: 12/25 is last Christmas, not this one.
    expect(value(parseDateTime("12/25", past))).toEqual({ date: "2025-12-25" });
  });

  it("leaves words alone and names what is wrong", () => {
    expect(parseDateTime("renewal", past)).toBeNull();
    expect(parseDateTime("谈了明年的采购计划", past)).toBeNull();
    expect(parseDateTime("x".repeat(5000), past)).toBeNull();
    expect(parseDateTime("12/1 25:00", past)).toMatchObject({ ok: false, key: "grammar.invalid_time" });
    expect(parseDateTime("2026-02-30", past)).toMatchObject({ ok: false, key: "grammar.invalid_date" });
  });

  it("reads times of day", () => {
    expect(value(parseTimeOfDay("3pm"))).toBe("15:00");
    expect(value(parseTimeOfDay("12am"))).toBe("00:00");
    expect(value(parseTimeOfDay("晚上8点"))).toBe("20:00");
    expect(value(parseTimeOfDay("14点05分"))).toBe("14:05");
    expect(parseTimeOfDay("14")).toBeNull();
  });
});

describe("months, plan windows and day kinds", () => {
  it("reads months, a bare one being the next such month", () => {
    expect(value(parseMonth("2026-10", "2026-12-03"))).toBe("2026-10");
    expect(value(parseMonth("2027年2月", "2026-12-03"))).toBe("2027-02");
    expect(value(parseMonth("2月", "2026-12-03"))).toBe("2027-02");
    expect(value(parseMonth("12", "2026-12-03"))).toBe("2026-12");
    expect(value(parseMonth("下月", "2026-12-03"))).toBe("2027-01");
    expect(parseMonth("13月", "2026-12-03")).toMatchObject({ ok: false, key: "grammar.invalid_month" });
  });

  it("knows the plan windows and workday/holiday words in both languages", () => {
    expect(value(parsePlanWindow("本周"))).toBe("week");
    expect(value(parsePlanWindow("30天"))).toBe("30d");
    expect(value(parseDayKind("休息日"))).toBe(false);
    expect(value(parseDayKind("workday"))).toBe(true);
    expect(parseDayKind("maybe")).toBeNull();
  });
});
