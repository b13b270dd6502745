// The work calendar and the contact plan end to end, in both languages: calendar, admin calendar,
// admin region, plan (windows, team, region filter and grouping, overdue first, same-region
// suggestions, one-click Done / Log visit), visit plan, and visits logged with a past moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDateColumn, toDateColumn } from "../../src/core/shared/time.js";
import { ensureVisitCadence } from "../../src/core/plans/visit-plans.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import type { Conversation } from "../../src/conversation/port.js";
import { renderText } from "../../src/conversation/render/text.js";
import { choiceByAction, click, consoleMembers, conversationAt, formOf, replyText, submit, viewOf } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { makeMember, makeTenant } from "../support/fixtures.js";

// Thursday 2026-12-03 14:00 in Shanghai.
const NOW = "2026-12-03T06:00:00Z";

let tdb: TestDatabase;
let conversation: Conversation;
beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, NOW).conversation;
});
afterAll(async () => {
  await tdb?.close();
});

let seq = 0;
async function scene(locale: "en" | "zh-CN") {
  const tenant = await makeTenant(tdb.prisma, { locale });
  const people = consoleMembers(tdb.prisma, tenant, ++seq);
  const admin = await people.add("Admin", { role: "ADMIN" });
  const lead = await people.add("Lead", { role: "SUPERVISOR" });
  const alice = await people.add("Alice", { supervisorId: lead.id });
  const bob = await people.add("Bob", { supervisorId: lead.id });
  return { tenant, admin, lead, alice, bob, as: people.as };
}

const day = (d: string) => toDateColumn(d);
async function customer(tenantId: string, ownerId: string, name: string, region: string | null, tier: "VIP" | "A" | "B" | "C" = "C") {
  return tdb.prisma.customer.create({ data: { tenantId, ownerId, name, nameKey: name.toLowerCase(), region, tier, status: "ACTIVE" } });
}

describe("calendar / 日历 and admin calendar / 管理 日历", () => {
  it("shows the coming Spring Festival arrangement with its make-up Saturdays, in English", async () => {
    const s = await scene("en");
    const text = replyText(await conversation.command({ user: s.as(s.alice), text: "calendar 2026-02" }));
    expect(text).toContain("Work calendar · February 2026");
    expect(text).toContain("Working days Mon, Tue, Wed, Thu, Fri, 09:00–18:00 (Asia/Shanghai)");
    expect(text).toContain("Sat, Feb 14 · make-up working day — Spring Festival");
    expect(text).toContain("Tue, Feb 17 · holiday — Spring Festival");
    expect(text).toContain("Sat, Feb 28 · make-up working day — Spring Festival");
    // The next three months from today run into 2027, which the data does not know yet.
    const coming = replyText(await conversation.command({ user: s.as(s.alice), text: "calendar" }));
    expect(coming).toContain("does not cover 2027 yet");
  });

  it("lets an admin make a day off or a working day, in Chinese, and the calendar shows it", async () => {
    const s = await scene("zh-CN");
    const refused = replyText(await conversation.command({ user: s.as(s.alice), text: "管理 日历 2026-12-31 休息日 年会" }));
    expect(refused).not.toContain("已设为");
    expect(await tdb.prisma.calendarDay.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "管理 日历 2026-12-31 休息日 年会" }))).toBe(
      "12月31日 周四 已设为本工作区的休息日（年会）。",
    );
    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "管理 日历 2026-12-26 工作日" }))).toBe("12月26日 周六 已设为本工作区的工作日。");
    const row = await tdb.prisma.calendarDay.findUniqueOrThrow({ where: { tenantId_date: { tenantId: s.tenant.id, date: day("2026-12-31") } } });
    expect(row).toMatchObject({ working: false, name: "年会", createdById: s.admin.id });
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id, action: "calendar.day_set" } })).toBe(2);

    const cal = replyText(await conversation.command({ user: s.as(s.alice), text: "日历 12月" }));
    expect(cal).toContain("12月26日 周六 · 上班（本工作区设定）");
    expect(cal).toContain("12月31日 周四 · 休息（本工作区设定）—— 年会");

    const bad = replyText(await conversation.command({ user: s.as(s.admin), text: "管理 日历 2026-12-31 放风" }));
    expect(bad).toContain("既不是工作日也不是休息日");
  });
});

