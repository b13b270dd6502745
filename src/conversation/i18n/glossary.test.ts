// The catalog as a member reads it: one vocabulary per language, full-width punctuation among
// Chinese, every key in both languages, and no internal name (enum value, field or setting key)
// on any rendered golden. The forbidden names are read from the schema and the forms' sources,
// so a new enum value or field is covered without editing this test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { feishuCatalog } from "../../adapters/feishu/messages.js";
import { slackCatalog } from "../../adapters/slack/messages.js";
import { defaultTenantSettings } from "../../core/tenants/settings.js";
import { avoidedTerms } from "./catalog/glossary.js";
import { catalogs, expandTerms, locales, type Catalog, type Locale } from "./index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const all: Array<[string, Catalog]> = [...Object.entries(catalogs), ["slack", slackCatalog], ["feishu", feishuCatalog]];

/** Every message of a language with glossary references expanded, as t() serves it. */
function messagesOf(locale: Locale): Array<[key: string, text: string]> {
  const merged: Record<string, string> = {};
  for (const [, catalog] of all) Object.assign(merged, catalog[locale]);
  return Object.entries(merged).map(([key, text]) => [key, expandTerms(text, merged)]);
}

const CJK = String.raw`[\p{Script=Han}，。：；（）、！？《》「」]`;
const ASCII_NEXT_TO_CJK = new RegExp(String.raw`${CJK}[,:;()]|[,:;()]${CJK}`, "u");

describe("zh-CN punctuation", () => {
  it("has no ASCII comma, colon, semicolon or parenthesis next to Chinese text", () => {
    const bad = messagesOf("zh-CN").filter(([, text]) => ASCII_NEXT_TO_CJK.test(text.replace(/\{[\w@]+\}/g, "x")) || ASCII_NEXT_TO_CJK.test(text));
    expect(bad).toEqual([]);
  });
});

describe("keys", () => {
  it.each(all)("%s has every key in both languages", (_name, catalog) => {
    const en = Object.keys(catalog.en);
    const zh = Object.keys(catalog["zh-CN"]);
    expect({ missingInChinese: en.filter((k) => !zh.includes(k)), missingInEnglish: zh.filter((k) => !en.includes(k)) }).toEqual({
      missingInChinese: [],
      missingInEnglish: [],
    });
  });
});

describe("glossary", () => {
  it.each(locales)("every {@term} reference names a glossary term (%s)", (locale) => {
    expect(messagesOf(locale).filter(([, text]) => /\{@\w+\}/.test(text))).toEqual([]);
  });

  it.each(locales)("no message uses a word the glossary avoids (%s)", (locale) => {
    const avoided = Object.values(avoidedTerms[locale]).flat();
    const bad = messagesOf(locale).flatMap(([key, text]) => avoided.filter((word) => text.includes(word)).map((word) => `${key}: ${word}`));
    expect(bad).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Internal names on rendered goldens.

/** Enum values from prisma/schema.prisma, except the tiers, which are the department's own names. */
function enumValues(): string[] {
  const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
  const values = [...schema.matchAll(/^enum (\w+) \{([^}]*)\}/gm)]
    .filter(([, name]) => name !== "Tier")
    .flatMap(([, , body]) => body!.split("\n").map((line) => line.replace(/\/\/.*/, "").trim()).filter((v) => /^[A-Z][A-Z_]+$/.test(v)));
  return [...new Set(values)];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : [],
  );
}

/** Form field names as the areas define them ({ name: "annual", … }). */
function formFieldKeys(): string[] {
  const keys = sourceFiles(path.join(root, "src", "conversation", "areas")).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\{\s*name:\s*"([a-z][A-Za-z0-9]*)"/g)].map((m) => m[1]!),
  );
  return [...new Set(keys)];
}

/** Settings keys, each segment (tiers.vipAnnualFen → tiers, vipAnnualFen). */
function settingKeys(): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      walk(v);
    }
  };
  walk(defaultTenantSettings);
  return [...new Set(out)].filter((k) => !/^[A-Z]+$/.test(k));
}

/** What a member sees of a golden: text files whole, JSON files' text-bearing strings only. */
function visibleText(file: string): string {
  const raw = readFileSync(file, "utf8");
  if (!file.endsWith(".json")) return raw;
  const hidden = new Set(["action_id", "block_id", "callback_id", "private_metadata", "value", "name", "tag", "type", "style", "url", "element_id", "behaviors", "initial_option", "initial_date"]);
  const out: string[] = [];
  const walk = (node: unknown, key: string) => {
    if (hidden.has(key)) return;
    if (typeof node === "string") out.push(node);
    else if (Array.isArray(node)) node.forEach((n) => walk(n, key));
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(JSON.parse(raw), "");
  return out.join("\n");
}

const goldenDir = path.join(root, "src", "conversation", "render", "__golden__");
const goldens = readdirSync(goldenDir).flatMap((platform) => readdirSync(path.join(goldenDir, platform)).map((f) => path.join(platform, f)));

describe("rendered goldens", () => {
  const enums = enumValues();
  const fields = formFieldKeys();
  const settings = settingKeys();

  it("finds the names to look for", () => {
    expect(enums).toEqual(expect.arrayContaining(["ON_SITE", "OTHER", "ADMIN", "MANAGER", "SUPERVISOR", "SPECIALIST", "OPEN", "LOST"]));
    expect(fields).toEqual(expect.arrayContaining(["annual", "nextStep"]));
    expect(settings).toEqual(expect.arrayContaining(["vipAnnualFen"]));
    expect(goldens.length).toBeGreaterThan(30);
  });

  it.each(goldens)("%s shows no enum value, field key or setting key", (file) => {
    const text = visibleText(path.join(goldenDir, file));
    const word = (w: string) => new RegExp(String.raw`(?<![\w.@#/-])${w}(?![\w/-])`, "u");
    // camelCase and dotted keys never read as words; a plain one ("annual") is a leak where it
    // stands among Chinese text ("annual：请输入金额").
    const amongChinese = (w: string) => new RegExp(String.raw`${CJK}\s*${w}(?![\w/-])|(?<![\w.@#/-])${w}\s*${CJK}`, "u");
    const found = [
      ...[...enums, ...[...fields, ...settings].filter((k) => /[A-Z]/.test(k))].filter((w) => word(w).test(text)),
      ...[...fields, ...settings].filter((k) => !/[A-Z]/.test(k) && amongChinese(k).test(text)),
    ];
    expect(found).toEqual([]);
  });
});
