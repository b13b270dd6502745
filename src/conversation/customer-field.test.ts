import { describe, expect, it } from "vitest";
import { AmbiguousCustomerError } from "../core/customers/errors.js";
import { customerChoicesOf, isCustomerIdValue } from "./customer-field.js";
import { t, type Locale } from "./i18n/index.js";
import type { Session } from "./session.js";

const sessionIn = (locale: Locale) => ({ locale, t: (key: string, params?: Record<string, string | number>) => t(locale, key, params) }) as unknown as Session;
const candidates = [
  { id: "5d6f1c0a-2b7e-4c1d-8f3a-000000000011", name: "华为技术有限公司" },
  { id: "5d6f1c0a-2b7e-4c1d-8f3a-000000000012", name: "华润万家" },
];

describe("customerChoicesOf", () => {
  it("offers the in-scope candidates by id and only counts what they leave out, in both languages", () => {
    const err = new AmbiguousCustomerError("华", candidates, true, 3);
    expect(customerChoicesOf(sessionIn("en"), err)).toEqual({
      options: [
        { value: candidates[0]!.id, label: "华为技术有限公司" },
        { value: candidates[1]!.id, label: "华润万家" },
      ],
      note: "Only the first 2 are listed; if yours is not among them, run the command again with more of its name. 3 more outside your scope.",
    });
    expect(customerChoicesOf(sessionIn("zh-CN"), err)?.note).toBe("只列出前 2 个；要找其他客户，请用更完整的名称重新执行命令。另有 3 个不在您权限范围内。");
  });

  it("has no choice to offer when nothing in scope matches, and no note when nothing is left out", () => {
    expect(customerChoicesOf(sessionIn("en"), new AmbiguousCustomerError("华", [], false, 4))).toBeUndefined();
    expect(customerChoicesOf(sessionIn("en"), new AmbiguousCustomerError("华", candidates, false, 0))).not.toHaveProperty("note");
  });

  it("tells a picked customer's id from a typed name", () => {
    expect(isCustomerIdValue(candidates[0]!.id)).toBe(true);
    expect(isCustomerIdValue("华为")).toBe(false);
    expect(isCustomerIdValue("acme-1234")).toBe(false);
  });
});
