// The callbacks conversation area end to end: real createConversation, real core, real database.
import type { CallbackReason, Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDateColumn, toDateColumn } from "../../src/core/shared/time.js";
import type { Conversation } from "../../src/conversation/port.js";
import { renderText } from "../../src/conversation/render/text.js";
import { encodeButtonPayload } from "../../src/conversation/views/payload.js";
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

/** A team: supervisor Sam over Alice and Amy; Bob in another team; all speaking English. */
async function scene(options: { locale?: string } = {}) {
  const tenant = await makeTenant(tdb.prisma, { locale: options.locale ?? "en" });
  const people = consoleMembers(tdb.prisma, tenant, ++seq);
  const sam = await people.add("Sam", { role: "SUPERVISOR" });
  const alice = await people.add("Alice", { supervisorId: sam.id });
  const amy = await people.add("Amy", { supervisorId: sam.id });
  const bob = await people.add("Bob");
  return { tenant, sam, alice, amy, bob, as: people.as };
}

/** A customer with its cadence callback (tiers VIP/A/B), optionally moved to `cadenceDue`. */
const makeCustomer = (tenantId: string, ownerId: string, name: string, tier: Tier, cadenceDue?: string) =>
  customerWithCadence(tdb.prisma, { tenantId, ownerId, name, tier, today: TODAY, cadenceDue });

async function addCallback(tenantId: string, customerId: string, assigneeId: string, dueOn: string, reason: CallbackReason, note?: string) {
  return tdb.prisma.callback.create({
    data: { tenantId, customerId, assigneeId, dueOn: toDateColumn(dueOn), reason, ...(note ? { note } : {}) },
  });
}

/** Done: the click opens the outcome form; submitting it with a result completes the callback. */
async function doneVia(user: Parameters<typeof click>[1], choice: Parameters<typeof click>[2], values: Record<string, string> = { result: "REACHED" }) {
  const opened = await click(conversation, user, choice);
  if (opened.reply.kind !== "form") return opened;
  return submit(conversation, user, formOf(opened.reply), values);
}

async function audits(tenantId: string, action: string) {
  return tdb.prisma.auditLog.findMany({ where: { tenantId, action }, orderBy: { id: "asc" } });
}

