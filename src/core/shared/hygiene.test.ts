// The one input-hygiene rule on its own: what each shape keeps and removes, and the bounds.
import { describe, expect, it } from "vitest";
import { cleanBounded, cleanText, textLength, TEXT_LIMITS } from "./hygiene.js";

describe("cleanText", () => {
  it("normalizes to NFC so composed and decomposed accents are the same text", () => {
    expect(cleanText("Cafe\u0301", "name")).toBe("Café");
    expect(cleanText("Cafe\u0301", "name")).toBe(cleanText("Caf\u00e9", "name"));
  });

  it("removes NUL, ESC and the other C0 and C1 controls but keeps the text around them", () => {
    expect(cleanText("Acme\u0000 Ltd", "name")).toBe("Acme Ltd");
    expect(cleanText("\u001b[2JAcme", "name")).toBe("[2JAcme");
    expect(cleanText("A\u0007B\u007fC\u009bD", "line")).toBe("ABCD");
    // NEL (U+0085) is a line break: a space in one line, a newline where lines are kept.
    expect(cleanText("C\u0085D", "line")).toBe("C D");
  });

  it("keeps newlines and tabs in multi-line text, as one kind of newline", () => {
    expect(cleanText("one\r\ntwo\rthree\n\tfour", "multiline")).toBe("one\ntwo\nthree\n\tfour");
  });

  it("turns newlines and tabs into spaces in one-line text and names", () => {
    expect(cleanText("Acme\tTrading\nLtd", "name")).toBe("Acme Trading Ltd");
    expect(cleanText("a reason\r\non two lines", "line")).toBe("a reason on two lines");
  });

  it("replaces lone surrogates and keeps paired ones (emoji)", () => {
    expect(cleanText("Acme\ud800 Ltd", "name")).toBe("Acme\ufffd Ltd");
    expect(cleanText("\udc00Acme", "name")).toBe("\ufffdAcme");
    expect(cleanText("Acme 😀", "name")).toBe("Acme 😀");
  });

  it("removes bidi overrides, embeddings and isolates from every text, and the invisible marks from names", () => {
    expect(cleanText("Acme\u202Egnp.exe", "name")).toBe("Acmegnp.exe");
    expect(cleanText("\u2066x\u2069\u202Ay\u202C", "multiline")).toBe("xy");
    expect(cleanText("Acme\u200F", "name")).toBe("Acme");
    expect(cleanText("שלום\u200F!", "multiline")).toBe("שלום\u200F!");
  });

  it("leaves ordinary Chinese and English text untouched", () => {
    const text = "华为技术有限公司（深圳）— Acme, Ltd. #1";
    expect(cleanText(text, "name")).toBe(text);
  });
});

describe("cleanBounded", () => {
  it("counts characters as the user does: a CJK character or an emoji is one", () => {
    expect(textLength("华为😀")).toBe(3);
    expect(cleanBounded("华".repeat(200), "name", "name")).toEqual({ ok: true, text: "华".repeat(200) });
    expect(cleanBounded("😀".repeat(200), "name", "name").ok).toBe(true);
  });

  it("refuses text beyond the field's limit with the limit in the answer", () => {
    expect(cleanBounded("x".repeat(201), "name", "name")).toEqual({ ok: false, code: "input.too_long", params: { max: 200 } });
    expect(cleanBounded("x".repeat(TEXT_LIMITS.command + 1), "multiline", "command")).toEqual({
      ok: false,
      code: "input.too_long",
      params: { max: TEXT_LIMITS.command },
    });
    expect(cleanBounded("x".repeat(10), "line", 5)).toMatchObject({ ok: false, params: { max: 5 } });
  });

  it("measures the cleaned text: controls removed do not count against the limit", () => {
    expect(cleanBounded("x".repeat(200) + "\u0000\u0000", "name", "name")).toEqual({ ok: true, text: "x".repeat(200) });
  });

  it("refuses a 150 KB text at once, without cleaning it", () => {
    const started = performance.now();
    expect(cleanBounded("x".repeat(150_000), "multiline", "command").ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
