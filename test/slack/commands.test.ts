// /crm over HTTP against the fake Slack: acknowledged at once and answered through response_url,
// slow work shown as "working…" first, forms as modals with errors next to their field, signatures and timestamps
// enforced, re-deliveries applied once, and DMs to the bot answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../src/adapters/slack/adapter.js";
import { findButton, postSigned, slackSignature, textOf, waitFor } from "../fakes/slack.js";
import { createAcmeTrading } from "../support/platform.js";
import { TEAM_ID, SIGNING_SECRET, seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

async function rowCounts() {
  const db = h.db.prisma;
  const [tenants, members, customers, audits, processed, outbox] = await Promise.all([
    db.tenant.count(),
    db.member.count(),
    db.customer.count(),
    db.auditLog.count(),
    db.processedEvent.count(),
    db.outboxMessage.count(),
  ]);
  return { tenants, members, customers, audits, processed, outbox };
}

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team, { industry: "Retail" });
});

afterAll(async () => {
  await h?.close();
});

describe("slash command /crm", () => {
  it("acks /crm help at once with an empty body and answers on response_url as an ephemeral Block Kit message", async () => {
    const answer = await h.slack.command(team.alice, "help");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    // The ack carries nothing (Slack shows nothing for it); the answer is the response_url post.
    expect(answer.ack.text).toBe("");
    expect(answer.json.response_type).toBe("ephemeral");
    expect(answer.json.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Accord commands", emoji: true } });
    const text = textOf(answer.json.blocks);
    expect(text).toContain("customer");
    expect(text).toContain("hospitality");
    expect(answer.json.text).toBe("Accord commands");
    expect(answer.json.replace_original).toBeUndefined();
    // One answer, no "working…" placeholder before it.
    await new Promise((r) => setTimeout(r, 100));
    expect(h.fake.responsesTo(answer.responseUrl)).toHaveLength(1);
  });

  it("answers /crm customer <name> with the customer's card and its buttons", async () => {
    const answer = await h.slack.command(team.alice, "customer acme");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    expect(answer.json.response_type).toBe("ephemeral");
    const blocks = answer.json.blocks;
    expect(blocks[0]).toMatchObject({ type: "header", text: { text: "Acme Trading" } });
    expect(textOf(blocks)).toContain("Alice Zhang");
    expect(textOf(blocks)).toContain("Retail");
    const buttons = blocks.filter((b: { type: string }) => b.type === "actions").flatMap((b: { elements: unknown[] }) => b.elements);
    expect(buttons.length).toBeGreaterThan(0);
    expect(findButton(blocks, /^visit\./)).toBeDefined();
  });

  it("acks a slow command at once, shows 'working…' after 1.5 s and replaces it with the answer", async () => {
    // users.info takes 2.5 s for this new user: the answer cannot come within 1.5 s.
    h.fake.addUser({ id: "USLOW", name: "slow.sam", realName: "Slow Sam", locale: "en-US", infoDelayMs: 2_500 });
    const answer = await h.slack.command({ id: "USLOW", name: "slow.sam" }, "help");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1_000);
    expect(answer.ack.text).toBe("");
    expect(answer.json.response_type).toBe("ephemeral");
    expect(answer.json.text).toBe("Working on it…");

    const [, final] = await waitFor(() => {
      const posts = h.fake.responsesTo(answer.responseUrl);
      return posts.length > 1 ? posts : undefined;
    }, "the answer replacing the placeholder");
    expect(final!.body).toMatchObject({ response_type: "ephemeral", replace_original: true, text: "Accord commands" });
    expect(final!.body.blocks[0]).toMatchObject({ type: "header", text: { text: "Accord commands" } });
    // The member was registered under the name users.info gave, once it arrived.
    const member = await h.db.prisma.memberIdentity.findFirst({ where: { platformUserId: "USLOW" }, include: { member: true } });
    expect(member?.member.displayName).toBe("Slow Sam");
  });

  it("opens a modal for missing details and shows form errors next to the offending field", async () => {
    const answer = await h.slack.command(team.alice, "customer add");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    expect(answer.ack.text).toBe("");
    // The form is the answer: a modal, nothing posted to the response_url.
    expect(answer.json).toBeNull();
    expect(h.fake.responsesTo(answer.responseUrl)).toEqual([]);
    const opened = await waitFor(() => h.fake.viewOpenedBy(answer.triggerId), "views.open");
    expect(opened.view).toMatchObject({ type: "modal", callback_id: "customer.add" });
    const nameBlock = opened.view.blocks.find((b: { block_id?: string }) => b.block_id === "name");
    expect(nameBlock).toMatchObject({ type: "input" });

    const before = await h.db.prisma.customer.count();
    const invalid = await h.slack.submit(team.alice, opened, { name: "", annual: "12.345" });
    expect(invalid.status).toBe(200);
    expect(invalid.json.response_action).toBe("errors");
    expect(Object.keys(invalid.json.errors).sort()).toEqual(["annual", "name"]);
    expect(invalid.json.errors.name).toBe("Please fill this in.");
    expect(await h.db.prisma.customer.count()).toBe(before);

    const valid = await h.slack.submit(team.alice, opened, { name: "Beta Logistics", annual: "1200.50" });
    expect(valid.status).toBe(200);
    expect(valid.json.response_action).toBe("update");
    expect(valid.json.view).toMatchObject({ type: "modal" });
    expect(textOf(valid.json.view.blocks)).toContain("Beta Logistics");
    const created = await h.db.prisma.customer.findFirst({ where: { name: "Beta Logistics" } });
    expect(created?.annualPurchaseFen).toBe(120_050n);
    expect(await h.db.prisma.auditLog.count({ where: { entityId: created!.id, action: "customer.created" } })).toBe(1);
  });

  it("opens a loading modal while the trigger_id is still valid when a click is slow, then swaps in the form", async () => {
    const card = await h.slack.command(team.alice, "customer acme");
    const button = findButton(card.json.blocks, /^complaint\.open_form/);
    expect(button).toBeDefined();
    // Alice's cached profile expires and users.info now takes longer than the modal budget.
    h.fake.addUser({ id: team.alice.id, name: team.alice.name, realName: "Alice Zhang", displayName: "Alice Zhang", locale: "en-US", infoDelayMs: 1_800 });
    h.deps.clock.advance(16 * 60_000);
    try {
      const click = await h.slack.click(team.alice, button!, { ephemeralIn: "C0GENERAL" });
      expect(click.status).toBe(200);
      expect(click.ms).toBeLessThan(1_000);
      const opened = await waitFor(() => h.fake.viewOpenedBy(click.triggerId), "the loading modal");
      const open = h.fake.callsTo("views.open").find((c) => c.args.trigger_id === click.triggerId)!;
      expect(open.ok).toBe(true);
      expect(open.args.view.callback_id).toBe("accord.info");
      expect(textOf(open.args.view.blocks)).toBe("Working on it…");
      await waitFor(() => opened.history.length > 0, "views.update with the form");
      expect(opened.view.callback_id).toBe("complaint.register");
      expect(opened.view.blocks.some((b: { type: string }) => b.type === "input")).toBe(true);
    } finally {
      h.fake.addUser({ id: team.alice.id, name: team.alice.name, realName: "Alice Zhang", displayName: "Alice Zhang", locale: "en-US" });
    }
  });

  it("refuses a bad signature with 401 and writes nothing", async () => {
    const before = await rowCounts();
    const callsBefore = h.fake.calls.length;
    const body = h.slack.commandBody(team.alice, "customer add Forged Ltd");
    const answer = await postSigned(h.slack.appUrl, body, { secret: SIGNING_SECRET, signature: slackSignature("not-the-secret", Math.floor(Date.now() / 1000), body) });
    expect(answer.status).toBe(401);
    // A body changed after signing is just as forged.
    const ts = Math.floor(Date.now() / 1000);
    const tampered = await postSigned(h.slack.appUrl, body.replace("Forged", "Tampered"), { secret: SIGNING_SECRET, timestamp: ts, signature: slackSignature(SIGNING_SECRET, ts, body) });
    expect(tampered.status).toBe(401);
    expect(await rowCounts()).toEqual(before);
    expect(h.fake.calls.length).toBe(callsBefore);
  });

  it("rejects a timestamp older than 5 minutes and accepts one just inside", async () => {
    const before = await rowCounts();
    const now = Math.floor(Date.now() / 1000);
    const stale = await postSigned(h.slack.appUrl, h.slack.commandBody(team.alice, "customer add Replayed Ltd"), {
      secret: SIGNING_SECRET,
      timestamp: now - 5 * 60 - 5,
    });
    expect(stale.status).toBe(401);
    expect(await rowCounts()).toEqual(before);

    const freshBody = h.slack.commandBody(team.alice, "help");
    const fresh = await postSigned(h.slack.appUrl, freshBody, { secret: SIGNING_SECRET, timestamp: now - 4 * 60 });
    expect(fresh.status).toBe(200);
    expect(await h.slack.reply(new URLSearchParams(freshBody).get("response_url")!)).toMatchObject({ response_type: "ephemeral", text: "Accord commands" });
  });

  it("applies a re-delivered command (X-Slack-Retry-Num) once", async () => {
    const body = h.slack.commandBody(team.alice, "customer add Gamma Foods");
    const first = await postSigned(h.slack.appUrl, body, { secret: SIGNING_SECRET });
    const again = await postSigned(h.slack.appUrl, body, { secret: SIGNING_SECRET, retryNum: 1 });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.text).toBe("");
    // "customer add Gamma Foods" is complete: one confirmation, on the response_url.
    const responseUrl = new URLSearchParams(body).get("response_url")!;
    expect(await h.slack.reply(responseUrl)).toMatchObject({ response_type: "ephemeral" });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.responsesTo(responseUrl)).toHaveLength(1);
    const customers = await h.db.prisma.customer.findMany({ where: { name: "Gamma Foods" } });
    expect(customers).toHaveLength(1);
    expect(await h.db.prisma.auditLog.count({ where: { entityId: customers[0]!.id, action: "customer.created" } })).toBe(1);
    const trigger = new URLSearchParams(body).get("trigger_id");
    // Completed right after the answer was posted.
    const claim = await waitFor(async () => {
      const row = await h.db.prisma.processedEvent.findUnique({
        where: { platform_eventKey: { platform: "SLACK", eventKey: `retry:${TEAM_ID}:${trigger}` } },
      });
      return row?.completedAt ? row : undefined;
    }, "the completed claim");
    expect(claim.completedAt).not.toBeNull();
  });

  it("turns a failure behind the port into a friendly ephemeral message, not a timeout", async () => {
    // A workspace seen for the first time whose name the database refuses (NUL byte): creating
    // its tenant fails before the conversation layer can answer.
    const body = new URLSearchParams(h.slack.commandBody(team.alice, "help"));
    body.set("team_id", "T0BROKEN");
    body.set("team_domain", "broken\u0000team");
    const answer = await postSigned(h.slack.appUrl, body.toString(), { secret: SIGNING_SECRET });
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    expect(await h.slack.reply(body.get("response_url")!)).toMatchObject({
      response_type: "ephemeral",
      text: "Sorry, something went wrong on our side. Please try again in a moment.",
    });
    expect(h.logs.some((l) => l.msg === "slack: request failed")).toBe(true);
    expect(await h.db.prisma.tenant.count({ where: { externalId: "T0BROKEN" } })).toBe(0);
  });
});