describe("callbacks (my due list)", () => {
  it("lists my callbacks due today and overdue, VIP first then most overdue, each with Done / Log visit / Snooze / Skip", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "Beta Trading", "B", "2026-11-20");
    await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    await makeCustomer(s.tenant.id, s.alice.id, "Alpha Steel", "A", "2026-11-24");
    const gamma = await makeCustomer(s.tenant.id, s.alice.id, "Gamma Ltd", "C");
    await addCallback(s.tenant.id, gamma.id, s.alice.id, "2026-11-22", "MANUAL", "ask about the new quote");
    await makeCustomer(s.tenant.id, s.amy.id, "Amy's Customer", "VIP", "2026-11-01");

    const view = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const { text: shown, choices } = renderText(view);
    expect(shown).toContain("My callbacks · Mon, Nov 23");
    expect(shown).toContain("1 due today · 2 overdue");
    const order = ["Vega Group", "Beta Trading", "Gamma Ltd"].map((n) => shown.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(shown).toContain("due today · regular follow-up");
    expect(shown).toContain("⚠ 3 days overdue (due Fri, Nov 20)");
    expect(shown).toContain("Note: ask about the new quote");
    expect(shown).not.toContain("Alpha Steel");
    expect(shown).not.toContain("Amy's Customer");
    expect(choices.map((c) => c.actionId)).toEqual(
      Array.from({ length: 3 }, () => ["callback.done", "visit.open_form", "callback.snooze", "callback.skip"]).flat(),
    );
    expect(choices.slice(0, 4).map((c) => c.label)).toEqual(["Done", "Log visit", "Postpone to tomorrow", "Skip"]);
  });

  it("says so in Chinese when nothing is due (回访)", async () => {
    const s = await scene({ locale: "zh-CN" });
    await makeCustomer(s.tenant.id, s.alice.id, "明天才到期", "VIP", "2026-11-24");
    const reply = await conversation.command({ user: s.as(s.alice), text: "回访" });
    expect(replyText(reply)).toContain("今天没有到期或逾期的回访");
    expect(renderText(viewOf(reply)).choices).toEqual([]);
  });

  it("Done asks for the result, then completes, audits, re-arms the cadence and refreshes the list without the item", async () => {
    const s = await scene();
    const vega = await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", "2026-11-20");
    await makeCustomer(s.tenant.id, s.alice.id, "Beta Trading", "B", TODAY);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));

    const opened = await click(conversation, s.as(s.alice), choiceByAction(list, "callback.done", 0));
    const form = formOf(opened.reply);
    expect(form.fields.map((f) => [f.name, f.required])).toEqual([["result", true], ["outcome", false], ["satisfaction", false]]);
    expect(form.fields[0]!.options!.map((o) => o.label)).toEqual(["Reached the customer", "No answer", "Asked to call later"]);
    const missing = await submit(conversation, s.as(s.alice), form, {});
    expect(missing.reply).toEqual({ kind: "form_errors", errors: { result: "Please fill this in." } });
    expect(await audits(s.tenant.id, "callback.completed")).toHaveLength(0);
    const answer = await submit(conversation, s.as(s.alice), form, { result: "REACHED" });
    expect(replyText(answer.reply)).toContain("Callback with Vega Group done.");
    expect(replyText(answer.reply)).toContain("Next regular callback: Mon, Dec 7.");
    expect(answer.updatedCard).toMatchObject({ entityType: "CallbackList", entityId: s.alice.id });
    const refreshed = renderText(answer.updatedCard!.view);
    expect(refreshed.text).not.toContain("Vega Group");
    expect(refreshed.text).toContain("Beta Trading");
    expect(refreshed.choices).toHaveLength(4);

    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: vega.cadenceId! } });
    expect(stored).toMatchObject({ status: "DONE", completedById: s.alice.id, result: "REACHED", outcome: null, satisfaction: null });
    const [audit] = await audits(s.tenant.id, "callback.completed");
    expect(audit).toMatchObject({ entityId: vega.cadenceId, actorId: s.alice.id, platform: "CONSOLE" });
    const customer = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: vega.id } });
    expect(customer.lastContactAt?.toISOString()).toBe(new Date(NOW).toISOString());
  });

  it("answers a second click on the same Done with “already done by Alice at …” and writes nothing more", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const done = choiceByAction(list, "callback.done");
    await doneVia(s.as(s.alice), done);
    const auditCount = await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id } });

    const again = await click(conversation, s.as(s.alice), done);
    expect(replyText(again.reply)).toBe("This callback was already done by Alice at Nov 23, 09:00.");
    expect(again.updatedCard?.entityType).toBe("CallbackList");
    expect(renderText(again.updatedCard!.view).choices).toEqual([]);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id } })).toBe(auditCount);
  });

  it("asks an AFTER_COMPLAINT callback for the satisfaction score and stores it with the outcome", async () => {
    const s = await scene();
    const c = await makeCustomer(s.tenant.id, s.alice.id, "Complainer Co", "C");
    const cb = await addCallback(s.tenant.id, c.id, s.alice.id, TODAY, "AFTER_COMPLAINT");
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));

    const opened = await click(conversation, s.as(s.alice), choiceByAction(list, "callback.done"));
    const form = formOf(opened.reply);
    expect(form.intro).toContain("Complainer Co");
    expect(form.fields.find((f) => f.name === "satisfaction")).toMatchObject({ required: true, kind: "select" });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).status).toBe("PENDING");

    const missing = await submit(conversation, s.as(s.alice), form, { result: "REACHED", outcome: "fixed" });
    expect(missing.reply).toEqual({ kind: "form_errors", errors: { satisfaction: "Please fill this in." } });
    const bad = await submit(conversation, s.as(s.alice), form, { result: "REACHED", satisfaction: "9" });
    expect(bad.reply).toEqual({ kind: "form_errors", errors: { satisfaction: "Choose one of the options." } });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).status).toBe("PENDING");

    const ok = await submit(conversation, s.as(s.alice), form, { result: "REACHED", satisfaction: "2", outcome: "Still unhappy about the delay" });
    expect(replyText(ok.reply)).toContain("Callback with Complainer Co done.");
    expect(ok.updatedCard?.entityType).toBe("CallbackList");
    expect(await tdb.prisma.callback.findUniqueOrThrow({ where: { id: cb.id } })).toMatchObject({
      status: "DONE",
      satisfaction: 2,
      outcome: "Still unhappy about the delay",
    });
  });

  it("snoozes by one day and refuses to snooze twice from the same stale button", async () => {
    const s = await scene();
    const beta = await makeCustomer(s.tenant.id, s.alice.id, "Beta Trading", "B", "2026-11-20");
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const snooze = choiceByAction(list, "callback.snooze");

    const first = await click(conversation, s.as(s.alice), snooze);
    expect(replyText(first.reply)).toBe("Callback with Beta Trading moved to Tue, Nov 24.");
    expect(renderText(first.updatedCard!.view).text).not.toContain("Beta Trading");
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: beta.cadenceId! } });
    expect([fromDateColumn(stored.dueOn), stored.snoozeCount]).toEqual(["2026-11-24", 1]);

    const second = await click(conversation, s.as(s.alice), snooze);
    expect(replyText(second.reply)).toBe("This callback was already snoozed; it is now due Tue, Nov 24.");
    const after = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: beta.cadenceId! } });
    expect([fromDateColumn(after.dueOn), after.snoozeCount]).toEqual(["2026-11-24", 1]);
    expect(await audits(s.tenant.id, "callback.snoozed")).toHaveLength(1);
  });

  it("skips only with a reason: an empty reason keeps the form open and writes nothing", async () => {
    const s = await scene();
    const beta = await makeCustomer(s.tenant.id, s.alice.id, "Beta Trading", "B", TODAY);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(list, "callback.skip"))).reply);
    expect(form.fields.map((f) => [f.name, f.required])).toEqual([["reason", true]]);

    const empty = await submit(conversation, s.as(s.alice), form, { reason: "   " });
    expect(empty.reply).toEqual({ kind: "form_errors", errors: { reason: "Please fill this in." } });
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: beta.cadenceId! } })).status).toBe("PENDING");

    const ok = await submit(conversation, s.as(s.alice), form, { reason: "Customer on holiday until January" });
    expect(replyText(ok.reply)).toContain("Callback with Beta Trading skipped.");
    // 90 days land on Sunday 2027-02-21: the call rolls forward to the next working day.
    expect(replyText(ok.reply)).toContain("Next regular callback: Mon, Feb 22, 2027.");
    expect(await tdb.prisma.callback.findUniqueOrThrow({ where: { id: beta.cadenceId! } })).toMatchObject({
      status: "SKIPPED",
      outcome: "Customer on holiday until January",
      completedById: s.alice.id,
    });
    expect(await audits(s.tenant.id, "callback.skipped")).toHaveLength(1);

    const late = await click(conversation, s.as(s.alice), choiceByAction(list, "callback.skip"));
    expect(replyText(late.reply)).toBe("This callback was already skipped by Alice at Nov 23, 09:00.");
  });

  it("refuses someone else's button, and a forged one for a callback outside the team with the localized message", async () => {
    const s = await scene();
    const vega = await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    const list = viewOf(await conversation.command({ user: s.as(s.alice), text: "callbacks" }));
    const theirs = await click(conversation, s.as(s.bob), choiceByAction(list, "callback.done"));
    expect(replyText(theirs.reply)).toBe("This button is meant for someone else.");

    const forged = encodeButtonPayload({ entityId: vega.cadenceId!, memberId: s.bob.id, expiresAt: new Date("2026-11-30T00:00:00Z") });
    const refused = await click(conversation, s.as(s.bob), { actionId: "callback.done", payload: forged });
    expect(replyText(refused.reply)).toBe("That callback belongs to someone outside your team.");
    await tdb.prisma.member.update({ where: { id: s.bob.id }, data: { locale: "zh-CN" } });
    const refusedZh = await click(conversation, s.as(s.bob), { actionId: "callback.snooze", payload: forged });
    expect(replyText(refusedZh.reply)).toContain("不属于您或您的团队");
    expect((await tdb.prisma.callback.findUniqueOrThrow({ where: { id: vega.cadenceId! } })).status).toBe("PENDING");
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    // The supervisor may act for Alice.
    const forSam = encodeButtonPayload({ entityId: vega.cadenceId!, memberId: s.sam.id, expiresAt: new Date("2026-11-30T00:00:00Z") });
    const bySam = await doneVia(s.as(s.sam), { actionId: "callback.done", payload: forSam });
    expect(replyText(bySam.reply)).toContain("Callback with Vega Group done.");
    expect(bySam.updatedCard).toBeUndefined();
  });
});

