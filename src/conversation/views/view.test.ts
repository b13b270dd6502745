import { describe, expect, it } from "vitest";
import { DEFAULT_MORE_TEMPLATE, moreText, parseMarkdownLite, plainTextOf, summaryOf } from "./view.js";

describe("parseMarkdownLite", () => {
  it("reads *bold* pairs, bullet lines and line breaks", () => {
    expect(parseMarkdownLite("*Risk* is high\n- gap 22 days\n• purchases down")).toEqual([
      { bullet: false, spans: [{ text: "Risk", bold: true }, { text: " is high", bold: false }] },
      { bullet: true, spans: [{ text: "gap 22 days", bold: false }] },
      { bullet: true, spans: [{ text: "purchases down", bold: false }] },
    ]);
  });

  it("keeps asterisks literal when they do not enclose a tight span", () => {
    expect(parseMarkdownLite("5 * 3 = 15 and * spaced * and **")).toEqual([
      { bullet: false, spans: [{ text: "5 * 3 = 15 and * spaced * and **", bold: false }] },
    ]);
    expect(parseMarkdownLite("price* only")[0]!.spans).toEqual([{ text: "price* only", bold: false }]);
  });

  it("never lets bold run across a line break", () => {
    expect(parseMarkdownLite("*open\nclose*").map((line) => line.spans)).toEqual([
      [{ text: "*open", bold: false }],
      [{ text: "close*", bold: false }],
    ]);
  });

  it("bolds Chinese text inside a sentence and treats other markup as literal", () => {
    expect(parseMarkdownLite("客户*非常*满意 _a_ `b`")[0]!.spans).toEqual([
      { text: "客户", bold: false },
      { text: "非常", bold: true },
      { text: "满意 _a_ `b`", bold: false },
    ]);
  });

  it("normalizes Windows line endings", () => {
    expect(parseMarkdownLite("a\r\nb")).toHaveLength(2);
  });

  it("a hyphen without a following space is not a bullet", () => {
    expect(parseMarkdownLite("-5% this quarter")[0]).toEqual({ bullet: false, spans: [{ text: "-5% this quarter", bold: false }] });
  });
});

describe("plainTextOf / summaryOf / moreText", () => {
  it("drops markup but keeps bullets readable", () => {
    expect(plainTextOf("*Risk*\n- gap")).toBe("Risk\n• gap");
  });

  it("summarizes a view by its explicit summary, else its header, else its first text", () => {
    expect(summaryOf({ summary: "S", header: { title: "T" }, blocks: [] })).toBe("S");
    expect(summaryOf({ header: { title: "T", subtitle: "sub", tag: { text: "VIP" } }, blocks: [] })).toBe("T · VIP · sub");
    expect(summaryOf({ blocks: [{ kind: "divider" }, { kind: "text", text: "*Hi* there" }] })).toBe("Hi there");
    expect(summaryOf({ blocks: [] })).toBe("");
  });

  it("fills the localized more-note template and falls back to a neutral one", () => {
    expect(moreText({ moreTemplate: "…还有 {count} 项" }, 478)).toBe("…还有 478 项");
    expect(moreText({}, 3)).toBe(DEFAULT_MORE_TEMPLATE.replace("{count}", "3"));
  });
});
