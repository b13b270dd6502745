// The visits conversation area end to end: real createConversation, real core, real database.
import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDateColumn } from "../../src/core/shared/time.js";
import type { Conversation } from "../../src/conversation/port.js";
import { renderText } from "../../src/conversation/render/text.js";
import {
  choiceByAction,
  click,
  consoleMembers,
  conversationAt,
  customerWithCadence,
  formOf,
  replyText,
  submit,
  viewOf,
} from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { makeTenant } from "../support/fixtures.js";

// 2026-11-23 09:00 in Shanghai.
const NOW = "2026-11-23T01:00:00Z";
const TODAY = "2026-11-23";

let tdb: TestDatabase;
let conversation: Conversation;

beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, NOW).conversation;
});

afterAll(async () => {
  await tdb?.close();
});

let seq = 0;

async function scene() {
  const tenant = await makeTenant(tdb.prisma, { locale: "en" });
  const people = consoleMembers(tdb.prisma, tenant, ++seq);
  const sam = await people.add("Sam", { role: "SUPERVISOR" });
  const alice = await people.add("Alice", { supervisorId: sam.id });
  const bob = await people.add("Bob");
  return { tenant, sam, alice, bob, as: people.as };
}

const makeCustomer = (tenantId: string, ownerId: string, name: string, tier: Tier, cadenceDue?: string) =>
  customerWithCadence(tdb.prisma, { tenantId, ownerId, name, tier, today: TODAY, cadenceDue });

const visitsOf = (customerId: string) => tdb.prisma.visit.findMany({ where: { customerId }, orderBy: { createdAt: "asc" } });

