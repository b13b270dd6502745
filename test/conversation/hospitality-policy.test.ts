// Hospitality policy through the conversation (issue #18): the customer's budget per period on
// the request card, the tier snapshotted on the request, settlement only from the event date,
// the approvals list showing credit steps beside hospitality ones — in both languages — and a
// credit request's Reject (with its reason form) and Cancel buttons.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName } from "../../src/core/customers/rules.js";
import { decideApproval } from "../../src/core/hospitality/approvals.js";
import { settleHospitality } from "../../src/core/hospitality/hospitality.js";
import { parseTenantSettings } from "../../src/core/tenants/settings.js";
import { actor } from "../support/fixtures.js";
import { choiceByLabel, click, conversationAt, formOf, registerConsoleTeam, replyText, submit, textOf, viewOf } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

// 2026-11-23 09:00 in Shanghai.
const NOW = "2026-11-23T01:00:00Z";
let counter = 0;

const NAMES = {
  en: { alice: "Alice", li: "Li", wang: "Wang", bob: "Bob", boss: "Boss", customer: "Acme Trading" },
  "zh-CN": { alice: "小王", li: "李主管", wang: "王经理", bob: "小赵", boss: "管理员", customer: "华东机电有限公司" },
} as const;

async function scene(locale: "en" | "zh-CN") {
  const { deps, conversation } = conversationAt(tdb.prisma, NOW, { admins: ["boss"], defaultLocale: locale });
  const names = NAMES[locale];
  const { tenant, users, members } = await registerConsoleTeam(tdb.prisma, conversation, `T-policy-${++counter}`, names);
  const customer = await tdb.prisma.customer.create({
    data: { tenantId: tenant.id, name: names.customer, nameKey: normalizeName(names.customer), ownerId: members.alice.id, tier: "B", status: "ACTIVE" },
  });
  const as = (m: { id: string; tenantId: string; role: "SPECIALIST" | "SUPERVISOR" | "MANAGER" | "ADMIN" }) => actor(m);
  const card = async (requestId: string) => textOf((await conversation.renderEntityCard(tenant.id, "HospitalityRequest", requestId))!);
  const latest = async () => tdb.prisma.hospitalityRequest.findFirstOrThrow({ where: { tenantId: tenant.id }, orderBy: { number: "desc" } });
  return { deps, conversation, tenant, users, members, customer, as, card, latest };
}

describe("hospitality budget per customer and period", () => {
  it("shows used and remaining of the tier's quarterly budget, counts settled actuals, and flags going over (en)", async () => {
    const s = await scene("en");
    // The admin sets tier B's budget in yuan, as people write it.
    await s.conversation.command({ user: s.users.boss, text: "admin settings hospitality.budgetFen.B 8,000" });
    const settings = parseTenantSettings((await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: s.tenant.id } })).settings);
    expect(settings.hospitality.budgetFen.B).toBe(800_000);
    expect(settings.hospitality.budgetPeriod).toBe("quarter");

    const first = textOf(viewOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 6000 2026-11-25 meal 4pax Annual thanks" })));
    expect(first).toContain("Budget: Q4 2026: ¥8,000.00; used ¥6,000.00, remaining ¥2,000.00");
    expect(first).not.toContain("Over the customer's hospitality budget");
    const r1 = await s.latest();

    const second = textOf(viewOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 3000 2026-12-20 meal 2pax Year end" })));
    expect(second).toContain("Budget: Q4 2026: ¥8,000.00; used ¥9,000.00, remaining ¥0.00 ⚠");
    expect(second).toContain("⚠ Over the customer's hospitality budget for Q4 2026: ¥9,000.00 used of ¥8,000.");

    // Settled requests count with what was actually spent: 5,000 + 3,000 is exactly the budget.
    await decideApproval(s.deps, s.as(s.members.li), { requestId: r1.id, decision: "APPROVE" });
    await decideApproval(s.deps, s.as(s.members.wang), { requestId: r1.id, decision: "APPROVE" });
    s.deps.clock.set("2026-11-25T02:00:00Z");
    await settleHospitality(s.deps, s.as(s.members.alice), { requestId: r1.id, actualFen: 500_000n });
    const after = await s.card(r1.id);
    expect(after).toContain("Budget: Q4 2026: ¥8,000.00; used ¥8,000.00, remaining ¥0.00");
    expect(after).not.toContain("remaining ¥0.00 ⚠");

    // Another quarter has its own budget.
    const next = textOf(viewOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 1000 2027-01-05 meal 2pax New year" })));
    expect(next).toContain("Budget: Q1 2027: ¥8,000.00; used ¥1,000.00, remaining ¥7,000.00");
  });

  it("says it in Chinese, by month when the period is a month", async () => {
    const s = await scene("zh-CN");
    await s.conversation.command({ user: s.users.boss, text: "管理 设置 hospitality.budgetPeriod month" });
    const shown = textOf(viewOf(await s.conversation.command({ user: s.users.alice, text: "招待 华东 6000 2026-11-25 宴请 4人 年度答谢" })));
    expect(shown).toContain("招待预算：2026年11月：¥5,000.00；已用 ¥6,000.00，剩余 ¥0.00 ⚠");
    expect(shown).toContain("⚠ 超出该客户2026年11月招待预算：已用 ¥6,000.00，预算 ¥5,000.00。");
  });
});

