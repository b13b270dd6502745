// The customer book end to end through the real Conversation (console users, both languages):
// lists with paging and counts by tier, search by substring and pinyin, the edit form, contacts,
// history, records by number, handovers and leavers — and scope: a specialist never sees another
// team's customers in lists, searches or choosers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeComplaint, registerComplaint, resolveComplaint } from "../../src/core/complaints/complaints.js";
import { createCustomer } from "../../src/core/customers/customers.js";
import { importCustomersCsv } from "../../src/core/imports/customers-import.js";
import { snapshotRisk } from "../../src/core/risk/risk.js";
import { buildCallbackDigests } from "../../src/core/digests/callbacks.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import { actorOf } from "../../src/core/members/members.js";
import type { Locale } from "../../src/conversation/i18n/index.js";
import { renderText } from "../../src/conversation/render/text.js";
import { choiceByAction, click, conversationAt, errorsOf, formOf, registerConsoleTeam, replyText, submit, textOf, viewOf } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => tdb?.close());

const NOW = "2026-11-23T01:00:00Z";
let n = 0;

const NAMES = {
  en: { alice: "Alice", li: "Li", wang: "Wang", bob: "Bob", boss: "Boss" },
  "zh-CN": { alice: "小王", li: "李主管", wang: "王经理", bob: "小赵", boss: "管理员" },
} as const;

/**
 * Alice (account manager) reports to Li (supervisor), who reports to Wang (manager); Bob is an
 * account manager of another team; Boss is the admin. Alice owns 华为技术有限公司 (VIP, 华南) and
 * 北京华为终端 (A); Bob owns 华为云计算 (B) and 小米科技 (C).
 */
async function scene(locale: Locale) {
  const { deps, conversation } = conversationAt(tdb.prisma, NOW, { admins: ["boss"], defaultLocale: locale });
  const team = await registerConsoleTeam(tdb.prisma, conversation, `T-book-${++n}-${locale}`, NAMES[locale]);
  const { members: m, users: u } = team;
  const wang = actorOf(m.wang, "CONSOLE");
  const add = (owner: { id: string }, name: string, extra: object = {}) => createCustomer(deps, wang, { name, ownerId: owner.id, ...extra });
  const huawei = await add(m.alice, "华为技术有限公司", { annualPurchaseFen: 600_000_000n, region: "华南", industry: "通信" });
  const terminal = await add(m.alice, "北京华为终端", { annualPurchaseFen: 150_000_000n, region: "华北" });
  const cloud = await add(m.bob, "华为云计算", { annualPurchaseFen: 10_000_000n, region: "华南" });
  await add(m.bob, "小米科技");
  const say = async (who: keyof typeof u, text: string) => conversation.command({ user: u[who], text });
  const read = async (who: keyof typeof u, text: string) => replyText(await say(who, text));
  return { deps, conversation, team, m, u, say, read, huawei, terminal, cloud };
}

