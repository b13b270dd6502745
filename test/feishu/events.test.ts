// Feishu events over HTTP, end to end: URL verification (encrypted and plain), refusal of a wrong
// token or signature before anything is written, text commands in a direct chat and by @mention
// in a group (answered to the sender only), mentions of other users, the bot menu, re-deliveries acting once,
// frequency limits and token refresh — against the fake Feishu, the real conversation layer, core
// and database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardText, encryptForFeishu, RATE_LIMIT_GATEWAY, RATE_LIMIT_PER_CHAT, sleep, waitFor, type FakeFeishuUser } from "../fakes/feishu.js";
import { createAcmeTrading } from "../support/platform.js";
import { ENCRYPT_KEY, seedDepartment, startHarness, type Harness, type MountedAdapter } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let plain: MountedAdapter;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
  // The same app without an encrypt key: plain events, authenticated by the token alone.
  plain = await h.mount({ encryptKey: undefined });
});

afterAll(async () => {
  await plain?.close();
  await h?.close();
});

/** Rows the adapter and the conversation would have written for a request. */
async function footprint() {
  return {
    processed: await h.db.prisma.processedEvent.count(),
    members: await h.db.prisma.member.count(),
    tenants: await h.db.prisma.tenant.count(),
    audits: await h.db.prisma.auditLog.count(),
    apiCalls: h.fake.calls.filter((c) => c.operation.startsWith("message.") || c.operation === "ephemeral.send").length,
  };
}

const stranger: FakeFeishuUser = { openId: "ou_mallory", name: "Mallory" };

describe("URL verification", () => {
  it("answers the challenge of an encrypted request", async () => {
    const answer = await h.feishu.urlVerification();
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ challenge: (answer as typeof answer & { challenge: string }).challenge });
  });

  it("answers the challenge of a plain request when no encrypt key is configured", async () => {
    const answer = await plain.feishu.urlVerification({ path: "/feishu/card" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ challenge: (answer as typeof answer & { challenge: string }).challenge });
  });

  it("refuses a challenge carrying the wrong verification token", async () => {
    const encrypted = await h.feishu.urlVerification({ token: "not-the-token" });
    expect(encrypted.status).toBe(401);
    expect(encrypted.json).toEqual({ error: "unauthorized" });
    const clear = await plain.feishu.urlVerification({ token: "not-the-token" });
    expect(clear.status).toBe(401);
  });
});