describe("tier snapshot", () => {
  it("keeps the tier and per-head guideline of the request when the customer's tier changes later", async () => {
    const s = await scene("en");
    await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 6000 2026-11-25 meal 4pax Annual thanks" });
    const r1 = await s.latest();
    expect(r1).toMatchObject({ tierAtRequest: "B", perHeadGuidelineFen: 20_000n });
    await tdb.prisma.customer.update({ where: { id: s.customer.id }, data: { tier: "VIP" } });

    const old = await s.card(r1.id);
    expect(old).toContain("Customer: Acme Trading · B (regular)");
    expect(old).toContain("Per head: ¥1,500.00 (guideline ¥200.00) ⚠");
    expect(old).toContain("Budget: Q4 2026: ¥5,000.00; used ¥6,000.00, remaining ¥0.00 ⚠");
    // A new request is judged by the new tier: VIP's ¥500.00 a head and ¥20,000.00 a quarter.
    const fresh = textOf(viewOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 2000 2026-11-26 meal 4pax Follow-up" })));
    expect(fresh).toContain("Per head: ¥500.00 (guideline ¥500.00)");
    expect(fresh).toContain("Budget: Q4 2026: ¥20,000.00; used ¥8,000.00, remaining ¥12,000.00");
  });
});

describe("settlement date", () => {
  for (const [locale, text, button, refusal] of [
    ["en", "hospitality Acme 1500 2026-11-25 meal 4pax Lunch", "Record actual amount", "The actual amount can be recorded on or after the event date Nov 25 (today is Nov 23)."],
    ["zh-CN", "招待 华东 1500 2026-11-25 宴请 4人 午餐", "登记实际金额", "招待日期11月25日当天或之后才能登记实际金额（今天是11月23日）。"],
  ] as const) {
    it(`refuses to record the actual amount before the event date, then takes it on the day (${locale})`, async () => {
      const s = await scene(locale);
      await s.conversation.command({ user: s.users.alice, text });
      const r = await s.latest();
      await decideApproval(s.deps, s.as(s.members.li), { requestId: r.id, decision: "APPROVE" });
      const approved = await tdb.prisma.outboxMessage.findMany({ where: { entityId: r.id } });
      const message = approved.find((m) => (m.payload as { kind?: string }).kind === "hospitality.approved")!;
      const dm = (await s.conversation.renderDelivery(message))!;
      const form = formOf((await click(s.conversation, s.users.alice, choiceByLabel(dm.view, button))).reply);
      const early = await submit(s.conversation, s.users.alice, form, { actual: "1,400" });
      expect(JSON.stringify(early.reply)).toContain(refusal);
      expect(await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ status: "APPROVED", actualFen: null });

      s.deps.clock.set("2026-11-25T01:00:00Z");
      await submit(s.conversation, s.users.alice, form, { actual: "1,400" });
      expect(await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ status: "SETTLED", actualFen: 140_000n });
    });
  }
});

