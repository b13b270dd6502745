// Feishu platform behaviours, end to end against the fake Feishu: events of another app ignored
// with nothing written, rich-text (post) messages handled as text, and a failing open API call
// whose SDK line carries the Authorization header leaving no token in the log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics.js";
import { cardText, sleep, waitFor } from "../fakes/feishu.js";
import { createAcmeTrading } from "../support/platform.js";
import { COMPLAINTS_CHAT, seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
const metrics = createMetrics({ processMetrics: false, platforms: ["FEISHU"] });

beforeAll(async () => {
  h = await startHarness({ metrics });
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
});

afterAll(async () => {
  await h?.close();
});

async function footprint() {
  return {
    processed: await h.db.prisma.processedEvent.count(),
    members: await h.db.prisma.member.count(),
    customers: await h.db.prisma.customer.count(),
    audits: await h.db.prisma.auditLog.count(),
    sent: h.fake.calls.filter((c) => c.operation.startsWith("message.") || c.operation === "ephemeral.send").length,
  };
}

describe("events of another app", () => {
  it("answers 200, counts it and writes nothing", async () => {
    const before = await footprint();
    const { answer, message } = await h.feishu.message(team.alice, "customer add Foreign Goods", { appId: "cli_someone_else_0001" });
    expect(answer.status).toBe(200);
    await sleep(300);
    expect(await footprint()).toEqual(before);
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(0);
    expect(h.logs.some((l) => l.msg === "feishu: event for another app ignored" && l.appId === "cli_someone_else_0001")).toBe(true);
    expect(await metrics.render()).toMatch(/accord_callbacks_ignored_total\{platform="FEISHU",kind="other_app"\} 1/);
  });
});

describe("rich-text messages", () => {
  it("answers a post message (a formatted 帮助) as the text it carries", async () => {
    const { answer, message } = await h.feishu.message(team.alice, "帮助", { post: { title: "" } });
    expect(answer.status).toBe(200);
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the answer to the post");
    expect(reply.msgType).toBe("interactive");
    expect(JSON.stringify(reply.content)).toContain("customer");
    // Help read in Feishu explains Feishu, not Slack's slash command.
    expect(cardText(reply.content)).not.toMatch(/Slack/);
    expect(cardText(reply.content)).toContain("@Accord");
  });

  it("reads a post's @ elements like a text message's mentions", async () => {
    const { message } = await h.feishu.message(team.supervisor, "@_user_1 customer\nacme", {
      chatType: "group",
      chatId: "oc_post_group",
      mentions: [h.feishu.botMention()],
      post: { title: "Lookup" },
    });
    const card = await waitFor(() => h.fake.ephemeralsFor(team.supervisor.openId, "oc_post_group")[0], "the answer only the sender sees");
    expect(card.content.header.title.content).toBe("Acme Trading");
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(0);
  });
});

describe("names", () => {
  it("replaces the name a mention gave with the contact API's once the member writes to Accord", async () => {
    const lin = { openId: "ou_lin", name: "Lin Feng" };
    h.fake.addUser(lin);
    const { message } = await h.feishu.message(team.admin, "admin role @_user_1 supervisor", {
      mentions: [{ key: "@_user_1", openId: lin.openId, name: "lin" }],
    });
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the admin's answer");
    const first = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: lin.openId }, include: { member: true } });
    expect(first.member).toMatchObject({ displayName: "lin", nameIsHint: true });

    const own = await h.feishu.message(lin, "help");
    await waitFor(() => h.fake.repliesTo(own.message.messageId)[0], "Lin's answer");
    const after = await h.db.prisma.member.findUniqueOrThrow({ where: { id: first.memberId } });
    expect(after).toMatchObject({ displayName: "Lin Feng", nameIsHint: false, role: "SUPERVISOR" });
  });
});

describe("complaint posts in the complaints group", () => {
  it("mention the assignee as <at id=…></at> and mask a phone and an e-mail", async () => {
    const { message } = await h.feishu.message(team.amy, "complaint acme high 请回电 13812345678 或 wang.jun@acme-trading.cn");
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "Amy's answer");
    await h.deliverAll();
    const post = await waitFor(() => h.fake.latestCardIn(COMPLAINTS_CHAT), "the group post");
    const content = JSON.stringify(post.content);
    expect(content).toContain(`<at id=${team.alice.openId}></at>`);
    expect(content).not.toContain("13812345678");
    expect(content).not.toContain("wang.jun");
    expect(content).toMatch(/138[*∗]{4}5678/);
    // Alice, who must act on it, reads the number in her own chat.
    const dm = await waitFor(() => h.fake.latestCardIn(h.fake.dmOf(team.alice.openId)), "Alice's card");
    expect(JSON.stringify(dm.content)).toContain("13812345678");
  });
});

