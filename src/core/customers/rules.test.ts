import { describe, expect, it } from "vitest";
import { defaultTenantSettings, tenantSettingsSchema } from "../tenants/settings.js";
import {
  computeTier,
  defaultStatus,
  effectiveTier,
  maskContact,
  maskEmail,
  maskPhone,
  normalizeName,
  parseCustomerStatus,
  parseTier,
  parseYuanAmount,
  type TierInput,
} from "./rules.js";

const today = "2026-11-23";
const base: TierInput = { annualPurchaseFen: 0n, strategic: false, cooperationStart: null, status: "ACTIVE" };
const tier = (input: Partial<TierInput>) => computeTier(defaultTenantSettings, { ...base, ...input }, today);
const yuan = (n: number) => BigInt(n) * 100n;

describe("normalizeName", () => {
  it("folds case, full-width characters and whitespace into one key", () => {
    expect(normalizeName("  Huawei   Technologies ")).toBe("huawei technologies");
    expect(normalizeName("ＡＢＣ　公司")).toBe("abc 公司");
    expect(normalizeName("华为技术有限公司")).toBe("华为技术有限公司");
    expect(normalizeName("ACME\tCorp")).toBe(normalizeName("acme corp"));
  });
});

describe("computeTier", () => {
  it("makes exactly 5,000,000 CNY VIP and one fen less A", () => {
    expect(tier({ annualPurchaseFen: yuan(5_000_000) })).toBe("VIP");
    expect(tier({ annualPurchaseFen: yuan(5_000_000) - 1n })).toBe("A");
  });

  it("makes exactly 1,000,000 CNY A and one fen less B", () => {
    expect(tier({ annualPurchaseFen: yuan(1_000_000) })).toBe("A");
    expect(tier({ annualPurchaseFen: yuan(1_000_000) - 1n })).toBe("B");
  });

  it("makes a strategic customer VIP whatever it buys, even a prospect", () => {
    expect(tier({ strategic: true })).toBe("VIP");
    expect(tier({ strategic: true, status: "PROSPECT" })).toBe("VIP");
  });

  it("makes 5 whole years of cooperation A, a day short of it B", () => {
    expect(tier({ cooperationStart: "2021-11-23", annualPurchaseFen: 100n })).toBe("A");
    expect(tier({ cooperationStart: "2021-11-24", annualPurchaseFen: 100n })).toBe("B");
  });

  it("makes a prospect C, and a prospect with purchases B", () => {
    expect(tier({ status: "PROSPECT" })).toBe("C");
    expect(tier({ status: "PROSPECT", hasPurchases: true })).toBe("B");
    expect(tier({ status: "PROSPECT", annualPurchaseFen: 1n })).toBe("B");
    expect(tier({ status: "AT_RISK" })).toBe("B");
  });

  it("makes a churned customer C even with VIP purchases", () => {
    expect(tier({ status: "CHURNED", annualPurchaseFen: yuan(9_000_000), strategic: true })).toBe("C");
  });

  it("uses the tenant's thresholds, not hard-coded ones", () => {
    const settings = tenantSettingsSchema.parse({ tiers: { vipAnnualFen: 100_00, aAnnualFen: 50_00, aCooperationYears: 2 } });
    expect(computeTier(settings, { ...base, annualPurchaseFen: 100_00n }, today)).toBe("VIP");
    expect(computeTier(settings, { ...base, annualPurchaseFen: 50_00n }, today)).toBe("A");
    expect(computeTier(settings, { ...base, cooperationStart: "2024-11-23" }, today)).toBe("A");
  });

  it("lets an override win over the computed tier", () => {
    expect(effectiveTier("B", "VIP")).toBe("VIP");
    expect(effectiveTier("B", null)).toBe("B");
  });

  it("defaults the status to ACTIVE only with purchases or a cooperation start", () => {
    expect(defaultStatus({ annualPurchaseFen: 0n, cooperationStart: null })).toBe("PROSPECT");
    expect(defaultStatus({ annualPurchaseFen: 1n, cooperationStart: null })).toBe("ACTIVE");
    expect(defaultStatus({ annualPurchaseFen: 0n, cooperationStart: "2020-01-01" })).toBe("ACTIVE");
  });
});

describe("masking", () => {
  it("masks a mobile number as 138****5678", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("138-1234-5678")).toBe("138****5678");
    expect(maskPhone("12345")).toBe("***45");
    expect(maskPhone("")).toBe("");
  });

  it("masks an e-mail as z***@example.com", () => {
    expect(maskEmail("zhang.san@example.com")).toBe("z***@example.com");
    expect(maskEmail("not-an-email")).toBe("***");
  });

  it("masks a contact's phone and e-mail but keeps name and title", () => {
    const masked = maskContact({ name: "张三", title: "采购经理", phone: "13812345678", email: "zs@example.com" });
    expect(masked).toEqual({ name: "张三", title: "采购经理", phone: "138****5678", email: "z***@example.com" });
    expect(maskContact({ name: "李四", title: null, phone: null, email: null }).phone).toBeNull();
  });
});

describe("parsers", () => {
  it("reads yuan amounts with grouping, currency signs and two decimals", () => {
    expect(parseYuanAmount("1,200.50")).toBe(120_050n);
    expect(parseYuanAmount("¥5,000,000")).toBe(500_000_000n);
    expect(parseYuanAmount("1200元")).toBe(120_000n);
    expect(() => parseYuanAmount("1,20")).toThrow();
    expect(() => parseYuanAmount("12.345")).toThrow();
    expect(() => parseYuanAmount("-5")).toThrow();
    expect(() => parseYuanAmount("abc")).toThrow();
  });

  it("reads tiers and statuses in English and Chinese", () => {
    expect(parseTier("vip")).toBe("VIP");
    expect(parseTier("一级")).toBe("A");
    expect(parseTier("D")).toBeNull();
    expect(parseCustomerStatus("at risk")).toBe("AT_RISK");
    expect(parseCustomerStatus("流失")).toBe("LOST");
    expect(parseCustomerStatus("已流失")).toBe("CHURNED");
    expect(parseCustomerStatus("gone")).toBeNull();
  });
});
