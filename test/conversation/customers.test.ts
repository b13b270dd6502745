import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation, PlatformUser, Reply } from "../../src/conversation/port.js";
import { renderText } from "../../src/conversation/render/text.js";
import { conversationAt, replyText } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;
let conversation: Conversation;
const tenant = "T-customers";
const user = (platformUserId: string, displayName = platformUserId): PlatformUser => ({
  platform: "SLACK",
  tenantExternalId: tenant,
  platformUserId,
  displayName,
});

beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, "2026-11-23T02:00:00Z", { admins: ["UADMIN"], defaultLocale: "zh-CN" }).conversation;
});
afterAll(async () => tdb?.close());

describe("help, customers and admin through the conversation", () => {
  it("answers help in Chinese by default and in English after lang en", async () => {
    expect(replyText(await conversation.command({ user: user("U1", "刘洋"), text: "帮助" }))).toContain("Accord 命令");
    expect(replyText(await conversation.command({ user: user("U1"), text: "lang en" }))).toContain("English");
    const help = replyText(await conversation.command({ user: user("U1"), text: "help visit" }));
    expect(help).toMatch(/visit <customer>/);
  });

  it("shows a parse error with the command's usage instead of failing", async () => {
    const reply = replyText(await conversation.command({ user: user("U1"), text: "complaint Acme urgentish broken" }));
    expect(reply).toMatch(/complaint <customer>/);
  });

  it("creates a customer, finds it by Chinese prefix and shows its card", async () => {
    const created = replyText(await conversation.command({ user: user("U2", "陈静"), text: "客户 新增 华为技术有限公司 年采购额 120万" }));
    expect(created).toContain("华为技术有限公司");
    const card = replyText(await conversation.command({ user: user("U2"), text: "客户 华为" }));
    expect(card).toContain("华为技术有限公司");
    expect(card).toContain("陈静");
    expect(card).toMatch(/¥1,200,000.00/);
    const stored = await tdb.prisma.customer.findFirstOrThrow({ where: { name: "华为技术有限公司" } });
    expect(stored.tier).toBe("A");
    expect(await tdb.prisma.auditLog.count({ where: { entityId: stored.id } })).toBeGreaterThan(0);
  });

  it("offers the candidates of an ambiguous name as buttons that open the card", async () => {
    await conversation.command({ user: user("U2"), text: "客户 新增 华为终端有限公司" });
    const reply = await conversation.command({ user: user("U2"), text: "客户 华为" });
    const rendered = renderText((reply as Extract<Reply, { kind: "view" }>).view);
    expect(rendered.text).toContain("华为终端有限公司");
    const choice = rendered.choices.find((c) => rendered.text.indexOf("华为终端") < rendered.text.indexOf(`[${c.number}]`))!;
    const opened = await conversation.action({ user: user("U2"), actionId: choice.actionId, payload: choice.payload });
    expect(renderText((opened.reply as Extract<Reply, { kind: "view" }>).view).text).toContain("华为终端有限公司");
  });

  it("refuses another specialist's customer with the localized message and writes nothing", async () => {
    const before = await tdb.prisma.auditLog.count();
    const reply = replyText(await conversation.command({ user: user("U3", "赵磊"), text: "客户 华为技术" }));
    expect(reply).toContain("不属于您或您的团队");
    expect(await tdb.prisma.auditLog.count()).toBe(before + 1); // only U3's first-sight registration
  });

  it("opens a form when details are missing and validates it field by field", async () => {
    const reply = await conversation.command({ user: user("U2"), text: "customer add" });
    expect(reply.kind).toBe("form");
    const form = (reply as { form: { actionId: string; payload: string } }).form;
    const bad = await conversation.submit({ user: user("U2"), actionId: form.actionId, payload: form.payload, values: { name: "", annual: "12.345" } });
    expect(bad.reply.kind).toBe("form_errors");
    const errors = (bad.reply as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(["annual", "name"]);
    const good = await conversation.submit({ user: user("U2"), actionId: form.actionId, payload: form.payload, values: { name: "Acme Robotics", annual: "50000" } });
    expect(renderText((good.reply as Extract<Reply, { kind: "view" }>).view).text).toContain("Acme Robotics");
  });

  it("lets only an admin set roles and channels, bootstrapped from ACCORD_ADMINS", async () => {
    const refused = replyText(await conversation.command({ user: user("U2"), text: "admin role <@U3> supervisor" }));
    expect(refused).toContain("管理员");
    const ok = replyText(await conversation.command({ user: user("UADMIN", "Boss"), text: "admin role <@U3|zhao> supervisor" }));
    expect(ok).toContain("主管");
    const member = await tdb.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: "U3" }, include: { member: true } });
    expect(member.member.role).toBe("SUPERVISOR");
    await conversation.command({ user: user("UADMIN"), text: "admin channel complaints <#C123|complaints>" });
    const t = await tdb.prisma.tenant.findFirstOrThrow({ where: { externalId: tenant } });
    expect((t.settings as { channels: { complaints: string } }).channels.complaints).toBe("C123");
    const bad = replyText(await conversation.command({ user: user("UADMIN"), text: "admin settings timeZone Mars/Base" }));
    expect(bad).toContain("Mars/Base");
  });

  it("refuses a region not on the department's list at the add form's region field, naming the known ones, in both languages", async () => {
    await conversation.command({ user: user("UADMIN"), text: "管理 区域 添加 华东" });
    await conversation.command({ user: user("UADMIN"), text: "管理 区域 添加 华南" });
    const submitAdd = async (who: PlatformUser, values: Record<string, string>) => {
      const reply = await conversation.command({ user: who, text: "customer add" });
      const form = (reply as { form: { actionId: string; payload: string } }).form;
      return (await conversation.submit({ user: who, actionId: form.actionId, payload: form.payload, values })).reply;
    };
    expect(await submitAdd(user("U2"), { name: "西北贸易", region: "西北" })).toEqual({
      kind: "form_errors",
      errors: { region: "“西北”不在本工作区的区域列表中：华东、华南。请从中选择，或请管理员添加（管理 区域 添加 <名称>）。" },
    });
    expect(await submitAdd(user("U1"), { name: "Mars Trading", region: "Mars" })).toEqual({
      kind: "form_errors",
      errors: { region: "“Mars” is not one of this workspace's regions: 华东, 华南. Choose one of them, or ask an administrator to add it (admin region add <name>)." },
    });
    expect(await tdb.prisma.customer.count({ where: { name: { in: ["西北贸易", "Mars Trading"] } } })).toBe(0);
    await submitAdd(user("U2"), { name: "华南贸易", region: "华南" });
    expect((await tdb.prisma.customer.findFirstOrThrow({ where: { name: "华南贸易" } })).region).toBe("华南");
  });
});
