// The hospitality conversation end to end: the real Conversation, the real core and database,
// users talking through the console platform. Assertions are on what people see (the plain-text
// rendering) and on what was stored (rows, audit rows, outbox rows).
import type { OutboxMessage } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName } from "../../src/core/customers/rules.js";
import { sweepApprovalReminders } from "../../src/core/hospitality/reminders.js";
import type { ActionReply } from "../../src/conversation/port.js";
import { renderFeishuCard } from "../../src/conversation/render/feishu.js";
import { renderSlackMessage, renderSlackModal } from "../../src/conversation/render/slack.js";
import { renderText } from "../../src/conversation/render/text.js";
import { decodeButtonPayload, encodeButtonPayload } from "../../src/conversation/views/payload.js";
import {
  choiceByLabel,
  click,
  conversationAt,
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
let tenantCounter = 0;

const NAMES = {
  en: { alice: "Alice", li: "Li", wang: "Wang", bob: "Bob", boss: "Boss", customer: "Acme Trading" },
  "zh-CN": { alice: "小王", li: "李主管", wang: "王经理", bob: "小赵", boss: "管理员", customer: "华东机电有限公司" },
} as const;

/**
 * A tenant seen through the conversation: Alice (account manager) reports to Li (supervisor),
 * who reports to Wang (department manager); Bob is an account manager outside that team; Boss is
 * the bootstrapped admin. Alice owns one B-tier customer.
 */
async function scene(locale: "en" | "zh-CN" = "en") {
  const { deps, conversation } = conversationAt(tdb.prisma, NOW, { admins: ["boss"], defaultLocale: locale });
  const tenantExternalId = `T-hosp-${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const names = NAMES[locale];
  const { tenant, users, members } = await registerConsoleTeam(tdb.prisma, conversation, tenantExternalId, names);
  const customer = await tdb.prisma.customer.create({
    data: {
      tenantId: tenant.id,
      name: names.customer,
      nameKey: normalizeName(names.customer),
      ownerId: members.alice.id,
      tier: "B",
      status: "ACTIVE",
    },
  });
  return { deps, conversation, tenant, users, members, customer };
}

type Scene = Awaited<ReturnType<typeof scene>>;

/** The updated card of a decision: the entity, and no buttons any more. */
function expectButtonlessCard(reply: ActionReply, requestId: string): string {
  expect(reply.updatedCard).toBeDefined();
  expect(reply.updatedCard!.entityType).toBe("HospitalityRequest");
  expect(reply.updatedCard!.entityId).toBe(requestId);
  expect(labelsOf(reply.updatedCard!.view)).toEqual([]);
  return textOf(reply.updatedCard!.view);
}

async function requests(tenantId: string) {
  return tdb.prisma.hospitalityRequest.findMany({ where: { tenantId }, include: { steps: { orderBy: { position: "asc" } } }, orderBy: { number: "asc" } });
}

async function outbox(requestId: string, kind: string): Promise<OutboxMessage[]> {
  const rows = await tdb.prisma.outboxMessage.findMany({ where: { entityId: requestId }, orderBy: { createdAt: "asc" } });
  return rows.filter((r) => (r.payload as { kind?: string }).kind === kind);
}

async function audits(requestId: string, action?: string) {
  return tdb.prisma.auditLog.findMany({
    where: { entityType: "HospitalityRequest", entityId: requestId, ...(action ? { action } : {}) },
    orderBy: { id: "asc" },
  });
}

/** Alice asks for 6,000 CNY for 4 guests; returns the stored request and Li's delivered card. */
async function requestAndDeliver(s: Scene, text = "hospitality Acme 6000 2026-11-25 meal 4pax Annual thanks") {
  const reply = viewOf(await s.conversation.command({ user: s.users.alice, text }));
  const all = await requests(s.tenant.id);
  const request = all.at(-1)!;
  const [message] = await outbox(request.id, "hospitality.approval_requested");
  const delivery = await s.conversation.renderDelivery(message!);
  return { reply, request, delivery: delivery! };
}

describe("hospitality request and approval through the conversation", () => {
  it("walks 6,000 CNY from the specialist to the supervisor and the manager and tells the requester", async () => {
    const s = await scene("en");
    const { reply, request, delivery } = await requestAndDeliver(s);

    // The requester's answer: the card with the chain and their own Cancel button.
    const shown = textOf(reply);
    expect(shown).toContain("Hospitality request #1  [pending]");
    expect(shown).toContain("Request #1 submitted. Li (supervisor) decides first.");
    expect(shown).toContain("Customer: Acme Trading · B (regular)");
    expect(shown).toContain("Guests / staff: 4 guests / 0 staff");
    expect(shown).toContain("Estimated amount: ¥6,000.00");
    expect(shown).toContain("Per head: ¥1,500.00 (guideline ¥200.00) ⚠");
    expect(shown).toContain("⚠ Per head ¥1,500.00 is above the B guideline of ¥200.00.");
    expect(shown).toContain("1. supervisor Li: awaiting decision since Nov 23, 09:00");
    expect(shown).toContain("2. manager Wang: waiting");
    expect(labelsOf(reply)).toEqual(["Cancel request"]);
    expect(request).toMatchObject({
      number: 1,
      status: "PENDING",
      requesterId: s.members.alice.id,
      customerId: s.customer.id,
      kind: "MEAL",
      guests: 4,
      staff: 0,
      estimatedFen: 600_000n,
      purpose: "Annual thanks",
      perHeadFlagged: true,
      version: 1,
    });
    expect(request.steps.map((st) => [st.role, st.approverId, st.status])).toEqual([
      ["SUPERVISOR", s.members.li.id, "PENDING"],
      ["MANAGER", s.members.wang.id, "WAITING"],
    ]);
    expect((await audits(request.id)).map((a) => a.action)).toEqual(["hospitality.requested"]);

    // Li's DM: the card with Approve / Reject that only Li may click, at version 1.
    expect(delivery.to).toEqual({ kind: "member", platformUserId: "li" });
    expect(textOf(delivery.view)).toContain("Alice asks you to approve hospitality request #1 (step 1, supervisor).");
    expect(labelsOf(delivery.view)).toEqual(["Approve", "Reject"]);
    const liApprove = choiceByLabel(delivery.view, "Approve");
    const decoded = decodeButtonPayload(liApprove.payload, { now: new Date(NOW) });
    expect(decoded.ok && decoded.payload).toMatchObject({ entityId: request.id, version: 1, memberId: s.members.li.id });
    // The same card fits Slack and Feishu, buttons included.
    expect(JSON.stringify(renderSlackMessage(delivery.view))).toContain("hospitality.approve");
    expect(JSON.stringify(renderFeishuCard(delivery.view))).toContain("hospitality.reject");

    s.deps.clock.advance(5 * MINUTE);
    const first = await click(s.conversation, s.users.li, liApprove);
    expect(textOf(viewOf(first.reply))).toBe("You approved request #1. It now waits for Wang (manager).");
    const afterFirst = expectButtonlessCard(first, request.id);
    expect(afterFirst).toContain("1. supervisor Li: approved at Nov 23, 09:05");
    expect(afterFirst).toContain("Step 1 approved by Li at Nov 23, 09:05");
    expect(afterFirst).toContain("Waiting for Wang (manager)");

    // The manager's step: a DM to Wang at the new version.
    const [toWang] = await outbox(request.id, "hospitality.approval_requested").then((rows) => rows.filter((r) => r.target === `member:${s.members.wang.id}`));
    const wangDelivery = (await s.conversation.renderDelivery(toWang!))!;
    expect(wangDelivery.to).toEqual({ kind: "member", platformUserId: "wang" });
    expect(textOf(wangDelivery.view)).toContain("Alice asks you to approve hospitality request #1 (step 2, manager).");
    const wangApprove = choiceByLabel(wangDelivery.view, "Approve");
    const wangDecoded = decodeButtonPayload(wangApprove.payload, { now: s.deps.clock.now() });
    expect(wangDecoded.ok && wangDecoded.payload).toMatchObject({ version: 2, memberId: s.members.wang.id });

    s.deps.clock.advance(10 * MINUTE);
    const second = await click(s.conversation, s.users.wang, wangApprove);
    expect(textOf(viewOf(second.reply))).toBe("You approved request #1. Alice has been told.");
    const afterSecond = expectButtonlessCard(second, request.id);
    expect(afterSecond).toContain("Hospitality request #1  [approved]");
    expect(afterSecond).toContain("Approved by Wang at Nov 23, 09:15");
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.status).toBe("APPROVED");
    expect(stored.decidedAt).toEqual(new Date("2026-11-23T01:15:00Z"));
    expect((await audits(request.id)).map((a) => a.action)).toEqual([
      "hospitality.requested",
      "hospitality.step_approved",
      "hospitality.step_approved",
    ]);

    // The requester is told, with the button to record what was spent.
    const [approved] = await outbox(request.id, "hospitality.approved");
    expect(approved!.target).toBe(`member:${s.members.alice.id}`);
    const toAlice = (await s.conversation.renderDelivery(approved!))!;
    expect(toAlice.to).toEqual({ kind: "member", platformUserId: "alice" });
    // The console reads the approver's plain name; the Slack rendering of the same view mentions them.
    expect(textOf(toAlice.view)).toContain("Your hospitality request #1 is approved (final approval by Wang).");
    expect(textOf(toAlice.view)).not.toMatch(/[\uE000\uE001]/);
    expect(JSON.stringify(renderSlackMessage(toAlice.view))).toContain(`final approval by <@${s.users.wang.platformUserId}>`);
    expect(labelsOf(toAlice.view)).toEqual(["Record actual amount"]);

    // Li clicks the old card again: told who decided, and the card refreshed; nothing written.
    const again = await click(s.conversation, s.users.li, liApprove);
    expect(textOf(viewOf(again.reply))).toBe("Already decided: approved by Wang at Nov 23, 09:15.");
    expect(expectButtonlessCard(again, request.id)).toContain("[approved]");
    expect(await audits(request.id, "hospitality.step_approved")).toHaveLength(2);

    // Settling 6,700 (more than 10 % over) on the event day flags it to Li.
    s.deps.clock.set("2026-11-25T02:00:00Z");
    const settleForm = formOf((await click(s.conversation, s.users.alice, choiceByLabel(toAlice.view, "Record actual amount"))).reply);
    expect(settleForm.fields.map((f) => [f.name, f.default])).toEqual([["actual", "6,000.00"]]);
    expect(settleForm.intro).toBe("Approved: ¥6,000.00. More than 10% over is reported to your supervisor.");
    const settled = await submit(s.conversation, s.users.alice, settleForm, { actual: "6,700" });
    expect(textOf(viewOf(settled.reply))).toContain("Recorded the actual amount ¥6,700.00 for request #1.");
    const settledCard = expectButtonlessCard(settled, request.id);
    expect(settledCard).toContain("Actual amount: ¥6,700.00 ⚠");
    expect(settledCard).toContain("⚠ Actual ¥6,700.00 is more than 10% above the approved ¥6,000.00.");
    const afterSettle = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(afterSettle).toMatchObject({ status: "SETTLED", actualFen: 670_000n, overspendFlagged: true });
    const [overspent] = await outbox(request.id, "hospitality.overspent");
    const toLi = (await s.conversation.renderDelivery(overspent!))!;
    expect(toLi.to).toEqual({ kind: "member", platformUserId: "li" });
    expect(textOf(toLi.view)).toContain("Alice spent ¥6,700.00 on hospitality request #1; ¥6,000.00 was approved.");
    expect(labelsOf(toLi.view)).toEqual([]);

    // Every posted copy can be refreshed to the current state, without buttons.
    const card = (await s.conversation.renderEntityCard(s.tenant.id, "HospitalityRequest", request.id))!;
    expect(labelsOf(card)).toEqual([]);
    expect(textOf(card)).toContain("[settled]");
  });

  it("works in Chinese: approve, then reject with a reason the requester is shown", async () => {
    const s = await scene("zh-CN");
    const { reply, request, delivery } = await requestAndDeliver(s, "招待 华东 6000 2026-11-25 宴请 4人 年度答谢");
    const shown = textOf(reply);
    expect(shown).toContain("招待申请 #1  [审批中]");
    expect(shown).toContain("申请 #1 已提交，由 李主管（主管）先审批。");
    expect(shown).toContain("客户：华东机电有限公司 · 二级（B）");
    expect(shown).toContain("人均：¥1,500.00（标准 ¥200.00） ⚠");
    expect(labelsOf(reply)).toEqual(["撤销申请"]);
    expect(request).toMatchObject({ kind: "BANQUET", guests: 4, purpose: "年度答谢" });
    expect(textOf(delivery.view)).toContain("小王 请您审批招待申请 #1（第 1 步，主管）。");
    expect(labelsOf(delivery.view)).toEqual(["批准", "驳回"]);

    const first = await click(s.conversation, s.users.li, choiceByLabel(delivery.view, "批准"));
    expect(textOf(viewOf(first.reply))).toBe("您已批准申请 #1，现等待 王经理（经理）审批。");
    expect(expectButtonlessCard(first, request.id)).toContain("第 1 步已由 李主管 于 11月23日 09:00 批准");

    const [toWang] = (await outbox(request.id, "hospitality.approval_requested")).filter((r) => r.target === `member:${s.members.wang.id}`);
    const wangCard = (await s.conversation.renderDelivery(toWang!))!.view;
    const rejectForm = formOf((await click(s.conversation, s.users.wang, choiceByLabel(wangCard, "驳回"))).reply);
    expect(rejectForm.title).toBe("驳回申请 #1");
    expect(rejectForm.intro).toBe("小王 为 华东机电有限公司 申请 ¥6,000.00。对方会看到您填写的原因。");

    // A rejection without a reason stays in the form; nothing is written.
    const empty = await submit(s.conversation, s.users.wang, rejectForm, { reason: "  " });
    expect(empty.reply).toEqual({ kind: "form_errors", errors: { reason: "请填写此项。" } });
    expect((await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING");

    s.deps.clock.advance(30 * MINUTE);
    const rejected = await submit(s.conversation, s.users.wang, rejectForm, { reason: "预算超标" });
    expect(textOf(viewOf(rejected.reply))).toBe("您已驳回申请 #1，已通知 小王。");
    const card = expectButtonlessCard(rejected, request.id);
    expect(card).toContain("招待申请 #1  [已驳回]");
    expect(card).toContain("已由 王经理 于 11月23日 09:30 驳回：预算超标");
    const stored = await requests(s.tenant.id);
    expect(stored[0]!.status).toBe("REJECTED");
    expect(stored[0]!.steps.map((st) => [st.status, st.reason])).toEqual([
      ["APPROVED", null],
      ["REJECTED", "预算超标"],
    ]);
    const [audit] = await audits(request.id, "hospitality.step_rejected");
    expect(audit).toMatchObject({ actorId: s.members.wang.id });

    const [rejectedMessage] = await outbox(request.id, "hospitality.rejected");
    const toAlice = (await s.conversation.renderDelivery(rejectedMessage!))!;
    expect(toAlice.to).toEqual({ kind: "member", platformUserId: "alice" });
    expect(textOf(toAlice.view)).toContain("您的招待申请 #1 已被 王经理 驳回：预算超标");
    expect(labelsOf(toAlice.view)).toEqual([]);

    // Li's Reject on the old card no longer opens a form: it says who decided.
    const late = await click(s.conversation, s.users.li, choiceByLabel(delivery.view, "驳回"));
    expect(textOf(viewOf(late.reply))).toBe("已由 王经理 于 11月23日 09:30 处理：已驳回。");
    expectButtonlessCard(late, request.id);

    // Self-approval, in Chinese: a button that names the requester still cannot decide.
    const forged = encodeButtonPayload({ entityId: request.id, version: 3, expiresAt: new Date("2026-12-01T00:00:00Z"), memberId: s.members.alice.id });
    const self = await click(s.conversation, s.users.alice, { actionId: "hospitality.approve", payload: forged });
    expect(textOf(viewOf(self.reply))).toBe("不能审批自己提交的招待申请。");
  });

  it("opens the form prefilled when the kind or guests are missing, and files it on submit", async () => {
    const s = await scene("en");
    const form = formOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 6000 2026-11-25 Year-end dinner" }));
    expect(form.title).toBe("Request hospitality");
    expect(form.intro).toBe(
      "Up to ¥2,000.00 your supervisor approves; up to ¥10,000.00 also the department manager; above that also the final approver.",
    );
    // The typed "Acme" is settled as the form is sent: the customer's full name, and its id for a picker.
    expect(form.fields.find((f) => f.name === "customer")?.defaultId).toBe(s.customer.id);
    expect(Object.fromEntries(form.fields.map((f) => [f.name, f.default ?? null]))).toEqual({
      customer: "Acme Trading",
      eventDate: "2026-11-25",
      kind: null,
      guests: null,
      staff: null,
      estimated: "6,000.00",
      venue: null,
      purpose: "Year-end dinner",
    });
    expect(form.fields.find((f) => f.name === "kind")!.options!.map((o) => o.label)).toEqual(["Meal", "Banquet", "Gift", "Event", "Travel"]);
    expect(await requests(s.tenant.id)).toHaveLength(0);
    expect(JSON.stringify(renderSlackModal(form))).toContain("Year-end dinner");

    const done = await submit(s.conversation, s.users.alice, form, {
      customer: "Acme",
      eventDate: "2026-11-25",
      kind: "BANQUET",
      guests: "5",
      staff: "1",
      estimated: "1,800",
      venue: "Jing'an Shangri-La",
      purpose: "Year-end dinner",
    });
    const shown = textOf(viewOf(done.reply));
    expect(shown).toContain("Request #1 submitted. Li (supervisor) decides first.");
    expect(shown).toContain("Venue: Jing'an Shangri-La");
    expect(shown).toContain("Per head: ¥300.00 (guideline ¥200.00) ⚠");
    const [stored] = await requests(s.tenant.id);
    expect(stored).toMatchObject({ kind: "BANQUET", guests: 5, staff: 1, estimatedFen: 180_000n, venue: "Jing'an Shangri-La" });
    expect(stored!.steps.map((st) => st.role)).toEqual(["SUPERVISOR"]);

    // The bare command asks for everything; in Chinese for a Chinese tenant.
    const bare = formOf(await s.conversation.command({ user: s.users.alice, text: "hospitality" }));
    expect(bare.fields.filter((f) => f.default !== undefined)).toEqual([]);
    const zh = await scene("zh-CN");
    const zhForm = formOf(await zh.conversation.command({ user: zh.users.alice, text: "招待" }));
    expect(zhForm.title).toBe("招待申请");
    expect(zhForm.fields.map((f) => f.label)).toContain("我方陪同人数");
  });

  it("answers bad input with helpful messages next to the fields and writes nothing", async () => {
    const s = await scene("en");
    const form = formOf(await s.conversation.command({ user: s.users.alice, text: "hospitality" }));
    const good = { customer: "Acme", eventDate: "2026-11-25", kind: "MEAL", guests: "3", estimated: "900", purpose: "Lunch" };

    const typos = await submit(s.conversation, s.users.alice, form, { ...good, kind: "PICNIC", guests: "many", estimated: "12.345" });
    expect(typos.reply).toEqual({
      kind: "form_errors",
      errors: {
        kind: "Choose one of the options.",
        guests: "Enter a whole number.",
        estimated: "Enter an amount in CNY with at most two decimals, e.g. 1200.50.",
      },
    });
    const zero = await submit(s.conversation, s.users.alice, form, { ...good, guests: "0", estimated: "0" });
    expect(zero.reply).toMatchObject({ kind: "form_errors", errors: { guests: "Must be at least 1." } });
    expect((zero.reply as { errors: Record<string, string> }).errors.estimated).toBeDefined();

    const past = await submit(s.conversation, s.users.alice, form, { ...good, eventDate: "2026-11-01" });
    expect(past.reply).toEqual({
      kind: "form_errors",
      errors: { eventDate: "The hospitality date Nov 1 is in the past (today is Nov 23)." },
    });
    const unknown = await submit(s.conversation, s.users.alice, form, { ...good, customer: "Nobody" });
    expect(unknown.reply).toEqual({ kind: "form_errors", errors: { customer: "No customer matches “Nobody”." } });

    const command = viewOf(await s.conversation.command({ user: s.users.alice, text: "hospitality Acme 900 2026-11-01 meal 3pax Lunch" }));
    expect(textOf(command)).toBe("The hospitality date Nov 1 is in the past (today is Nov 23).");

    // Bob may not ask for a customer outside his team.
    const bobsForm = formOf(await s.conversation.command({ user: s.users.bob, text: "hospitality" }));
    const notHis = await submit(s.conversation, s.users.bob, bobsForm, good);
    expect(notHis.reply).toEqual({ kind: "form_errors", errors: { customer: "That customer belongs to someone outside your team." } });

    expect(await requests(s.tenant.id)).toHaveLength(0);
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it("refuses clicks from people who may not decide, in their language, and writes nothing", async () => {
    const s = await scene("en");
    const { request, delivery } = await requestAndDeliver(s);
    const liApprove = choiceByLabel(delivery.view, "Approve");

    const notYours = await click(s.conversation, s.users.alice, liApprove);
    expect(textOf(viewOf(notYours.reply))).toBe("This button is meant for someone else.");
    expect(notYours.updatedCard).toBeUndefined();

    const expires = new Date("2026-12-01T00:00:00Z");
    const forgedFor = (memberId: string) => encodeButtonPayload({ entityId: request.id, version: 1, expiresAt: expires, memberId });
    const self = await click(s.conversation, s.users.alice, { actionId: "hospitality.approve", payload: forgedFor(s.members.alice.id) });
    expect(textOf(viewOf(self.reply))).toBe("You cannot decide on your own hospitality request.");
    const outsider = await click(s.conversation, s.users.bob, { actionId: "hospitality.approve", payload: forgedFor(s.members.bob.id) });
    expect(textOf(viewOf(outsider.reply))).toBe("This approval step is not yours to decide.");
    const outsiderReject = await click(s.conversation, s.users.bob, { actionId: "hospitality.reject", payload: forgedFor(s.members.bob.id) });
    expect(textOf(viewOf(outsiderReject.reply))).toBe("This approval step is not yours to decide.");
    const outsiderCancel = await click(s.conversation, s.users.bob, { actionId: "hospitality.cancel", payload: forgedFor(s.members.bob.id) });
    expect(textOf(viewOf(outsiderCancel.reply))).toBe("Only the requester can do this.");

    const [stored] = await requests(s.tenant.id);
    expect(stored!.status).toBe("PENDING");
    expect(stored!.version).toBe(1);
    expect(stored!.steps.map((st) => st.status)).toEqual(["PENDING", "WAITING"]);
    expect((await audits(request.id)).map((a) => a.action)).toEqual(["hospitality.requested"]);
  });

  it("lets the requester cancel; the approver is told and their old buttons say so", async () => {
    const s = await scene("en");
    const { reply, request, delivery } = await requestAndDeliver(s);
    const cancel = choiceByLabel(reply, "Cancel request");
    expect(cancel.confirm).toMatchObject({ title: "Cancel this request?" });

    const done = await click(s.conversation, s.users.alice, cancel);
    expect(textOf(viewOf(done.reply))).toBe("You cancelled request #1.");
    const card = expectButtonlessCard(done, request.id);
    expect(card).toContain("[cancelled]");
    expect(card).toContain("Cancelled by Alice");
    expect((await requests(s.tenant.id))[0]!.status).toBe("CANCELLED");
    expect(await audits(request.id, "hospitality.cancelled")).toHaveLength(1);

    const [cancelled] = await outbox(request.id, "hospitality.cancelled");
    const toLi = (await s.conversation.renderDelivery(cancelled!))!;
    expect(toLi.to).toEqual({ kind: "member", platformUserId: "li" });
    expect(textOf(toLi.view)).toContain("Alice cancelled hospitality request #1; no decision is needed any more.");
    expect(labelsOf(toLi.view)).toEqual([]);

    // A not yet sent approval request no longer applies; an old button says why.
    const [asked] = await outbox(request.id, "hospitality.approval_requested");
    expect(await s.conversation.renderDelivery(asked!)).toBeNull();
    const late = await click(s.conversation, s.users.li, choiceByLabel(delivery.view, "Approve"));
    expect(textOf(viewOf(late.reply))).toBe("This request is no longer pending (it is cancelled).");
    expectButtonlessCard(late, request.id);
    const twice = await click(s.conversation, s.users.alice, cancel);
    expect(textOf(viewOf(twice.reply))).toBe("This request is no longer pending (it is cancelled).");
    expect(await audits(request.id, "hospitality.cancelled")).toHaveLength(1);
  });

  it("lists the steps waiting for me with Approve / Reject, and approving from the list works", async () => {
    const s = await scene("en");
    await requestAndDeliver(s);
    await requestAndDeliver(s, "hospitality Acme 1500 2026-11-26 gift 2pax Anniversary gift");

    const list = viewOf(await s.conversation.command({ user: s.users.li, text: "approvals" }));
    const shown = textOf(list);
    expect(shown).toContain("Waiting for your approval (2)");
    expect(shown).toContain("#1 · Acme Trading · ¥6,000.00 · Wed, Nov 25");
    expect(shown).toContain("Meal · 4 guests / 0 staff · per head ¥1,500.00 ⚠ (¥200.00) · by Alice");
    expect(shown).toContain("#2 · Acme Trading · ¥1,500.00 · Thu, Nov 26");
    expect(shown).toContain("Gift · 2 guests / 0 staff · per head ¥750.00 ⚠ (¥200.00) · by Alice");
    expect(labelsOf(list)).toEqual(["Approve", "Reject", "Approve", "Reject"]);

    const second = renderText(list).choices[2]!;
    const approved = await click(s.conversation, s.users.li, second);
    expect(textOf(viewOf(approved.reply))).toBe("You approved request #2. Alice has been told.");
    const [, two] = await requests(s.tenant.id);
    expect(two!.status).toBe("APPROVED");

    const after = textOf(viewOf(await s.conversation.command({ user: s.users.li, text: "approvals" })));
    expect(after).toContain("Waiting for your approval (1)");
    expect(after).not.toContain("#2 ·");
    const none = viewOf(await s.conversation.command({ user: s.users.alice, text: "approvals" }));
    expect(textOf(none)).toContain("Nothing is waiting for your approval.");
    expect(labelsOf(none)).toEqual([]);
  });

  it("reminds the approver of a step pending for a day, with working buttons", async () => {
    const s = await scene("en");
    const { request } = await requestAndDeliver(s);
    s.deps.clock.advance(25 * 60 * MINUTE);
    const swept = await sweepApprovalReminders(s.deps, s.deps.clock.now(), { tenantId: s.tenant.id });
    expect(swept.reminded).toBe(1);
    const [reminder] = await outbox(request.id, "hospitality.approval_reminder");
    const toLi = (await s.conversation.renderDelivery(reminder!))!;
    expect(toLi.to).toEqual({ kind: "member", platformUserId: "li" });
    expect(textOf(toLi.view)).toContain("Reminder: request #1 from Alice has been waiting for your decision since Nov 23, 09:00.");
    const approved = await click(s.conversation, s.users.li, choiceByLabel(toLi.view, "Approve"));
    expect(textOf(viewOf(approved.reply))).toBe("You approved request #1. It now waits for Wang (manager).");
    // Once decided, the reminder no longer applies.
    expect(await s.conversation.renderDelivery(reminder!)).toBeNull();
  });

  it("turns ten concurrent clicks on one Approve button into exactly one decision", async () => {
    const s = await scene("en");
    const { request, delivery } = await requestAndDeliver(s);
    const approve = choiceByLabel(delivery.view, "Approve");

    const replies = await Promise.all(Array.from({ length: 10 }, () => click(s.conversation, s.users.li, approve)));
    const texts = replies.map((r) => textOf(viewOf(r.reply)));
    expect(texts.filter((t) => t === "You approved request #1. It now waits for Wang (manager).")).toHaveLength(1);
    // The losers are Li's own clicks: told in the first person.
    expect(texts.filter((t) => t === "Already decided: you approved it at Nov 23, 09:00.")).toHaveLength(9);
    for (const r of replies) expectButtonlessCard(r, request.id);

    const [stored] = await requests(s.tenant.id);
    expect(stored!.version).toBe(2);
    expect(stored!.steps.map((st) => [st.status, st.decidedById])).toEqual([
      ["APPROVED", s.members.li.id],
      ["PENDING", null],
    ]);
    expect(await audits(request.id, "hospitality.step_approved")).toHaveLength(1);
    const asked = await outbox(request.id, "hospitality.approval_requested");
    expect(asked.map((m) => m.target)).toEqual([`member:${s.members.li.id}`, `member:${s.members.wang.id}`]);
  });
});
