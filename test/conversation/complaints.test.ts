// The complaints conversation end to end: the real Conversation, the real core and database,
// users talking through the console platform. Assertions are on what people see (the plain-text
// rendering) and on what was stored (complaint rows, events, audit rows, outbox rows).
import type { OutboxMessage } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepSlaWarnings } from "../../src/core/complaints/warnings.js";
import { sweepComplaintSla } from "../../src/core/complaints/sweep.js";
import { normalizeName } from "../../src/core/customers/rules.js";
import type { ActionReply, PlatformUser, Reply } from "../../src/conversation/port.js";
import { renderText, renderTextForm } from "../../src/conversation/render/text.js";
import { decodeButtonPayload, encodeButtonPayload } from "../../src/conversation/views/payload.js";
import type { View } from "../../src/conversation/views/view.js";
import {
  choiceByLabel,
  click,
  conversationAt,
  errorsOf,
  formOf,
  labelsOf,
  registerConsoleTeam,
  submit,
  textOf,
  viewOf,
} from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await openTestDatabase();
});

afterAll(async () => {
  await tdb?.close();
});

// 2026-11-23 09:00 in Shanghai.
const NOW = "2026-11-23T01:00:00Z";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CHANNEL = "C-complaints";
let tenantCounter = 0;

const NAMES = {
  en: { alice: "Alice", li: "Li", wang: "Wang", bob: "Bob", boss: "Boss", customer: "Acme Trading", other: "Acme Tools" },
  "zh-CN": { alice: "小王", li: "李主管", wang: "王经理", bob: "小赵", boss: "管理员", customer: "华东机电有限公司", other: "华东电气集团" },
} as const;

/**
 * A tenant seen through the conversation: Alice (account manager) reports to Li (supervisor), who
 * reports to Wang (department manager); Bob is an account manager outside that team; Boss is the
 * bootstrapped admin. Alice owns two customers whose names share a prefix; the tenant has a
 * complaints channel.
 */