describe("admin region / 管理 区域 and region filters", () => {
  it("keeps the region list and who covers what, in both languages", async () => {
    const s = await scene("en");
    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "admin region add East China" }))).toBe("Region East China added.");
    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "管理 区域 添加 华北" }))).toBe("Region 华北 added.");
    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "admin region add east china" }))).toContain("There is already a region east china");
    await customer(s.tenant.id, s.alice.id, "Acme", "East China");
    // A Slack-style mention (console ids here carry hyphens, which a Slack user id never has).
    const carol = await makeMember(tdb.prisma, s.tenant.id, { name: "Carol", platformUserId: `UCAROL${seq}` });
    const assigned = replyText(await conversation.command({ user: s.as(s.admin), text: `admin region assign <@UCAROL${seq}> "east china" 华北` }));
    expect(assigned).toBe("Carol now covers: East China, 华北.");
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: carol.id } })).regions).toEqual(["East China", "华北"]);
    const list = replyText(await conversation.command({ user: s.as(s.admin), text: "admin region" }));
    expect(list).toContain("East China* · 1 customer · 1 member");
    expect(replyText(await conversation.command({ user: s.as(s.admin), text: "管理 区域 删除 华北" }))).toContain("Region 华北 removed (1 member no longer covers it");
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: carol.id } })).regions).toEqual(["East China"]);
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "admin region add West" }))).not.toContain("added");
  });
});

