// Slack platform behaviours at the edge, through Bolt against the fake Slack: text Slack escaped
// (&amp; &lt; &gt;) decoded before it is stored and escaped again only where Slack reads mrkdwn;
// callback types Accord has no use for (app_rate_limited, unknown ones) answered 200 at once;
// request timestamps refused more than five minutes off in either direction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderFeishuCard } from "../../src/conversation/render/feishu.js";
import { renderText } from "../../src/conversation/render/text.js";
import { exportCustomersCsv } from "../../src/core/imports/customers-export.js";
import { systemActor } from "../../src/core/imports/actor.js";
import { createMetrics } from "../../src/metrics.js";
import { cardText } from "../fakes/feishu.js";
import { postSigned, textOf, waitFor } from "../fakes/slack.js";
import { createAcmeTrading } from "../support/platform.js";
import { COMPLAINTS_CHANNEL, SIGNING_SECRET, TEAM_ID, latestIn, seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
const metrics = createMetrics({ processMetrics: false, platforms: ["SLACK"] });

beforeAll(async () => {
  h = await startHarness({ metrics });
  team = await seedDepartment(h);
});

afterAll(async () => {
  await h?.close();
});

describe("text Slack escaped", () => {
  it("stores R&D Labs as typed and shows it escaped in mrkdwn, plain on Feishu, the console and CSV", async () => {
    const added = await h.slack.command(team.alice, "customer add R&D Labs <Shanghai>");
    expect(added.status).toBe(200);
    const stored = await h.db.prisma.customer.findFirstOrThrow({ where: { tenantId: team.tenant.id, name: { startsWith: "R" } } });
    expect(stored.name).toBe("R&D Labs <Shanghai>");

    const card = await h.slack.command(team.alice, "customer R&D");
    // plain_text is shown as given; mrkdwn needs Slack's three escapes.
    expect(card.json.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text", text: "R&D Labs <Shanghai>" } });
    const mrkdwn = JSON.stringify(card.json.blocks.filter((b: { type: string }) => b.type !== "header"));
    expect(mrkdwn).not.toContain("&amp;amp;");
    expect(card.json.text).toContain("R&amp;D Labs &lt;Shanghai&gt;");

    const view = await h.conversation.renderEntityCard(team.tenant.id, "Customer", stored.id);
    expect(view).not.toBeNull();
    expect(cardText(renderFeishuCard(view!))).toContain("R&D Labs <Shanghai>");
    expect(renderText(view!).text).toContain("R&D Labs <Shanghai>");
    let csv = "";
    for await (const chunk of exportCustomersCsv(h.deps, systemActor(team.tenant.id))) csv += chunk;
    expect(csv).toContain("R&D Labs <Shanghai>");
    expect(csv).not.toContain("&amp;");
  });

  it("decodes a direct message's text too", async () => {
    await h.slack.event({ type: "message", channel_type: "im", channel: "DUALICE", user: team.alice.id, text: "customer add Smith & Sons" });
    const stored = await waitFor(
      () => h.db.prisma.customer.findFirst({ where: { tenantId: team.tenant.id, name: { startsWith: "Smith" } } }).then((c) => c ?? undefined),
      "the customer added by DM",
    );
    expect(stored.name).toBe("Smith & Sons");
  });
});

describe("callbacks Accord does not use", () => {
  async function post(body: object, timestamp?: number) {
    return postSigned(h.slack.appUrl, JSON.stringify(body), { secret: SIGNING_SECRET, contentType: "application/json", ...(timestamp ? { timestamp } : {}) });
  }

  it("answers app_rate_limited with 200 within a second, logs and counts it", async () => {
    const answer = await post({ token: "unused", type: "app_rate_limited", team_id: TEAM_ID, minute_rate_limited: 1518467820, api_app_id: "A0ACCORD" });
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1_000);
    expect(h.logs.some((l) => l.msg === "slack: events are being rate limited for this workspace")).toBe(true);
    expect(await metrics.render()).toMatch(/accord_callbacks_ignored_total\{platform="SLACK",kind="app_rate_limited"\} 1/);
  });

  it("answers an unknown callback type with 200 within a second", async () => {
    const answer = await post({ token: "unused", type: "some_future_callback", team_id: TEAM_ID, api_app_id: "A0ACCORD" });
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1_000);
    expect(await metrics.render()).toMatch(/accord_callbacks_ignored_total\{platform="SLACK",kind="some_future_callback"\} 1/);
  });

  it("still refuses such a callback with a bad signature", async () => {
    const body = JSON.stringify({ type: "app_rate_limited", team_id: TEAM_ID });
    const answer = await postSigned(h.slack.appUrl, body, { secret: "not-the-secret", contentType: "application/json" });
    expect(answer.status).toBe(401);
  });
});