describe("admin channel", () => {
  it("shows the group's name, tells how to add the bot where it is absent, and tells the admins once when posts fail", async () => {
    h.fake.addChat({ chatId: "oc_5a1e5f100001", name: "销售大群", botIsMember: false });
    const { message } = await h.feishu.message(team.admin, "admin channel complaints oc_5a1e5f100001");
    const answer = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the admin's answer");
    const text = JSON.stringify(answer.content);
    expect(text).toContain("Accord is not a member yet");
    expect(text).toContain("Add bot");
    expect(h.fake.callsTo("chat.is_in_chat").some((c) => c.path.includes("oc_5a1e5f100001"))).toBe(true);

    const adminDm = h.fake.dmOf(team.admin.openId);
    const before = h.fake.messagesIn(adminDm).length;
    for (const text of ["complaint acme low Wrong invoice title", "complaint acme low Invoice sent twice"]) {
      const sent = await h.feishu.message(team.amy, text);
      await waitFor(() => h.fake.repliesTo(sent.message.messageId)[0], "Amy's answer");
    }
    await h.deliverAll();
    const refused = h.fake.callsTo("message.create").filter((c) => c.body.receive_id === "oc_5a1e5f100001");
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((c) => c.code === 230002)).toBe(true);
    const told = h.fake.messagesIn(adminDm).slice(before).filter((m) => JSON.stringify(m.content).includes("could not post to"));
    expect(told).toHaveLength(1);

    h.fake.addChat({ chatId: "oc_e5ca1a7e0002", name: "投诉升级群", botIsMember: true });
    const ok = await h.feishu.message(team.admin, "admin channel complaints oc_e5ca1a7e0002");
    const confirmed = await waitFor(() => h.fake.repliesTo(ok.message.messageId)[0], "the confirmation");
    expect(JSON.stringify(confirmed.content)).toContain("投诉升级群");
  });
});

describe("a post Feishu refuses as an invalid parameter (230001)", () => {
  it("fails that message for good, logged with its code and no token, and never reports the group as gone", async () => {
    // The complaints group from the test above, where Accord is a member.
    const group = "oc_e5ca1a7e0002";
    await h.deliverAll();
    const adminDm = h.fake.dmOf(team.admin.openId);
    const toldBefore = h.fake.messagesIn(adminDm).filter((m) => JSON.stringify(m.content).includes("could not post to")).length;
    const logsBefore = h.logs.length;
    h.fake.script("message.create", {
      status: 400,
      code: 230001,
      msg: "Your request contains an invalid request parameter, ext=card content is invalid.",
      receiveId: group,
    });
    const sent = await h.feishu.message(team.amy, "complaint acme critical The whole batch is damaged");
    await waitFor(() => h.fake.repliesTo(sent.message.messageId)[0], "Amy's answer");
    await h.deliverAll();

    expect(h.fake.callsTo("message.create").filter((c) => c.body.receive_id === group).map((c) => c.code)).toEqual([230001]);
    const row = await h.db.prisma.outboxMessage.findFirstOrThrow({ where: { target: "channel:complaints" }, orderBy: { createdAt: "desc" } });
    expect(row.status).toBe("FAILED");
    expect(row.attempts).toBe(1);
    const line = h.logs.slice(logsBefore).find((l) => l.msg === "feishu: delivery failed permanently");
    expect(line).toMatchObject({ code: 230001, outboxId: row.id, target: "channel:complaints" });
    expect(JSON.stringify(h.logs)).not.toMatch(/Bearer t-/);
    for (const token of h.fake.issuedTokens()) expect(JSON.stringify(h.logs)).not.toContain(token);
    // The group is still there and still the complaints channel: the admins are not told otherwise.
    expect(h.fake.messagesIn(adminDm).filter((m) => JSON.stringify(m.content).includes("could not post to"))).toHaveLength(toldBefore);
    expect(await h.db.prisma.outboxMessage.count({ where: { payload: { path: ["kind"], equals: "admin.channel_unreachable" }, createdAt: { gte: row.createdAt } } })).toBe(0);
  });
});

describe("credentials in logs", () => {
  it("keeps the tenant access token out of the log when a call fails and the SDK logs the request", async () => {
    // An ephemeral card to a chat Feishu refuses, then the DM fallback fails too: two failed calls.
    h.fake.script("ephemeral.send", { status: 400, code: 230002, msg: "bot not in chat" });
    h.fake.script("message.create", { status: 400, code: 230001, msg: "invalid receive_id" });
    const before = h.logs.length;
    await h.feishu.message(team.alice, "@_user_1 help", { chatType: "group", chatId: "oc_no_bot", mentions: [h.feishu.botMention()] });
    const sdkLine = await waitFor(
      () => h.logs.slice(before).find((l) => l.component === "feishu-sdk" && String(l.msg).includes("Authorization")),
      "the SDK's line about the failed request",
    );
    expect(String(sdkLine.msg)).toContain("Bearer [redacted]");
    const tokens = h.fake.issuedTokens();
    expect(tokens.length).toBeGreaterThan(0);
    const everything = JSON.stringify(h.logs);
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/Bearer t-/);
  });
});
