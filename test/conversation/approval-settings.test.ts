// Settings people can use: money in yuan (8,000, 1.2万) with labels in the member's language,
// and the final approver set by mention and shown by name — through the conversation layer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation, PlatformUser } from "../../src/conversation/port.js";
import { parseTenantSettings } from "../../src/core/tenants/settings.js";
import { conversationAt, replyText } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;
let conversation: Conversation;
const tenantExternalId = "T-approval-settings";
const user = (platformUserId: string, displayName = platformUserId): PlatformUser => ({ platform: "SLACK", tenantExternalId, platformUserId, displayName });

beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, "2026-11-23T02:00:00Z", { admins: ["UADMIN"], defaultLocale: "zh-CN" }).conversation;
});
afterAll(async () => tdb?.close());

const settings = async () => parseTenantSettings((await tdb.prisma.tenant.findFirstOrThrow({ where: { externalId: tenantExternalId } })).settings);

describe("approval settings", () => {
  it("takes money in yuan as people write it and shows it in yuan with a label", async () => {
    const admin = user("UADMIN", "系统管理员");
    expect(replyText(await conversation.command({ user: admin, text: "管理 设置 hospitality.managerMaxFen 1.2万" }))).toContain(
      "招待：主管加经理审批上限 已设为 ¥12,000.00",
    );
    expect((await settings()).hospitality.managerMaxFen).toBe(1_200_000);
    // By its name, as the listing shows it, in yuan.
    await conversation.command({ user: admin, text: 'admin settings "Hospitality: supervisor alone up to" 8,000' });
    expect((await settings()).hospitality.supervisorOnlyMaxFen).toBe(800_000);
    const bad = replyText(await conversation.command({ user: admin, text: "admin settings credit.managerMaxFen 1.2345万x" }));
    expect(bad).not.toContain("已设为");
    expect((await settings()).credit.managerMaxFen).toBe(100_000_000);

    const shown = replyText(await conversation.command({ user: admin, text: "管理 设置" }));
    expect(shown).toContain("招待：主管单独审批上限：¥8,000.00");
    expect(shown).toContain("回访周期（VIP）：14 天");
    expect(shown).toContain("紧急投诉受理时限：1 小时");
    expect(shown).not.toMatch(/Fen|Minutes|hospitality\./);
    expect(shown).not.toContain("800000");
  });

  it("sets the final approver by mention and shows the name, never the id", async () => {
    const admin = user("UADMIN", "系统管理员");
    await conversation.command({ user: user("UWANG", "王建国"), text: "帮助" });
    const wang = await tdb.prisma.member.findFirstOrThrow({ where: { displayName: "王建国" } });
    const set = replyText(await conversation.command({ user: admin, text: "管理 设置 终审人 <@UWANG>" }));
    expect(set).toContain("招待终审人 已设为 王建国");
    expect(set).not.toContain(wang.id);
    expect((await settings()).hospitality.finalApproverId).toBe(wang.id);
    const en = replyText(await conversation.command({ user: admin, text: "lang en" }));
    expect(en).toBeTruthy();
    const shown = replyText(await conversation.command({ user: admin, text: "admin settings hospitality.finalApprover" }));
    expect(shown).toBe("Hospitality final approver: 王建国");
    // A raw id that is nobody here is refused.
    const refused = replyText(await conversation.command({ user: admin, text: "admin settings hospitality.finalApproverId nobody-1" }));
    expect(refused).toContain("not an active member");
    expect((await settings()).hospitality.finalApproverId).toBe(wang.id);
  });
});
