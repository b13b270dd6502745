// Outbound delivery through the adapter's sender: complaint posts to the tenant's complaints
// channel and escalation DMs, the morning digest run's post to the digests channel, and how Slack's failures reach the outbox worker — a 429 waits for
// Retry-After and delivers once, a 5xx is retried, channel_not_found is permanent and logged with
// the method.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDigest } from "../../src/core/digests/runs.js";
import { toDateColumn } from "../../src/core/shared/time.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import { findButton, sleep, textOf, waitFor } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { COMPLAINTS_CHANNEL, latestIn, seedDepartment, startHarness, type Harness } from "./harness.js";
import { formatScheduleDay } from "../../src/conversation/builders/dates.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let eventDate: string;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
  eventDate = localDateInDays(h.deps, 7);
});

afterAll(async () => {
  await h?.close();
});

/** Files a small hospitality request as Alice: one outbox row, the supervisor's DM. */
async function queueApprovalDm(purpose: string) {
  const answer = await h.slack.command(team.alice, `hospitality acme 800 ${eventDate} meal 2guests ${purpose}`);
  expect(answer.status).toBe(200);
  const request = await h.db.prisma.hospitalityRequest.findFirstOrThrow({ where: { purpose }, select: { id: true } });
  const row = await h.db.prisma.outboxMessage.findFirstOrThrow({ where: { entityId: request.id, status: "PENDING" } });
  return { request, row };
}

describe("complaints over Slack", () => {
  it("posts a registered complaint to the complaints channel and DMs the supervisor when it is escalated", async () => {
    // Amy registers it; Alice owns the customer and is told by DM.
    const answer = await h.slack.command(team.amy, "complaint acme high Shipment arrived damaged twice this month");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    const complaint = await h.db.prisma.complaint.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { number: "desc" } });
    expect(complaint).toMatchObject({ severity: "HIGH", status: "OPEN", assigneeId: team.alice.memberId, escalationLevel: 0 });

    await h.deliverAll();
    const post = latestIn(h, COMPLAINTS_CHANNEL);
    expect(post).toBeDefined();
    expect(textOf(post!.blocks)).toContain("Acme Trading");
    expect(await h.db.prisma.messageRef.count({ where: { entityId: complaint.id, channel: COMPLAINTS_CHANNEL, messageId: post!.ts } })).toBe(1);

    // The assignee escalates from her DM; a reason form may come first.
    const dm = latestIn(h, h.fake.dmOf(team.alice.id))!;
    const escalate = findButton(dm.blocks, /escalat/);
    expect(escalate).toBeDefined();
    const click = await h.slack.click(team.alice, escalate!, { message: dm });
    expect(click.status).toBe(200);
    const form = await waitFor(
      async () =>
        h.fake.viewOpenedBy(click.triggerId) ??
        ((await h.db.prisma.complaint.findUniqueOrThrow({ where: { id: complaint.id } })).escalationLevel > 0 ? "escalated" : undefined),
      "the escalation (or its reason form)",
    );
    if (form !== "escalated") {
      const values: Record<string, string> = {};
      for (const block of form.view.blocks) if (block.type === "input") values[block.block_id] = "Customer is threatening to cancel the contract";
      const submitted = await h.slack.submit(team.alice, form, values);
      expect(submitted.status).toBe(200);
      expect(submitted.json?.response_action).not.toBe("errors");
    }
    const escalated = await h.db.prisma.complaint.findUniqueOrThrow({ where: { id: complaint.id } });
    expect(escalated).toMatchObject({ escalationLevel: 1, assigneeId: team.supervisor.memberId });

    await h.deliverAll();
    const supervisorDm = latestIn(h, h.fake.dmOf(team.supervisor.id));
    expect(supervisorDm).toBeDefined();
    expect(textOf(supervisorDm!.blocks)).toContain("Acme Trading");
    const channelPosts = h.fake.messagesIn(COMPLAINTS_CHANNEL);
    expect(channelPosts.length).toBeGreaterThanOrEqual(2);
    expect(await h.db.prisma.auditLog.count({ where: { entityId: complaint.id, action: { contains: "escalat" } } })).toBeGreaterThanOrEqual(1);
  });
});

