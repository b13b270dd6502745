import { describe, expect, it } from "vitest";
import { clip, fitSerialized, fitUnits, type Unit } from "./limits.js";

describe("clip", () => {
  it("leaves short text alone and cuts long text to exactly max with …", () => {
    expect(clip("abc", 3)).toBe("abc");
    expect(clip("abcd", 3)).toBe("ab…");
    expect(clip("客户经理制", 4)).toBe("客户经…");
    expect(clip("abc", 0)).toBe("");
  });

  it("does not split a surrogate pair", () => {
    expect(clip("😀😀😀", 4)).toBe("😀…");
  });
});

describe("fitSerialized", () => {
  const escape = (s: string) => s.replace(/&/g, "&amp;");
  it("returns the serialization unchanged when it fits, else the longest prefix that does", () => {
    expect(fitSerialized("a&b", 7, escape)).toBe("a&amp;b");
    expect(fitSerialized("a&b&c", 8, escape)).toBe("a&amp;b…");
    expect(fitSerialized("&&&&", 3, escape)).toBe("…");
  });
});

describe("fitUnits", () => {
  // Each element costs one unit of the single budget dimension.
  const fit = (units: Unit<string>[], limit: number, hiddenBeyond: number[] = []) =>
    fitUnits({ units, hiddenBeyond, cost: (e) => [e.length], base: [0], limits: [limit], note: (n) => [`+${n}`] });
  const item = (name: string, list = 0): Unit<string> => ({ elements: [name], list, item: true });

  it("keeps everything and adds no note when it fits", () => {
    expect(fit([{ elements: ["h"] }, { elements: ["t"], list: 0 }, item("a"), item("b")], 4)).toEqual(["h", "t", "a", "b"]);
  });

  it("keeps fixed units after a list and drops the list's tail items behind a note", () => {
    const units = [{ elements: ["t"], list: 0 }, item("a"), item("b"), item("c"), item("d"), { elements: ["end"] }];
    expect(fit(units, 5)).toEqual(["t", "a", "b", "+2", "end"]);
  });

  it("keeps every item and adds no note when they fill the budget exactly", () => {
    expect(fit([{ elements: ["t"], list: 0 }, item("a"), item("b")], 3)).toEqual(["t", "a", "b"]);
  });

  it("gives earlier lists priority and keeps room to note every list that lost items", () => {
    const second = [{ elements: [], list: 1 }, item("x", 1), item("y", 1), item("z", 1)];
    const units = [{ elements: [], list: 0 }, item("a"), item("b"), item("c"), ...second];
    expect(fit(units, 4)).toEqual(["a", "b", "+1", "+3"]);
    expect(fit(units, 5)).toEqual(["a", "b", "c", "+3"]);
    expect(fit(units, 6)).toEqual(["a", "b", "c", "x", "y", "z"]);
  });

  it("notes items the view never passed, even when nothing is dropped", () => {
    expect(fit([{ elements: ["t"], list: 0 }, item("a")], 10, [7])).toEqual(["t", "a", "+7"]);
  });

  it("falls back to a prefix and a closing note when the fixed part alone is too big", () => {
    const units = Array.from({ length: 6 }, (_, i) => ({ elements: [`f${i}`] }));
    expect(fit(units, 4)).toEqual(["f0", "f1", "f2", "+3"]);
  });
});