describe("request timestamps", () => {
  it("refuses a correctly signed command dated 6 minutes in the future, writing nothing", async () => {
    const before = await h.db.prisma.customer.count();
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const answer = await postSigned(h.slack.appUrl, h.slack.commandBody(team.alice, "customer add Future Ltd"), { secret: SIGNING_SECRET, timestamp: future });
    expect(answer.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(await h.db.prisma.customer.count()).toBe(before);
  });

  it("accepts one dated 4 minutes in the future (clock skew)", async () => {
    const body = h.slack.commandBody(team.alice, "help");
    const answer = await postSigned(h.slack.appUrl, body, { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) + 4 * 60 });
    expect(answer.status).toBe(200);
    const reply = await h.slack.reply(new URLSearchParams(body).get("response_url")!);
    expect(textOf(reply.blocks)).toContain("customer");
  });
});

describe("contact details in channel posts", () => {
  it("masks a phone number and an e-mail address of a complaint in the channel post, not in the assignee's DM", async () => {
    await createAcmeTrading(h.deps, team);
    const answer = await h.slack.command(team.amy, "complaint acme high 请回电 13812345678 或 wang.jun@acme-trading.cn");
    expect(answer.status).toBe(200);
    await h.deliverAll();
    const post = latestIn(h, COMPLAINTS_CHANNEL);
    expect(post).toBeDefined();
    const shown = `${post!.text}\n${textOf(post!.blocks)}`;
    // "*" in plain text, "∗" (U+2217) where markdown would read "*" as bold.
    expect(shown).toMatch(/138[*∗]{4}5678/);
    expect(shown).toMatch(/w[*∗]{3}@acme-trading\.cn/);
    expect(shown).not.toContain("13812345678");
    expect(shown).not.toContain("wang.jun");
    // The assignee is mentioned, so Slack notifies her and shows her current name.
    expect(textOf(post!.blocks)).toContain(`<@${team.alice.id}>`);
    // The person responsible reads them in full.
    const dm = latestIn(h, h.fake.dmOf(team.alice.id));
    expect(textOf(dm!.blocks)).toContain("13812345678");
    // Stored as typed.
    const complaint = await h.db.prisma.complaint.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { number: "desc" } });
    expect(complaint.description).toContain("13812345678");
  });
});

describe("names", () => {
  it("replaces the legacy |name of a first mention with users.info's display name once the member uses Accord", async () => {
    h.fake.addUser({ id: "UNINA", name: "nina", realName: "Nina Wu Real", displayName: "Nina Wu", locale: "en-US" });
    const set = await h.slack.command(team.admin, "admin role <@UNINA|nina> supervisor");
    expect(set.status).toBe(200);
    const first = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: "UNINA" }, include: { member: true } });
    expect(first.member).toMatchObject({ displayName: "nina", nameIsHint: true, role: "SUPERVISOR" });

    await h.slack.command({ id: "UNINA", name: "nina" }, "help");
    const after = await h.db.prisma.member.findUniqueOrThrow({ where: { id: first.memberId } });
    expect(after).toMatchObject({ displayName: "Nina Wu", nameIsHint: false, role: "SUPERVISOR" });
    expect(await h.db.prisma.auditLog.count({ where: { entityId: first.memberId, action: "member.name_from_platform" } })).toBe(1);
  });

  it("falls back to the real name when the display name is empty, and never renames a member whose name was set", async () => {
    h.fake.addUser({ id: "UOMAR", name: "omar", realName: "Omar Real", displayName: "", locale: "en-US" });
    await h.slack.command(team.admin, "admin role <@UOMAR|omar> specialist");
    await h.slack.command({ id: "UOMAR", name: "omar" }, "help");
    const omar = await h.db.prisma.memberIdentity.findFirstOrThrow({ where: { platformUserId: "UOMAR" }, include: { member: true } });
    expect(omar.member.displayName).toBe("Omar Real");
    // Alice's name came from the department's setup, not a mention: users.info's differs, it stays.
    h.fake.addUser({ id: team.alice.id, name: "alice", realName: "Alice Z.", displayName: "AZ", locale: "en-US" });
    h.deps.clock.advance(16 * 60_000);
    await h.slack.command(team.alice, "help");
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: team.alice.memberId } })).displayName).toBe("Alice Zhang");
  });
});

