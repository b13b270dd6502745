// The complaints conversation end to end: the real Conversation, the real core and database,
// users talking through the console platform. Assertions are on what people see (the plain-text
// rendering) and on what was stored (complaint rows, events, audit rows, outbox rows).
import type { OutboxMessage } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepComplaintSla } from "../../src/core/complaints/sweep.js";
import { normalizeName } from "../../src/core/customers/rules.js";
import { createConversation } from "../../src/conversation/conversation.js";
import type { ActionReply, PlatformUser, Reply } from "../../src/conversation/port.js";
import { renderText, renderTextForm, type TextChoice } from "../../src/conversation/render/text.js";
import { renderSlackMessage, renderSlackModal } from "../../src/conversation/render/slack.js";
import { renderFeishuCard, renderFeishuForm } from "../../src/conversation/render/feishu.js";
import type { Form } from "../../src/conversation/views/form.js";
import { decodeButtonPayload, encodeButtonPayload } from "../../src/conversation/views/payload.js";
import type { View } from "../../src/conversation/views/view.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { depsAt } from "../support/fixtures.js";

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
  const deps = depsAt(tdb.prisma, NOW);
  const conversation = createConversation({ deps, admins: ["boss"], defaultTimeZone: "Asia/Shanghai", defaultLocale: locale });
  const tenantExternalId = `T-cmp-${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const names = NAMES[locale];
  const user = (platformUserId: "alice" | "li" | "wang" | "bob" | "boss"): PlatformUser => ({
    platform: "CONSOLE",
    tenantExternalId,
    platformUserId,
    displayName: names[platformUserId],
  });
  const users = { alice: user("alice"), li: user("li"), wang: user("wang"), bob: user("bob"), boss: user("boss") };
  // First sight registers each member (as SPECIALIST, Boss as ADMIN); the org chart is set below.
  for (const u of Object.values(users)) await conversation.command({ user: u, text: "help" });
  const tenant = await tdb.prisma.tenant.update({
    where: { platform_externalId: { platform: "CONSOLE", externalId: tenantExternalId } },
    data: { settings: { channels: { complaints: CHANNEL } } },
  });
  const member = (id: string) =>
    tdb.prisma.member.findFirstOrThrow({ where: { tenantId: tenant.id, identities: { some: { platformUserId: id } } } });
  const wang = await tdb.prisma.member.update({ where: { id: (await member("wang")).id }, data: { role: "MANAGER" } });
  const li = await tdb.prisma.member.update({ where: { id: (await member("li")).id }, data: { role: "SUPERVISOR", supervisorId: wang.id } });
  const alice = await tdb.prisma.member.update({ where: { id: (await member("alice")).id }, data: { supervisorId: li.id } });
  const bob = await member("bob");
  const boss = await member("boss");
  const customerOf = (name: string) =>
    tdb.prisma.customer.create({ data: { tenantId: tenant.id, name, nameKey: normalizeName(name), ownerId: alice.id, tier: "B", status: "ACTIVE" } });
  const customer = await customerOf(names.customer);
  const other = await customerOf(names.other);
  return { deps, conversation, tenant, users, members: { alice, li, wang, bob, boss }, customer, other };
}

type Scene = Awaited<ReturnType<typeof scene>>;

function viewOf(reply: Reply): View {
  if (reply.kind !== "view") throw new Error(`expected a view, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.view;
}

function formOf(reply: Reply): Form {
  if (reply.kind !== "form") throw new Error(`expected a form, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.form;
}

function errorsOf(reply: Reply): Record<string, string> {
  if (reply.kind !== "form_errors") throw new Error(`expected form errors, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.errors;
}

const textOf = (view: View) => renderText(view).text;
const labelsOf = (view: View) => renderText(view).choices.map((c) => c.label);

function choice(view: View, label: string, nth = 0): TextChoice {
  const found = renderText(view).choices.filter((c) => c.label === label)[nth];
  if (!found) throw new Error(`no choice "${label}" in:\n${textOf(view)}`);
  return found;
}

function click(s: Scene, user: PlatformUser, c: Pick<TextChoice, "actionId" | "payload">): Promise<ActionReply> {
  return s.conversation.action({ user, actionId: c.actionId, payload: c.payload });
}

function submit(s: Scene, user: PlatformUser, form: Form, values: Record<string, string>): Promise<ActionReply> {
  return s.conversation.submit({ user, actionId: form.actionId, payload: form.payload, values });
}

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


it("renders on every platform", async () => {
  const s = await scene("zh-CN");
  for (let i = 0; i < 25; i++) await say(s, s.users.alice, `投诉 华东机电 高 问题${i} ${"很长的描述".repeat(300)}`);
  const list = viewOf(await say(s, s.users.li, "投诉列表"));
  const slack = renderSlackMessage(list);
  console.log("slack blocks", slack.blocks.length);
  const feishu = renderFeishuCard(list);
  console.log("feishu", JSON.stringify(feishu).length);
  const [c] = await complaints(s.tenant.id);
  const card = (await s.conversation.renderEntityCard(s.tenant.id, "Complaint", c!.id))!;
  console.log("card slack blocks", renderSlackMessage(card).blocks.length, JSON.stringify(renderFeishuCard(card)).length);
  const form = formOf(await say(s, s.users.bob, "投诉 华东 高 坏了"));
  console.log(JSON.stringify(renderSlackModal(form)).slice(0, 600));
  console.log(JSON.stringify(renderFeishuForm(form)).length);
  console.log(renderText(list).text.slice(0, 1500));
});