describe("callback (scheduling)", () => {
  it("schedules a callback from the command line and shows its card with the assignee's buttons", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const reply = await conversation.command({ user: s.as(s.alice), text: "callback \"ACME Corp\" 2026-12-01 ask about renewal" });
    const shown = renderText(viewOf(reply));
    expect(shown.text).toContain("Callback with ACME Corp scheduled for Tue, Dec 1.");
    expect(shown.text).toContain("Note: ask about renewal");
    expect(shown.text).toContain("scheduled by hand");
    expect(shown.choices.map((c) => c.actionId)).toEqual(["callback.done", "visit.open_form", "callback.snooze", "callback.skip"]);
    const [stored] = await tdb.prisma.callback.findMany({ where: { customerId: acme.id } });
    expect(stored).toMatchObject({ reason: "MANUAL", status: "PENDING", assigneeId: s.alice.id, note: "ask about renewal" });
    expect(fromDateColumn(stored!.dueOn)).toBe("2026-12-01");
    expect(await audits(s.tenant.id, "callback.scheduled")).toHaveLength(1);
  });

  it("schedules in Chinese with 回访 <customer> 明天", async () => {
    const s = await scene();
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    const c = await makeCustomer(s.tenant.id, s.alice.id, "华为技术有限公司", "C");
    const reply = await conversation.command({ user: s.as(s.alice), text: "回访 华为技术有限公司 明天 确认报价" });
    expect(replyText(reply)).toContain("已安排 11月24日 周二 回访 华为技术有限公司。");
    expect(replyText(reply)).toContain("手动安排");
    expect(await tdb.prisma.callback.count({ where: { customerId: c.id, reason: "MANUAL" } })).toBe(1);
  });

  it("opens the form when the date is missing; a past date is refused next to the field and nothing is written", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "callback acme" }));
    expect(form.fields.map((f) => [f.name, f.required, f.default])).toEqual([
      ["customer", true, "ACME Corp"],
      ["dueDate", true, undefined],
      ["note", false, undefined],
    ]);

    const past = await submit(conversation, s.as(s.alice), form, { customer: "ACME Corp", dueDate: "2026-11-22" });
    expect(past.reply).toEqual({ kind: "form_errors", errors: { dueDate: "The due date Nov 22 is in the past (today is Nov 23)." } });
    const garbled = await submit(conversation, s.as(s.alice), form, { customer: "ACME Corp", dueDate: "next week" });
    expect(garbled.reply).toEqual({ kind: "form_errors", errors: { dueDate: "Enter a date, e.g. Dec 1, 12/1, tomorrow, next fri or 2026-12-01." } });
    const nobody = await submit(conversation, s.as(s.alice), form, { customer: "Nobody", dueDate: "2026-12-01" });
    expect(nobody.reply).toEqual({ kind: "form_errors", errors: { customer: "No customer matches “Nobody”." } });
    expect(await tdb.prisma.callback.count({ where: { customerId: acme.id } })).toBe(0);

    const ok = await submit(conversation, s.as(s.alice), form, { customer: "ACME Corp", dueDate: "2026-12-01 +0800", note: "" });
    expect(replyText(ok.reply)).toContain("Callback with ACME Corp scheduled for Tue, Dec 1.");
    expect(await tdb.prisma.callback.count({ where: { customerId: acme.id, status: "PENDING" } })).toBe(1);
  });

  it("offers the candidates of an ambiguous name as a picker and keeps the date", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "Delta North", "C");
    const south = await makeCustomer(s.tenant.id, s.alice.id, "Delta South", "C");
    const form = formOf(await conversation.command({ user: s.as(s.alice), text: "callback delta 2026-12-02" }));
    expect(form.intro).toBe("Several customers match “delta”. Pick one.");
    const picker = form.fields.find((f) => f.name === "customer")!;
    expect(picker.options?.map((o) => o.label)).toEqual(["Delta North", "Delta South"]);
    expect(form.fields.find((f) => f.name === "dueDate")?.default).toBe("2026-12-02");

    const ok = await submit(conversation, s.as(s.alice), form, { customer: picker.options![1]!.value, dueDate: "2026-12-02" });
    expect(replyText(ok.reply)).toContain("Callback with Delta South scheduled for Wed, Dec 2.");
    expect(await tdb.prisma.callback.count({ where: { customerId: south.id } })).toBe(1);
  });

  it("opens the schedule form from the customer card and refuses another team's customer", async () => {
    const s = await scene();
    await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const card = viewOf(await conversation.command({ user: s.as(s.alice), text: "customer ACME Corp" }));
    const form = formOf((await click(conversation, s.as(s.alice), choiceByAction(card, "callback.open_form"))).reply);
    expect(form.actionId).toBe("callback.schedule");
    expect(form.fields[0]).toMatchObject({ name: "customer", default: "ACME Corp" });

    const refused = await conversation.command({ user: s.as(s.bob), text: "callback \"ACME Corp\" 2026-12-01" });
    expect(replyText(refused)).toBe("That customer belongs to someone outside your team.");
    const viaForm = await submit(conversation, s.as(s.bob), formOf(await conversation.command({ user: s.as(s.bob), text: "callback" })), {
      customer: "ACME Corp",
      dueDate: "2026-12-01",
    });
    expect(viaForm.reply).toEqual({ kind: "form_errors", errors: { customer: "That customer belongs to someone outside your team." } });
    expect(await audits(s.tenant.id, "callback.scheduled")).toHaveLength(0);
  });
});