describe("admin channel", () => {
  it("shows a channel the bot is in as <#C…> and saves it", async () => {
    h.fake.addChannel({ id: "C0ESCALATE", name: "escalations", isMember: true });
    const answer = await h.slack.command(team.admin, "admin channel digests <#C0ESCALATE|escalations>");
    expect(answer.json.text).toContain("<#C0ESCALATE>");
    expect(textOf(answer.json.blocks)).toContain("<#C0ESCALATE>");
    const tenant = await h.db.prisma.tenant.findUniqueOrThrow({ where: { id: team.tenant.id } });
    expect((tenant.settings as { channels: Record<string, string> }).channels.digests).toBe("C0ESCALATE");
  });

  it("tells how to invite the bot to a channel it is not in", async () => {
    h.fake.addChannel({ id: "C0NOBOT", name: "general", isMember: false });
    const answer = await h.slack.command(team.admin, "admin channel complaints <#C0NOBOT|general>");
    const text = textOf(answer.json.blocks);
    expect(text).toContain("Accord is not a member yet");
    expect(text).toContain("/invite @Accord");
    expect(text).toContain("<#C0NOBOT>");
    expect(h.fake.callsTo("conversations.info").some((c) => c.args.channel === "C0NOBOT")).toBe(true);
  });

  it("refuses a channel Slack does not know, changing nothing", async () => {
    const before = (await h.db.prisma.tenant.findUniqueOrThrow({ where: { id: team.tenant.id } })).settings;
    const answer = await h.slack.command(team.admin, "admin channel digests <#C0SECRET|secret>");
    expect(textOf(answer.json.blocks)).toContain("cannot see the channel");
    expect((await h.db.prisma.tenant.findUniqueOrThrow({ where: { id: team.tenant.id } })).settings).toEqual(before);
  });

  it("tells the admins once a day when the channel refuses posts for good", async () => {
    // The complaints channel is now C0NOBOT (previous test): two complaints, two refused posts.
    if (!(await h.db.prisma.customer.findFirst({ where: { tenantId: team.tenant.id, name: "Acme Trading" } }))) await createAcmeTrading(h.deps, team);
    const adminDm = h.fake.dmOf(team.admin.id);
    const before = h.fake.messagesIn(adminDm).length;
    await h.slack.command(team.amy, "complaint acme low Invoice title wrong");
    await h.slack.command(team.amy, "complaint acme low Invoice sent twice");
    await h.deliverAll();
    const refused = h.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C0NOBOT");
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((c) => c.error === "not_in_channel")).toBe(true);
    const told = h.fake.messagesIn(adminDm).slice(before).filter((m) => textOf(m.blocks).includes("could not post to"));
    expect(told).toHaveLength(1);
    expect(textOf(told[0]!.blocks)).toContain("<#C0NOBOT>");
    expect(textOf(told[0]!.blocks)).toContain("/invite @Accord");
  });
});

describe("help", () => {
  it("explains Slack only, and lists each command once", async () => {
    const answer = await h.slack.command(team.alice, "help");
    const text = textOf(answer.json.blocks);
    expect(text).toContain("/crm");
    expect(text).not.toMatch(/Feishu|飞书/);
    const usage = text.split("\n").filter((line) => /^(customer|visit|callback|complaint|hospitality|admin)\b/.test(line.trim()));
    expect(usage.length).toBeGreaterThan(5);
    expect(new Set(usage).size).toBe(usage.length);
  });
});