describe("authentication", () => {
  it("refuses a wrong verification token and a bad signature, writing nothing", async () => {
    h.fake.addUser(stranger);
    const before = await footprint();
    const wrongToken = await h.feishu.message(stranger, "customer acme", { token: "stolen-or-stale" });
    expect(wrongToken.answer.status).toBe(401);
    const forged = await h.feishu.message(stranger, "customer acme", { signature: "0".repeat(64) });
    expect(forged.answer.status).toBe(401);
    const otherKey = await h.feishu.message(stranger, "customer acme", { signingKey: "some-other-key" });
    expect(otherKey.answer.status).toBe(401);
    const unsigned = await h.feishu.message(stranger, "customer acme", { sign: false });
    expect(unsigned.answer.status).toBe(401);
    const unencrypted = await h.feishu.message(stranger, "customer acme", { encrypt: false });
    expect(unencrypted.answer.status).toBe(401);
    const plainWrongToken = await plain.feishu.message(stranger, "customer acme", { token: "stolen-or-stale" });
    expect(plainWrongToken.answer.status).toBe(401);
    await sleep(200);
    expect(await footprint()).toEqual(before);
    expect(await h.db.prisma.memberIdentity.count({ where: { platformUserId: stranger.openId } })).toBe(0);
    const refusals = h.logs.filter((l) => l.msg === "feishu: request refused").map((l) => l.reason);
    expect(refusals).toEqual(
      expect.arrayContaining(["verification token mismatch", "signature mismatch", "unsigned request", "plain body while an encrypt key is configured"]),
    );
  });

  it("refuses an encrypted body when no encrypt key is configured", async () => {
    const before = await footprint();
    const encrypted = await fetch(`http://127.0.0.1:${plain.server.port}/feishu/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ encrypt: encryptForFeishu(JSON.stringify(h.feishu.envelope("im.message.receive_v1", {})), ENCRYPT_KEY) }),
    });
    expect(encrypted.status).toBe(400);
    const notJson = await fetch(`http://127.0.0.1:${plain.server.port}/feishu/events`, { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(await footprint()).toEqual(before);
  });
});

describe("text commands", () => {
  it("answers a command in a direct chat with the customer's card, as a reply", async () => {
    const { answer, message, envelope } = await h.feishu.message(team.alice, "/crm customer acme");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply card");
    expect(reply.msgType).toBe("interactive");
    expect(reply.chatId).toBe(h.fake.dmOf(team.alice.openId));
    expect(reply.threadId).toBeUndefined();
    expect(reply.content.schema).toBe("2.0");
    expect(reply.content.header.title.content).toBe("Acme Trading");
    expect(cardText(reply.content)).toContain("Alice Zhang");
    const rows = await h.db.prisma.processedEvent.findMany({ where: { platform: "FEISHU", eventKey: { in: [`event:${envelope.header.event_id}`, `message:${message.messageId}`] } } });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.completedAt !== null)).toBe(true);
  });

  it("answers the Chinese keyword too", async () => {
    const { message } = await h.feishu.message(team.alice, "客户 acme");
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply card");
    expect(reply.content.header.title.content).toBe("Acme Trading");
  });

  it("answers an @mention in a group to the sender only (an ephemeral card), mention stripped, nothing the group sees", async () => {
    const { answer, message } = await h.feishu.message(team.supervisor, "@_user_1 customer acme", {
      chatType: "group",
      chatId: "oc_sales_group",
      mentions: [h.feishu.botMention()],
    });
    expect(answer.status).toBe(200);
    const card = await waitFor(() => h.fake.ephemeralsFor(team.supervisor.openId, "oc_sales_group")[0], "the card only the sender sees");
    expect(card.content.header.title.content).toBe("Acme Trading");
    const call = h.fake.callsTo("ephemeral.send").at(-1)!;
    expect(call.body).toMatchObject({ chat_id: "oc_sales_group", open_id: team.supervisor.openId, msg_type: "interactive" });
    // Nothing posted that the whole group reads.
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(0);
    expect(h.fake.messagesIn("oc_sales_group").filter((m) => m.sender.kind === "app" && !m.visibleTo)).toHaveLength(0);
  });

  it("falls back to a direct message where Feishu refuses an ephemeral card", async () => {
    h.fake.script("ephemeral.send", { status: 400, code: 230002, msg: "The chat is a topic group" });
    const { message } = await h.feishu.message(team.supervisor, "@_user_1 customer acme", {
      chatType: "group",
      chatId: "oc_topic_group",
      mentions: [h.feishu.botMention()],
    });
    const dm = await waitFor(() => h.fake.latestCardIn(h.fake.dmOf(team.supervisor.openId)), "the direct message");
    expect(dm.content.header.title.content).toBe("Acme Trading");
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(0);
    expect(h.fake.messagesIn("oc_topic_group").filter((m) => m.sender.kind === "app")).toHaveLength(0);
  });

  it("hands other @mentions to the grammar as the users behind them", async () => {
    const bob: FakeFeishuUser = { openId: "ou_bob", name: "Bob Li" };
    h.fake.addUser(bob);
    const { message } = await h.feishu.message(team.admin, "@_user_1 admin role @_user_2 supervisor", {
      chatType: "group",
      chatId: "oc_sales_group",
      mentions: [h.feishu.botMention(), { key: "@_user_2", openId: bob.openId, name: bob.name }],
    });
    await waitFor(() => h.fake.ephemeralsFor(team.admin.openId, "oc_sales_group").find((m) => m.at >= message.at), "the reply");
    const identity = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platform: "FEISHU", platformUserId: bob.openId }, include: { member: true } });
    expect(identity.member.role).toBe("SUPERVISOR");
    expect(identity.member.displayName).toBe("Bob Li");
    const audit = await h.db.prisma.auditLog.findFirst({ where: { entityId: identity.memberId, actorId: team.admin.memberId } });
    expect(audit?.platform).toBe("FEISHU");
  });

  it("ignores a group message that does not mention the bot", async () => {
    const before = await footprint();
    const { answer, message } = await h.feishu.message(team.amy, "customer acme", { chatType: "group", chatId: "oc_sales_group" });
    expect(answer.status).toBe(200);
    const mentioningSomeoneElse = await h.feishu.message(team.amy, "@_user_1 customer acme", {
      chatType: "group",
      chatId: "oc_sales_group",
      mentions: [{ key: "@_user_1", openId: team.alice.openId, name: team.alice.name }],
    });
    expect(mentioningSomeoneElse.answer.status).toBe(200);
    await sleep(300);
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(0);
    expect(h.fake.repliesTo(mentioningSomeoneElse.message.messageId)).toHaveLength(0);
    expect(h.fake.ephemeralsFor(team.amy.openId)).toHaveLength(0);
    expect(await footprint()).toEqual(before);
  });

  it("registers a newcomer under the name the contact API gives, and without that permission under the open_id", async () => {
    const newcomer: FakeFeishuUser = { openId: "ou_zhou", name: "周新" };
    h.fake.addUser(newcomer);
    const first = await h.feishu.message(newcomer, "help");
    await waitFor(() => h.fake.repliesTo(first.message.messageId)[0], "the help card");
    const named = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: newcomer.openId }, include: { member: true } });
    expect(named.member.displayName).toBe("周新");
    expect(named.member.role).toBe("SPECIALIST");

    h.fake.contactPermission = false;
    try {
      const quiet: FakeFeishuUser = { openId: "ou_quiet", name: "Quiet One" };
      h.fake.addUser(quiet);
      const second = await h.feishu.message(quiet, "help");
      const reply = await waitFor(() => h.fake.repliesTo(second.message.messageId)[0], "the help card");
      expect(reply.msgType).toBe("interactive");
      const unnamed = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: quiet.openId }, include: { member: true } });
      expect(unnamed.member.displayName).toBe(quiet.openId);
    } finally {
      h.fake.contactPermission = true;
    }
  });
});