describe("delivery failures", () => {
  it("waits for Retry-After when chat.postMessage answers 429, then delivers the message once", async () => {
    const { row } = await queueApprovalDm("429 retry check");
    const channel = h.fake.dmOf(team.supervisor.id);
    const before = h.fake.messagesIn(channel).length;
    h.fake.script("chat.postMessage", { status: 429, retryAfter: 1 });

    expect(await h.deliver()).toBe(1);
    const waiting = await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(waiting.status).toBe("PENDING");
    expect(waiting.lastError).toBe("chat.postMessage: ratelimited (retry after 1 s)");
    expect(waiting.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(500);
    // Not due yet: the worker leaves it alone.
    expect(await h.deliver()).toBe(0);

    const handled = await waitFor(async () => ((await h.deliver()) > 0 ? true : undefined), "the retry to be due", 5_000);
    expect(handled).toBe(true);
    const posts = h.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel).slice(-2);
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(h.fake.messagesIn(channel).length).toBe(before + 1);
    const sent = await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(sent).toMatchObject({ status: "SENT", attempts: 2, lastError: null, platformMessageId: latestIn(h, channel)!.ts });
    expect(await h.db.prisma.messageRef.count({ where: { messageId: sent.platformMessageId! } })).toBe(1);
  });

  it("retries a transient 500 with backoff and keeps a persistent one for the worker to retry later", async () => {
    const first = await queueApprovalDm("500 once");
    h.fake.script("chat.postMessage", { status: 500 });
    await h.deliver();
    expect(await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: first.row.id } })).toMatchObject({ status: "SENT", attempts: 1 });

    const second = await queueApprovalDm("500 always");
    h.fake.script("chat.postMessage", { status: 500 }, { status: 500 }, { status: 500 });
    await h.deliver();
    const row = await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: second.row.id } });
    expect(row).toMatchObject({ status: "PENDING", lastError: "chat.postMessage: http_500" });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    h.fake.clearScripts();
  });

  it("fails a delivery to a missing channel permanently and logs the method", async () => {
    const { row } = await queueApprovalDm("channel gone");
    h.fake.script("chat.postMessage", { error: "channel_not_found" });
    await h.deliver();
    const failed = await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed).toMatchObject({ status: "FAILED", lastError: "chat.postMessage: channel_not_found", attempts: 1 });
    expect(h.logs.some((l) => l.msg === "slack: delivery failed permanently" && l.slack === "chat.postMessage: channel_not_found" && l.outboxId === row.id)).toBe(true);
    // Permanent means permanent: later runs do not send it again.
    await sleep(50);
    const calls = h.fake.callsTo("chat.postMessage").length;
    await h.deliver();
    expect(h.fake.callsTo("chat.postMessage").length).toBe(calls);
  });

  it("tells the clicker when a card copy cannot be updated and logs the method", async () => {
    const { request } = await queueApprovalDm("update fails");
    await h.deliverAll();
    const card = latestIn(h, h.fake.dmOf(team.supervisor.id))!;
    const approve = findButton(card.blocks, /^hospitality\.approve/)!;
    h.fake.script("chat.update", { error: "cant_update_message" });
    const since = Date.now();
    await h.slack.click(team.supervisor, approve, { message: card });
    const told = await waitFor(() => {
      const texts = h.fake.ephemeralsFor(team.supervisor.id).filter((e) => e.at >= since).map((e) => e.text);
      return texts.length >= 2 ? texts : undefined;
    }, "the reply and the notice");
    expect(told[0]).toMatch(/^You approved/);
    expect(told[1]).toBe("Done, but posted copies of this card could not be updated: 1.");
    expect(h.logs.some((l) => l.msg === "slack: card copy not updated" && l.slack === "chat.update: cant_update_message" && l.entityId === request.id)).toBe(true);
    // The decision itself stands.
    expect((await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("APPROVED");
  });
});

describe("the digests channel over Slack", () => {
  it("posts the department's callback summary to the digests channel once, without buttons", async () => {
    const DIGESTS_CHANNEL = "C0DIGESTS";
    await h.db.prisma.tenant.update({
      where: { id: team.tenant.id },
      data: { settings: { channels: { complaints: COMPLAINTS_CHANNEL, digests: DIGESTS_CHANNEL } } },
    });
    const today = localDateInDays(h.deps, 0);
    const acme = await h.db.prisma.customer.findFirstOrThrow({ where: { tenantId: team.tenant.id, name: "Acme Trading" } });
    await h.db.prisma.callback.create({
      data: { tenantId: team.tenant.id, customerId: acme.id, assigneeId: team.alice.memberId, dueOn: toDateColumn(localDateInDays(h.deps, -2)), reason: "MANUAL" },
    });
    const tenant = await loadTenant(h.db.prisma, team.tenant.id);
    const runs = await Promise.all(["r1", "r2"].map((holder) => runDigest(h.deps, tenant, "CALLBACKS", today, { holder })));
    expect(runs.filter((r) => r.status === "completed")).toHaveLength(1);
    await h.deliverAll();

    const posts = h.fake.messagesIn(DIGESTS_CHANNEL);
    expect(posts).toHaveLength(1);
    const text = textOf(posts[0]!.blocks);
    expect(text).toContain(`Department callbacks for ${formatScheduleDay(today, { locale: "en", today })}`);
    expect(text).toContain("Li Supervisor's team");
    expect(text).toMatch(/⚠ Alice Zhang: \d+ due, 1 overdue, 0 done yesterday/);
    expect(text).toContain("Amy Chen: 0 due, 0 overdue, 0 done yesterday");
    expect(posts[0]!.blocks.some((b) => b.type === "actions")).toBe(false);
    // Alice's own digest went to her DM as before.
    expect(textOf(latestIn(h, h.fake.dmOf(team.alice.id))!.blocks)).toContain("Acme Trading");
    const row = await h.db.prisma.outboxMessage.findFirstOrThrow({ where: { tenantId: team.tenant.id, target: "channel:digests" } });
    expect(row).toMatchObject({ status: "SENT", platformMessageId: posts[0]!.ts });

    // Another replica running the same digest later that day posts nothing more.
    expect(await runDigest(h.deps, tenant, "CALLBACKS", today, { holder: "r3" })).toMatchObject({ status: "already_completed" });
    await h.deliverAll();
    expect(h.fake.messagesIn(DIGESTS_CHANNEL)).toHaveLength(1);
  });
});