describe("plan / 计划", () => {
  async function planScene(locale: "en" | "zh-CN") {
    const s = await scene(locale);
    for (const r of ["华东", "华北"]) await tdb.prisma.region.create({ data: { tenantId: s.tenant.id, name: r, nameKey: r } });
    const acme = await customer(s.tenant.id, s.alice.id, "Acme", "华东");
    const beta = await customer(s.tenant.id, s.alice.id, "Beta", "华东");
    const gamma = await customer(s.tenant.id, s.bob.id, "Gamma", "华北");
    const delta = await customer(s.tenant.id, s.alice.id, "Delta", null);
    const overdue = await tdb.prisma.callback.create({ data: { tenantId: s.tenant.id, customerId: delta.id, assigneeId: s.alice.id, dueOn: day("2026-11-30"), reason: "MANUAL" } });
    const tomorrow = await tdb.prisma.callback.create({ data: { tenantId: s.tenant.id, customerId: acme.id, assigneeId: s.alice.id, dueOn: day("2026-12-04"), reason: "MANUAL", note: "报价" } });
    const visitAcme = await tdb.prisma.visitPlan.create({ data: { tenantId: s.tenant.id, customerId: acme.id, assigneeId: s.alice.id, plannedOn: day("2026-12-04"), reason: "MANUAL", purpose: "年度回顾" } });
    const visitBeta = await tdb.prisma.visitPlan.create({ data: { tenantId: s.tenant.id, customerId: beta.id, assigneeId: s.alice.id, plannedOn: day("2026-12-09"), reason: "MANUAL" } });
    await tdb.prisma.callback.create({ data: { tenantId: s.tenant.id, customerId: gamma.id, assigneeId: s.bob.id, dueOn: day("2026-12-07"), reason: "MANUAL" } });
    // Far outside every window: never shown.
    await tdb.prisma.callback.create({ data: { tenantId: s.tenant.id, customerId: gamma.id, assigneeId: s.bob.id, dueOn: day("2027-03-01"), reason: "MANUAL" } });
    return { ...s, acme, beta, gamma, delta, overdue, tomorrow, visitAcme, visitBeta };
  }

  it("lists my next 7 days day by day, overdue first, grouped by region, with same-region suggestions (English)", async () => {
    const s = await planScene("en");
    const reply = await conversation.command({ user: s.as(s.alice), text: "plan" });
    const text = replyText(reply);
    expect(text).toContain("Contact plan Dec 3 – Dec 9");
    expect(text).toContain("2 callbacks and 2 visits, 1 overdue");
    const order = ["Overdue", "〔no region〕 *Delta*", "Fri, Dec 4", "〔华东〕 *Acme*", "Wed, Dec 9", "〔华东〕 *Beta*"].map((x) => text.indexOf(x));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("due Mon, Nov 30");
    expect(text).toContain("Same region (华东), same day: Beta (planned Dec 9)");
    expect(text).not.toContain("Gamma");
    // One click completes the callback; one click opens the visit form for the planned visit.
    const view = viewOf(reply);
    // Done asks for the call's result first (callback outcomes), then completes it.
    const asked = await click(conversation, s.as(s.alice), choiceByAction(view, "callback.done"));
    const done = await submit(conversation, s.as(s.alice), formOf(asked.reply), { result: "REACHED" });
    expect(replyText(done.reply)).toMatch(/^Callback with Delta done\./);
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: s.overdue.id } })).status).toBe("DONE");
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(view, "visit.open_form"))).reply);
    expect(form.fields[0]!.default).toBe("Acme");
    await submit(conversation, s.as(s.alice), form, { customer: "Acme", kind: "ON_SITE", summary: "谈了年度合同", occurredOn: "2026-12-03" });
    // The visit completed the plan due tomorrow (within the week after the visit).
    expect((await tdb.prisma.visitPlan.findUniqueOrThrow({ where: { id: s.visitAcme.id } })).status).toBe("DONE");
  });

  it("shows the team's plan to the supervisor filtered by region, in Chinese, without buttons on others' items", async () => {
    const s = await planScene("zh-CN");
    const all = replyText(await conversation.command({ user: s.as(s.lead), text: "计划 7天 团队" }));
    expect(all).toContain("团队计划");
    expect(all).toContain("Gamma");
    expect(all).toContain("〔华北〕");
    expect(all).toContain("〔未分区域〕");
    const east = await conversation.command({ user: s.as(s.lead), text: "计划 30天 团队 区域 华东" });
    const text = replyText(east);
    expect(text).toContain("区域：华东");
    expect(text).toContain("Acme");
    expect(text).toContain("Beta");
    expect(text).not.toContain("Gamma");
    expect(text).not.toContain("Delta");
    expect(text).toContain(" · Alice");
    expect(renderText(viewOf(east)).choices).toEqual([]);
    expect(replyText(await conversation.command({ user: s.as(s.lead), text: "计划 区域 华南" }))).toContain("没有区域 华南");
  });

  it("gives every customer of a tier with a visit cadence its next planned visit, on a working day", async () => {
    const s = await scene("en");
    const vip = await customer(s.tenant.id, s.alice.id, "Vip Co", null, "VIP");
    await customer(s.tenant.id, s.alice.id, "Prospect", null, "C");
    // What the scheduler's daily step does for every tenant.
    await ensureVisitCadence({ db: tdb.prisma, clock: { now: () => new Date(NOW) } }, await loadTenant(tdb.prisma, s.tenant.id), new Date(NOW));
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "plan 30d" }))).not.toContain("Vip Co");
    const plans = await tdb.prisma.visitPlan.findMany({ where: { tenantId: s.tenant.id } });
    expect(plans.map((p) => [p.customerId, p.reason, fromDateColumn(p.plannedOn)])).toEqual([[vip.id, "CADENCE", "2027-01-04"]]);
    // 2026-12-03 + 30 days = Saturday 2027-01-02 → Monday 2027-01-04, beyond this 30-day window.
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "plan month" }))).toContain("Nothing planned");
  });
});

describe("visit plan / 拜访 计划", () => {
  it("plans a visit from the command line in both languages and refuses a past day", async () => {
    const s = await scene("en");
    const acme = await customer(s.tenant.id, s.alice.id, "Acme Trading", null);
    const text = replyText(await conversation.command({ user: s.as(s.alice), text: 'visit plan "Acme Trading" 2026-12-12 quarterly review' }));
    expect(text).toContain("Visit to Acme Trading planned");
    expect(text).toContain("Date: Sat, Dec 12");
    expect(text).toContain("Purpose: quarterly review");
    expect(text).toContain("Sat, Dec 12 is not a working day");
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "拜访 计划 acme 下周一 送样品" }))).toContain("已计划拜访 Acme Trading");
    const plans = await tdb.prisma.visitPlan.findMany({ where: { customerId: acme.id }, orderBy: { plannedOn: "asc" } });
    expect(plans.map((p) => [fromDateColumn(p.plannedOn), p.purpose, p.reason, p.assigneeId])).toEqual([
      ["2026-12-07", "送样品", "MANUAL", s.alice.id],
      ["2026-12-12", "quarterly review", "MANUAL", s.alice.id],
    ]);
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "拜访 计划 acme 2026-12-01" }))).toContain("已经过去");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "拜访 计划 acme" }));
    expect(form.fields.map((f) => f.name)).toEqual(["customer", "date", "purpose"]);
    await submit(conversation, s.as(s.alice), form, { customer: "Acme Trading", date: "2026-12-15" });
    expect(await tdb.prisma.visitPlan.count({ where: { customerId: acme.id } })).toBe(3);
  });
});

