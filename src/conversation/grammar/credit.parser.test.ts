// The grammar of credit, away, staff at the table (陪同 N人) and final approvers by mention.
import { describe, expect, it } from "vitest";
import { parseCommand } from "./parser.js";

const ctx = { now: new Date("2026-11-23T01:00:00Z"), timeZone: "Asia/Shanghai", locale: "zh-CN" as const };
const parse = (text: string) => parseCommand(text, ctx);

describe("credit, away and approval grammar", () => {
  it.each([
    ["credit Acme Trading", { kind: "credit.show", customer: "Acme Trading" }],
    ["信用 华为", { kind: "credit.show", customer: "华为" }],
    ["credit request Acme 500,000 Orders doubled", { kind: "credit.request", customer: "Acme", amountFen: 50_000_000n, reason: "Orders doubled" }],
    ["信用 申请 华为 技术 1.2万 业务扩大", { kind: "credit.request", customer: "华为 技术", amountFen: 1_200_000n, reason: "业务扩大" }],
    ["credit review Acme aa- Pays on time", { kind: "credit.review", customer: "Acme", rating: "AA-", summary: "Pays on time" }],
    ["信用 评审 华为 BBB 回款偶有延迟", { kind: "credit.review", customer: "华为", rating: "BBB", summary: "回款偶有延迟" }],
    ["away 2026-12-07 2026-12-11 <@U123|jane>", { kind: "member.away", from: "2026-12-07", to: "2026-12-11", delegate: { platformUserId: "U123", name: "jane" } }],
    ["外出 明天 2026-11-30", { kind: "member.away", from: "2026-11-24", to: "2026-11-30" }],
    ["招待 华为 3000 2026-12-05 宴请 6人 陪同 2人 年度答谢", { kind: "hospitality.request", customer: "华为", amountFen: 300_000n, date: "2026-12-05", hospitalityKind: "BANQUET", guests: 6, staff: 2, purpose: "年度答谢" }],
    ["hospitality Acme 3000 2026-12-05 banquet 6pax 2staff thanks", { kind: "hospitality.request", staff: 2, guests: 6, purpose: "thanks" }],
    ["管理 设置 终审人 <@UWANG>", { kind: "admin.settings", key: "hospitality.finalApproverId", member: { platformUserId: "UWANG" } }],
    ["admin settings credit.finalApprover <@UQIAN>", { kind: "admin.settings", key: "credit.finalApproverId", member: { platformUserId: "UQIAN" } }],
  ])("parses %s", (text, expected) => {
    const result = parse(text);
    expect(result.ok ? result.command : result.error).toMatchObject(expected);
  });

  it.each([
    ["credit review Acme Z bad", "grammar.rating_missing"],
    ["away 2026-12-11 2026-12-07", "grammar.date_range_inverted"],
    ["credit request Acme lots", "grammar.amount_missing"],
  ])("refuses %s with %s", (text, key) => {
    const result = parse(text);
    expect(result.ok ? "ok" : result.error.key).toBe(key);
  });
});
