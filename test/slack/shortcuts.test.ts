// Slack shortcuts through Bolt against the fake Slack: a message shortcut opens the visit or
// complaint form prefilled with the message's decoded text, its author, its permalink and the
// customer guessed from the channel's name or the text; saving stores the permalink with the
// record. Global shortcuts open the hospitality and find-customer forms.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf, waitFor } from "../fakes/slack.js";
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

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Block Kit JSON from the fake
const inputOf = (view: Json, blockId: string): Json => view.blocks.find((b: Json) => b.type === "input" && b.block_id === blockId)?.element;

describe("Slack message shortcuts", () => {
  it("turns a message into a visit note: decoded text, author, permalink, the customer guessed from the channel; saved with the permalink", async () => {
    const typed = "Acme asked for price < 100 & delivery > 2 weeks";
    const shortcut = await h.slack.shortcut(team.alice, "accord_visit_note", {
      message: { text: typed, user: team.amy.id, ts: "1764740000.000200" },
      channel: { id: "C0ACME", name: "acme-trading" },
    });
    expect(shortcut.status).toBe(200);
    expect(shortcut.ms).toBeLessThan(3_000);
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the visit form");
    const view = modal.view;
    expect(view.callback_id).toBe("visit.log");
    const permalink = "https://accord-test.slack.com/archives/C0ACME/p1764740000000200";
    expect(inputOf(view, "summary").initial_value).toBe(typed);
    expect(inputOf(view, "sourceLink").initial_value).toBe(permalink);
    expect(inputOf(view, "customer").type).toBe("static_select");
    expect(inputOf(view, "customer").initial_option.value).toBe("Acme Trading");
    const intro = textOf(view.blocks.filter((b: Json) => b.type === "section"));
    expect(intro).toContain("Amy Chen");
    expect(intro).toContain("#acme-trading");
    expect(intro).toContain("channel name");
    expect(h.fake.callsTo("chat.getPermalink").at(-1)!.args).toMatchObject({ channel: "C0ACME", message_ts: "1764740000.000200" });

    const submitted = await h.slack.submit(team.alice, modal, {});
    expect(submitted.status).toBe(200);
    expect(submitted.json.response_action).toBe("update");
    expect(textOf(submitted.json.view.blocks)).toContain("Acme Trading");
    const visit = await h.db.prisma.visit.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { createdAt: "desc" } });
    expect(visit.summary).toBe(typed);
    expect(visit.sourceLink).toBe(permalink);
    expect(visit.visitorId).toBe(team.alice.memberId);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { entityType: "Visit", entityId: visit.id } });
    expect(audit.after).toMatchObject({ sourceLink: permalink });
  });

  it("registers a complaint from a message, the customer guessed from the text, with the permalink", async () => {
    const shortcut = await h.slack.shortcut(team.alice, "accord_complaint", {
      message: { text: "Acme Trading says the last shipment arrived broken", user: team.amy.id, ts: "1764740100.000300" },
      channel: { id: "C0GENERAL", name: "general" },
    });
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the complaint form");
    expect(modal.view.callback_id).toBe("complaint.register");
    expect(inputOf(modal.view, "customer").initial_option.value).toBe("Acme Trading");
    expect(textOf(modal.view.blocks.filter((b: Json) => b.type === "section"))).toContain("message text");
    const submitted = await h.slack.submit(team.alice, modal, { severity: "HIGH" });
    expect(submitted.json?.response_action).toBe("update");
    const complaint = await h.db.prisma.complaint.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { createdAt: "desc" } });
    expect(complaint.description).toBe("Acme Trading says the last shipment arrived broken");
    expect(complaint.severity).toBe("HIGH");
    expect(complaint.sourceLink).toBe("https://accord-test.slack.com/archives/C0GENERAL/p1764740100000300");
  });

  it("refuses a link that is not https next to its field, writing nothing", async () => {
    const shortcut = await h.slack.shortcut(team.alice, "accord_visit_note", { message: { text: "note", user: team.amy.id }, channel: { id: "C0ACME", name: "acme-trading" } });
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the visit form");
    const visits = await h.db.prisma.visit.count();
    const submitted = await h.slack.submit(team.alice, modal, { sourceLink: "javascript:alert(1)" });
    expect(submitted.json.response_action).toBe("errors");
    expect(submitted.json.errors.sourceLink).toContain("https://");
    expect(await h.db.prisma.visit.count()).toBe(visits);
  });

  it("opens the forms in the member's language (Chinese)", async () => {
    await h.db.prisma.member.update({ where: { id: team.amy.memberId }, data: { locale: "zh-CN" } });
    const shortcut = await h.slack.shortcut(team.amy, "accord_complaint", { message: { text: "客户反映发票有误", user: team.alice.id }, channel: { id: "C0ACME", name: "acme-trading" } });
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the complaint form in Chinese");
    const text = textOf(modal.view.blocks);
    expect(text).toContain("来自 Alice Zhang 的消息");
    expect(text).toContain("消息链接");
    expect(inputOf(modal.view, "description").initial_value).toBe("客户反映发票有误");
  });
});

describe("Slack global shortcuts", () => {
  it("opens the hospitality request form", async () => {
    const shortcut = await h.slack.shortcut(team.alice, "accord_hospitality");
    expect(shortcut.status).toBe(200);
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the hospitality form");
    expect(modal.view.callback_id).toBe("hospitality.request");
    expect(inputOf(modal.view, "estimated")).toBeDefined();
  });

  it("finds a customer: the lookup form, then the customer's card", async () => {
    const shortcut = await h.slack.shortcut(team.alice, "accord_find_customer");
    const modal = await waitFor(() => h.fake.viewOpenedBy(shortcut.triggerId), "the find-customer form");
    expect(modal.view.callback_id).toBe("customer.lookup");
    const submitted = await h.slack.submit(team.alice, modal, { name: "acme" });
    expect(submitted.json.response_action).toBe("update");
    expect(textOf(submitted.json.view.blocks)).toContain("Acme Trading");
  });
});