describe("the Callback card", () => {
  it("shows the current state; after Done on the card the card has no buttons, only who did it and when", async () => {
    const s = await scene();
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const cb = await addCallback(s.tenant.id, acme.id, s.alice.id, "2026-11-21", "MANUAL", "renewal");
    const before = await conversation.renderEntityCard(s.tenant.id, "Callback", cb.id);
    const shown = renderText(before!);
    expect(shown.text).toContain("Callback · ACME Corp  [pending]");
    expect(shown.text).toContain("Assigned to: Alice");
    expect(shown.text).toContain("Due: ⚠ 2 days overdue (due Sat, Nov 21)");
    expect(shown.choices.map((c) => c.actionId)).toEqual(["callback.done", "visit.open_form", "callback.snooze", "callback.skip"]);

    const answer = await doneVia(s.as(s.alice), choiceByAction(before!, "callback.done"), { result: "CALL_LATER", outcome: "Call again after the 1st" });
    expect(answer.updatedCard).toMatchObject({ entityType: "Callback", entityId: cb.id });
    const after = renderText(answer.updatedCard!.view);
    expect(after.text).toContain("[done]");
    expect(after.text).toContain("Done by Alice at Nov 23, 09:00");
    expect(after.text).toContain("Result: Asked to call later");
    expect(after.text).toContain("Outcome: Call again after the 1st");
    expect(after.choices).toEqual([]);
    expect(await conversation.renderEntityCard(s.tenant.id, "Callback", "no-such-callback")).toBeNull();
  });

  it("in Chinese: a pending callback is 待回访 (not 待审批), and under 到期 stands the day alone", async () => {
    const s = await scene({ locale: "zh-CN" });
    const acme = await makeCustomer(s.tenant.id, s.alice.id, "ACME Corp", "C");
    const later = await addCallback(s.tenant.id, acme.id, s.alice.id, "2026-12-01", "MANUAL", "续约");
    const shown = renderText((await conversation.renderEntityCard(s.tenant.id, "Callback", later.id))!).text;
    expect(shown).toContain("[待回访]");
    expect(shown).not.toContain("待审批");
    expect(shown).toContain("到期：12月1日 周二\n");
    const today = await addCallback(s.tenant.id, acme.id, s.alice.id, TODAY, "MANUAL", "续约");
    expect(renderText((await conversation.renderEntityCard(s.tenant.id, "Callback", today.id))!).text).toContain("到期：今天\n");
  });

  it("renders a member's due list as a CallbackList card in that member's language", async () => {
    const s = await scene();
    await tdb.prisma.member.update({ where: { id: s.alice.id }, data: { locale: "zh-CN" } });
    await makeCustomer(s.tenant.id, s.alice.id, "Vega Group", "VIP", TODAY);
    const view = await conversation.renderEntityCard(s.tenant.id, "CallbackList", s.alice.id);
    const shown = renderText(view!);
    expect(shown.text).toContain("我的回访 · 11月23日 周一");
    expect(shown.text).toContain("Vega Group");
    const done = await doneVia(s.as(s.alice), shown.choices[0]!);
    expect(replyText(done.reply)).toContain("已完成对 Vega Group 的回访。");
  });
});
