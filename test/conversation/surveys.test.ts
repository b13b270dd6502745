// survey / 调查 end to end through the conversation: a supervisor starts a campaign, the account
// manager records the answers from the task list, a low score alerts the supervisor (rendered in
// the supervisor's language, Chinese and English) and opens a follow-up callback, the results
// read by dimension, tier and team, and the score feeds the churn signal.
import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName } from "../../src/core/customers/rules.js";
import { scoreCustomers } from "../../src/core/risk/risk.js";
import { fromDateColumn } from "../../src/core/shared/time.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import { buildCallbackDigests } from "../../src/core/digests/callbacks.js";
import { digestRecipients } from "../../src/core/digests/runs.js";
import { ManualClock } from "../../src/core/shared/clock.js";
import type { Conversation } from "../../src/conversation/port.js";
import { renderText } from "../../src/conversation/render/text.js";
import { choiceByAction, click, consoleMembers, conversationAt, formOf, replyText, submit, viewOf } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { makeTenant } from "../support/fixtures.js";

const NOW = "2026-11-23T01:30:00Z"; // 09:30 in Shanghai

let tdb: TestDatabase;
let conversation: Conversation;
beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, NOW).conversation;
});
afterAll(async () => {
  await tdb?.close();
});

/** A department working in `locale` (Chinese by default) whose supervisor Sam reads Chinese and Wang and Alice English. */
async function scene(locale: "zh-CN" | "en" = "zh-CN") {
  const tenant = await makeTenant(tdb.prisma, { locale });
  const people = consoleMembers(tdb.prisma, tenant, 1);
  const wang = await people.add("Wang", { role: "MANAGER" });
  const sam = await people.add("Sam", { role: "SUPERVISOR", supervisorId: wang.id });
  const alice = await people.add("Alice", { supervisorId: sam.id });
  await tdb.prisma.member.update({ where: { id: sam.id }, data: { locale: "zh-CN" } });
  await tdb.prisma.member.updateMany({ where: { id: { in: [wang.id, alice.id] } }, data: { locale: "en" } });
  const customer = (name: string, tier: Tier, ownerId = alice.id) =>
    tdb.prisma.customer.create({
      data: { tenantId: tenant.id, ownerId, name, nameKey: normalizeName(name), tier, status: "ACTIVE", lastContactAt: new Date(NOW), createdAt: new Date("2025-01-01T00:00:00Z") },
    });
  const vega = await customer("Vega Group", "VIP");
  const apex = await customer("Apex", "A");
  await customer("Birch", "B");
  await customer("Orion", "VIP", wang.id);
  return { tenant, wang, sam, alice, vega, apex, as: people.as };
}

