import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callbacksCatalog } from "../../conversation/i18n/catalog/callbacks.js";
import { callbacksOutcomesCatalog } from "../../conversation/i18n/catalog/callbacks.outcomes.js";
import type { Catalog } from "../../conversation/i18n/catalog/types.js";
import { visitsCatalog } from "../../conversation/i18n/catalog/visits.js";
import { placeholdersOf } from "../../conversation/i18n/index.js";
import {
  checkDueDate,
  compareDueCallbacks,
  daysOverdue,
  isDue,
  MAX_SCHEDULE_AHEAD_DAYS,
  SNOOZE_MAX_DAYS,
  snoozedDueDate,
  type DueOrderKey,
} from "./rules.js";

describe("callback rules", () => {
  it("counts whole days overdue, 0 when due today or later, across month and year ends", () => {
    expect(daysOverdue("2026-11-23", "2026-11-23")).toBe(0);
    expect(daysOverdue("2026-11-23", "2026-11-24")).toBe(0);
    expect(daysOverdue("2026-11-23", "2026-11-22")).toBe(1);
    expect(daysOverdue("2027-01-02", "2026-12-30")).toBe(3);
    expect(daysOverdue("2028-03-01", "2028-02-28")).toBe(2);
    expect(isDue("2026-11-23", "2026-11-23")).toBe(true);
    expect(isDue("2026-11-23", "2026-11-24")).toBe(false);
  });

  it("refuses a due date in the past with callback.date_in_past and one beyond the horizon", () => {
    expect(() => checkDueDate("2026-11-23", "2026-11-23")).not.toThrow();
    expect(() => checkDueDate("2026-11-23", "2026-11-22")).toThrow(expect.objectContaining({ code: "callback.date_in_past" }));
    expect(MAX_SCHEDULE_AHEAD_DAYS).toBe(731);
    expect(() => checkDueDate("2026-11-23", "2028-11-23")).not.toThrow();
    expect(() => checkDueDate("2026-11-23", "2028-11-24")).toThrow(expect.objectContaining({ code: "callback.date_too_far" }));
  });

  it("snoozes from the later of today and the due date, one day by default, at most 30", () => {
    // Overdue: from today.
    expect(snoozedDueDate("2026-11-23", "2026-11-20", {})).toBe("2026-11-24");
    // Due later: from the due date.
    expect(snoozedDueDate("2026-11-23", "2026-11-28", { days: 2 })).toBe("2026-11-30");
    expect(SNOOZE_MAX_DAYS).toBe(30);
    expect(snoozedDueDate("2026-11-23", "2026-11-23", { days: 30 })).toBe("2026-12-23");
    expect(() => snoozedDueDate("2026-11-23", "2026-11-23", { days: 31 })).toThrow(
      expect.objectContaining({ code: "callback.snooze_too_far", params: { max: 30 } }),
    );
    expect(() => snoozedDueDate("2026-11-23", "2026-11-23", { days: 0 })).toThrow(
      expect.objectContaining({ code: "callback.snooze_not_later" }),
    );
    expect(snoozedDueDate("2026-11-23", "2026-11-20", { until: "2026-11-24" })).toBe("2026-11-24");
    expect(snoozedDueDate("2026-11-23", "2026-11-20", { until: "2026-12-23" })).toBe("2026-12-23");
    expect(() => snoozedDueDate("2026-11-23", "2026-11-20", { until: "2026-12-24" })).toThrow(
      expect.objectContaining({ code: "callback.snooze_too_far" }),
    );
    expect(() => snoozedDueDate("2026-11-23", "2026-11-20", { until: "2026-11-23" })).toThrow(
      expect.objectContaining({ code: "callback.snooze_not_later" }),
    );
    expect(() => snoozedDueDate("2026-11-23", "2026-11-28", { until: "2026-11-27" })).toThrow(
      expect.objectContaining({ code: "callback.snooze_not_later" }),
    );
  });

  it("orders a due list VIP first, then most overdue, then by name", () => {
    const key = (id: string, tier: DueOrderKey["tier"], daysOverdue: number, customerName: string): DueOrderKey => ({
      id,
      tier,
      daysOverdue,
      customerName,
    });
    const list = [
      key("1", "B", 9, "Zeta"),
      key("2", "A", 0, "Beta"),
      key("3", "VIP", 0, "Omega"),
      key("4", "A", 3, "Gamma"),
      key("5", "VIP", 2, "Alpha"),
      key("6", "A", 0, "alpha"),
      key("7", "C", 40, "Delta"),
    ];
    expect([...list].sort(compareDueCallbacks).map((k) => k.id)).toEqual(["5", "3", "4", "6", "2", "1", "7"]);
  });
});

describe("visits and callbacks catalogs", () => {

  it.each<[string, Catalog]>([
    ["visits", visitsCatalog],
    ["callbacks", callbacksCatalog],
  ])("%s has the same keys and placeholders in English and Chinese", (_name, catalog) => {
    expect(Object.keys(catalog["zh-CN"]).sort()).toEqual(Object.keys(catalog.en).sort());
    for (const [key, en] of Object.entries(catalog.en)) {
      expect(placeholdersOf(catalog["zh-CN"][key]!), key).toEqual(placeholdersOf(en));
    }
  });

  it("has a message for every error code the two areas can throw", () => {
    const here = path.dirname(new URL(import.meta.url).pathname);
    const sources = ["../callbacks", "../visits"].flatMap((dir) =>
      readdirSync(path.join(here, dir))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
        .map((f) => readFileSync(path.join(here, dir, f), "utf8")),
    );
    // Every "visit.x" / "callback.x" literal except audit actions (action: "...") is an error code.
    const codes = new Set(
      sources.flatMap((s) => [...s.matchAll(/(action: )?"((?:visit|callback)\.[a-z_]+)"/g)].filter((m) => !m[1]).map((m) => m[2]!)),
    );
    expect(codes.size).toBeGreaterThan(15);
    const known = { ...visitsCatalog.en, ...callbacksCatalog.en, ...callbacksOutcomesCatalog.en };
    expect([...codes].filter((c) => !(c in known))).toEqual([]);
  });
});
