// People named in notifications are Slack mentions (<@U…>: the current name, a link, a
// notification where the person is in the conversation); the department's digest channel keeps
// plain names. The shared suite (test/support/mentions.ts), delivered through the adapter's
// sender to the fake Slack.
import { textOf } from "../fakes/slack.js";
import { describeMentions } from "../support/mentions.js";
import { latestIn, seedDepartment, startHarness, type SlackMember } from "./harness.js";

describeMentions<SlackMember>(async () => {
  const h = await startHarness();
  const team = await seedDepartment(h);
  const textIn = (channel: string) => {
    const message = latestIn(h, channel);
    return message ? `${message.text}\n${textOf(message.blocks)}` : undefined;
  };
  return {
    platform: "SLACK",
    db: h.db.prisma,
    deps: h.deps,
    team,
    deliverAll: () => h.deliverAll(),
    latestDmText: (m) => textIn(h.fake.dmOf(m.id)) ?? "",
    latestPostText: textIn,
    mention: (m) => `<@${m.id}>`,
    anyMention: /<@U/,
    channels: { complaints: "C0COMPLAINTS", digests: "C0DIGESTS" },
    close: () => h.close(),
  };
});