describe("survey / 调查", () => {
  it("runs a campaign from start to results, with a low-score alert to the supervisor in both languages", async () => {
    const s = await scene();
    // A specialist cannot start one; the supervisor starts it over the team's VIP and A customers.
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "survey start 2026Q4 VIP A" }))).toMatch(/supervisor/i);
    const started = replyText(await conversation.command({ user: s.as(s.sam), text: "调查 发起 2026Q4 VIP A" }));
    expect(started).toBe("调查“2026Q4”已发起：1 位客户经理共 2 个客户（需求满意度、产品满意度、服务满意度）。");
    expect(await tdb.prisma.surveyTask.count({ where: { tenantId: s.tenant.id } })).toBe(2);
    expect(replyText(await conversation.command({ user: s.as(s.sam), text: "调查 发起 2026Q4" }))).toBe("已有名为“2026Q4”的调查。");

    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "survey" }));
    const shown = renderText(list).text;
    expect(shown).toContain("My survey tasks (2)");
    expect(shown.indexOf("Vega Group")).toBeLessThan(shown.indexOf("Apex"));

    // Vega: a 2 on product satisfaction.
    const opened = await click(conversation, s.as(s.alice), choiceByAction(list, "survey.record", 0));
    const form = formOf(opened.reply);
    expect(form.fields.map((f) => [f.name, f.label, f.required])).toEqual([
      ["d0", "需求满意度", true],
      ["d1", "产品满意度", true],
      ["d2", "服务满意度", true],
      ["nps", "Would recommend us (NPS 0–10)", false],
      ["comment", "Customer's comment", false],
      ["followUp", "If a score is low, follow up with", false],
    ]);
    const incomplete = await submit(conversation, s.as(s.alice), form, { d0: "4", d2: "5" });
    expect(incomplete.reply).toEqual({ kind: "form_errors", errors: { d1: "Please fill this in." } });
    const badNps = await submit(conversation, s.as(s.alice), form, { d0: "4", d1: "2", d2: "5", nps: "11" });
    expect(badNps.reply).toEqual({ kind: "form_errors", errors: { nps: "NPS is a whole number from 0 to 10 (got 11)." } });
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    const low = await submit(conversation, s.as(s.alice), form, { d0: "4", d1: "2", d2: "5", nps: "6", comment: "交货质量下降" });
    expect(replyText(low.reply)).toBe(
      "Answers of Vega Group recorded. 产品满意度 scored 2: your supervisor is told and a follow-up callback is set for tomorrow.",
    );
    const followUp = await tdb.prisma.callback.findFirstOrThrow({ where: { tenantId: s.tenant.id, customerId: s.vega.id, status: "PENDING" } });
    expect([fromDateColumn(followUp.dueOn), followUp.assigneeId, followUp.note]).toEqual(["2026-11-24", s.alice.id, "2026Q4：产品满意度 2/5"]);

    // The supervisor's alert, in the supervisor's language, then in English.
    const alert = await tdb.prisma.outboxMessage.findFirstOrThrow({ where: { tenantId: s.tenant.id, target: `member:${s.sam.id}` } });
    const zh = renderText((await conversation.renderDelivery(alert))!.view).text;
    expect(zh).toContain("客户满意度偏低");
    expect(zh).toContain("Vega Group 的产品满意度仅 2/5 分（客户经理 Alice），已生成跟进事项。");
    await tdb.prisma.member.update({ where: { id: s.sam.id }, data: { locale: "en" } });
    const en = renderText((await conversation.renderDelivery(alert))!.view).text;
    expect(en).toContain("Low satisfaction score");
    expect(en).toContain("Vega Group scored 产品满意度 2/5 (account manager Alice). A follow-up is open.");

    // Apex answers well; a second click on Vega's stale button is refused.
    const apexOpened = await click(conversation, s.as(s.alice), choiceByAction(list, "survey.record", 1));
    const fine = await submit(conversation, s.as(s.alice), formOf(apexOpened.reply), { d0: "5", d1: "4", d2: "5", nps: "10" });
    expect(replyText(fine.reply)).toBe("Answers of Apex recorded (average 4.67).");
    const again = await click(conversation, s.as(s.alice), choiceByAction(list, "survey.record", 0));
    expect(replyText(again.reply)).toBe("The answers for this survey task are already recorded.");
    expect(renderText(viewOf(await conversation.command({ user: s.as(s.alice), text: "调查" }))).text).toContain("No survey tasks waiting for you.");

    // Results by dimension, tier and team.
    const results = renderText(viewOf(await conversation.command({ user: s.as(s.sam), text: "survey results 2026Q4" }))).text;
    expect(results).toContain("Survey results · 2026Q4");
    expect(results).toContain("2 of 2 customers answered");
    expect(results).toContain("需求满意度：4.5");
    expect(results).toContain("产品满意度：3");
    expect(results).toContain("需求满意度 4.5 · 产品满意度 3 · 服务满意度 5 · 2 answers · 1 low · NPS 0");
    expect(results).toMatch(/VIP\n\s+需求满意度 4 · 产品满意度 2 · 服务满意度 5 · 1 answer · 1 low · NPS -100/);
    expect(results).toContain("Team of Sam");

    // The card shows the latest answers and the last 12 months' purchases with their change.
    await tdb.prisma.purchaseOrder.createMany({
      data: [
        { tenantId: s.tenant.id, customerId: s.vega.id, orderedOn: new Date("2026-05-01T00:00:00Z"), amountFen: 100_000n, reference: "V-1" },
        { tenantId: s.tenant.id, customerId: s.vega.id, orderedOn: new Date("2025-08-01T00:00:00Z"), amountFen: 200_000n, reference: "V-2" },
      ],
    });
    const card = renderText(viewOf(await conversation.command({ user: s.as(s.alice), text: "customer Vega Group" }))).text;
    expect(card).toContain("Purchases, last 12 months: ¥1,000.00 (-50% on the 12 months before)");
    expect(card).toContain("Latest survey 2026Q4 (Nov 23): 需求满意度 4 · 产品满意度 2 · 服务满意度 5");

    // The answer is the churn score's satisfaction signal.
    const tenant = await loadTenant(tdb.prisma, s.tenant.id);
    const [vega] = await scoreCustomers(tdb.prisma, tenant, new Date(NOW), { customerIds: [s.vega.id] });
    expect(vega!.reasons.find((r) => r.signal === "low_satisfaction")).toMatchObject({ satisfaction: 2 });
    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: s.tenant.id, action: { startsWith: "survey." } }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["survey.started", "survey.recorded", "survey.recorded"]);
  });

  it("opens a complaint instead of a callback when asked to, and refuses a survey over nobody", async () => {
    const s = await scene();
    await conversation.command({ user: s.as(s.sam), text: "survey start Pulse VIP dimensions 交付 价格" });
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "survey" }));
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(list, "survey.record"))).reply);
    expect(form.fields.slice(0, 2).map((f) => f.label)).toEqual(["交付", "价格"]);
    const reply = await submit(conversation, s.as(s.alice), form, { d0: "1", d1: "3", followUp: "complaint", comment: "太慢" });
    expect(replyText(reply.reply)).toContain("a complaint is registered");
    const complaint = await tdb.prisma.complaint.findFirstOrThrow({ where: { tenantId: s.tenant.id, customerId: s.vega.id } });
    expect(complaint).toMatchObject({ severity: "HIGH", category: "SERVICE", description: "Pulse：交付 1/5——太慢" });
    expect(await tdb.prisma.callback.count({ where: { tenantId: s.tenant.id, customerId: s.vega.id } })).toBe(0);

    // Sam reads Chinese, whichever language the command was typed in.
    expect(replyText(await conversation.command({ user: s.as(s.sam), text: "survey start Nobody region 火星" }))).toBe(
      "“Nobody”的范围内没有客户，请检查等级和区域。",
    );
    expect(replyText(await conversation.command({ user: s.as(s.sam), text: "survey start Bad Z" }))).toContain("“Z”不是客户等级");
    expect(await tdb.prisma.survey.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it("gives an English department the default dimensions and follow-up notes in English, whoever starts the survey", async () => {
    const s = await scene("en");
    // Sam reads Chinese, but the survey and its follow-ups are the department's records.
    await conversation.command({ user: s.as(s.sam), text: "调查 发起 Q1 VIP" });
    expect((await tdb.prisma.survey.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).dimensions).toEqual(["Needs met", "Product", "Service"]);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "survey" }));
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(list, "survey.record"))).reply);
    await submit(conversation, s.as(s.alice), form, { d0: "2", d1: "4", d2: "4" });
    const followUp = await tdb.prisma.callback.findFirstOrThrow({ where: { tenantId: s.tenant.id, customerId: s.vega.id, status: "PENDING" } });
    expect(followUp.note).toBe("Q1: Needs met 2/5");
  });

  it("puts the pending survey tasks in the account manager's morning digest: count and the first customers, VIP first", async () => {
    const s = await scene();
    await tdb.prisma.customer.create({
      data: { tenantId: s.tenant.id, ownerId: s.alice.id, name: "Cedar", nameKey: "cedar", tier: "C", status: "ACTIVE", lastContactAt: new Date(NOW), createdAt: new Date("2025-01-01T00:00:00Z") },
    });
    const tenant = await loadTenant(tdb.prisma, s.tenant.id);
    const date = "2026-11-23";
    // No callback is due: before the campaign, Alice has no morning digest at all.
    expect((await digestRecipients({ db: tdb.prisma, clock: new ManualClock(NOW) }, tenant, "CALLBACKS", date)).map((r) => r.memberId)).not.toContain(s.alice.id);
    await conversation.command({ user: s.as(s.sam), text: "survey start Spring" });
    const recipients = await digestRecipients({ db: tdb.prisma, clock: new ManualClock(NOW) }, tenant, "CALLBACKS", date);
    expect(recipients.find((r) => r.memberId === s.alice.id)?.intents).toEqual(["digest.callbacks"]);
    const built = await buildCallbackDigests(tdb.prisma, tenant, date, { recipientId: s.alice.id });
    expect(built.members[0]!.surveys).toEqual({
      count: 4,
      customers: [
        { customerName: "Vega Group", tier: "VIP", surveyName: "Spring" },
        { customerName: "Apex", tier: "A", surveyName: "Spring" },
        { customerName: "Birch", tier: "B", surveyName: "Spring" },
      ],
    });
    const shown = renderText(viewOf(await conversation.command({ user: s.as(s.alice), text: "digest callbacks" }))).text;
    expect(shown).toContain("Surveys to do (4)");
    expect(shown).toContain("0 due today, 0 overdue · 4 surveys to do");
    expect(shown.indexOf("Vega Group")).toBeLessThan(shown.indexOf("Apex"));
    expect(shown).toContain("… and 1 more");
    expect(shown).not.toContain("Cedar");

    // One answered: three left, and the section counts them; all answered: no section, no digest.
    await tdb.prisma.surveyTask.updateMany({ where: { tenantId: s.tenant.id, customerId: s.vega.id }, data: { status: "DONE" } });
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    const zh = renderText(viewOf(await conversation.command({ user: s.as(s.alice), text: "日报" }))).text;
    expect(zh).toContain("待做满意度调查（3 个）");
    expect(zh).toContain("逾期 0 个 · 待调查 3 个");
    expect(zh).not.toContain("Vega Group");
    await tdb.prisma.surveyTask.updateMany({ where: { tenantId: s.tenant.id }, data: { status: "DONE" } });
    expect((await buildCallbackDigests(tdb.prisma, tenant, date, { recipientId: s.alice.id })).members).toEqual([]);
    expect(renderText(viewOf(await conversation.command({ user: s.as(s.alice), text: "日报" }))).text).not.toContain("待做满意度调查");
  });
});
