// Slack's chat.postMessage has no idempotency key: a delivery that may already have left (a row
// taken over after a crash, or one whose answer was lost) is looked for in the conversation's
// history, by the outbox id each message carries in its metadata, before it is posted again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, OUTBOX_EVENT_TYPE } from "../../src/adapters/slack/adapter.js";
import { systemClock } from "../../src/core/shared/clock.js";
import { createMetrics } from "../../src/metrics.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { seedDepartment, SIGNING_SECRET, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
const metrics = createMetrics();

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
});

afterAll(async () => {
  await h?.close();
});

/** Delivers due rows through an adapter that reports to `metrics`. */
function deliver() {
  const adapter = createSlackAdapter(
    { botToken: h.fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: h.fake.apiUrl },
    { conversation: h.conversation, db: h.db.prisma, logger: h.logger, clock: h.deps.clock, metrics },
    { defaultLocale: "en" },
  );
  return deliverOutboxBatch({ db: h.db.prisma, clock: systemClock, senders: { SLACK: adapter.sender } });
}

/** Alice files a hospitality request: one outbox row, a DM to her supervisor. */
async function queueApprovalDm(purpose: string) {
  await h.slack.command(team.alice, `hospitality acme 800 ${localDateInDays(h.deps, 7)} meal 2guests ${purpose}`);
  const request = await h.db.prisma.hospitalityRequest.findFirstOrThrow({ where: { purpose }, select: { id: true } });
  return h.db.prisma.outboxMessage.findFirstOrThrow({ where: { entityId: request.id, status: "PENDING" } });
}

/** The row as a crash between "posted" and "recorded" leaves it: claimed, its lease run out. */
async function crashAfterPosting(rowId: string) {
  await h.db.prisma.outboxMessage.update({
    where: { id: rowId },
    data: { status: "SENDING", sentAt: null, platformMessageId: null, lockedUntil: new Date(Date.now() - 1_000) },
  });
}

async function recoveredChecks(outcome: string): Promise<number> {
  const line = (await metrics.render()).split("\n").find((l) => l.startsWith(`accord_outbox_recovered_checks_total{platform="SLACK",outcome="${outcome}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("exactly-once Slack delivery", () => {
  it("posts each outbox message with its outbox id in message metadata", async () => {
    const row = await queueApprovalDm("metadata check");
    expect(await deliver()).toBe(1);
    const posted = h.fake.messagesIn(h.fake.dmOf(team.supervisor.id)).at(-1)!;
    expect(posted.metadata).toEqual({ event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: row.id } });
    expect(h.fake.callsTo("chat.postMessage").at(-1)!.args.metadata).toEqual(posted.metadata);
  });

  it("does not post a recovered row again when the conversation already has it", async () => {
    const row = await queueApprovalDm("posted before the crash");
    expect(await deliver()).toBe(1);
    const channel = h.fake.dmOf(team.supervisor.id);
    const original = h.fake.messagesIn(channel).at(-1)!;
    await crashAfterPosting(row.id);
    const posts = h.fake.callsTo("chat.postMessage").length;
    const found = await recoveredChecks("found");

    expect(await deliver()).toBe(1);
    expect(h.fake.callsTo("chat.postMessage").length).toBe(posts);
    const lookup = h.fake.callsTo("conversations.history").at(-1)!;
    expect(lookup.args).toMatchObject({ channel, include_all_metadata: true });
    expect(Number(lookup.args.oldest)).toBeLessThan(row.createdAt.getTime() / 1000);
    expect(await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENT", platformMessageId: original.ts });
    expect(await recoveredChecks("found")).toBe(found + 1);
  });

  it("posts a recovered row that never reached Slack", async () => {
    const row = await queueApprovalDm("lost before posting");
    await crashAfterPosting(row.id);
    const absent = await recoveredChecks("absent");
    expect(await deliver()).toBe(1);
    const copies = h.fake.messagesIn(h.fake.dmOf(team.supervisor.id)).filter((m) => m.metadata?.event_payload.outbox_id === row.id);
    expect(copies).toHaveLength(1);
    expect(await recoveredChecks("absent")).toBe(absent + 1);
  });

  it("falls back to posting (at least once) when the history cannot be read, and counts it", async () => {
    const row = await queueApprovalDm("history unreadable");
    await crashAfterPosting(row.id);
    h.fake.script("conversations.history", { error: "missing_scope" });
    const unavailable = await recoveredChecks("unavailable");
    expect(await deliver()).toBe(1);
    expect(await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENT" });
    expect(h.fake.messagesIn(h.fake.dmOf(team.supervisor.id)).filter((m) => m.metadata?.event_payload.outbox_id === row.id)).toHaveLength(1);
    expect(await recoveredChecks("unavailable")).toBe(unavailable + 1);
    expect(h.logs.some((l) => l.msg === "slack: history unreadable, re-sending a recovered delivery" && l.outboxId === row.id)).toBe(true);
  });

  it("looks before posting again when a post's answer was lost (HTTP 500), and posts once", async () => {
    const row = await queueApprovalDm("answer lost");
    h.fake.script("chat.postMessage", { status: 500 });
    const lookups = h.fake.callsTo("conversations.history").length;
    expect(await deliver()).toBe(1);
    expect(h.fake.callsTo("conversations.history").length).toBe(lookups + 1);
    expect(h.fake.messagesIn(h.fake.dmOf(team.supervisor.id)).filter((m) => m.metadata?.event_payload.outbox_id === row.id)).toHaveLength(1);
    expect(await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENT", attempts: 1 });
  });
});