describe("direct messages to the bot", () => {
  it("answers a DM with the same grammar, once even when Slack retries the event", async () => {
    const channel = h.fake.dmOf(team.supervisor.id);
    const first = await h.slack.event({ type: "message", channel_type: "im", channel, user: team.supervisor.id, text: "customer acme", ts: "1.000001" });
    expect(first.status).toBe(200);
    const reply = await waitFor(() => h.fake.messagesIn(channel).at(-1), "the DM reply");
    expect(reply.blocks[0]).toMatchObject({ type: "header", text: { text: "Acme Trading" } });

    const retry = await h.slack.event(
      { type: "message", channel_type: "im", channel, user: team.supervisor.id, text: "customer acme", ts: "1.000001" },
      { eventId: first.eventId, retryNum: 1 },
    );
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.messagesIn(channel)).toHaveLength(1);

    // The bot's own messages never loop back into commands.
    await h.slack.event({ type: "message", channel_type: "im", channel, user: h.fake.botUserId, bot_id: "BBOT", text: "help", ts: "1.000002" });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.messagesIn(channel)).toHaveLength(1);
  });
});

describe("Socket Mode", () => {
  it("connects through apps.connections.open on SLACK_API_URL, acks a command envelope at once and answers on response_url", async () => {
    const socketAdapter = createSlackAdapter(
      { botToken: h.fake.botToken, signingSecret: SIGNING_SECRET, appToken: "xapp-1-A0ACCORD-test", apiUrl: h.fake.apiUrl },
      { conversation: h.conversation, db: h.db.prisma, logger: h.logger, clock: h.deps.clock },
      { defaultLocale: "en" },
    );
    expect(socketAdapter.mode).toBe("socket");
    expect(socketAdapter.routes).toEqual({});
    await socketAdapter.start();
    try {
      expect(h.fake.callsTo("apps.connections.open")).toHaveLength(1);
      await waitFor(() => h.fake.socketConnections > 0, "the WebSocket connection");
      const payload = Object.fromEntries(new URLSearchParams(h.slack.commandBody(team.alice, "customer acme")));
      const sentAt = Date.now();
      h.fake.sendEnvelope({ envelope_id: "env-command-1", type: "slash_commands", accepts_response_payload: true, payload });
      const ack = await waitFor(() => h.fake.socketAcks.find((a) => a.envelope_id === "env-command-1"), "the envelope ack");
      expect(ack.at - sentAt).toBeLessThan(3_000);
      expect(ack.payload ?? {}).toEqual({});
      const card = await h.slack.reply(payload.response_url!, "the card on response_url");
      expect(card).toMatchObject({ response_type: "ephemeral" });
      expect(card.blocks[0]).toMatchObject({ type: "header", text: { text: "Acme Trading" } });
    } finally {
      await socketAdapter.stop();
    }
    await waitFor(() => h.fake.socketConnections === 0, "the connection to close");
  });
});
