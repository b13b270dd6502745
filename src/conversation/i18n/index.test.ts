// Catalog consistency for every area, and the message runtime's fallbacks.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalogs, createTranslator, format, hasMessage, placeholdersOf, resolveLocale, t } from "./index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const entries = Object.entries(catalogs);

describe("catalogs", () => {
  it("registers every catalog file in catalog/", () => {
    const files = readdirSync(path.join(here, "catalog"))
      .filter((f) => f.endsWith(".ts") && f !== "types.ts" && !f.endsWith(".test.ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(Object.keys(catalogs).sort()).toEqual(files.sort());
  });

  it.each(entries)("%s has the same keys in en and zh-CN", (_area, catalog) => {
    expect(Object.keys(catalog["zh-CN"]).sort()).toEqual(Object.keys(catalog.en).sort());
  });

  it.each(entries)("%s uses the same placeholders per key in both languages", (_area, catalog) => {
    const mismatched = Object.keys(catalog.en).filter(
      (key) => placeholdersOf(catalog.en[key]!).join() !== placeholdersOf(catalog["zh-CN"][key] ?? "").join(),
    );
    expect(mismatched).toEqual([]);
  });

  it.each(entries)("%s has no empty messages", (_area, catalog) => {
    const empty = [...Object.entries(catalog.en), ...Object.entries(catalog["zh-CN"])].filter(([, v]) => !v.trim());
    expect(empty).toEqual([]);
  });

  it("never defines one key in two catalogs", () => {
    const owners = new Map<string, string[]>();
    for (const [area, catalog] of entries) {
      for (const key of Object.keys(catalog.en)) owners.set(key, [...(owners.get(key) ?? []), area]);
    }
    expect([...owners].filter(([, areas]) => areas.length > 1)).toEqual([]);
  });

  it("has a message for every grammar error key the parser can produce", () => {
    const grammarDir = path.join(here, "..", "grammar");
    const keys = readdirSync(grammarDir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .flatMap((f) => [...readFileSync(path.join(grammarDir, f), "utf8").matchAll(/"(grammar\.[a-z_]+)"/g)].map((m) => m[1]!));
    expect(keys.length).toBeGreaterThan(20);
    expect([...new Set(keys)].filter((k) => !hasMessage(k, "en") || !hasMessage(k, "zh-CN"))).toEqual([]);
  });
});

describe("t", () => {
  it("fills placeholders in the member's language", () => {
    expect(t("en", "grammar.invalid_tier", { value: "X" })).toBe("“X” is not a tier: use VIP, A, B or C.");
    expect(t("zh-CN", "grammar.invalid_tier", { value: "X" })).toContain("“X”不是客户等级");
  });

  it("accepts other spellings of a locale", () => {
    expect(t("en-US", "grammar.usage_label")).toBe("Usage:");
    expect(t("zh", "grammar.usage_label")).toBe("用法：");
  });

  it("falls back from Chinese to English, then to the key itself", () => {
    const translator = createTranslator([
      { en: { "x.both": "both {n}", "x.en_only": "English {n}" }, "zh-CN": { "x.both": "两者 {n}" } },
    ]);
    expect(translator.t("zh-CN", "x.both", { n: 1 })).toBe("两者 1");
    expect(translator.t("zh-CN", "x.en_only", { n: 2 })).toBe("English 2");
    expect(translator.t("en", "x.missing")).toBe("x.missing");
    expect(translator.hasMessage("x.en_only", "zh-CN")).toBe(false);
    expect(translator.hasMessage("x.en_only")).toBe(true);
  });

  it("uses Chinese for an unsupported locale", () => {
    const translator = createTranslator([{ en: { k: "en" }, "zh-CN": { k: "中" } }]);
    expect(translator.t("fr", "k")).toBe("中");
  });

  it("does not find Object.prototype members as messages", () => {
    expect(t("en", "constructor")).toBe("constructor");
    expect(hasMessage("toString")).toBe(false);
  });

  it("writes a list placeholder the way the language enumerates", () => {
    const params = { region: "西北", known: ["华东", "华南", "East China"] };
    expect(t("zh-CN", "customer.unknown_region", params)).toBe(
      "“西北”不在本工作区的区域列表中：华东、华南、East China。请从中选择，或请管理员添加（管理 区域 添加 <名称>）。",
    );
    expect(t("en", "customer.unknown_region", params)).toBe(
      "“西北” is not one of this workspace's regions: 华东, 华南, East China. Choose one of them, or ask an administrator to add it (admin region add <name>).",
    );
  });

  it("leaves unknown placeholders visible and formats numbers and bigints", () => {
    expect(format("{a} of {b}", { a: 3 })).toBe("3 of {b}");
    expect(format("{fen} fen", { fen: 120050n })).toBe("120050 fen");
  });
});

describe("resolveLocale", () => {
  it.each([
    ["en", "zh-CN", "en"],
    [null, "en", "en"],
    [undefined, "zh-CN", "zh-CN"],
    ["fr", "en-GB", "en"],
    ["zh_CN", "en", "zh-CN"],
    ["", "", "zh-CN"],
    [null, null, "zh-CN"],
  ] as const)("member %j, tenant %j → %s", (member, tenant, expected) => {
    expect(resolveLocale(member, tenant)).toBe(expected);
  });
});

describe("plurals", () => {
  it("picks the form by Intl.PluralRules and fills # with the number", () => {
    const template = "{count, plural, =0 {no callbacks} one {# overdue callback} other {# overdue callbacks}} for {name}";
    expect(format(template, { count: 1, name: "Acme" }, "en")).toBe("1 overdue callback for Acme");
    expect(format(template, { count: 3, name: "Acme" }, "en")).toBe("3 overdue callbacks for Acme");
    expect(format(template, { count: 0, name: "Acme" }, "en")).toBe("no callbacks for Acme");
    expect(format("{n, plural, one {# day} other {# days}}", {}, "en")).toBe("{n, plural, one {# day} other {# days}}");
  });

  it("reads plural placeholders as placeholders", () => {
    expect(placeholdersOf("{days, plural, one {# day} other {# days}} late ({date})")).toEqual(["date", "days"]);
  });

  it("leaves no (s) in English and no plural without a form for one", () => {
    expect(t("en", "book.list.overdue", { count: 1 })).toBe("1 overdue callback");
    expect(t("en", "callback.view.overdue", { days: 1, date: "2026-11-20" })).toBe("⚠ 1 day overdue (due 2026-11-20)");
    expect(t("en", "report.view.per_customer", { amount: "¥1.00", spend: "¥1.00", customers: 1 })).toBe("¥1.00 (¥1.00 for 1 customer)");
    const english = Object.values(catalogs).flatMap((c) => Object.entries(c.en));
    expect(english.filter(([, v]) => v.includes("(s)"))).toEqual([]);
  });
});
