import { describe, expect, it } from "vitest";
import { censorContactDetails, maskContactDetails, maskEmail, maskPhone } from "./masking.js";

describe("maskContactDetails", () => {
  it("masks Chinese mobile numbers as 138****5678, however they are written", () => {
    expect(maskContactDetails("请回电 13812345678")).toBe("请回电 138****5678");
    expect(maskContactDetails("手机：138-1234-5678，或 139 8765 4321")).toBe("手机：138****5678，或 139****4321");
    expect(maskContactDetails("call +86 138 1234 5678 today")).toBe("call +86 138****5678 today");
    expect(maskContactDetails("tel:+8613812345678")).toBe("tel:+86 138****5678");
  });

  it("masks landlines and service numbers, keeping the area code", () => {
    expect(maskContactDetails("办公室 010-12345678")).toBe("办公室 010-****5678");
    expect(maskContactDetails("(021) 8765 4321 ext")).toBe("021-****4321 ext");
    expect(maskContactDetails("0755-2345678")).toBe("0755-****5678");
    expect(maskContactDetails("客服 400-123-4567")).toBe("客服 400-****4567");
  });

  it("masks international numbers, keeping the country code", () => {
    expect(maskContactDetails("London +44 20 7946 0958")).toBe("London +44 ****0958");
    expect(maskContactDetails("NY +1 (212) 555-0123.")).toBe("NY +1 ****0123.");
    expect(maskContactDetails("Tokyo 0081-3-1234-5678")).toBe("Tokyo +81 ****5678");
  });

  it("masks e-mail addresses, keeping the first letter and the domain", () => {
    expect(maskContactDetails("或 wang.jun@acme-trading.com.cn 联系")).toBe("或 w***@acme-trading.com.cn 联系");
    expect(maskContactDetails("13812345678@qq.com")).toBe("1***@qq.com");
  });

  it("leaves amounts, dates, times, order numbers and ids alone", () => {
    const text = "2026-12-03 09:30 订单 20261203000123 金额 12,345,678 元 共 1380 件 客户 C0GENERAL1 oc_76c0a1";
    expect(maskContactDetails(text)).toBe(text);
    expect(maskContactDetails("no digits here")).toBe("no digits here");
  });

  it("censors whole matches for logs", () => {
    expect(censorContactDetails("13812345678 / a.b@c.io", "[redacted]")).toBe("[redacted] / [redacted]");
  });

  it("masks one value at a time", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskEmail("x@y.cn")).toBe("x***@y.cn");
  });
});