describe("visit (command line)", () => {
  it("splits unquoted words at the longest customer name, logs an on-site visit and closes the due callback", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "ACME", "C");
    const corp = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "VIP", "2026-11-20");

    const reply = await conversation.command({ user: s.as(s.alice), text: "visit acme corp talked about the 2027 renewal" });
    const shown = replyText(reply);
    expect(shown).toContain("Visit to ACME Corp logged");
    expect(shown).toContain("How: on-site visit");
    expect(shown).toContain("When: Nov 23, 09:00");
    expect(shown).toContain("Visit notes: talked about the 2027 renewal");
    expect(shown).toContain("Closed the callback due Nov 20 (regular follow-up).");
    expect(shown).toContain("Next regular callback: Mon, Dec 7.");
    expect(renderText(viewOf(reply)).choices.map((c) => c.actionId)).toEqual(["callback.open_form", "customer.open"]);

    const [visit] = await visitsOf(corp.id);
    expect(visit).toMatchObject({ kind: "ON_SITE", summary: "talked about the 2027 renewal", visitorId: s.alice.id });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: corp.cadenceId! } })).status).toBe("DONE");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { tenantId: s.tenant.id, action: "visit.logged" } });
    expect(audit).toMatchObject({ entityId: visit!.id, actorId: s.alice.id, platform: "CONSOLE" });
  });

  it("logs in Chinese with 拜访 and an unambiguous name prefix", async () => {
    const s = await scene();
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    const huawei = await makeCustomer(s.tenant.id, s.alice.id, "华为技术有限公司", "A");
    const reply = await conversation.command({ user: s.as(s.alice), text: "拜访 华为 谈了明年的采购计划" });
    expect(replyText(reply)).toContain("已记录对 华为技术有限公司 的拜访");
    expect(replyText(reply)).toContain("拜访方式");
    expect(replyText(reply)).toContain("下次例行回访：12月23日 周三。");
    expect((await visitsOf(huawei.id)).map((v) => v.summary)).toEqual(["谈了明年的采购计划"]);
  });

  it("opens the visit form when the summary is missing, prefilled with the customer and on-site", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "B");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "visit acme" }));
    expect(form.title).toBe("Log a visit");
    const wholeName = formOf(await conversation.command({ user: s.as(s.alice), text: "visit acme corp" }));
    expect(wholeName.fields[0]!.default).toBe("ACME Corp");
    expect(form.fields.map((f) => [f.name, f.kind, f.required, f.default])).toEqual([
      ["customer", "customer", true, "ACME Corp"],
      ["kind", "select", true, "ON_SITE"],
      // When (today unless changed), who was met and why.
      ["occurredOn", "date", false, TODAY],
      ["occurredTime", "text", false, undefined],
      ["newContact", "text", false, undefined],
      ["purpose", "text", false, undefined],
      ["summary", "textarea", true, undefined],
      ["feedback", "textarea", false, undefined],
      ["nextStep", "text", false, undefined],
      ["nextFollowUpOn", "date", false, undefined],
    ]);

    const ok = await submit(conversation, s.as(s.alice), form, {
      customer: "ACME Corp",
      kind: "PHONE",
      summary: "Price review call",
      feedback: "Wants 5% off",
      nextStep: "Send the revised quote",
      nextFollowUpOn: "2026-11-30",
    });
    const shown = replyText(ok.reply);
    expect(shown).toContain("How: phone call");
    expect(shown).toContain("Customer feedback: Wants 5% off");
    expect(shown).toContain("Follow-up callback scheduled for Mon, Nov 30.");
    expect(ok.updatedCard).toBeUndefined();
    const [visit] = await visitsOf(acme.id);
    expect(visit).toMatchObject({ kind: "PHONE", feedback: "Wants 5% off", nextStep: "Send the revised quote" });
    const followUp = await tdb.prisma.callback.findFirstOrThrow({ where: { customerId: acme.id, reason: "AFTER_VISIT" } });
    expect([fromDateColumn(followUp.dueOn), followUp.assigneeId, followUp.note]).toEqual(["2026-11-30", s.alice.id, "Send the revised quote"]);
  });

  it("opens an empty form for a bare `visit`, and a picker keeping the summary for an ambiguous name", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "Delta North", "C");
    const south = await makeCustomer(s.tenant.id, s.alice.id, "Delta South", "C");
    const bare = formOf(await conversation.command({ user: s.as(s.alice), text: "visit" }));
    expect(bare.fields[0]).toMatchObject({ name: "customer", required: true });
    expect(bare.fields[0]!.default).toBeUndefined();

    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "visit delta dinner with the CFO" }));
    expect(form.intro).toBe("Several customers match “delta”. Pick one.");
    const picker = form.fields.find((f) => f.name === "customer")!;
    expect(picker.options?.map((o) => o.label)).toEqual(["Delta North", "Delta South"]);
    expect(form.fields.find((f) => f.name === "summary")?.default).toBe("dinner with the CFO");

    const ok = await submit(conversation, s.as(s.alice), form, { customer: picker.options![1]!.value, kind: "RECEPTION", summary: "dinner with the CFO" });
    expect(replyText(ok.reply)).toContain("Visit to Delta South logged");
    expect(await visitsOf(south.id)).toHaveLength(1);
  });

  it("says which customer is unknown and refuses another team's customer in the member's language, writing nothing", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    expect(replyText(await conversation.command({ user: s.as(s.alice), text: "visit Nobody had coffee" }))).toBe("No customer matches “Nobody”.");
    expect(replyText(await conversation.command({ user: s.as(s.bob), text: "visit \"ACME Corp\" hello" }))).toBe(
      "That customer belongs to someone outside your team.",
    );
    await tdb.prisma.member.update({ where: { id: s.bob.id }, data: { locale: "zh-CN" } });
    expect(replyText(await conversation.command({ user: s.as(s.bob), text: "拜访 \"ACME Corp\" 你好" }))).toContain("不属于您或您的团队");
    expect(await visitsOf(acme.id)).toEqual([]);
    // Alice's supervisor may log it.
    expect(replyText(await conversation.command({ user: s.as(s.sam), text: "visit \"ACME Corp\" joint visit" }))).toContain(
      "Visit to ACME Corp logged",
    );
  });
});

