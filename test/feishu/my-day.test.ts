// The Feishu "my day" card through the Lark SDK against the fake Feishu: the bot menu (and 帮助 in
// the bot's direct chat) shows the member's day as ONE card, updated in place (PATCH
// im/v1/messages/:message_id) each time, also after the member decides something on it; a long day
// stays within the card limits with "… N more"; menu entries open the shortcut forms.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MY_DAY_ENTITY } from "../../src/adapters/feishu/my-day.js";
import { createCustomer } from "../../src/core/customers/customers.js";
import { toDateColumn } from "../../src/core/shared/time.js";
import { cardText, findButton, sleep, waitFor, type FakeMessage } from "../fakes/feishu.js";
import { createAcmeTrading, localDateInDays, newestHospitalityRequest } from "../support/platform.js";
import { seedDepartment, startHarness, type FeishuMember, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
});

afterAll(async () => {
  await h?.close();
});

const cardsIn = (user: FeishuMember) => h.fake.messagesIn(h.fake.dmOf(user.openId)).filter((m) => m.msgType === "interactive" && m.sender.kind === "app");
const myDayCards = (user: FeishuMember) => cardsIn(user).filter((m) => /My day|我的一天/.test(cardText(m.content)));
const patchesOf = (messageId: string) => h.fake.callsTo("message.patch").filter((c) => c.path.endsWith(`/${messageId}`));

describe("the Feishu my-day card", () => {
  let card: FakeMessage;

  it("shows the member's day from the bot menu, with the approvals waiting and their buttons", async () => {
    const { answer, message } = await h.feishu.message(team.alice, `hospitality acme 1500 ${localDateInDays(h.deps, 10)} meal 4guests client dinner`);
    expect(answer.status).toBe(200);
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the request card");

    const sent = await h.feishu.menu(team.supervisor, "my_day");
    expect(sent.answer.status).toBe(200);
    card = (await waitFor(() => myDayCards(team.supervisor)[0], "the supervisor's my-day card"))!;
    const text = cardText(card.content);
    expect(text).toContain("My day");
    expect(text).toContain("Approvals waiting for you (1)");
    expect(text).toContain("Acme Trading");
    expect(findButton(card.content, /^hospitality\.approve/)).toBeDefined();
    const ref = await h.db.prisma.messageRef.findFirstOrThrow({ where: { entityType: MY_DAY_ENTITY, entityId: team.supervisor.openId } });
    expect(ref.messageId).toBe(card.messageId);
  });

  it("updates the same card in place when asked again, instead of posting a new one", async () => {
    const before = patchesOf(card.messageId).length;
    await h.feishu.menu(team.supervisor, "my_day");
    await waitFor(() => patchesOf(card.messageId).length > before || undefined, "the PATCH of the my-day card");
    expect(myDayCards(team.supervisor)).toHaveLength(1);
  });

  it("after a decision on it, the card is updated in place: the approval is gone, the card is still the member's day", async () => {
    const before = patchesOf(card.messageId).length;
    const approve = findButton(card.content, /^hospitality\.approve/)!;
    const clicked = await h.feishu.click(team.supervisor, card, approve);
    expect(clicked.status).toBe(200);
    await waitFor(async () => ((await newestHospitalityRequest(h.db.prisma, team.tenant.id)).status === "APPROVED" ? true : undefined), "the approval");
    await waitFor(() => (patchesOf(card.messageId).length > before && /\(0\)/.test(cardText(h.fake.messages.get(card.messageId)!.content)) ? true : undefined), "the refreshed my-day card");
    const now = h.fake.messages.get(card.messageId)!;
    const text = cardText(now.content);
    expect(text).toContain("My day");
    expect(text).toContain("Approvals waiting for you (0)");
    expect(findButton(now.content, /^hospitality\.approve/)).toBeUndefined();
    expect(myDayCards(team.supervisor)).toHaveLength(1);
  });

  it("comes with 帮助 in the direct chat, in Chinese, and a long day stays within the card limits", async () => {
    await h.db.prisma.member.update({ where: { id: team.amy.memberId }, data: { locale: "zh-CN" } });
    const beta = await createCustomer(h.deps, { tenantId: team.tenant.id, memberId: team.amy.memberId, role: team.amy.role, platform: "FEISHU" }, { name: "北京贝塔科技", annualPurchaseFen: 50_000_000n });
    await h.db.prisma.callback.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        tenantId: team.tenant.id,
        customerId: beta.id,
        assigneeId: team.amy.memberId,
        dueOn: toDateColumn(localDateInDays(h.deps, -1 - i)),
        reason: "MANUAL" as const,
      })),
    });
    await h.feishu.message(team.amy, "帮助");
    const first = (await waitFor(() => myDayCards(team.amy)[0], "Amy's my-day card"))!;
    const text = cardText(first.content);
    expect(text).toContain("我的一天");
    expect(text).toContain("今日到期及逾期回访（60）");
    expect(text).toContain("…还有 50 项");
    expect(JSON.stringify(first.content).length).toBeLessThanOrEqual(28 * 1024);
    let elements = 0;
    const count = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(count);
      else if (node && typeof node === "object") {
        if ("tag" in node) elements += 1;
        Object.values(node).forEach(count);
      }
    };
    count(first.content.body ?? first.content);
    expect(elements).toBeLessThanOrEqual(200);

    await h.feishu.message(team.amy, "帮助");
    await waitFor(() => patchesOf(first.messageId).length > 0 || undefined, "the my-day card updated in place");
    await sleep(200);
    expect(myDayCards(team.amy)).toHaveLength(1);
  });

  it("opens the visit form from the bot menu (Feishu's counterpart of the message shortcuts)", async () => {
    const sent = await h.feishu.menu(team.alice, "visit_note");
    const message = await waitFor(() => h.fake.messagesIn(h.fake.dmOf(team.alice.openId)).find((m) => m.uuid === `menu:${sent.envelope.header.event_id}`), "the visit form card");
    expect(cardText(message.content)).toContain("Visit notes");
    expect(findButton(message.content, /^visit\.log/)).toBeDefined();
  });
});
