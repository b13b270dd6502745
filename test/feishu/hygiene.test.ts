// Hostile input over Feishu: a customer name with NUL, ESC, a lone surrogate and U+202E is
// stored clean; a correctly signed and encrypted event or card callback created 30 days ago
// (its de-duplication claim long pruned) is refused and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_EVENT_AGE_MS } from "../../src/adapters/feishu/event-age.js";
import { CLAIM_RETENTION_MS } from "../../src/scheduler/coordination.js";
import { cardText, findButton, sleep, waitFor } from "../fakes/feishu.js";
import { createAcmeTrading } from "../support/platform.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

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

async function footprint() {
  return {
    processed: await h.db.prisma.processedEvent.count(),
    customers: await h.db.prisma.customer.count(),
    audits: await h.db.prisma.auditLog.count(),
    apiCalls: h.fake.calls.filter((c) => c.operation.startsWith("message.")).length,
  };
}

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60_000;

describe("input hygiene over Feishu", () => {
  it("stores a customer name sent with NUL, ESC, a lone surrogate and U+202E clean, and answers with it", async () => {
    const { message, answer } = await h.feishu.message(team.alice, "customer add \u201cNorth\u0000wind \u001b[2JTrading\u202Eexe\ud800\u201d");
    expect(answer.status).toBe(200);
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply card");
    const stored = await h.db.prisma.customer.findFirstOrThrow({ where: { name: { startsWith: "North" } } });
    expect(stored.name).toBe("Northwind [2JTradingexe\ufffd");
    expect(cardText(reply.content)).toContain("Northwind [2JTradingexe");
    expect(h.logs.filter((l) => l.level === "error" || (typeof l.level === "number" && l.level >= 50))).toEqual([]);
  });

  it("answers a 100,000-character message with 'too long', writing no customer", async () => {
    const before = await h.db.prisma.customer.count();
    const { message } = await h.feishu.message(team.alice, "customer add " + "华".repeat(100_000));
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply card");
    expect(cardText(reply.content)).toContain("too long: at most 4000 characters");
    expect(await h.db.prisma.customer.count()).toBe(before);
  });
});

describe("event age", () => {
  it("keeps claims longer than it accepts events", () => {
    expect(MAX_EVENT_AGE_MS).toBeLessThan(CLAIM_RETENTION_MS);
    // Feishu's last retry comes about 7.1 hours after the event.
    expect(MAX_EVENT_AGE_MS).toBeGreaterThan(8 * 60 * 60_000);
  });

  it("refuses a correctly signed and encrypted message event created 30 days ago, writing nothing", async () => {
    const before = await footprint();
    const { envelope, message } = h.feishu.messageEvent(team.alice, "customer add Replayed Ltd");
    envelope.header.create_time = String(Date.now() - THIRTY_DAYS_MS);
    const answer = await h.feishu.post("/feishu/events", envelope);
    expect(answer.status).toBe(200);
    await sleep(300);
    expect(await footprint()).toEqual(before);
    expect(h.fake.repliesTo(message.messageId)).toEqual([]);
    expect(await h.db.prisma.customer.count({ where: { name: "Replayed Ltd" } })).toBe(0);
    expect(h.logs.some((l) => l.msg === "feishu: stale event refused" && l.eventId === envelope.header.event_id)).toBe(true);

    // The same event, fresh, is carried out: the refusal was about its age alone.
    envelope.header.create_time = String(Date.now() - 7 * 60 * 60_000);
    await h.feishu.post("/feishu/events", envelope);
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply to the fresh event");
    expect(await h.db.prisma.customer.count({ where: { name: "Replayed Ltd" } })).toBe(1);
  });

  it("refuses a card callback created 30 days ago, writing nothing", async () => {
    const { message } = await h.feishu.message(team.alice, "customer acme");
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the card");
    const button = findButton(reply.content, /^callback\.|^visit\./);
    expect(button).toBeDefined();
    const before = await footprint();
    const click = h.feishu.clickEvent(team.alice, reply, button!);
    click.header.create_time = String(Date.now() - THIRTY_DAYS_MS);
    const answer = await h.feishu.post("/feishu/card", click);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
    await sleep(300);
    expect(await footprint()).toEqual(before);

    // Fresh, the same click is answered (a form or a card): only its age stopped it.
    click.header.create_time = String(Date.now());
    const fresh = await h.feishu.post("/feishu/card", click);
    expect(fresh.status).toBe(200);
    expect(fresh.json).not.toEqual({});
  });
});
