// Slack modals through Bolt against the fake: a submission with a bad value is answered with
// `response_action: "errors"` keyed by the block_id of the failing input alone (Slack then shows
// the message under that block and keeps the modal, with everything typed, open); nothing is
// written until it is right.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName } from "../../src/core/customers/rules.js";
import { waitFor } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  const acme = await createAcmeTrading(h.deps, team, { industry: "Retail" });
  await h.db.prisma.customer.create({
    data: { tenantId: acme.tenantId, name: "Acme Freight", nameKey: normalizeName("Acme Freight"), ownerId: team.alice.memberId, tier: "B", status: "ACTIVE" },
  });
});
afterAll(async () => {
  await h?.close();
});

async function openModal(text: string) {
  const answer = await h.slack.command(team.alice, text);
  expect(answer.status).toBe(200);
  return waitFor(() => h.fake.viewOpenedBy(answer.triggerId), "views.open");
}

describe("Slack modal errors", () => {
  it("puts an amount error on the amount's block only and keeps the modal open", async () => {
    const opened = await openModal("customer add");
    const before = await h.db.prisma.customer.count();
    const bad = await h.slack.submit(team.alice, opened, { name: "Delta Foods", annual: "12.345", industry: "Food", region: "East China" });
    expect(bad.status).toBe(200);
    expect(bad.json).toEqual({ response_action: "errors", errors: { annual: expect.stringMatching(/Enter an amount/) } });
    expect(await h.db.prisma.customer.count()).toBe(before);

    const good = await h.slack.submit(team.alice, opened, { name: "Delta Foods", annual: "12.34", industry: "Food", region: "East China" });
    expect(good.json.response_action).toBe("update");
    expect(await h.db.prisma.customer.findFirst({ where: { name: "Delta Foods" } })).toMatchObject({ annualPurchaseFen: 1_234n, industry: "Food", region: "East China" });
  });

  it("shows an ambiguous prefilled customer on the customer's block, naming the candidates; the picker then settles it", async () => {
    // Typed with the command, "Acme" is prefilled in the customer picker as it was typed.
    const opened = await openModal("hospitality Acme");
    const blockIds = opened.view.blocks.filter((b: { type: string }) => b.type === "input").map((b: { block_id: string }) => b.block_id);
    expect(blockIds).toContain("customer");
    const values = { eventDate: localDateInDays(h.deps, 7), kind: "MEAL", guests: "4", estimated: "800", purpose: "Quote follow-up" };
    const before = await h.db.prisma.hospitalityRequest.count();
    const bad = await h.slack.submit(team.alice, opened, values);
    expect(bad.json.response_action).toBe("errors");
    expect(Object.keys(bad.json.errors)).toEqual(["customer"]);
    expect(bad.json.errors.customer).toMatch(/Acme Freight/);
    expect(bad.json.errors.customer).toMatch(/Acme Trading/);
    expect(await h.db.prisma.hospitalityRequest.count()).toBe(before);

    // Slack keeps the modal open; the member types into the picker and picks one.
    const typed = await h.slack.suggest(team.alice, opened, "customer", "acme f");
    expect(typed.options.map((o) => o.text)).toEqual(["Acme Freight"]);
    const good = await h.slack.submit(team.alice, opened, { ...values, customer: typed.options[0]!.value });
    expect(good.json, JSON.stringify(good.json)).toMatchObject({ response_action: "update" });
    const freight = await h.db.prisma.customer.findFirstOrThrow({ where: { name: "Acme Freight" } });
    expect(await h.db.prisma.hospitalityRequest.count({ where: { customerId: freight.id } })).toBe(1);
  });
});

describe("a submission slower than Slack's ack budget", () => {
  // Budget 0: every submission is acknowledged before its work is done, as on a loaded machine.
  let slow: Harness;
  let slowTeam: Awaited<ReturnType<typeof seedDepartment>>;
  beforeAll(async () => {
    slow = await startHarness({ adapter: { ackBudgetMs: 0 } });
    slowTeam = await seedDepartment(slow);
  });
  afterAll(async () => {
    await slow?.close();
  });

  async function openSlowModal(text: string) {
    const answer = await slow.slack.command(slowTeam.alice, text);
    return waitFor(() => slow.fake.viewOpenedBy(answer.triggerId), "views.open");
  }

  it("acknowledges with the working modal, then shows the outcome with views.update, written once", async () => {
    const opened = await openSlowModal("customer add");
    const submitted = await slow.slack.submit(slowTeam.alice, opened, { name: "Late Foods", annual: "12.34", industry: "Food", region: "East China" });
    expect(submitted.ackedWith?.response_action).toBe("update");
    expect(JSON.stringify(submitted.ackedWith?.view)).toContain("Working on it…");
    expect(JSON.stringify(submitted.json.view)).toContain("Late Foods");
    expect(await slow.db.prisma.customer.count({ where: { name: "Late Foods" } })).toBe(1);
  });

  it("shows a bad value in the replacing modal (too late to show it under the field) and writes nothing", async () => {
    const opened = await openSlowModal("customer add");
    const before = await slow.db.prisma.customer.count();
    const submitted = await slow.slack.submit(slowTeam.alice, opened, { name: "Late Drinks", annual: "12.345", industry: "Food", region: "East China" });
    expect(JSON.stringify(submitted.ackedWith?.view)).toContain("Working on it…");
    expect(JSON.stringify(submitted.json.view)).toMatch(/Enter an amount/);
    expect(await slow.db.prisma.customer.count()).toBe(before);
  });
});
