import { describe, expect, it } from "vitest";
import { parseTenantSettings } from "../core/tenants/settings.js";
import { dailyCron, digestDue, digestTaskSpecs, dueRuns, knownTimeZone, ON_TIME_WINDOW_MS } from "./rules.js";

const defaults = parseTenantSettings({});
const SH = "Asia/Shanghai";

describe("digestDue", () => {
  it("is not due a minute before 09:00 local and due at 09:00 local", () => {
    expect(digestDue(new Date("2026-11-23T00:59:00Z"), SH, defaults, "CALLBACKS")).toMatchObject({ due: false, localDate: "2026-11-23" });
    expect(digestDue(new Date("2026-11-23T01:00:00Z"), SH, defaults, "CALLBACKS")).toEqual({
      due: true,
      localDate: "2026-11-23",
      scheduledAt: new Date("2026-11-23T01:00:00Z"),
    });
  });

  it("puts the churn digest at 09:30 local", () => {
    expect(digestDue(new Date("2026-11-23T01:29:59Z"), SH, defaults, "CHURN").due).toBe(false);
    expect(digestDue(new Date("2026-11-23T01:30:00Z"), SH, defaults, "CHURN").due).toBe(true);
  });

  it("uses the tenant's own time zone and local date", () => {
    // 09:00 in Shanghai is 20:00 of the previous day in New York.
    expect(digestDue(new Date("2026-11-23T01:00:00Z"), "America/New_York", defaults, "CALLBACKS")).toMatchObject({
      due: false,
      localDate: "2026-11-22",
    });
    expect(digestDue(new Date("2026-11-23T14:00:00Z"), "America/New_York", defaults, "CALLBACKS")).toMatchObject({
      due: true,
      localDate: "2026-11-23",
    });
  });

  it("stays due for catch-up until the cutoff, and not from the cutoff on", () => {
    expect(digestDue(new Date("2026-11-23T09:59:59Z"), SH, defaults, "CALLBACKS").due).toBe(true); // 17:59:59
    expect(digestDue(new Date("2026-11-23T10:00:00Z"), SH, defaults, "CALLBACKS").due).toBe(false); // 18:00
    const late = parseTenantSettings({ digests: { catchUpUntil: "12:00" } });
    expect(digestDue(new Date("2026-11-23T04:00:00Z"), SH, late, "CALLBACKS").due).toBe(false);
  });

  it("lets a digest configured after the cutoff run on time anyway", () => {
    const evening = parseTenantSettings({ digests: { callbacksAt: "19:00" } });
    expect(digestDue(new Date("2026-11-23T11:00:00Z"), SH, evening, "CALLBACKS").due).toBe(true);
    expect(digestDue(new Date(Date.parse("2026-11-23T11:00:00Z") + ON_TIME_WINDOW_MS), SH, evening, "CALLBACKS").due).toBe(false);
  });

  it("never catches a missed day up the next morning before that day's own time", () => {
    expect(digestDue(new Date("2026-11-23T00:30:00Z"), SH, defaults, "CALLBACKS")).toMatchObject({ due: false, localDate: "2026-11-23" });
  });

  it("follows configured digest times", () => {
    const custom = parseTenantSettings({ digests: { callbacksAt: "08:15", churnAt: "10:05" } });
    expect(digestDue(new Date("2026-11-23T00:15:00Z"), SH, custom, "CALLBACKS").due).toBe(true);
    expect(digestDue(new Date("2026-11-23T02:04:00Z"), SH, custom, "CHURN").due).toBe(false);
  });
});

describe("dueRuns and digestTaskSpecs", () => {
  const tenants = [
    { id: "sh1", timeZone: SH, settings: defaults },
    { id: "sh2", timeZone: SH, settings: defaults },
    { id: "ny", timeZone: "America/New_York", settings: defaults },
    { id: "early", timeZone: SH, settings: parseTenantSettings({ digests: { callbacksAt: "08:15" } }) },
  ];

  it("lists every tenant and kind due now", () => {
    expect(dueRuns(new Date("2026-11-23T01:10:00Z"), tenants)).toEqual([
      { tenantId: "sh1", kind: "CALLBACKS", localDate: "2026-11-23" },
      { tenantId: "sh2", kind: "CALLBACKS", localDate: "2026-11-23" },
      { tenantId: "early", kind: "CALLBACKS", localDate: "2026-11-23" },
    ]);
  });

  it("makes one job per kind, time zone and local time in use", () => {
    const specs = digestTaskSpecs(tenants);
    expect(specs.map((s) => [s.key, s.cron])).toEqual([
      ["accord:digest:CALLBACKS:America/New_York:09:00", "0 9 * * *"],
      ["accord:digest:CALLBACKS:Asia/Shanghai:08:15", "15 8 * * *"],
      ["accord:digest:CALLBACKS:Asia/Shanghai:09:00", "0 9 * * *"],
      ["accord:digest:CHURN:America/New_York:09:30", "30 9 * * *"],
      ["accord:digest:CHURN:Asia/Shanghai:09:30", "30 9 * * *"],
    ]);
    expect(dailyCron("00:05")).toBe("5 0 * * *");
  });

  it("tells known time zones from unknown ones", () => {
    expect(knownTimeZone("Asia/Shanghai")).toBe(true);
    expect(knownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });

  it("never finds a digest due in an unknown time zone", () => {
    expect(dueRuns(new Date("2026-11-23T05:00:00Z"), [{ id: "x", timeZone: "Mars/Olympus_Mons", settings: defaults }])).toEqual([]);
  });
});
