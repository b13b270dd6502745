// Value parsers on their own: null means "not this kind of value", a failure carries its key.
import { describe, expect, it } from "vitest";
import { suggestAlias, TOP_LEVEL, allAliases } from "./aliases.js";
import { restText, tokenize } from "./tokens.js";
import { parseAmount, parseChannel, parseDate, parseDateTime, parseMention, parseRole, parseSeverity, parseTier } from "./values.js";

describe("parseAmount", () => {
  it.each([
    ["1200", 120_000n],
    ["1,200", 120_000n],
    ["12,000,000", 1_200_000_000n],
    ["¥1200", 120_000n],
    ["￥1200", 120_000n],
    ["1200元", 120_000n],
    ["1200块", 120_000n],
    ["1.2k", 120_000n],
    ["1.2K", 120_000n],
    ["1.2万", 1_200_000n],
    ["3w", 3_000_000n],
    ["1200.50", 120_050n],
    ["1200.5", 120_050n],
    ["0.01", 1n],
    ["１２００", 120_000n],
    ["RMB1200", 120_000n],
  ])("reads %s as %s fen", (text, fen) => {
    expect(parseAmount(text)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ["-100", "grammar.amount_negative"],
    ["¥-100", "grammar.amount_negative"],
    ["-¥100", "grammar.amount_negative"],
    ["100.001", "grammar.amount_too_precise"],
    ["1.2345678万", "grammar.amount_too_precise"],
    ["1,20", "grammar.invalid_amount"],
    ["1,2000", "grammar.invalid_amount"],
    ["99999999999999", "grammar.amount_too_large"],
  ])("refuses %s with %s", (text, key) => {
    expect(parseAmount(text)).toEqual({ ok: false, key, params: { value: text } });
  });

  it.each(["华为", "abc", "12-1", "+3d", "k", "万", "1.2.3", ""])("does not take %j for an amount", (text) => {
    expect(parseAmount(text)).toBeNull();
  });
});

describe("parseDate", () => {
  // Monday.
  const today = "2026-11-23";
  it.each([
    ["today", "2026-11-23"],
    ["今天", "2026-11-23"],
    ["tomorrow", "2026-11-24"],
    ["明天", "2026-11-24"],
    ["后天", "2026-11-25"],
    ["yesterday", "2026-11-22"],
    ["+0d", "2026-11-23"],
    ["+10天", "2026-12-03"],
    ["+1w", "2026-11-30"],
    ["2周后", "2026-12-07"],
    ["tue", "2026-11-24"],
    ["Monday", "2026-11-30"],
    ["星期六", "2026-11-28"],
    ["下周日", "2026-12-06"],
    ["2026-12-01", "2026-12-01"],
    ["2028-2-29", "2028-02-29"],
    ["12/31", "2026-12-31"],
    ["11/23", "2026-11-23"],
    ["11/22", "2027-11-22"],
    ["2/29", "2028-02-29"],
    ["1月5日", "2027-01-05"],
  ])("reads %s on Monday %s as %s", (text, date) => {
    expect(parseDate(text, { today, lean: "future" })).toEqual({ ok: true, value: date });
  });

  it("reads a month-day without year as the latest past one for reports", () => {
    expect(parseDate("12/1", { today, lean: "past" })).toEqual({ ok: true, value: "2025-12-01" });
    expect(parseDate("11/23", { today, lean: "past" })).toEqual({ ok: true, value: "2026-11-23" });
    expect(parseDate("2/29", { today, lean: "past" })).toEqual({ ok: true, value: "2024-02-29" });
  });

  it.each(["2026-02-29", "2026-13-01", "13/1", "4/31", "0/5", "-3", "+3x"])("refuses %s as an invalid date", (text) => {
    expect(parseDate(text, { today, lean: "future" })).toEqual({ ok: false, key: "grammar.invalid_date", params: { value: text } });
  });

  it.each([
    ["11月20日", "2027-11-20"],
    ["11月25日", "2026-11-25"],
    ["2025年11月20日", "2025-11-20"],
    ["Nov 20", "2027-11-20"],
    ["nov 25", "2026-11-25"],
    ["Nov 20, 2025", "2025-11-20"],
    ["November 20th 2025", "2025-11-20"],
    ["20 Nov 2025", "2025-11-20"],
    ["25 Nov", "2026-11-25"],
    ["Sept 3", "2027-09-03"],
    ["Jan 4, 2027", "2027-01-04"],
    ["11月27日 周五", "2026-11-27"],
    ["11月27日（周五）", "2026-11-27"],
    ["2027年1月4日 周一", "2027-01-04"],
    ["Fri, Nov 27", "2026-11-27"],
    ["Mon, Jan 4, 2027", "2027-01-04"],
    ["Nov 20,", "2027-11-20"],
  ])("reads %s, as Accord shows a day, as %s", (text, date) => {
    expect(parseDate(text, { today, lean: "future" })).toEqual({ ok: true, value: date });
  });

  it("reads a day Accord showed without its year in the lean's direction", () => {
    expect(parseDate("Nov 20", { today, lean: "past" })).toEqual({ ok: true, value: "2026-11-20" });
    expect(parseDate("11月20日 周五", { today, lean: "past" })).toEqual({ ok: true, value: "2026-11-20" });
  });

  it.each(["11月27日 周一", "Mon, Nov 27", "Feb 30, 2026", "30 Feb"])("refuses %s: a weekday or day that does not exist", (text) => {
    expect(parseDate(text, { today, lean: "future" })).toEqual({ ok: false, key: "grammar.invalid_date", params: { value: text } });
  });

  it.each(["may", "Nov", "20", "3d", "2w", "10am", "下周", "next"])("does not take %j for a date either", (text) => {
    expect(parseDate(text, { today, lean: "future" })).toBeNull();
  });

  it.each(["华为", "soon", "1200", "高"])("does not take %j for a date", (text) => {
    expect(parseDate(text, { today, lean: "future" })).toBeNull();
  });
});

describe("parseDateTime with the days Accord shows", () => {
  const ctx = { today: "2026-11-23", lean: "past" as const };
  it.each([
    ["11月20日 10:00", { date: "2026-11-20", time: "10:00" }],
    ["2025年11月20日 10:00", { date: "2025-11-20", time: "10:00" }],
    ["Nov 20, 10:00", { date: "2026-11-20", time: "10:00" }],
    ["Nov 20, 2025, 14:30", { date: "2025-11-20", time: "14:30" }],
  ])("reads %s", (text, value) => {
    expect(parseDateTime(text, ctx)).toEqual({ ok: true, value });
  });
});

describe("mentions and channels", () => {
  const mentions = { "@_user_1": { platformUserId: "ou_1", name: "王芳" } };

  it("reads Slack mentions with and without a label, and Feishu keys from the context", () => {
    expect(parseMention("<@U123|Jane Doe>", undefined)).toEqual({ ok: true, value: { platformUserId: "U123", name: "Jane Doe" } });
    expect(parseMention("<@W42>", undefined)).toEqual({ ok: true, value: { platformUserId: "W42" } });
    expect(parseMention("@_user_1", mentions)).toEqual({ ok: true, value: { platformUserId: "ou_1", name: "王芳" } });
    expect(parseMention("＠_user_1", mentions)).toEqual({ ok: true, value: { platformUserId: "ou_1", name: "王芳" } });
  });

  it("refuses an @ it cannot resolve and ignores what is no mention", () => {
    expect(parseMention("@_user_2", mentions)).toEqual({ ok: false, key: "grammar.unknown_mention", params: { value: "@_user_2" } });
    expect(parseMention("Jane", mentions)).toBeNull();
  });

  it("reads Slack channels, Feishu chat ids and 'here'", () => {
    expect(parseChannel("<#C1|general>")).toEqual({ ok: true, value: { platformChannelId: "C1", name: "general" } });
    expect(parseChannel("<#C1>")).toEqual({ ok: true, value: { platformChannelId: "C1" } });
    expect(parseChannel("oc_5ad11d72b830411d72b836c20")).toEqual({ ok: true, value: { platformChannelId: "oc_5ad11d72b830411d72b836c20" } });
    expect(parseChannel("本群")).toEqual({ ok: true, value: { current: true } });
    expect(parseChannel("#general")).toEqual({ ok: false, key: "grammar.invalid_channel", params: { value: "#general" } });
    expect(parseChannel("general")).toBeNull();
  });
});

describe("enumerations", () => {
  it.each([
    ["low", "LOW"],
    ["低", "LOW"],
    ["一般", "LOW"],
    ["Medium", "MEDIUM"],
    ["中", "MEDIUM"],
    ["high", "HIGH"],
    ["高", "HIGH"],
    ["严重", "HIGH"],
    ["critical", "CRITICAL"],
    ["紧急", "CRITICAL"],
    ["特急", "CRITICAL"],
  ])("reads severity %s", (text, value) => {
    expect(parseSeverity(text)).toEqual({ ok: true, value });
  });

  it.each([
    ["VIP", "VIP"],
    ["vip", "VIP"],
    ["A", "A"],
    ["一级", "A"],
    ["二级", "B"],
    ["C", "C"],
    ["潜在", "C"],
  ])("reads tier %s", (text, value) => {
    expect(parseTier(text)).toEqual({ ok: true, value });
  });

  it.each([
    ["specialist", "SPECIALIST"],
    ["客户经理", "SPECIALIST"],
    ["专员", "SPECIALIST"],
    ["supervisor", "SUPERVISOR"],
    ["主管", "SUPERVISOR"],
    ["manager", "MANAGER"],
    ["经理", "MANAGER"],
    ["admin", "ADMIN"],
    ["管理员", "ADMIN"],
  ])("reads role %s", (text, value) => {
    expect(parseRole(text)).toEqual({ ok: true, value });
  });

  it("does not take other words for enumerations", () => {
    expect(parseSeverity("高科")).toBeNull();
    expect(parseTier("D")).toBeNull();
    expect(parseRole("boss")).toBeNull();
  });
});

describe("tokenize", () => {
  it("groups every kind of quote and keeps Slack mentions with spaces whole", () => {
    const result = tokenize(`a "b c" “d e” 「f g」 『h』 'i j' <@U1|Jane Doe> O'Brien`);
    expect(result.ok && result.tokens.map((t) => [t.text, t.quoted])).toEqual([
      ["a", false],
      ["b c", true],
      ["d e", true],
      ["f g", true],
      ["h", true],
      ["i j", true],
      ["<@U1|Jane Doe>", false],
      ["O'Brien", false],
    ]);
  });

  it("reports an unclosed quote", () => {
    expect(tokenize("a “b c")).toEqual({ ok: false, key: "grammar.unclosed_quote", params: { quote: "“" } });
  });

  it("takes free text verbatim, line breaks included", () => {
    const text = 'x y  "z"\n  last';
    const result = tokenize(text);
    expect(result.ok && restText(text, result.tokens, 1)).toBe('y  "z"\n  last');
  });
});

describe("suggestAlias", () => {
  const all = allAliases(TOP_LEVEL);
  it.each([
    ["custmer", "customer"],
    ["cutsomer", "customer"],
    ["aprovals", "approvals"],
    ["客护", "客户"],
    ["预惊", "预警"],
  ])("suggests %s → %s", (typo, suggestion) => {
    expect(suggestAlias(typo, all)).toBe(suggestion);
  });

  it.each(["x", "zz", "banana", "你好"])("suggests nothing for %s", (text) => {
    expect(suggestAlias(text, all)).toBeUndefined();
  });
});