describe("visit with a past moment", () => {
  it("logs yesterday afternoon in Chinese and 12/1 14:00 in English, and refuses tomorrow", async () => {
    const s = await scene("zh-CN");
    const acme = await customer(s.tenant.id, s.alice.id, "华为技术", null, "VIP");
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    const zh = replyText(await conversation.command({ user: s.as(s.alice), text: "拜访 华为技术 昨天下午 谈了明年的采购" }));
    expect(zh).toContain("12月2日 15:00");
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "en" } });
    const en = replyText(await conversation.command({ user: s.as(s.alice), text: "visit 华为技术 12/1 14:00 met the buyer" }));
    expect(en).toContain("When: Dec 1, 14:00");
    // The VIP visit cadence runs from the latest visit (12-02 + 30 days), not from the back-dated 12-01 one.
    expect(zh).toContain("下次例行拜访：2027年1月1日 周五。");
    expect(en).toContain("Next regular visit: Fri, Jan 1, 2027.");
    const visits = await tdb.prisma.visit.findMany({ where: { customerId: acme.id }, orderBy: { occurredAt: "asc" } });
    expect(visits.map((v) => [v.occurredAt.toISOString(), v.summary])).toEqual([
      ["2026-12-01T06:00:00.000Z", "met the buyer"],
      ["2026-12-02T07:00:00.000Z", "谈了明年的采购"],
    ]);
    const future = replyText(await conversation.command({ user: s.as(s.alice), text: "visit 华为技术 tomorrow lunch" }));
    expect(future).toContain("visit plan <customer> <date>");
    expect(await tdb.prisma.visit.count({ where: { customerId: acme.id } })).toBe(2);
  });

  it("asks who was met and why, and adds a new contact in the same step", async () => {
    const s = await scene("en");
    const acme = await customer(s.tenant.id, s.alice.id, "Acme", null);
    const buyer = await tdb.prisma.contact.create({ data: { tenantId: s.tenant.id, customerId: acme.id, name: "Li Wei", title: "Buyer" } });
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "visit Acme yesterday" }));
    expect(form.fields.find((f) => f.name === "occurredOn")?.default).toBe("2026-12-02");
    expect(form.fields.find((f) => f.name === "contactId")?.options).toEqual([{ value: buyer.id, label: "Li Wei · Buyer" }]);
    await submit(conversation, s.as(s.alice), form, {
      customer: "Acme", kind: "ON_SITE", summary: "Plant tour", occurredOn: "2026-12-02", occurredTime: "10:30",
      contactId: buyer.id, newContact: "Zhang Min", purpose: "Quality review",
    });
    const visit = await tdb.prisma.visit.findFirstOrThrow({ where: { customerId: acme.id } });
    const added = await tdb.prisma.contact.findFirstOrThrow({ where: { customerId: acme.id, name: "Zhang Min" } });
    expect(visit).toMatchObject({ purpose: "Quality review", occurredAt: new Date("2026-12-02T02:30:00Z") });
    expect(visit.contactIds.sort()).toEqual([buyer.id, added.id].sort());
    const late = await submit(conversation, s.as(s.alice), form, { customer: "Acme", kind: "ON_SITE", summary: "x", occurredOn: "2026-12-05" });
    expect(late.reply).toMatchObject({ kind: "form_errors", errors: { occurredOn: expect.stringContaining("cannot be recorded in the future") } });
  });
});