describe.each(["en", "zh-CN"] as const)("the customer book in %s", (locale) => {
  const zh = locale === "zh-CN";

  it("lists a specialist's own customers only, by tier, with the count by tier", async () => {
    const s = await scene(locale);
    const alice = await s.read("alice", zh ? "客户列表" : "customers");
    expect(alice).toContain(zh ? "共 2 个客户" : "2 customers");
    expect(alice.indexOf("华为技术有限公司")).toBeLessThan(alice.indexOf("北京华为终端"));
    expect(alice).not.toContain("华为云计算");
    expect(alice).not.toContain("小米科技");
    const bob = await s.read("bob", zh ? "客户列表 全部" : "customers all");
    expect(bob).toContain("华为云计算");
    expect(bob).not.toContain("华为技术");
    const li = await s.read("li", zh ? "客户列表 团队 区域 华南" : "customers team region 华南");
    expect(li).toContain("华为技术有限公司");
    expect(li).not.toContain("华为云计算");
    const wang = await s.read("wang", zh ? "客户列表 区域 华南" : "customers region 华南");
    expect(wang).toContain("华为云计算");
    expect(wang).toContain("华为技术有限公司");
  });

  it("names the filter that emptied the list", async () => {
    const s = await scene(locale);
    const empty = await s.read("alice", zh ? "客户列表 区域 西北" : "customers region 西北");
    expect(empty).toContain(zh ? "区域“西北”" : "the region “西北”");
    const overdue = await s.read("bob", zh ? "客户列表 逾期" : "customers overdue");
    expect(overdue).toContain(zh ? "“有逾期回访”" : "“overdue callbacks”");
  });

  it("pages with a More button that keeps the filter", async () => {
    const s = await scene(locale);
    for (let i = 1; i <= 16; i++) await createCustomer(s.deps, actorOf(s.m.wang, "CONSOLE"), { name: `华南客户${String(i).padStart(2, "0")}`, ownerId: s.m.bob.id, region: "华南" });
    const first = viewOf(await s.say("bob", zh ? "客户列表 区域 华南" : "customers region 华南"));
    expect(textOf(first)).toContain(zh ? "第 1–15 个，共 17 个" : "1–15 of 17");
    const next = viewOf((await click(s.conversation, s.u.bob, choiceByAction(first, "customers.more"))).reply);
    expect(textOf(next)).toContain(zh ? "第 16–17 个，共 17 个" : "16–17 of 17");
    expect(textOf(next)).toContain("华南客户16");
    expect(textOf(next)).not.toContain("小米科技");
  });

  it("sorts by risk within a tier once the churn digest has scored the customers", async () => {
    const s = await scene(locale);
    await createCustomer(s.deps, actorOf(s.m.wang, "CONSOLE"), { name: "华为海洋", ownerId: s.m.bob.id, annualPurchaseFen: 10_000_000n });
    await snapshotRisk(s.deps, s.team.tenant.id, "2026-11-22");
    // The morning digest found 华为云计算 at high risk (scored by core/risk; set here as its snapshot).
    await tdb.prisma.riskSnapshot.create({
      data: { tenantId: s.team.tenant.id, customerId: s.cloud.id, localDate: new Date("2026-11-23T00:00:00Z"), score: 82, level: "HIGH", reasons: [] },
    });
    // snapshotRisk writes the level onto the customer row with the snapshot (the list's order).
    await tdb.prisma.customer.update({ where: { id: s.cloud.id }, data: { riskRank: 0 } });
    const text = await s.read("wang", zh ? "客户列表 等级 B" : "customers tier B");
    expect(text).toContain(zh ? "风险取自11月23日" : "Risk as of the churn digest of Nov 23");
    expect(text).toContain(zh ? "高风险 82" : "high risk 82");
    // Same tier: the risky customer comes before 华为海洋, whose name sorts first.
    expect(text.indexOf("华为云计算")).toBeLessThan(text.indexOf("华为海洋"));
  });

  it("searches by substring and pinyin within the scope, counting what lies outside", async () => {
    const s = await scene(locale);
    const initials = await s.read("alice", zh ? "客户 搜索 hwjs" : "customer find hwjs");
    expect(initials).toContain("华为技术有限公司");
    const full = await s.read("bob", zh ? "客户 搜索 huawei" : "customer find huawei");
    expect(full).toContain("华为云计算");
    expect(full).not.toContain("华为技术");
    expect(full).not.toContain("北京华为终端");
    expect(full).toContain(zh ? "另有 2 个不在您权限范围内" : "2 more outside your scope");
    const substring = await s.read("wang", zh ? "客户 搜索 华为" : "customer find 华为");
    expect(substring.indexOf("华为云计算")).toBeLessThan(substring.indexOf("北京华为终端"));
  });

  it("offers only in-scope customers in the chooser of an ambiguous name", async () => {
    const s = await scene(locale);
    const view = viewOf(await s.say("bob", zh ? "客户 华为" : "customer 华为"));
    const text = textOf(view);
    expect(text).toContain("华为云计算");
    expect(text).not.toContain("华为技术");
    expect(text).toContain(zh ? "另有 2 个" : "2 more outside your scope");
    expect(renderText(view).choices).toHaveLength(1);
    // The complaint form's chooser follows the same rule.
    const complaint = await s.say("bob", zh ? "投诉 华为 高 设备故障" : "complaint 华为 high broken");
    const options = formOf(complaint).fields.find((f) => f.name === "customer")?.options ?? [];
    expect(options.map((o) => o.label).join()).not.toContain("华为技术");
  });

  it("edits the whole file in a form, refuses LOST without a reason and audits before and after", async () => {
    const s = await scene(locale);
    const form = formOf(await s.say("alice", zh ? "客户 编辑 华为技术" : "customer edit 华为技术"));
    expect(form.fields.map((f) => f.name)).toEqual(["name", "industry", "region", "status", "lostReason", "cooperationStart", "strategic", "annual"]);
    expect(form.intro).toContain(zh ? "只读" : "read-only");
    const values = { name: "华为技术有限公司", industry: "通信设备", region: "华南", status: "LOST", cooperationStart: "2019-03-01", strategic: "no", annual: "6000000" };
    const refused = errorsOf((await submit(s.conversation, s.u.alice, form, values)).reply);
    expect(Object.keys(refused)).toEqual(["lostReason"]);
    const saved = textOf(viewOf((await submit(s.conversation, s.u.alice, form, { ...values, lostReason: zh ? "转向竞争对手" : "went to a competitor" })).reply));
    expect(saved).toContain(zh ? "已保存" : "Saved the changes");
    const row = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.huawei.id } });
    expect(row).toMatchObject({ status: "LOST", industry: "通信设备", tier: "C" });
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: s.huawei.id, action: "customer.updated" } });
    expect(audit.before).toMatchObject({ status: "ACTIVE", industry: "通信" });
    expect(audit.after).toMatchObject({ status: "LOST", industry: "通信设备" });
  });

  it("returns a tier override to the computed tier", async () => {
    const s = await scene(locale);
    await s.read("li", zh ? "客户 分级 北京华为终端 VIP 战略合作" : "customer tier 北京华为终端 VIP strategic partner");
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.terminal.id } })).tier).toBe("VIP");
    const back = await s.read("li", zh ? "客户 分级 北京华为终端 自动" : "customer tier 北京华为终端 auto");
    expect(back).toContain(zh ? "已恢复为系统计算的等级" : "back to its computed tier");
    expect(await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.terminal.id } })).toMatchObject({ tier: "A", tierOverride: null });
  });

  it("adds, lists, makes primary and removes contacts, primary first on the card", async () => {
    const s = await scene(locale);
    await s.read("alice", zh ? "联系人 新增 华为技术有限公司 张伟 采购经理 13900139000" : "contact add 华为技术有限公司 张伟 Purchasing 13900139000");
    const listed = viewOf(await s.say("alice", zh ? "联系人 新增 华为技术有限公司 李娜 财务 lina@hw.com" : "contact add 华为技术有限公司 李娜 Finance lina@hw.com"));
    expect(textOf(listed)).toContain("13900139000");
    const primary = choiceByAction(listed, "contact.primary");
    const after = textOf(viewOf((await click(s.conversation, s.u.alice, primary)).reply));
    expect(after.indexOf("李娜")).toBeLessThan(after.indexOf("张伟"));
    const card = await s.read("alice", zh ? "客户 华为技术有限公司" : "customer 华为技术有限公司");
    expect(card.indexOf("李娜")).toBeLessThan(card.indexOf("张伟"));
    const removed = await s.read("alice", zh ? "联系人 删除 华为技术有限公司 张伟" : "contact remove 华为技术有限公司 张伟");
    expect(removed).not.toContain("13900139000");
    expect(await tdb.prisma.contact.count({ where: { customerId: s.huawei.id } })).toBe(1);
    expect(await s.read("bob", zh ? "联系人 华为技术有限公司" : "contacts 华为技术有限公司")).not.toContain("李娜");
  });

  it("shows one history timeline, newest first, with who and when", async () => {
    const s = await scene(locale);
    await s.read("li", zh ? "客户 分级 北京华为终端 VIP 战略合作" : "customer tier 北京华为终端 VIP strategic");
    await s.read("alice", zh ? "拜访 北京华为终端 讨论明年框架协议" : "visit 北京华为终端 discussed the 2027 frame contract");
    const history = await s.read("li", zh ? "客户 历史 北京华为终端" : "customer history 北京华为终端");
    expect(history).toContain(zh ? "等级" : "Tier");
    expect(history).toContain(zh ? "战略合作" : "strategic");
    expect(history).toContain(zh ? "讨论明年框架协议" : "discussed the 2027 frame contract");
    expect(history).toContain(NAMES[locale].li);
    expect(history).toContain(zh ? "新增客户" : "Customer created");
    expect(await s.read("bob", zh ? "客户 历史 北京华为终端" : "customer history 北京华为终端")).not.toContain(zh ? "新增客户" : "Customer created");
  });

  it("shows what imports did in the history: the customer imported, and what an update changed (the line of the file)", async () => {
    const s = await scene(locale);
    const wang = actorOf(s.m.wang, "CONSOLE");
    const created = await importCustomersCsv(s.deps, wang, `name,owner,region\r\n深圳导入科技,${NAMES[locale].alice},华南\r\n`);
    expect(created.ok).toBe(true);
    const updated = await importCustomersCsv(s.deps, wang, `name,owner,region,industry\r\n北京华为终端,${NAMES[locale].bob},华东,通信\r\n`, { update: true });
    expect(updated.ok).toBe(true);
    const imported = await s.read("li", zh ? "客户 历史 深圳导入科技" : "customer history 深圳导入科技");
    expect(imported).toContain(zh ? "导入建档（文件第 2 行）" : "Customer imported (line 2 of the file)");
    const history = await s.read("wang", zh ? "客户 历史 北京华为终端" : "customer history 北京华为终端");
    expect(history).toContain(
      zh
        ? "导入更新（文件第 2 行）：区域：华北 → 华东；行业：— → 通信；更换客户经理"
        : "Updated by import (line 2 of the file): region: 华北 → 华东; industry: — → 通信; Account manager changed",
    );
    expect(history).not.toContain(s.m.bob.id);
  });

  it("opens complaints and hospitality requests by number with the viewer's buttons, scope-checked", async () => {
    const s = await scene(locale);
    const c = await registerComplaint(s.deps, actorOf(s.m.alice, "CONSOLE"), { customerId: s.huawei.id, severity: "HIGH", description: "设备故障" });
    const mine = viewOf(await s.say("alice", zh ? `投诉 #${c.number}` : `complaint #${c.number}`));
    expect(renderText(mine).choices.map((x) => x.actionId)).toContain("complaint.ack");
    expect(await s.read("bob", zh ? `投诉 #${c.number}` : `complaint #${c.number}`)).not.toContain("设备故障");
    await acknowledgeComplaint(s.deps, actorOf(s.m.alice, "CONSOLE"), { complaintId: c.id });
    await resolveComplaint(s.deps, actorOf(s.m.alice, "CONSOLE"), { complaintId: c.id, resolution: "更换主板" });
    const closed = await s.read("li", zh ? "投诉列表 已结" : "complaints closed");
    expect(closed).toContain(`#${c.number}`);
    expect(closed).toContain("更换主板");
    expect(await s.read("bob", zh ? "投诉列表 已结" : "complaints closed")).not.toContain("更换主板");

    await s.say("alice", zh ? "招待 华为技术有限公司 1500 明天 宴请 4人 年度答谢" : "hospitality 华为技术有限公司 1500 tomorrow banquet 4pax thanks");
    const request = await tdb.prisma.hospitalityRequest.findFirstOrThrow({ where: { tenantId: s.team.tenant.id } });
    const approver = viewOf(await s.say("li", zh ? `招待 #${request.number}` : `hospitality #${request.number}`));
    expect(renderText(approver).choices.map((x) => x.actionId)).toEqual(["hospitality.approve", "hospitality.reject"]);
    const requester = viewOf(await s.say("alice", zh ? `招待 #${request.number}` : `hospitality #${request.number}`));
    expect(renderText(requester).choices.map((x) => x.actionId)).toEqual(["hospitality.cancel"]);
    const stranger = viewOf(await s.say("bob", zh ? `招待 #${request.number}` : `hospitality #${request.number}`));
    expect(renderText(stranger).choices).toHaveLength(0);
    expect(textOf(stranger)).not.toContain("华为技术");
  });

  it("hands customers over with a reason and tells the old owner and the supervisor", async () => {
    const s = await scene(locale);
    const noReason = await s.read("li", zh ? "客户 分配 北京华为终端 <@li>" : "customer assign 北京华为终端 <@li>");
    expect(noReason).toContain(zh ? "移交需要说明原因" : "A handover needs a reason");
    await s.read("li", zh ? "客户 分配 北京华为终端 <@li> 客户要求更换" : "customer assign 北京华为终端 <@li> customer asked for a change");
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.terminal.id } })).ownerId).toBe(s.m.li.id);
    const notices = await tdb.prisma.outboxMessage.findMany({ where: { tenantId: s.team.tenant.id, payload: { path: ["kind"], equals: "customer.handover" } } });
    expect(notices.map((o) => o.target).sort()).toEqual([`member:${s.m.alice.id}`, `member:${s.m.wang.id}`].sort());
    const toAlice = (await s.conversation.renderDelivery(notices.find((o) => o.target === `member:${s.m.alice.id}`)!))!;
    expect(textOf(toAlice.view)).toContain(zh ? "客户要求更换" : "customer asked for a change");

    const c = await registerComplaint(s.deps, actorOf(s.m.alice, "CONSOLE"), { customerId: s.huawei.id, severity: "LOW", description: "发票错误" });
    const bulk = await s.read("wang", zh ? "客户 移交 <@alice> <@li> 全部 岗位调整" : "customer handover <@alice> <@li> all role change");
    expect(bulk).toContain(zh ? "已将 1 个客户" : "Handed 1 customer");
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.huawei.id } })).ownerId).toBe(s.m.li.id);
    expect((await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).assigneeId).toBe(s.m.li.id);
    expect(await tdb.prisma.callback.count({ where: { customerId: s.huawei.id, status: "PENDING", assigneeId: s.m.alice.id } })).toBe(0);
    const refused = await s.read("bob", zh ? "客户 移交 <@li> <@bob> 全部 想要" : "customer handover <@li> <@bob> all want them");
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.huawei.id } })).ownerId).toBe(s.m.li.id);
    expect(refused).not.toContain(zh ? "已将" : "Handed");
  });

  it("deactivates a leaver: everything moves, pending approvals are re-resolved, their commands are refused politely", async () => {
    const s = await scene(locale);
    await s.say("alice", zh ? "招待 华为技术有限公司 1500 明天 宴请 4人 年度答谢" : "hospitality 华为技术有限公司 1500 tomorrow banquet 4pax thanks");
    const step = await tdb.prisma.approvalStep.findFirstOrThrow({ where: { tenantId: s.team.tenant.id, status: "PENDING" } });
    expect(step.approverId).toBe(s.m.li.id);
    await tdb.prisma.customer.update({ where: { id: s.terminal.id }, data: { ownerId: s.m.li.id } });
    await tdb.prisma.callback.updateMany({ where: { customerId: s.terminal.id, status: "PENDING" }, data: { assigneeId: s.m.li.id } });
    const tenantView = await loadTenant(tdb.prisma, s.team.tenant.id);
    expect((await buildCallbackDigests(tdb.prisma, tenantView, "2027-06-01")).members.map((d) => d.memberId)).toContain(s.m.li.id);
    const done = await s.read("boss", zh ? "管理 停用 <@li> <@wang>" : "admin deactivate <@li> <@wang>");
    expect(done).toContain(zh ? "已停用" : "is deactivated");
    expect(await tdb.prisma.member.findUniqueOrThrow({ where: { id: s.m.li.id } })).toMatchObject({ active: false });
    expect((await tdb.prisma.approvalStep.findUniqueOrThrow({ where: { id: step.id } })).approverId).toBe(s.m.wang.id);
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: s.terminal.id } })).ownerId).toBe(s.m.wang.id);
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: s.m.alice.id } })).supervisorId).toBe(s.m.wang.id);
    const refusal = await s.read("li", zh ? "客户列表" : "customers");
    expect(refusal).toContain(zh ? "账号已停用" : "has been deactivated");
    expect(await tdb.prisma.auditLog.count({ where: { entityId: s.m.li.id, action: "member.deactivated" } })).toBe(1);
    // Their digests stop: nothing is built for them any more, their callbacks go to Wang's.
    const digests = await buildCallbackDigests(tdb.prisma, tenantView, "2027-06-01");
    expect(digests.members.map((d) => d.memberId)).not.toContain(s.m.li.id);
    expect(await tdb.prisma.callback.count({ where: { tenantId: s.team.tenant.id, status: "PENDING", assigneeId: s.m.li.id } })).toBe(0);
  });
});