async function scene(locale: "en" | "zh-CN" = "en") {
  const { deps, conversation } = conversationAt(tdb.prisma, NOW, { admins: ["boss"], defaultLocale: locale });
  const tenantExternalId = `T-cmp-${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const names = NAMES[locale];
  const team = await registerConsoleTeam(tdb.prisma, conversation, tenantExternalId, names);
  // Wall-clock SLA minutes: these tests are about the conversation; business-time clocks have
  // their own tests (src/core/complaints/business-time.test.ts).
  const slaClock = { CRITICAL: "calendar", HIGH: "calendar", MEDIUM: "calendar", LOW: "calendar" };
  const tenant = await tdb.prisma.tenant.update({ where: { id: team.tenant.id }, data: { settings: { channels: { complaints: CHANNEL }, slaClock } } });
  const customerOf = (name: string) =>
    tdb.prisma.customer.create({ data: { tenantId: tenant.id, name, nameKey: normalizeName(name), ownerId: team.members.alice.id, tier: "B", status: "ACTIVE" } });
  const customer = await customerOf(names.customer);
  const other = await customerOf(names.other);
  return { deps, conversation, tenant, users: team.users, members: team.members, customer, other };
}

type Scene = Awaited<ReturnType<typeof scene>>;

function say(s: Scene, user: PlatformUser, text: string): Promise<Reply> {
  return s.conversation.command({ user, text });
}

/** The refreshed card every copy gets: the Complaint entity, buttons only its assignee may click. */
function updatedCardOf(reply: ActionReply, complaintId: string, assigneeId: string): View {
  expect(reply.updatedCard).toBeDefined();
  expect(reply.updatedCard!.entityType).toBe("Complaint");
  expect(reply.updatedCard!.entityId).toBe(complaintId);
  for (const c of renderText(reply.updatedCard!.view).choices) {
    const decoded = decodeButtonPayload(c.payload, { now: new Date(NOW) });
    expect(decoded.ok && decoded.payload.memberId).toBe(assigneeId);
  }
  return reply.updatedCard!.view;
}

async function complaints(tenantId: string) {
  return tdb.prisma.complaint.findMany({ where: { tenantId }, orderBy: { number: "asc" } });
}

async function outbox(complaintId: string, kind: string, target?: string): Promise<OutboxMessage[]> {
  const rows = await tdb.prisma.outboxMessage.findMany({ where: { entityId: complaintId }, orderBy: { createdAt: "asc" } });
  return rows.filter((r) => (r.payload as { kind?: string }).kind === kind && (target === undefined || r.target === target));
}

async function delivered(s: Scene, complaintId: string, kind: string, target: string) {
  const [message] = await outbox(complaintId, kind, target);
  expect(message, `${kind} → ${target}`).toBeDefined();
  const delivery = await s.conversation.renderDelivery(message!);
  expect(delivery).not.toBeNull();
  return delivery!;
}

async function auditActions(complaintId: string) {
  const rows = await tdb.prisma.auditLog.findMany({ where: { entityType: "Complaint", entityId: complaintId }, orderBy: { id: "asc" } });
  return rows.map((r) => r.action);
}

async function eventKinds(complaintId: string) {
  const rows = await tdb.prisma.complaintEvent.findMany({ where: { complaintId }, orderBy: { at: "asc" } });
  return rows.map((e) => e.kind);
}

/** Bob registers a HIGH complaint about Acme Trading for Alice; returns the stored row. */
async function registerAsBob(s: Scene, text = 'complaint "Acme Trading" high Third late delivery this month') {
  const reply = viewOf(await say(s, s.users.bob, text));
  const all = await complaints(s.tenant.id);
  return { reply, complaint: all.at(-1)! };
}

describe("registering a complaint", () => {
  it("registers from one command line, tells the assignee and the channel, and shows the reporter the card", async () => {
    const s = await scene("en");
    const { reply, complaint } = await registerAsBob(s);

    const shown = textOf(reply);
    expect(shown).toContain("Complaint #1 · Acme Trading  [open]");
    expect(shown).toContain("Complaint #1 registered. Alice must acknowledge it by Nov 23, 13:00.");
    expect(shown).toContain("Severity: high");
    expect(shown).toContain("Category: other");
    expect(shown).toContain("Escalation: not escalated");
    expect(shown).toContain("Handled by: Alice");
    expect(shown).toContain("Reported by: Bob");
    expect(shown).toContain("Acknowledge by: Nov 23, 13:00");
    expect(shown).toContain("Resolve by: Nov 26, 09:00");
    expect(shown).toContain("Third late delivery this month");
    expect(shown).toContain("Nov 23, 09:00 · Registered by Bob");
    // Bob reported it but works in another team: he may escalate, not acknowledge.
    expect(labelsOf(reply)).toEqual(["Escalate"]);

    expect(complaint).toMatchObject({
      number: 1,
      customerId: s.customer.id,
      reporterId: s.members.bob.id,
      assigneeId: s.members.alice.id,
      severity: "HIGH",
      category: "OTHER",
      status: "OPEN",
      description: "Third late delivery this month",
    });
    expect(await auditActions(complaint.id)).toEqual(["complaint.registered"]);

    // Alice's DM: the card with the buttons only she may click.
    const dm = await delivered(s, complaint.id, "complaint.registered", `member:${s.members.alice.id}`);
    expect(dm.to).toEqual({ kind: "member", platformUserId: "alice" });
    expect(textOf(dm.view)).toContain("New complaint #1 about Acme Trading, assigned to you (reported by Bob).");
    expect(dm.view.summary).toBe("New complaint #1 about Acme Trading, assigned to you (reported by Bob).");
    expect(labelsOf(dm.view)).toEqual(["Acknowledge", "Escalate"]);
    const ack = decodeButtonPayload(choiceByLabel(dm.view, "Acknowledge").payload, { now: new Date(NOW) });
    expect(ack.ok && ack.payload).toMatchObject({ entityId: complaint.id, memberId: s.members.alice.id });

    // The channel post: the same card, no buttons.
    const post = await delivered(s, complaint.id, "complaint.registered", "channel:complaints");
    expect(post.to).toEqual({ kind: "channel", channelId: CHANNEL });
    expect(textOf(post.view)).toContain("New complaint #1 about Acme Trading (high), assigned to Alice.");
    expect(textOf(post.view)).toContain("Acknowledge by: Nov 23, 13:00");
    expect(labelsOf(post.view)).toEqual([]);
  });

  it("registers in Chinese and tells the supervisor of a critical complaint", async () => {
    const s = await scene("zh-CN");
    const reply = viewOf(await say(s, s.users.bob, "投诉 华东机电 紧急 设备宕机影响生产"));
    const [complaint] = await complaints(s.tenant.id);
    expect(complaint).toMatchObject({ severity: "CRITICAL", customerId: s.customer.id, assigneeId: s.members.alice.id });

    const shown = textOf(reply);
    expect(shown).toContain("投诉 #1 · 华东机电有限公司  [待处理]");
    expect(shown).toContain("投诉 #1 已登记，小王 须在 11月23日 10:00 前受理。");
    expect(shown).toContain("严重程度：紧急");
    expect(shown).toContain("受理时限：11月23日 10:00");
    expect(shown).toContain("解决时限：11月24日 09:00");
    expect(shown).toContain("11月23日 09:00 · 小赵 登记");
    expect(labelsOf(reply)).toEqual(["升级"]);

    const toLi = await delivered(s, complaint!.id, "complaint.registered", `member:${s.members.li.id}`);
    expect(toLi.to).toEqual({ kind: "member", platformUserId: "li" });
    expect(textOf(toLi.view)).toContain("您团队的紧急投诉 #1（华东机电有限公司），处理人：小王。");
    // Li may act for Alice: both buttons, bound to Li.
    expect(labelsOf(toLi.view)).toEqual(["受理", "升级"]);
    const liAck = decodeButtonPayload(choiceByLabel(toLi.view, "受理").payload, { now: new Date(NOW) });
    expect(liAck.ok && liAck.payload.memberId).toBe(s.members.li.id);

    const post = await delivered(s, complaint!.id, "complaint.registered", "channel:complaints");
    expect(textOf(post.view)).toContain("新投诉 #1（华东机电有限公司，紧急），处理人：小王。");
    expect(labelsOf(post.view)).toEqual([]);

    // Li acknowledges for Alice from his DM.
    const acked = await click(s.conversation, s.users.li, choiceByLabel(toLi.view, "受理"));
    expect(textOf(viewOf(acked.reply))).toBe("投诉 #1 已受理，请在 11月24日 09:00 前解决。");
    const card = textOf(updatedCardOf(acked, complaint!.id, s.members.alice.id));
    expect(card).toContain("状态：已受理");
    expect(card).toContain("受理时限：已于 11月23日 09:00 完成");
    expect(card).toContain("11月23日 09:00 · 李主管 受理");
    expect((await complaints(s.tenant.id))[0]!.status).toBe("ACKNOWLEDGED");
  });

  it("opens a form for missing details and registers what the form sends", async () => {
    const s = await scene("en");
    const form = formOf(await say(s, s.users.alice, 'complaint "Acme Trading"'));
    expect(form.actionId).toBe("complaint.register");
    expect(form.fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["customer", "customer", true],
      ["severity", "select", true],
      ["category", "select", false],
      ["description", "textarea", true],
    ]);
    expect(form.fields[0]!.default).toBe("Acme Trading");
    expect(form.fields[2]!.default).toBe("OTHER");
    const steps = renderTextForm(form).steps;
    expect(steps[1]!.prompt).toContain("critical — acknowledge within 1 h, resolve within 24 h");
    expect(steps[1]!.prompt).toContain("low — acknowledge within 48 h, resolve within 14 days");
    expect(await complaints(s.tenant.id)).toEqual([]);

    const done = await submit(s.conversation, s.users.alice, form, { customer: "Acme Trading", severity: "MEDIUM", category: "BILLING", description: "Invoice title is wrong" });
    expect(textOf(viewOf(done.reply))).toContain("Complaint #1 registered. Alice must acknowledge it by Nov 24, 09:00.");
    expect(await complaints(s.tenant.id)).toMatchObject([{ severity: "MEDIUM", category: "BILLING", reporterId: s.members.alice.id }]);

    // A bare "complaint" asks for everything.
    const empty = formOf(await say(s, s.users.alice, "complaint"));
    expect(empty.fields.map((f) => f.default)).toEqual([undefined, undefined, "OTHER", undefined]);
  });

  it("opens the prefilled form from the customer card's button", async () => {
    const s = await scene("en");
    const card = viewOf(await say(s, s.users.alice, 'customer "Acme Tools"'));
    const form = formOf((await click(s.conversation, s.users.alice, choiceByLabel(card, "Register complaint"))).reply);
    expect(form.fields.find((f) => f.name === "customer")!.default).toBe("Acme Tools");
    const done = await submit(s.conversation, s.users.alice, form, { customer: "Acme Tools", severity: "LOW", description: "Slow replies" });
    expect(textOf(viewOf(done.reply))).toContain("Complaint #1 · Acme Tools");
    expect(await complaints(s.tenant.id)).toMatchObject([{ customerId: s.other.id, severity: "LOW", category: "OTHER" }]);
  });

  it("asks which customer when the name is ambiguous, keeping what was typed", async () => {
    const s = await scene("en");
    const form = formOf(await say(s, s.users.bob, "complaint Acme high late again"));
    expect(form.intro).toBe('Several customers match "Acme" — which one?');
    // Bob is not in Alice's team: her customers' names are not offered (issue 15), the field
    // stays free text so he can still type the one he means.
    const customer = form.fields.find((f) => f.name === "customer")!;
    expect(customer.options).toBeUndefined();
    expect(customer.default).toBe("Acme");
    expect(form.fields.find((f) => f.name === "severity")!.default).toBe("HIGH");
    expect(form.fields.find((f) => f.name === "description")!.default).toBe("late again");
    expect(await complaints(s.tenant.id)).toEqual([]);

    // A still-ambiguous name typed into the form is shown next to the field.
    const again = await submit(s.conversation, s.users.bob, form, { customer: "Acme", severity: "HIGH", description: "late again" });
    expect(errorsOf(again.reply).customer).toBe("“Acme” matches several customers: …. Please type more of the name.");
    expect(await complaints(s.tenant.id)).toEqual([]);

    await submit(s.conversation, s.users.bob, form, { customer: "Acme Tools", severity: "HIGH", description: "late again" });
    expect(await complaints(s.tenant.id)).toMatchObject([{ customerId: s.other.id, description: "late again" }]);
  });

  it("answers bad input with a helpful message and writes nothing", async () => {
    const s = await scene("en");
    const unknown = viewOf(await say(s, s.users.bob, 'complaint "Globex" high broken pump'));
    expect(textOf(unknown)).toBe("No customer matches “Globex”.");

    const badSeverity = viewOf(await say(s, s.users.bob, 'complaint "Acme Trading" urgent-ish late'));
    expect(textOf(badSeverity)).toContain("urgent-ish");

    const form = formOf(await say(s, s.users.bob, "complaint"));
    const tooLong = await submit(s.conversation, s.users.bob, form, { customer: "Acme Trading", severity: "HIGH", description: "x".repeat(2001) });
    expect(errorsOf(tooLong.reply)).toEqual({ description: "At most 2000 characters." });
    const wrongOption = await submit(s.conversation, s.users.bob, form, { customer: "Acme Trading", severity: "URGENT", description: "late" });
    expect(errorsOf(wrongOption.reply)).toEqual({ severity: "Choose one of the options." });
    const missing = await submit(s.conversation, s.users.bob, form, { customer: "", severity: "HIGH", description: "  " });
    expect(errorsOf(missing.reply)).toEqual({ customer: "Please fill this in.", description: "Please fill this in." });
    const noSuch = await submit(s.conversation, s.users.bob, form, { customer: "Globex", severity: "HIGH", description: "late" });
    expect(errorsOf(noSuch.reply)).toEqual({ customer: "No customer matches “Globex”." });

    const vanished = await s.conversation.action({
      user: s.users.bob,
      actionId: "complaint.open_form",
      payload: encodeButtonPayload({ entityId: "no-such-customer", memberId: s.members.bob.id, expiresAt: new Date(Date.parse(NOW) + HOUR) }),
    });
    expect(textOf(viewOf(vanished.reply))).toBe("No such customer.");

    expect(await complaints(s.tenant.id)).toEqual([]);
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: s.tenant.id } })).toBe(0);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id, entityType: "Complaint" } })).toBe(0);
  });
});

describe("working a complaint", () => {
  it("acknowledges, resolves, closes and reopens with every copy updated and double clicks answered", async () => {
    const s = await scene("en");
    const { complaint } = await registerAsBob(s);
    const dm = await delivered(s, complaint.id, "complaint.registered", `member:${s.members.alice.id}`);

    s.deps.clock.advance(30 * MINUTE);
    const ackButton = choiceByLabel(dm.view, "Acknowledge");
    const acked = await click(s.conversation, s.users.alice, ackButton);
    expect(textOf(viewOf(acked.reply))).toBe("Complaint #1 acknowledged. Resolve it by Nov 26, 09:00.");
    const ackCard = updatedCardOf(acked, complaint.id, s.members.alice.id);
    expect(textOf(ackCard)).toContain("Complaint #1 · Acme Trading  [acknowledged]");
    expect(textOf(ackCard)).toContain("Acknowledge by: done Nov 23, 09:30");
    expect(textOf(ackCard)).toContain("Nov 23, 09:30 · Acknowledged by Alice");
    expect(labelsOf(ackCard)).toEqual(["Resolve", "Escalate"]);

    // The same button again: who did it, and the card once more (nothing written).
    const twice = await click(s.conversation, s.users.alice, ackButton);
    expect(textOf(viewOf(twice.reply))).toBe("Already acknowledged by Alice.");
    expect(labelsOf(updatedCardOf(twice, complaint.id, s.members.alice.id))).toEqual(["Resolve", "Escalate"]);
    expect(await eventKinds(complaint.id)).toEqual(["REGISTERED", "ACKNOWLEDGED"]);

    // Resolve asks for the resolution first.
    const resolveForm = formOf((await click(s.conversation, s.users.alice, choiceByLabel(ackCard, "Resolve"))).reply);
    expect(resolveForm.title).toBe("Resolve complaint #1");
    expect(resolveForm.intro).toBe("*#1 Acme Trading* (high): Third late delivery this month");
    const blank = await submit(s.conversation, s.users.alice, resolveForm, { resolution: " " });
    expect(errorsOf(blank.reply)).toEqual({ resolution: "Please fill this in." });
    expect((await complaints(s.tenant.id))[0]!.status).toBe("ACKNOWLEDGED");

    s.deps.clock.advance(2 * HOUR);
    const resolved = await submit(s.conversation, s.users.alice, resolveForm, { resolution: "Sent the missing parts by courier" });
    expect(textOf(viewOf(resolved.reply))).toBe("Complaint #1 resolved. A satisfaction callback is due on Thu, Nov 26.");
    const resolvedCard = updatedCardOf(resolved, complaint.id, s.members.alice.id);
    expect(textOf(resolvedCard)).toContain("Resolution\nSent the missing parts by courier");
    expect(textOf(resolvedCard)).toContain("Resolve by: done Nov 23, 11:30");
    expect(labelsOf(resolvedCard)).toEqual(["Close", "Reopen"]);
    const callback = await tdb.prisma.callback.findFirstOrThrow({ where: { sourceComplaintId: complaint.id } });
    expect(callback).toMatchObject({ reason: "AFTER_COMPLAINT", status: "PENDING", assigneeId: s.members.alice.id });

    // A second submission of the same form: already resolved.
    const resolvedTwice = await submit(s.conversation, s.users.alice, resolveForm, { resolution: "again" });
    expect(textOf(viewOf(resolvedTwice.reply))).toBe("Already resolved by Alice.");

    // Bob, who reported it, hears of it and may reopen (but not close).
    const toBob = await delivered(s, complaint.id, "complaint.resolved", `member:${s.members.bob.id}`);
    expect(textOf(toBob.view)).toContain("The complaint #1 you reported about Acme Trading was resolved by Alice.");
    expect(labelsOf(toBob.view)).toEqual(["Reopen"]);

    const closed = await click(s.conversation, s.users.alice, choiceByLabel(resolvedCard, "Close"));
    expect(textOf(viewOf(closed.reply))).toBe("Complaint #1 closed.");
    expect(labelsOf(updatedCardOf(closed, complaint.id, s.members.alice.id))).toEqual(["Reopen"]);
    const closedTwice = await click(s.conversation, s.users.alice, choiceByLabel(resolvedCard, "Close"));
    expect(textOf(viewOf(closedTwice.reply))).toBe("Already closed by Alice.");

    const reopenForm = formOf((await click(s.conversation, s.users.bob, choiceByLabel(toBob.view, "Reopen"))).reply);
    expect(reopenForm.fields.map((f) => f.name)).toEqual(["reason"]);
    const reopened = await submit(s.conversation, s.users.bob, reopenForm, { reason: "Parts arrived broken" });
    expect(textOf(viewOf(reopened.reply))).toBe("Complaint #1 reopened; Alice must acknowledge it again by Nov 23, 15:30.");
    const reopenedCard = textOf(updatedCardOf(reopened, complaint.id, s.members.alice.id));
    expect(reopenedCard).toContain("[open]");
    expect(reopenedCard).toContain("Nov 23, 11:30 · Reopened by Bob\n  Parts arrived broken");

    // The stale Reopen button and a resubmitted form both say who reopened it.
    expect(textOf(viewOf((await click(s.conversation, s.users.bob, choiceByLabel(toBob.view, "Reopen"))).reply))).toBe("Already reopened by Bob.");
    expect(textOf(viewOf((await submit(s.conversation, s.users.bob, reopenForm, { reason: "again" })).reply))).toBe("Already reopened by Bob.");

    const toAlice = await delivered(s, complaint.id, "complaint.reopened", `member:${s.members.alice.id}`);
    expect(textOf(toAlice.view)).toContain("Complaint #1 about Acme Trading was reopened by Bob; new deadlines apply.");
    expect(labelsOf(toAlice.view)).toEqual(["Acknowledge", "Escalate"]);
    const reopenPost = await delivered(s, complaint.id, "complaint.reopened", "channel:complaints");
    expect(textOf(reopenPost.view)).toContain("Complaint #1 about Acme Trading was reopened by Bob; with Alice.");
    expect(labelsOf(reopenPost.view)).toEqual([]);

    expect(await eventKinds(complaint.id)).toEqual(["REGISTERED", "ACKNOWLEDGED", "RESOLVED", "CLOSED", "REOPENED"]);
    expect(await auditActions(complaint.id)).toEqual([
      "complaint.registered",
      "complaint.acknowledged",
      "complaint.resolved",
      "complaint.closed",
      "complaint.reopened",
    ]);
  });

  it("refuses members who are not involved with the localized message and changes nothing", async () => {
    const s = await scene("en");
    const { complaint } = await registerAsBob(s);
    const dm = await delivered(s, complaint.id, "complaint.registered", `member:${s.members.alice.id}`);

    // Alice's button clicked by Bob.
    const notYours = await click(s.conversation, s.users.bob, choiceByLabel(dm.view, "Acknowledge"));
    expect(textOf(viewOf(notYours.reply))).toBe("This button is meant for someone else.");
    expect(notYours.updatedCard).toBeUndefined();

    // A button made out for Bob (a forwarded or forged card): the core still says no.
    const forged = (actionId: string) =>
      s.conversation.action({
        user: s.users.bob,
        actionId,
        payload: encodeButtonPayload({ entityId: complaint.id, memberId: s.members.bob.id, expiresAt: new Date(Date.parse(NOW) + HOUR) }),
      });
    expect(textOf(viewOf((await forged("complaint.ack")).reply))).toBe("You are not involved in complaint #1.");
    // Bob reported it, so he may see it, but only the team may work on it.
    expect(textOf(viewOf((await forged("complaint.resolve")).reply))).toBe("You are not involved in complaint #1.");
    expect((await complaints(s.tenant.id))[0]!.status).toBe("OPEN");
    expect(await auditActions(complaint.id)).toEqual(["complaint.registered"]);

    // In Chinese too.
    const zh = await scene("zh-CN");
    await say(zh, zh.users.alice, "投诉 华东机电 高 发货延迟");
    const [zc] = await complaints(zh.tenant.id);
    const zhForged = await zh.conversation.action({
      user: zh.users.bob,
      actionId: "complaint.close",
      payload: encodeButtonPayload({ entityId: zc!.id, memberId: zh.members.bob.id, expiresAt: new Date(Date.parse(NOW) + HOUR) }),
    });
    expect(textOf(viewOf(zhForged.reply))).toBe("您不是投诉 #1 的相关人员。");
  });

  it("escalates by hand with a reason, hands it to the supervisor, and answers a stale escalate button", async () => {
    const s = await scene("en");
    const { complaint } = await registerAsBob(s);
    const dm = await delivered(s, complaint.id, "complaint.registered", `member:${s.members.alice.id}`);

    const escalateButton = choiceByLabel(dm.view, "Escalate");
    const form = formOf((await click(s.conversation, s.users.alice, escalateButton)).reply);
    expect(form.fields[0]!.hint).toBe("It goes one level up, to Alice's supervisor.");
    expect(errorsOf((await submit(s.conversation, s.users.alice, form, { reason: "" })).reply)).toEqual({ reason: "Please fill this in." });
    expect(errorsOf((await submit(s.conversation, s.users.alice, form, { reason: "y".repeat(501) })).reply)).toEqual({ reason: "At most 500 characters." });

    const escalated = await submit(s.conversation, s.users.alice, form, { reason: "Customer threatens to cancel the contract" });
    expect(textOf(viewOf(escalated.reply))).toBe("Complaint #1 escalated to level 1; it is now with Li.");
    const card = textOf(updatedCardOf(escalated, complaint.id, s.members.li.id));
    expect(card).toContain("Escalation: level 1");
    expect(card).toContain("Handled by: Li");
    expect(card).toContain("Escalated by Alice to level 1, now with Li\n  Customer threatens to cancel the contract");
    expect((await complaints(s.tenant.id))[0]).toMatchObject({ escalationLevel: 1, assigneeId: s.members.li.id });

    const toLi = await delivered(s, complaint.id, "complaint.escalated", `member:${s.members.li.id}`);
    expect(textOf(toLi.view)).toContain("Complaint #1 about Acme Trading was escalated to you (level 1) by Alice.");
    expect(labelsOf(toLi.view)).toEqual(["Acknowledge", "Escalate"]);
    const post = await delivered(s, complaint.id, "complaint.escalated", "channel:complaints");
    expect(textOf(post.view)).toContain("Complaint #1 about Acme Trading was escalated to level 1 by Alice; now with Li.");
    expect(labelsOf(post.view)).toEqual([]);

    // The old card's Escalate (level 0) and a resubmitted form do not escalate a second time.
    expect(textOf(viewOf((await click(s.conversation, s.users.alice, escalateButton)).reply))).toBe("Already escalated to level 1 by Alice.");
    expect(textOf(viewOf((await submit(s.conversation, s.users.alice, form, { reason: "again" })).reply))).toBe("Already escalated to level 1 by Alice.");
    expect((await complaints(s.tenant.id))[0]!.escalationLevel).toBe(1);
    expect(await auditActions(complaint.id)).toEqual(["complaint.registered", "complaint.escalated"]);
  });

  it("renders the pre-breach warning for the holder, in English and in Chinese, with the card's buttons", async () => {
    const s = await scene("en");
    const { complaint } = await registerAsBob(s);
    // 80% of the 4-hour acknowledge deadline: 3 h 12 min in.
    s.deps.clock.set(new Date(Date.parse(NOW) + 3 * HOUR + 12 * MINUTE));
    await sweepSlaWarnings(s.deps, s.deps.clock.now());
    const warning = await delivered(s, complaint.id, "complaint.sla_warning", `member:${s.members.alice.id}`);
    expect(textOf(warning.view)).toContain("Complaint #1 about Acme Trading (high): the acknowledge deadline is at Nov 23, 13:00. Act before it escalates.");
    expect(labelsOf(warning.view)).toContain("Acknowledge");
    await tdb.prisma.member.update({ where: { id: s.members.alice.id }, data: { locale: "zh-CN" } });
    const zh = await delivered(s, complaint.id, "complaint.sla_warning", `member:${s.members.alice.id}`);
    expect(textOf(zh.view)).toContain("关于 Acme Trading 的投诉 #1（高）：");
    expect(textOf(zh.view)).toContain("11月23日 13:00，请在升级前处理。");
  });

  it("renders SLA escalations and a breach at the top level for the new owner and the channel", async () => {
    const s = await scene("en");
    const { complaint } = await registerAsBob(s);

    // 4 h to acknowledge: at 13:01 the sweep hands it to Li.
    s.deps.clock.set(new Date(Date.parse(NOW) + 4 * HOUR + MINUTE));
    const overdue = textOf(viewOf(await say(s, s.users.alice, "complaints")));
    expect(overdue).toContain("acknowledge by Nov 23, 13:00 ⚠ overdue");
    await sweepComplaintSla(s.deps, s.deps.clock.now());
    const toLi = await delivered(s, complaint.id, "complaint.escalated", `member:${s.members.li.id}`);
    expect(textOf(toLi.view)).toContain("Complaint #1 about Acme Trading was escalated to you (level 1): the acknowledge deadline was missed by Alice.");
    expect(textOf(toLi.view)).toContain("Acknowledge by: Nov 23, 13:00 ⚠ overdue");
    expect(textOf(toLi.view)).toContain("Escalated to level 1 (acknowledge deadline missed), now with Li");
    const post = await delivered(s, complaint.id, "complaint.escalated", "channel:complaints");
    expect(textOf(post.view)).toContain("Complaint #1 about Acme Trading missed its acknowledge deadline and was escalated to level 1; now with Li.");

    // Li escalates to Wang (level 2); then the resolve deadline passes at the top level.
    const form = formOf((await click(s.conversation, s.users.li, choiceByLabel(toLi.view, "Escalate"))).reply);
    await submit(s.conversation, s.users.li, form, { reason: "Needs the department head" });
    const toWang = await delivered(s, complaint.id, "complaint.escalated", `member:${s.members.wang.id}`);
    expect(labelsOf(toWang.view)).toEqual(["Acknowledge"]);
    s.deps.clock.set(new Date(Date.parse(NOW) + 72 * HOUR + MINUTE));
    await sweepComplaintSla(s.deps, s.deps.clock.now());
    const breach = await delivered(s, complaint.id, "complaint.sla_breached", `member:${s.members.wang.id}`);
    expect(textOf(breach.view)).toContain("Complaint #1 about Acme Trading missed its resolve deadline. It is at the top level and stays with you.");
    expect(textOf(breach.view)).toContain("resolve deadline missed (already at the top level)");
    const breachPost = await delivered(s, complaint.id, "complaint.sla_breached", "channel:complaints");
    expect(textOf(breachPost.view)).toContain("Complaint #1 about Acme Trading missed its resolve deadline (top level, with Wang).");

    // The entity card (for refreshing posted copies) shows the same state, with Wang's buttons.
    const entityCard = (await s.conversation.renderEntityCard(s.tenant.id, "Complaint", complaint.id))!;
    expect(textOf(entityCard)).toContain("Escalation: level 2");
    expect(labelsOf(entityCard)).toEqual(["Acknowledge"]);
    const decoded = decodeButtonPayload(choiceByLabel(entityCard, "Acknowledge").payload, { now: s.deps.clock.now() });
    expect(decoded.ok && decoded.payload.memberId).toBe(s.members.wang.id);
    // At the top level, escalating is refused with the core's message.
    const stale = await click(s.conversation, s.users.li, choiceByLabel(toLi.view, "Escalate"));
    expect(textOf(viewOf(stale.reply))).toBe("Already escalated to level 2 by Li.");
  });
});

describe("the complaints list", () => {
  it("shows my and my team's open complaints, most urgent first, with the buttons of each state", async () => {
    const s = await scene("en");
    await registerAsBob(s, 'complaint "Acme Trading" low Wrong invoice title');
    await registerAsBob(s, 'complaint "Acme Tools" critical Line stopped');
    const [low, critical] = await complaints(s.tenant.id);

    const mine = viewOf(await say(s, s.users.alice, "complaints"));
    const text = textOf(mine);
    expect(text).toContain("Open complaints (2)");
    expect(text.indexOf("#2 Acme Tools")).toBeLessThan(text.indexOf("#1 Acme Trading"));
    expect(text).toContain("#2 Acme Tools · critical · open · not escalated\n  Alice · acknowledge by Nov 23, 10:00");
    expect(labelsOf(mine)).toEqual(["Details", "Acknowledge", "Escalate", "Details", "Acknowledge", "Escalate"]);

    // Li supervises Alice: the same complaints, buttons bound to Li. Bob's team has none.
    const team = viewOf(await say(s, s.users.li, "complaints"));
    expect(textOf(team)).toContain("Open complaints (2)");
    const decoded = decodeButtonPayload(choiceByLabel(team, "Acknowledge").payload, { now: new Date(NOW) });
    expect(decoded.ok && decoded.payload).toMatchObject({ entityId: critical!.id, memberId: s.members.li.id });
    expect(textOf(viewOf(await say(s, s.users.bob, "complaints")))).toContain("No open complaints for you or your team.");

    // Acknowledging from the list: the list comes back refreshed, every copy of the card updates.
    const acked = await click(s.conversation, s.users.alice, choiceByLabel(mine, "Acknowledge"));
    const list = viewOf(acked.reply);
    expect(textOf(list)).toContain("Complaint #2 acknowledged. Resolve it by Nov 24, 09:00.");
    expect(textOf(list)).toContain("#2 Acme Tools · critical · acknowledged · not escalated\n  Alice · resolve by Nov 24, 09:00");
    expect(labelsOf(list)).toEqual(["Details", "Resolve", "Escalate", "Details", "Acknowledge", "Escalate"]);
    expect(labelsOf(updatedCardOf(acked, critical!.id, s.members.alice.id))).toEqual(["Resolve", "Escalate"]);

    const details = viewOf((await click(s.conversation, s.users.alice, choiceByLabel(mine, "Details", 1))).reply);
    expect(textOf(details)).toContain("Complaint #1 · Acme Trading  [open]");
    expect(textOf(details)).toContain("Wrong invoice title");
    expect(low!.status).toBe("OPEN");

    const zh = await scene("zh-CN");
    await say(zh, zh.users.bob, "投诉 华东机电 中 回复慢");
    const zhList = textOf(viewOf(await say(zh, zh.users.alice, "投诉列表")));
    expect(zhList).toContain("未结投诉（1）");
    expect(zhList).toContain("#1 华东机电有限公司 · 中 · 待处理 · 未升级\n  小王 · 受理时限 11月24日 09:00");
  });
});