describe("re-deliveries", () => {
  it("acts once when Feishu re-delivers an event, or the same message under a new event", async () => {
    const { envelope, message } = await h.feishu.message(team.alice, "customer add Beta Components");
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the first reply");
    const again = await h.feishu.post("/feishu/events", envelope);
    expect(again.status).toBe(200);
    const newEvent = { ...envelope, header: { ...envelope.header, event_id: "f".repeat(32) } };
    const underNewId = await h.feishu.post("/feishu/events", newEvent);
    expect(underNewId.status).toBe(200);
    await sleep(300);
    expect(await h.db.prisma.customer.count({ where: { tenantId: team.tenant.id, name: "Beta Components" } })).toBe(1);
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(1);
    expect(await h.db.prisma.auditLog.count({ where: { action: { startsWith: "customer." }, after: { path: ["name"], equals: "Beta Components" } } })).toBeLessThanOrEqual(1);
    expect(h.logs.filter((l) => l.msg === "feishu: duplicate delivery ignored")).toHaveLength(2);
  });

  it("acts once when the same event arrives twice at the same moment (two replicas)", async () => {
    const { envelope, message } = await h.feishu.message(team.alice, "customer add Gamma Logistics", { eventId: "e".repeat(32) });
    const [a, b] = await Promise.all([plain.feishu.post("/feishu/events", envelope, { encrypt: false }), h.feishu.post("/feishu/events", envelope)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "a reply");
    await sleep(300);
    expect(await h.db.prisma.customer.count({ where: { tenantId: team.tenant.id, name: "Gamma Logistics" } })).toBe(1);
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(1);
  });
});

describe("open API limits", () => {
  it("retries a reply refused by the per-chat frequency limit and posts it once", async () => {
    h.fake.script("message.reply", RATE_LIMIT_PER_CHAT);
    const { message } = await h.feishu.message(team.amy, "customer acme");
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply");
    const calls = h.fake.callsTo("message.reply").filter((c) => c.path.includes(message.messageId));
    expect(calls.map((c) => [c.status, c.code])).toEqual([
      [400, 230020],
      [200, 0],
    ]);
    expect(calls[0]!.body.uuid).toBe(calls[1]!.body.uuid);
    expect(h.fake.repliesTo(message.messageId)).toEqual([reply]);
  });

  it("waits for x-ogw-ratelimit-reset after an HTTP 429 before trying again", async () => {
    h.fake.script("message.reply", RATE_LIMIT_GATEWAY(1));
    const { message } = await h.feishu.message(team.amy, "customer acme");
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply");
    const calls = h.fake.callsTo("message.reply").filter((c) => c.path.includes(message.messageId));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("fetches a new tenant access token when Feishu refuses the cached one", async () => {
    h.fake.revokeTokens();
    const tokensBefore = h.fake.callsTo("token").length;
    const { message } = await h.feishu.message(team.amy, "customer acme");
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply");
    const calls = h.fake.callsTo("message.reply").filter((c) => c.path.includes(message.messageId));
    expect(calls.map((c) => c.code)).toEqual([99991663, 0]);
    expect(h.fake.callsTo("token").length).toBe(tokensBefore + 1);
  });

  it("renews the tenant access token before it expires", async () => {
    // Tokens now live 181 s; the SDK renews 3 minutes early, so this one is due after 1 s.
    h.fake.tokenTtlSeconds = 181;
    h.fake.revokeTokens();
    try {
      const first = await h.feishu.message(team.amy, "customer acme");
      await waitFor(() => h.fake.repliesTo(first.message.messageId)[0], "the first reply");
      const tokens = h.fake.callsTo("token").length;
      await sleep(1_100);
      const second = await h.feishu.message(team.amy, "customer acme");
      await waitFor(() => h.fake.repliesTo(second.message.messageId)[0], "the second reply");
      expect(h.fake.callsTo("token").length).toBe(tokens + 1);
      const calls = h.fake.callsTo("message.reply").filter((c) => c.path.includes(second.message.messageId));
      expect(calls.map((c) => c.code)).toEqual([0]);
    } finally {
      h.fake.tokenTtlSeconds = 7200;
    }
  });
});

describe("bot menu", () => {
  it("runs the mapped command and sends its card to the user's direct chat, once per event", async () => {
    const sent = await h.feishu.menu(team.alice, "crm.callbacks");
    expect(sent.answer.status).toBe(200);
    const card = await waitFor(
      () => h.fake.callsTo("message.create").find((c) => c.body.uuid === `menu:${sent.envelope.header.event_id}`),
      "the menu card",
    );
    expect(card.query.receive_id_type).toBe("open_id");
    expect(card.body.receive_id).toBe(team.alice.openId);
    await h.feishu.post("/feishu/events", sent.envelope);
    await sleep(200);
    expect(h.fake.messagesIn(h.fake.dmOf(team.alice.openId)).filter((m) => m.uuid === `menu:${sent.envelope.header.event_id}`)).toHaveLength(1);
  });

  it("shows help for a menu key it does not know", async () => {
    const sent = await h.feishu.menu(team.amy, "something_new");
    const message = await waitFor(
      () => h.fake.messagesIn(h.fake.dmOf(team.amy.openId)).find((m) => m.uuid === `menu:${sent.envelope.header.event_id}`),
      "the help card",
    );
    expect(cardText(message.content).toLowerCase()).toContain("customer");
  });
});
