// People named in notifications are Feishu mentions in the card's markdown (<at id=ou_…></at>;
// a text message would use <at user_id="ou_…"></at>, but Accord sends cards); the department's
// digest channel keeps plain names. The shared suite (test/support/mentions.ts), delivered
// through the adapter's sender to the fake Feishu.
import { cardText } from "../fakes/feishu.js";
import { describeMentions } from "../support/mentions.js";
import { COMPLAINTS_CHAT, seedDepartment, startHarness, type FeishuMember } from "./harness.js";

describeMentions<FeishuMember>(async () => {
  const h = await startHarness();
  const team = await seedDepartment(h);
  const textIn = (chatId: string) => {
    const card = h.fake.latestCardIn(chatId);
    return card ? cardText(card.content) : undefined;
  };
  return {
    platform: "FEISHU",
    db: h.db.prisma,
    deps: h.deps,
    team,
    deliverAll: () => h.deliverAll(),
    latestDmText: (m) => textIn(h.fake.dmOf(m.openId)) ?? "",
    latestPostText: textIn,
    mention: (m) => `<at id=${m.openId}></at>`,
    anyMention: /<at /,
    channels: { complaints: COMPLAINTS_CHAT, digests: "oc_digests" },
    close: () => h.close(),
  };
});