describe("the visit form", () => {
  it("reads the form's dates as the command grammar does: 周五 (past, the visit), 下周五 and next mon (ahead)", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "B");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "visit acme" }));
    const base = { customer: "ACME Corp", kind: "ON_SITE", summary: "Quarterly review" };
    const ok = await submit(conversation, s.as(s.alice), form, { ...base, occurredOn: "周五", nextFollowUpOn: "下周五" });
    expect(replyText(ok.reply)).toContain("Follow-up callback scheduled for Fri, Dec 4.");
    const [visit] = await visitsOf(acme.id);
    // Last Friday in Shanghai: the visit happened.
    expect(visit!.occurredAt.toISOString().slice(0, 10)).toBe("2026-11-20");
    const english = await submit(conversation, s.as(s.alice), form, { ...base, nextFollowUpOn: "next mon" });
    expect(replyText(english.reply)).toContain("Follow-up callback scheduled for Mon, Nov 30.");
  });

  it("keeps the form open with a message next to each bad field and writes nothing", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "visit acme" }));
    const base = { customer: "ACME Corp", kind: "ON_SITE", summary: "ok" };

    expect((await submit(conversation, s.as(s.alice), form, { ...base, summary: "  " })).reply).toEqual({
      kind: "form_errors",
      errors: { summary: "Please fill this in." },
    });
    expect((await submit(conversation, s.as(s.alice), form, { ...base, kind: "LUNCH" })).reply).toEqual({
      kind: "form_errors",
      errors: { kind: "Choose one of the options." },
    });
    expect((await submit(conversation, s.as(s.alice), form, { ...base, summary: "x".repeat(2001) })).reply).toEqual({
      kind: "form_errors",
      errors: { summary: "At most 2000 characters." },
    });
    expect((await submit(conversation, s.as(s.alice), form, { ...base, nextFollowUpOn: "2026-11-22" })).reply).toEqual({
      kind: "form_errors",
      errors: { nextFollowUpOn: "The due date Nov 22 is in the past (today is Nov 23)." },
    });
    expect((await submit(conversation, s.as(s.alice), form, { ...base, customer: "Nobody" })).reply).toEqual({
      kind: "form_errors",
      errors: { customer: "No customer matches “Nobody”." },
    });
    expect((await submit(conversation, s.as(s.bob), formOf(await conversation.command({ user: s.as(s.bob), text: "visit" })), base)).reply).toEqual({
      kind: "form_errors",
      errors: { customer: "That customer belongs to someone outside your team." },
    });
    expect(await visitsOf(acme.id)).toEqual([]);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    // A follow-up today is the boundary that is still allowed.
    const today = await submit(conversation, s.as(s.alice), form, { ...base, nextFollowUpOn: TODAY });
    expect(replyText(today.reply)).toContain("Follow-up callback scheduled for Mon, Nov 23.");
  });

  it("opens from the customer card's Log visit button with the customer prefilled", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const card = viewOf(await conversation.command({ user: s.as(s.alice), text: "customer ACME Corp" }));
    const opened = await click(conversation, s.as(s.alice), choiceByAction(card, "visit.open_form"));
    const form = formOf(opened.reply);
    expect(form.fields[0]).toMatchObject({ name: "customer", default: "ACME Corp" });
    const ok = await submit(conversation, s.as(s.alice), form, { customer: "ACME Corp", kind: "VIDEO", summary: "Quarterly review" });
    expect(replyText(ok.reply)).toContain("How: video call");
    expect(await visitsOf(acme.id)).toHaveLength(1);
  });

  it("logged from a due-list item, it closes that callback and refreshes the list without it", async () => {
    const s = await scene();
    const vega = await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    await makeCustomer(s.tenant.id, s.alice.id, "Beta Trading", "B", TODAY);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(list, "visit.open_form", 0))).reply);
    expect(form.fields[0]!.default).toBe("Vega Group");

    const ok = await submit(conversation, s.as(s.alice), form, { customer: "Vega Group", kind: "ON_SITE", summary: "Site tour" });
    expect(replyText(ok.reply)).toContain("Closed the callback due Nov 23 (regular follow-up).");
    expect(ok.updatedCard).toMatchObject({ entityType: "CallbackList", entityId: s.alice.id });
    const refreshed = renderText(ok.updatedCard!.view).text;
    expect(refreshed).not.toContain("Vega Group");
    expect(refreshed).toContain("Beta Trading");
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: vega.cadenceId! } })).status).toBe("DONE");
  });

  it("logged from a Callback card's Log visit button, the card shows the callback closed by the visit", async () => {
    const s = await scene();
    const vega = await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    const card = await conversation.renderEntityCard(s.tenant.id, "Callback", vega.cadenceId!);
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(card!, "visit.open_form"))).reply);
    const ok = await submit(conversation, s.as(s.alice), form, { customer: "Vega Group", kind: "PHONE", summary: "Called" });
    expect(ok.updatedCard).toMatchObject({ entityType: "Callback", entityId: vega.cadenceId });
    const after = renderText(ok.updatedCard!.view);
    expect(after.text).toContain("Closed by a visit Alice logged at Nov 23, 09:00");
    expect(after.choices).toEqual([]);
  });
});