describe("approvals list", () => {
  for (const [locale, hosp, credit, title, creditLine] of [
    ["en", "hospitality Acme 1500 2026-11-25 meal 4pax Lunch", "credit request acme 500,000 Orders doubled", "Waiting for your approval (2)", "Credit #1 · Acme Trading · new limit ¥500,000.00"],
    ["zh-CN", "招待 华东 1500 2026-11-25 宴请 4人 午餐", "信用 申请 华东 50万 业务扩大", "待您审批（2）", "信用 #1 · 华东机电有限公司 · 新额度 ¥500,000.00"],
  ] as const) {
    it(`lists credit steps beside hospitality ones, each with its buttons (${locale})`, async () => {
      const s = await scene(locale);
      await s.conversation.command({ user: s.users.alice, text: hosp });
      s.deps.clock.advance(60_000);
      await s.conversation.command({ user: s.users.alice, text: credit });
      const reply = await s.conversation.command({ user: s.users.li, text: locale === "en" ? "approvals" : "审批" });
      const view = viewOf(reply);
      const shown = textOf(view);
      expect(shown).toContain(title);
      expect(shown).toContain(creditLine);
      // Oldest first: the hospitality request came a minute before the credit request.
      expect(shown.indexOf("#1 · ")).toBeLessThan(shown.indexOf(creditLine));
      const actions = JSON.stringify(view);
      expect(actions).toContain("hospitality.approve");
      expect(actions).toContain("credit.approve");
      // Approving the credit step from the list moves it on.
      const creditApprove = choiceByLabel(view, locale === "en" ? "Approve" : "批准", 1);
      await click(s.conversation, s.users.li, creditApprove);
      const stored = await tdb.prisma.creditRequest.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { steps: { orderBy: { position: "asc" } } } });
      expect(stored.steps[0]!.status).toBe("APPROVED");
      expect(replyText(await s.conversation.command({ user: s.users.li, text: locale === "en" ? "approvals" : "审批" }))).toContain(
        locale === "en" ? "Waiting for your approval (1)" : "待您审批（1）",
      );
    });
  }
});

describe("credit requests on the approval engine's buttons", () => {
  it("rejects with a reason from the form, answers a second click with who decided, and lets the requester cancel another", async () => {
    const s = await scene("en");
    await s.conversation.command({ user: s.users.alice, text: "credit request acme 500,000 Orders doubled" });
    const list = viewOf(await s.conversation.command({ user: s.users.li, text: "approvals" }));
    const rejectChoice = choiceByLabel(list, "Reject");

    const opened = await click(s.conversation, s.users.li, rejectChoice);
    const form = formOf(opened.reply);
    expect(form.title).toBe("Reject credit request #1");
    expect(await submit(s.conversation, s.users.li, form, { reason: " " })).toMatchObject({ reply: { kind: "form_errors" } });
    const rejected = await submit(s.conversation, s.users.li, form, { reason: "Receivables overdue" });
    expect(replyText(rejected.reply)).toBe("You rejected credit request #1. Alice has been told.");
    expect(textOf(rejected.updatedCard!.view)).toContain("Receivables overdue");
    const stored = await tdb.prisma.creditRequest.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { steps: true } });
    expect(stored.status).toBe("REJECTED");
    expect(stored.steps.find((st) => st.status === "REJECTED")?.reason).toBe("Receivables overdue");

    // The stale button: told who decided, with the current card and no second decision.
    const again = await click(s.conversation, s.users.li, rejectChoice);
    expect(replyText(again.reply)).toBe("Already decided: you rejected it at Nov 23, 09:00.");
    expect(again.updatedCard?.entityId).toBe(stored.id);

    const second = viewOf(await s.conversation.command({ user: s.users.alice, text: "credit request acme 300,000 New plant" }));
    const cancelled = await click(s.conversation, s.users.alice, choiceByLabel(second, "Cancel request"));
    expect(replyText(cancelled.reply)).toBe("You cancelled credit request #2.");
    expect((await tdb.prisma.creditRequest.findFirstOrThrow({ where: { tenantId: s.tenant.id, number: 2 } })).status).toBe("CANCELLED");
  });
});

