// The insights conversation area end to end (risk, digest, report and the morning digest
// notifications): real createConversation, real core, real database.
import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName } from "../../src/core/customers/rules.js";
import { digestRecipients } from "../../src/core/digests/runs.js";
import { loadTenant } from "../../src/core/tenants/tenants.js";
import type { Conversation, PlatformUser } from "../../src/conversation/port.js";
import { renderText, type TextChoice } from "../../src/conversation/render/text.js";
import { decodeButtonPayload } from "../../src/conversation/views/payload.js";
import type { View } from "../../src/conversation/views/view.js";
import { click, consoleMembers, conversationAt, formOf, replyText, submit, viewOf } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { makeTenant, withLegacyRiskWeights } from "../support/fixtures.js";

// 2026-11-23 09:30 in Shanghai: the default churn digest time.
const NOW = "2026-11-23T01:30:00Z";
const TODAY = "2026-11-23";
const DAY_MS = 24 * 60 * 60 * 1000;

let tdb: TestDatabase;
let conversation: Conversation;

beforeAll(async () => {
  tdb = await openTestDatabase();
  conversation = conversationAt(tdb.prisma, NOW).conversation;
});

afterAll(async () => {
  await tdb?.close();
});

/** The instant `days` days before NOW (same local time of day). */
const daysAgo = (days: number) => new Date(new Date(NOW).getTime() - days * DAY_MS);
/** A @db.Date column value for a local date, or for `days` days before today. */
const day = (date: string) => new Date(`${date}T00:00:00Z`);
const dateAgo = (days: number) => new Date(day(TODAY).getTime() - days * DAY_MS);

let seq = 0;

/**
 * Manager Wang; supervisor Sam (under Wang) over Alice and Amy; Bob directly under Wang. Each
 * member's platform user id is U-<name>-<n>.
 */
async function scene(locale: "en" | "zh-CN" = "en", settings: object = {}) {
  const tenant = await makeTenant(tdb.prisma, { locale, settings: withLegacyRiskWeights(settings) });
  const n = ++seq;
  const people = consoleMembers(tdb.prisma, tenant, n);
  const wang = await people.add("Wang", { role: "MANAGER" });
  const sam = await people.add("Sam", { role: "SUPERVISOR", supervisorId: wang.id });
  const alice = await people.add("Alice", { supervisorId: sam.id });
  const amy = await people.add("Amy", { supervisorId: sam.id });
  const bob = await people.add("Bob", { supervisorId: wang.id });
  return { tenant, n, wang, sam, alice, amy, bob, as: people.as, add: people.add };
}
type Scene = Awaited<ReturnType<typeof scene>>;

async function customer(
  s: Scene,
  ownerId: string,
  name: string,
  tier: Tier,
  options: { contactDaysAgo?: number; status?: "ACTIVE" | "CHURNED" } = {},
) {
  return tdb.prisma.customer.create({
    data: {
      tenantId: s.tenant.id,
      ownerId,
      name,
      nameKey: normalizeName(name),
      tier,
      status: options.status ?? "ACTIVE",
      lastContactAt: daysAgo(options.contactDaysAgo ?? 0),
      createdAt: daysAgo(400),
    },
  });
}

async function order(s: Scene, customerId: string, daysBefore: number, fen: bigint) {
  await tdb.prisma.purchaseOrder.create({ data: { tenantId: s.tenant.id, customerId, orderedOn: dateAgo(daysBefore), amountFen: fen } });
}

async function callback(
  s: Scene,
  customerId: string,
  assigneeId: string,
  dueOn: Date,
  extra: { status?: "PENDING" | "DONE" | "SKIPPED"; completedAt?: Date; satisfaction?: number; snoozeCount?: number } = {},
) {
  return tdb.prisma.callback.create({
    data: {
      tenantId: s.tenant.id,
      customerId,
      assigneeId,
      dueOn,
      reason: "MANUAL",
      status: extra.status ?? "PENDING",
      completedAt: extra.completedAt ?? null,
      completedById: extra.completedAt ? assigneeId : null,
      satisfaction: extra.satisfaction ?? null,
      snoozeCount: extra.snoozeCount ?? 0,
    },
  });
}

/**
 * A VIP scoring 71 (HIGH): no contact for 45 days (+35), purchases down 62 % (+16), latest
 * satisfaction 2 (+10), two overdue callbacks (+10).
 */
async function highRisk(s: Scene, ownerId: string, name: string) {
  const c = await customer(s, ownerId, name, "VIP", { contactDaysAgo: 45 });
  await order(s, c.id, 120, 10_000_000n);
  await order(s, c.id, 30, 3_800_000n);
  await callback(s, c.id, ownerId, dateAgo(50), { status: "DONE", completedAt: daysAgo(50), satisfaction: 2 });
  await callback(s, c.id, ownerId, dateAgo(5));
  await callback(s, c.id, ownerId, dateAgo(3));
  return c;
}

/** An A customer scoring 60 (MEDIUM): no contact for 60 days (+35), no purchase in 90 days (+25). */
async function mediumRisk(s: Scene, ownerId: string, name: string) {
  const c = await customer(s, ownerId, name, "A", { contactDaysAgo: 60 });
  await order(s, c.id, 120, 5_000_000n);
  return c;
}

async function deliver(s: Scene, member: { id: string }, kind: string, localDate = TODAY) {
  const message = await tdb.prisma.outboxMessage.create({
    data: {
      tenantId: s.tenant.id,
      platform: "CONSOLE",
      target: `member:${member.id}`,
      payload: { kind, localDate },
      dedupeKey: `digest:${s.tenant.id}:${kind}:${localDate}:${member.id}`,
      entityType: "Digest",
      entityId: member.id,
    },
  });
  return conversation.renderDelivery(message);
}

/** Renders the outbox row `deliver` created again, as a retried send would. */
async function redeliver(s: Scene, member: { id: string }, kind: string, localDate = TODAY) {
  const message = await tdb.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `digest:${s.tenant.id}:${kind}:${localDate}:${member.id}` } });
  return conversation.renderDelivery(message);
}

async function say(user: PlatformUser, text: string): Promise<string> {
  return replyText(await conversation.command({ user, text }));
}

function choices(view: View, actionId: string): TextChoice[] {
  return renderText(view).choices.filter((c) => c.actionId === actionId);
}

function decoded(c: TextChoice) {
  const result = decodeButtonPayload(c.payload, { now: new Date(NOW) });
  if (!result.ok) throw new Error(`undecodable payload ${c.payload}`);
  return result.payload;
}

async function writes(tenantId: string) {
  const [audit, outbox] = await Promise.all([
    tdb.prisma.auditLog.count({ where: { tenantId } }),
    tdb.prisma.outboxMessage.count({ where: { tenantId } }),
  ]);
  return { audit, outbox };
}

function before(text: string, first: string, second: string) {
  expect(text.indexOf(first), `"${first}" in:\n${text}`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(second), `"${second}" in:\n${text}`).toBeGreaterThan(text.indexOf(first));
}

describe("risk / 预警", () => {
  it("lists my at-risk customers HIGH first with score, level, reasons in words and my buttons", async () => {
    const s = await scene();
    const vega = await highRisk(s, s.alice.id, "Vega Group");
    const apex = await mediumRisk(s, s.alice.id, "Apex Steel");
    await customer(s, s.alice.id, "Birch Trading", "B", { contactDaysAgo: 10 });
    await customer(s, s.alice.id, "Gamma Prospects", "C", { contactDaysAgo: 300 });
    await mediumRisk(s, s.amy.id, "Amy Corp");
    const stored = await writes(s.tenant.id);

    const view = viewOf(await conversation.command({ user: s.as(s.alice), text: "risk" }));
    const { text } = renderText(view);
    expect(text).toContain("My customers at risk");
    expect(text).toContain("1 high · 1 medium · of 3 customers scored");
    expect(text).toContain("Vega Group · VIP · High risk 71/100");
    expect(text).toContain(
      "No contact for 45 days (cadence every 14 days) +35 · Purchases down 62% over the last 90 days (¥38,000.00 vs ¥100,000.00) +16 · Latest satisfaction score 2/5 +10 · 2 overdue callbacks, the oldest 5 days late +10",
    );
    expect(text).toContain("Apex Steel · A (key) · Medium risk 60/100");
    expect(text).toContain("No contact for 60 days (cadence every 30 days) +35 · Purchases down 100%");
    before(text, "Vega Group", "Apex Steel");
    // LOW, tier C and other people's customers are not listed; my own list names no owner.
    expect(text).not.toContain("Birch");
    expect(text).not.toContain("Gamma");
    expect(text).not.toContain("Amy Corp");
    expect(text).not.toContain("owner ");

    const schedule = choices(view, "callback.open_form");
    const visit = choices(view, "visit.open_form");
    expect(schedule.map((c) => c.label)).toEqual(["Schedule callback", "Schedule callback"]);
    expect(visit.map((c) => c.label)).toEqual(["Log visit", "Log visit"]);
    expect(decoded(schedule[0]!)).toMatchObject({ entityId: vega.id, memberId: s.alice.id });
    expect(decoded(visit[1]!)).toMatchObject({ entityId: apex.id, memberId: s.alice.id });

    // "Schedule callback" opens the callbacks area's form with the customer filled in.
    const form = formOf((await click(conversation, s.as(s.alice), schedule[0]!)).reply);
    expect(form.fields.find((f) => f.name === "customer")?.default).toBe("Vega Group");

    // The button is Alice's: Bob is told so and nothing happens.
    const bobs = await click(conversation, s.as(s.bob), visit[0]!);
    expect(renderText(viewOf(bobs.reply)).text).toBe("This button is meant for someone else.");
    // Listing writes nothing.
    expect(await writes(s.tenant.id)).toEqual(stored);
  });

  it("speaks Chinese, and says so when nobody is at risk", async () => {
    const s = await scene("zh-CN");
    await highRisk(s, s.alice.id, "华为技术");
    const view = viewOf(await conversation.command({ user: s.as(s.alice), text: "预警" }));
    const { text } = renderText(view);
    expect(text).toContain("我的流失风险客户");
    expect(text).toContain("高风险 1 · 中风险 0 · 共评估 1 个客户");
    expect(text).toContain("华为技术 · VIP · 高风险 71/100");
    expect(text).toContain("已 45 天未联系（回访周期 14 天） +35 · 近 90 天采购额下降 62%");
    expect(renderText(view).choices.map((c) => c.label)).toEqual(["安排回访", "记录拜访"]);

    expect(await say(s.as(s.bob), "预警")).toContain("暂无流失风险客户。");
  });

  it("names an overdue planned visit among the reasons, in both languages", async () => {
    for (const [locale, command, expected] of [
      ["en", "risk", "Planned visit overdue 100 days (visits every 91 days) +35 · Purchases down 100%"],
      ["zh-CN", "预警", "计划拜访已逾期 100 天（拜访周期 91 天） +35 · 近 90 天采购额下降 100%"],
    ] as const) {
      const s = await scene(locale);
      const c = await customer(s, s.alice.id, `Overdue Visit ${locale}`, "A");
      await order(s, c.id, 120, 5_000_000n);
      await tdb.prisma.visitPlan.create({ data: { tenantId: s.tenant.id, customerId: c.id, assigneeId: s.alice.id, plannedOn: dateAgo(100), reason: "CADENCE" } });
      expect(await say(s.as(s.alice), command)).toContain(expected);
    }
  });

  it("shows a supervisor the team's customers and a manager the department's, each with its owner", async () => {
    const s = await scene();
    await highRisk(s, s.alice.id, "Vega Group");
    await mediumRisk(s, s.amy.id, "Amy Corp");
    await mediumRisk(s, s.bob.id, "Bob Industries");

    const team = await say(s.as(s.sam), "risk");
    expect(team).toContain("My team's customers at risk");
    expect(team).toContain("Vega Group · VIP · High risk 71/100 · account manager Alice");
    expect(team).toContain("Amy Corp · A (key) · Medium risk 60/100 · account manager Amy");
    expect(team).not.toContain("Bob Industries");

    const all = await say(s.as(s.wang), "risk");
    expect(all).toContain("Customers at risk in the department");
    expect(all).toContain("Bob Industries · A (key) · Medium risk 60/100 · account manager Bob");
    expect(all).toContain("1 high · 2 medium · of 3 customers scored");
  });
});

describe("the customer card's risk line", () => {
  it("shows score, level and the largest reasons; a tier C customer has no risk line", async () => {
    const s = await scene();
    await highRisk(s, s.alice.id, "Vega Group");
    await customer(s, s.alice.id, "Gamma Prospects", "C", { contactDaysAgo: 300 });

    const card = await say(s.as(s.alice), "customer Vega Group");
    expect(card).toContain("Churn risk: High risk 71/100");
    expect(card).toContain("No contact for 45 days (cadence every 14 days) +35 · Purchases down 62%");
    // Three reasons at most on a card.
    expect(card).not.toContain("overdue callback(s), the oldest");

    const prospect = await say(s.as(s.alice), "customer Gamma");
    expect(prospect).toContain("Gamma Prospects");
    expect(prospect).not.toContain("Churn risk");

    // The card refreshed for every posted copy (system session) carries the same line.
    const vega = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: s.tenant.id, name: "Vega Group" } });
    const refreshed = await conversation.renderEntityCard(s.tenant.id, "Customer", vega.id);
    expect(renderText(refreshed!).text).toContain("Churn risk: High risk 71/100");
  });
});

/** Alice: VIP Vortex 3 days overdue, VIP Vega due today (snoozed twice), A Apex due today, B Birch 10 days overdue. */
async function dueScene(locale: "en" | "zh-CN" = "en") {
  const s = await scene(locale);
  const vortex = await customer(s, s.alice.id, "Vortex", "VIP");
  const vega = await customer(s, s.alice.id, "Vega", "VIP");
  const apex = await customer(s, s.alice.id, "Apex", "A");
  const birch = await customer(s, s.alice.id, "Birch", "B");
  const amyCo = await customer(s, s.amy.id, "Amy Co", "B");
  const cbs = {
    vortex: await callback(s, vortex.id, s.alice.id, dateAgo(3)),
    vega: await callback(s, vega.id, s.alice.id, day(TODAY), { snoozeCount: 2 }),
    apex: await callback(s, apex.id, s.alice.id, day(TODAY)),
    birch: await callback(s, birch.id, s.alice.id, dateAgo(10)),
    // Amy did hers yesterday (10:00 local) and has nothing due.
    amy: await callback(s, amyCo.id, s.amy.id, dateAgo(1), { status: "DONE", completedAt: new Date("2026-11-22T02:00:00Z") }),
  };
  return { ...s, vortex, vega, apex, birch, cbs };
}

describe("callback digest notifications", () => {
  it("sends each member their due and overdue callbacks, VIP first then most overdue, with Done / Log visit / Snooze", async () => {
    const s = await dueScene();
    const delivery = await deliver(s, s.alice, "digest.callbacks");
    expect(delivery!.to).toEqual({ kind: "member", platformUserId: `U-alice-${s.n}` });
    const { text } = renderText(delivery!.view);
    expect(text).toContain("Callbacks for Mon, Nov 23");
    expect(text).toContain("2 due today, 2 overdue");
    before(text, "Vortex", "Vega");
    before(text, "Vega", "Apex");
    before(text, "Apex", "Birch");
    expect(text).toContain("⚠ 10 days overdue (due Fri, Nov 13)");

    const done = choices(delivery!.view, "callback.done");
    const visit = choices(delivery!.view, "visit.open_form");
    const snooze = choices(delivery!.view, "callback.snooze");
    expect(done).toHaveLength(4);
    expect(decoded(done[0]!)).toMatchObject({ entityId: s.cbs.vortex.id, memberId: s.alice.id, args: { at: "list" } });
    expect(decoded(visit[1]!)).toMatchObject({ entityId: s.vega.id, memberId: s.alice.id, args: { cb: s.cbs.vega.id } });
    expect(decoded(snooze[1]!)).toMatchObject({ entityId: s.cbs.vega.id, memberId: s.alice.id, version: 2, args: { days: 1, at: "list" } });
    expect(decoded(snooze[0]!)).toMatchObject({ version: 0 });

    // Done from the digest asks for the result, completes the callback and turns the message into the refreshed list.
    const asked = await click(conversation, s.as(s.alice), done[0]!);
    const first = await submit(conversation, s.as(s.alice), formOf(asked.reply), { result: "REACHED" });
    expect(renderText(viewOf(first.reply)).text).toMatch(/^Callback with Vortex done\./);
    expect(first.updatedCard).toMatchObject({ entityType: "CallbackList", entityId: s.alice.id });
    expect(renderText(first.updatedCard!.view).text).not.toContain("Vortex");
    const stored = await tdb.prisma.callback.findUniqueOrThrow({ where: { id: s.cbs.vortex.id } });
    expect(stored).toMatchObject({ status: "DONE", completedById: s.alice.id });
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id, action: "callback.completed", entityId: s.cbs.vortex.id } })).toBe(1);

    // A second click on the same digest button: told who did it, nothing written twice.
    const again = await click(conversation, s.as(s.alice), done[0]!);
    expect(renderText(viewOf(again.reply)).text).toBe("This callback was already done by Alice at Nov 23, 09:30.");
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: s.tenant.id, action: "callback.completed" } })).toBe(1);

    // Content is computed at send time: a digest sent after the click no longer shows it.
    const later = renderText((await redeliver(s, s.alice, "digest.callbacks"))!.view).text;
    expect(later).toContain("2 due today, 1 overdue");
    expect(later).not.toContain("Vortex");
  });

  it("drops the digest of a member with nothing due, and speaks Chinese", async () => {
    const s = await dueScene("zh-CN");
    expect(await deliver(s, s.amy, "digest.callbacks")).toBeNull();
    expect(await deliver(s, s.bob, "digest.callbacks")).toBeNull();

    const delivery = await deliver(s, s.alice, "digest.callbacks");
    const { text, choices: buttons } = renderText(delivery!.view);
    expect(text).toContain("11月23日 周一 回访提醒");
    expect(text).toContain("今日到期 2 个，逾期 2 个");
    expect(text).toContain("⚠ 已逾期 3 天（应于11月20日 周五）");
    expect(buttons.slice(0, 4).map((c) => c.label)).toEqual(["完成", "记录拜访", "明天再回访", "跳过"]);
  });

  it("sends a supervisor the team summary: per member due, overdue, done yesterday, and the completion rate", async () => {
    const s = await dueScene();
    const delivery = await deliver(s, s.sam, "digest.callbacks.team");
    const { text, choices: buttons } = renderText(delivery!.view);
    expect(text).toContain("Your team's callbacks for Mon, Nov 23");
    expect(text).toContain("2 due today · 2 overdue · 1 done yesterday");
    // 30-day window: Alice's two overdue pending, Amy's one done → 1 of 3.
    expect(text).toContain("Team completion rate (last 30 days): 33.3%");
    expect(text).toContain("⚠ Alice: 2 due, 2 overdue, 0 done yesterday · 0% done (30 days)");
    expect(text).toContain("Amy: 0 due, 0 overdue, 1 done yesterday · 100% done (30 days)");
    before(text, "Alice:", "Amy:");
    expect(buttons).toEqual([]);

    // The manager's team is the department; a specialist has no team summary.
    const wang = await deliver(s, s.wang, "digest.callbacks.team");
    expect(renderText(wang!.view).text).toContain("Sam: 0 due, 0 overdue, 0 done yesterday");
    expect(await deliver(s, s.alice, "digest.callbacks.team")).toBeNull();
  });

  it("adds a visits-overdue section with Log visit, and sends a member with only overdue visits a digest, in both languages", async () => {
    const s = await dueScene();
    const plan = (customerId: string, assigneeId: string, plannedOn: Date, status: "PLANNED" | "DONE" = "PLANNED", purpose: string | null = null) =>
      tdb.prisma.visitPlan.create({ data: { tenantId: s.tenant.id, customerId, assigneeId, plannedOn, status, purpose, reason: "MANUAL" } });
    await plan(s.vega.id, s.alice.id, dateAgo(4), "PLANNED", "quarterly review");
    await plan(s.apex.id, s.alice.id, dateAgo(9), "DONE");
    await plan(s.birch.id, s.alice.id, day(TODAY));
    const bobCo = await customer(s, s.bob.id, "Bob Co", "VIP");
    await plan(bobCo.id, s.bob.id, dateAgo(2));

    const delivery = await deliver(s, s.alice, "digest.callbacks");
    const { text } = renderText(delivery!.view);
    expect(text).toContain("2 due today, 2 overdue · 1 visit overdue");
    before(text, "Birch", "Visits overdue");
    expect(text).toContain("⚠ planned for Thu, Nov 19, 4 days overdue · quarterly review");
    // Done and today's plans are not overdue.
    expect(text.slice(text.indexOf("Visits overdue"))).not.toContain("Apex");
    expect(text.slice(text.indexOf("Visits overdue"))).not.toContain("Birch");
    const logVisit = choices(delivery!.view, "visit.open_form");
    expect(decoded(logVisit.at(-1)!)).toMatchObject({ entityId: s.vega.id, memberId: s.alice.id });
    const form = formOf((await click(conversation, s.as(s.alice), logVisit.at(-1)!)).reply);
    expect(form.fields.find((f) => f.name === "customer")?.default).toBe("Vega");

    // Bob has no callback at all, only an overdue visit: he is a recipient of the 09:00 run.
    const recipients = await digestRecipients({ db: tdb.prisma, clock: { now: () => new Date(NOW) } }, await loadTenant(tdb.prisma, s.tenant.id), "CALLBACKS", TODAY);
    expect(recipients.find((r) => r.memberId === s.bob.id)?.intents).toEqual(["digest.callbacks"]);
    await tdb.prisma.member.update({ where: { id: s.bob.id }, data: { locale: "zh-CN" } });
    const bobs = renderText((await deliver(s, s.bob, "digest.callbacks"))!.view);
    expect(bobs.text).toContain("今日到期 0 个，逾期 0 个 · 拜访逾期 1 个");
    expect(bobs.text).toContain("逾期未拜访");
    expect(bobs.text).toContain("⚠ 计划于11月21日 周六，已逾期 2 天");
    expect(bobs.choices.map((c) => c.label)).toEqual(["记录拜访"]);
  });

  it("refuses a malformed intent date instead of guessing a day", async () => {
    const s = await dueScene();
    await expect(deliver(s, s.alice, "digest.callbacks", "23.11.2026")).rejects.toMatchObject({ code: "digest.invalid_date" });
  });
});

describe("churn digest notifications", () => {
  it("sends an owner their HIGH/MEDIUM customers with reasons, newly risen marked, and Schedule callback / Log visit", async () => {
    const s = await scene();
    const vega = await highRisk(s, s.alice.id, "Vega Group");
    const apex = await mediumRisk(s, s.alice.id, "Apex Steel");
    await customer(s, s.alice.id, "Birch Trading", "B");
    // Yesterday both were MEDIUM: Vega rose, Apex did not.
    for (const c of [vega, apex]) {
      await tdb.prisma.riskSnapshot.create({ data: { tenantId: s.tenant.id, customerId: c.id, localDate: dateAgo(1), score: 50, level: "MEDIUM", reasons: [] } });
    }

    const delivery = await deliver(s, s.alice, "digest.churn");
    const { text } = renderText(delivery!.view);
    expect(text).toContain("Customers at risk · Mon, Nov 23");
    expect(text).toContain("1 high, 1 medium, 1 newly risen");
    expect(text).toContain("🆕 Vega Group · VIP · High risk 71/100 · new since yesterday");
    expect(text).toContain("No contact for 45 days (cadence every 14 days) +35");
    expect(text).toContain("• Apex Steel · A (key) · Medium risk 60/100\n");
    expect(text).not.toContain("Birch");
    const schedule = choices(delivery!.view, "callback.open_form");
    expect(schedule.map((c) => decoded(c))).toMatchObject([
      { entityId: vega.id, memberId: s.alice.id },
      { entityId: apex.id, memberId: s.alice.id },
    ]);
    expect(decoded(choices(delivery!.view, "visit.open_form")[0]!)).toMatchObject({ entityId: vega.id, memberId: s.alice.id });

    // Nobody at risk: nothing is sent.
    expect(await deliver(s, s.bob, "digest.churn")).toBeNull();
  });

  it("sends leads their team's top 10 with 🆕 marks and owners, and the rest counted", async () => {
    const s = await scene();
    const vega = await highRisk(s, s.alice.id, "Vega Group");
    for (let i = 1; i <= 12; i++) await mediumRisk(s, i % 2 ? s.alice.id : s.amy.id, `M${String(i).padStart(2, "0")}`);
    await mediumRisk(s, s.bob.id, "Bob Industries");
    await tdb.prisma.riskSnapshot.create({ data: { tenantId: s.tenant.id, customerId: vega.id, localDate: dateAgo(1), score: 71, level: "HIGH", reasons: [] } });

    const delivery = await deliver(s, s.sam, "digest.churn.team");
    const { text } = renderText(delivery!.view);
    expect(text).toContain("Your team's top customers at risk · Mon, Nov 23");
    expect(text).toContain("1 high, 12 medium, 12 newly risen");
    // Vega was already HIGH yesterday: listed first, not marked.
    expect(text).toContain("• Vega Group · VIP · High risk 71/100 · account manager Alice\n");
    expect(text).toContain("🆕 M01 · A (key) · Medium risk 60/100 · account manager Alice · new since yesterday");
    expect(text).toContain("🆕 M02 · A (key) · Medium risk 60/100 · account manager Amy · new since yesterday");
    expect(text).toContain("M09");
    expect(text).not.toContain("M10");
    expect(text).toContain("… and 3 more");
    expect(text).toContain("🆕 = risen since yesterday's digest");
    expect(text).not.toContain("Bob Industries");
    const open = choices(delivery!.view, "customer.open");
    expect(open).toHaveLength(10);
    expect(decoded(open[0]!)).toMatchObject({ entityId: vega.id, memberId: s.sam.id });

    const wang = await deliver(s, s.wang, "digest.churn.team");
    expect(renderText(wang!.view).text).toContain("Top customers at risk in the department · Mon, Nov 23");
    expect(renderText(wang!.view).text).toContain("1 high, 13 medium, 13 newly risen");
    expect(await deliver(s, s.alice, "digest.churn.team")).toBeNull();
  });

  it("renders the team digest in Chinese", async () => {
    const s = await scene("zh-CN");
    await mediumRisk(s, s.alice.id, "华为技术");
    const { text } = renderText((await deliver(s, s.sam, "digest.churn.team"))!.view);
    expect(text).toContain("11月23日 周一 团队流失风险客户前十");
    expect(text).toContain("高风险 0，中风险 1，新增 1");
    expect(text).toContain("🆕 华为技术 · 一级（A） · 中风险 60/100 · 客户经理 Alice · 较昨日新增");
  });
});

describe("digest / 日报 (preview)", () => {
  it("previews both of today's digests as I will receive them", async () => {
    const s = await dueScene();
    await mediumRisk(s, s.alice.id, "Apex Risk");
    for (let i = 1; i <= 6; i++) await mediumRisk(s, s.alice.id, `Zeta ${i}`);
    const view = viewOf(await conversation.command({ user: s.as(s.alice), text: "digest" }));
    const { text } = renderText(view);
    expect(text).toContain("Your digests for Mon, Nov 23");
    expect(text).toContain("Callback digest at 09:00, churn warning at 09:30");
    expect(text).toContain("Callbacks for Mon, Nov 23");
    expect(text).toContain("2 due today, 2 overdue");
    expect(text).toContain("Customers at risk · Mon, Nov 23");
    expect(text).toContain("Apex Risk · A (key) · Medium risk 60/100");
    expect(text).toContain("0 high, 7 medium, 7 newly risen");
    // The preview keeps each list short (one message holds every digest); the rest is counted.
    expect(text).toContain("Zeta 4");
    expect(text).not.toContain("Zeta 5");
    expect(text).toContain("… and 2 more");
    before(text, "Callbacks for", "Customers at risk");
    expect(decoded(choices(view, "callback.snooze")[1]!)).toMatchObject({ entityId: s.cbs.vega.id, version: 2, memberId: s.alice.id });

    const onlyCallbacks = await say(s.as(s.alice), "digest callbacks");
    expect(onlyCallbacks).toContain("Callbacks for Mon, Nov 23");
    expect(onlyCallbacks).not.toContain("Customers at risk");
  });

  it("says when I get no digest, shows a lead the team parts, and speaks Chinese", async () => {
    const s = await dueScene("zh-CN");
    const bob = await say(s.as(s.bob), "日报");
    expect(bob).toContain("今天没有您的回访日报：没有到期或逾期的回访。");
    expect(bob).toContain("今天没有您的流失预警：您的客户均无流失风险。");

    await mediumRisk(s, s.amy.id, "华为技术");
    const sam = await say(s.as(s.sam), "日报 预警");
    expect(sam).toContain("11月23日 周一 我的日报");
    expect(sam).toContain("流失预警 09:30 发送");
    expect(sam).toContain("11月23日 周一 团队流失风险客户前十");
    expect(sam).not.toContain("回访概况");

    const samCallbacks = await say(s.as(s.sam), "日报 回访");
    expect(samCallbacks).toContain("11月23日 周一 团队回访概况");
    expect(samCallbacks).toContain("Alice：到期 2，逾期 2，昨日完成 0");
  });

  it("refuses an unknown digest name with a helpful message", async () => {
    const s = await scene();
    const reply = await say(s.as(s.alice), "digest weekly");
    expect(reply).toContain("“weekly” is not a digest: use callbacks or risk, or nothing for both.");
  });
});

/** Alice's November: callbacks, complaints, a churned customer, satisfaction and hospitality. */
async function reportScene(locale: "en" | "zh-CN" = "en") {
  const s = await scene(locale);
  const vega = await customer(s, s.alice.id, "Vega", "VIP");
  const birch = await customer(s, s.alice.id, "Birch", "B");
  const xeno = await customer(s, s.alice.id, "Xeno", "A", { status: "CHURNED" });
  await tdb.prisma.auditLog.create({
    data: {
      tenantId: s.tenant.id,
      actorId: s.alice.id,
      action: "customer.status_changed",
      entityType: "Customer",
      entityId: xeno.id,
      before: { status: "ACTIVE" },
      after: { status: "CHURNED" },
      at: new Date("2026-11-15T02:00:00Z"),
    },
  });
  await callback(s, vega.id, s.alice.id, day("2026-11-05"), { status: "DONE", completedAt: new Date("2026-11-05T03:00:00Z"), satisfaction: 4 });
  await callback(s, birch.id, s.alice.id, day("2026-11-10"), { status: "DONE", completedAt: new Date("2026-11-10T03:00:00Z"), satisfaction: 5 });
  await callback(s, birch.id, s.alice.id, day("2026-11-12"), { status: "SKIPPED", completedAt: new Date("2026-11-12T03:00:00Z") });
  await callback(s, vega.id, s.alice.id, day("2026-11-20"));
  const complaint = (number: number, createdAt: string, ackMinutes: number, resolveMinutes: number | null) => {
    const created = new Date(createdAt);
    const plus = (minutes: number) => new Date(created.getTime() + minutes * 60_000);
    return tdb.prisma.complaint.create({
      data: {
        tenantId: s.tenant.id,
        number,
        customerId: vega.id,
        reporterId: s.alice.id,
        assigneeId: s.alice.id,
        severity: "HIGH",
        category: "SERVICE",
        description: "late delivery",
        status: resolveMinutes === null ? "ACKNOWLEDGED" : "RESOLVED",
        ackDueAt: plus(4 * 60),
        resolveDueAt: plus(72 * 60),
        acknowledgedAt: plus(ackMinutes),
        resolvedAt: resolveMinutes === null ? null : plus(resolveMinutes),
        createdAt: created,
      },
    });
  };
  await complaint(1, "2026-11-10T02:00:00Z", 90, 26 * 60);
  // Acknowledged after 5 h (SLA 4 h), still unresolved past its 72 h deadline.
  await complaint(2, "2026-11-20T00:00:00Z", 300, null);
  const hospitality = (number: number, customerId: string, eventDate: string, estimatedFen: bigint, status: "APPROVED" | "SETTLED", actualFen?: bigint) =>
    tdb.prisma.hospitalityRequest.create({
      data: {
        tenantId: s.tenant.id,
        number,
        requesterId: s.alice.id,
        customerId,
        eventDate: day(eventDate),
        kind: "MEAL",
        guests: 4,
        staff: 2,
        estimatedFen,
        purpose: "quarterly review",
        status,
        actualFen: actualFen ?? null,
      },
    });
  await hospitality(1, vega.id, "2026-11-15", 300_000n, "APPROVED");
  await hospitality(2, birch.id, "2026-11-18", 150_000n, "SETTLED", 100_000n);
  return s;
}

describe("report / 报表", () => {
  it("shows a specialist their KPIs with percentages, durations and money", async () => {
    const s = await reportScene();
    const stored = await writes(s.tenant.id);
    const text = await say(s.as(s.alice), "report 2026-11-01 2026-11-23");
    expect(text).toContain("KPIs Nov 1 – Nov 23");
    expect(text).toContain("Your figures");
    expect(text).toContain("Callback completion: 50% (2 of 4)");
    expect(text).toContain("Median time to acknowledge: 3 h 15 min (n = 2)");
    expect(text).toContain("Median time to resolve: 1 d 2 h (n = 1)");
    // Working time (Mon–Fri 09:00–18:00): Tue 10:00 → 11:30 is 90 min, Fri 08:00 → 13:00 is 240 min;
    // resolved Wed 12:00 after Tue 10:00 is 8 h + 3 h.
    expect(text).toContain("Median time to acknowledge, working hours: 2 h 45 min (n = 2)");
    expect(text).toContain("Median time to resolve, working hours: 11 h 0 min (n = 1)");
    // Both of Alice's complaints missed a deadline while she held them.
    expect(text).toContain("SLA deadlines missed: 2 (2 complaints registered)");
    expect(text).toContain("Sales: ¥0.00 (previous period ¥0.00, n/a)");
    expect(text).toContain("Callbacks done on time (by the original due date): 50% (2 of 4)");
    expect(text).toContain("Churn rate: 33.3% (1 of 3)");
    expect(text).toContain("Average satisfaction: 4.5 / 5 (2 responses)");
    expect(text).toContain("Hospitality spend per customer: ¥2,000.00 (¥4,000.00 for 2 customers)");
    expect(text).toContain("Hospitality spend by tier (per customer): VIP ¥3,000.00 (¥3,000.00) · B (regular) ¥1,000.00 (¥1,000.00)");
    // A specialist has no member rows to list.
    expect(text).not.toContain("Members");
    expect(await writes(s.tenant.id)).toEqual(stored);

    // Asking for more than the role covers shows what it covers, and says so.
    const all = await say(s.as(s.alice), "report 2026-11-01 2026-11-23 all");
    expect(all).toContain("Callback completion: 50% (2 of 4)");
    expect(all).toContain("Your role shows figures for yourself only.");

    // A period typed backwards is refused naming both days as the member reads dates; a day copied
    // from the title reads back.
    expect(await say(s.as(s.alice), "report 2026-11-23 2026-11-01")).toContain("The period starts Nov 23, after it ends Nov 1.");
    expect(await say(s.as(s.alice), "report Nov 1 Nov 23")).toContain("KPIs Nov 1 – Nov 23");
  });

  it("shows a supervisor the team total and one line per member, in Chinese", async () => {
    const s = await reportScene("zh-CN");
    const text = await say(s.as(s.sam), "报表 2026-11-01 2026-11-23 团队");
    expect(text).toContain("绩效指标 11月1日至11月23日");
    expect(text).toContain("我的团队（3 人）");
    expect(text).toContain("回访完成率：50%（4 个中的 2 个）");
    expect(text).toContain("投诉受理时长中位数：3 小时 15 分钟（共 2 起）");
    expect(text).toContain("投诉受理时长中位数（工作时间）：2 小时 45 分钟（共 2 起）");
    expect(text).toContain("各成员");
    expect(text).toMatch(/• Alice（2 个客户）\n\s+销售额 ¥0.00（无） · 回访完成 50%（2\/4） · 受理 3 小时 15 分钟（工作时间 2 小时 45 分钟） · 超时 2 · 流失率 33\.3% · 满意度 4\.5 · 招待 ¥4,000.00/);
    // Sam and Amy own no customers and did nothing in the period: no rows of "无", one line saying so.
    expect(text).not.toContain("Amy");
    expect(text).not.toContain("回访完成 无");
    expect(text).toContain("各成员 · 另有 2 人无客户、期间无数据，未列出");

    const me = await say(s.as(s.sam), "报表 2026-11-01 2026-11-23 我");
    expect(me).toContain("个人指标");
    expect(me).toContain("回访完成率：无");
    expect(me).not.toContain("各成员");
  });

  it("shows a manager the department with teams and members", async () => {
    const s = await reportScene();
    const text = await say(s.as(s.wang), "report 2026-11-01 2026-11-23");
    expect(text).toContain("Whole department (5 members)");
    expect(text).toContain("Teams");
    expect(text).toContain("Team of Sam (3 members)");
    expect(text).toContain("Members");
    before(text, "Teams", "Members");
  });

  it("answers a range that is too long or a word it does not know with a helpful message, writing nothing", async () => {
    const s = await reportScene();
    const stored = await writes(s.tenant.id);
    expect(await say(s.as(s.alice), "report 2025-01-01 2026-11-23")).toBe("A report covers at most 366 days.");
    expect(await say(s.as(s.alice), "report soonish")).toContain("I don't understand “soonish” in a report.");
    expect(await say(s.as(s.alice), "报表 2025-01-01 2026-11-23")).toBe("A report covers at most 366 days.");
    expect(await writes(s.tenant.id)).toEqual(stored);
  });
});

describe("the digests channel post", () => {
  const DIGESTS_CHANNEL = { channels: { digests: "C0DIGESTS" } };

  /** Renders the run's channel intent for `kind` as the outbox worker would. */
  async function postToChannel(s: Scene, kind: string, localDate = TODAY) {
    const message = await tdb.prisma.outboxMessage.create({
      data: {
        tenantId: s.tenant.id,
        platform: "CONSOLE",
        target: "channel:digests",
        payload: { kind, localDate, audience: "channel" },
        dedupeKey: `digest:${s.tenant.id}:${kind}:${localDate}:channel:digests`,
        entityType: "DigestRun",
        entityId: s.tenant.id,
      },
    });
    return conversation.renderDelivery(message);
  }

  /** dueScene plus Sue, a second supervisor under Wang, over Carl who is 2 days late with Cobalt. */
  async function departmentScene(locale: "en" | "zh-CN" = "en") {
    const s = await dueScene(locale);
    await tdb.prisma.tenant.update({ where: { id: s.tenant.id }, data: { settings: DIGESTS_CHANNEL } });
    const sue = await s.add("Sue", { role: "SUPERVISOR", supervisorId: s.wang.id });
    const carl = await s.add("Carl", { supervisorId: sue.id });
    const cobalt = await customer(s, carl.id, "Cobalt", "A");
    await callback(s, cobalt.id, carl.id, dateAgo(2));
    const bobCo = await customer(s, s.bob.id, "Bob Co", "B");
    await callback(s, bobCo.id, s.bob.id, day(TODAY));
    return { ...s, sue, carl };
  }

  it("shows every team of the department with each member's counts and rates, and no buttons", async () => {
    const s = await departmentScene();
    const delivery = await postToChannel(s, "digest.callbacks.team");
    expect(delivery!.to).toEqual({ kind: "channel", channelId: "C0DIGESTS" });
    const { text, choices: buttons } = renderText(delivery!.view);
    expect(text).toContain("Department callbacks for Mon, Nov 23");
    expect(text).toContain("3 due today · 3 overdue · 1 done yesterday");
    // Window: Alice's two overdue, Amy's done, Carl's overdue → 1 of 4.
    expect(text).toContain("Department completion rate (last 30 days): 25%");
    expect(text).toContain("Sam's team · 2 due today · 2 overdue · 1 done yesterday · Team completion rate (last 30 days): 33.3%");
    expect(text).toContain("⚠ Alice: 2 due, 2 overdue, 0 done yesterday · 0% done (30 days)");
    expect(text).toContain("Amy: 0 due, 0 overdue, 1 done yesterday · 100% done (30 days)");
    expect(text).toContain("Sue's team · 0 due today · 1 overdue · 0 done yesterday · Team completion rate (last 30 days): 0%");
    expect(text).toContain("⚠ Carl: 0 due, 1 overdue, 0 done yesterday · 0% done (30 days)");
    // Bob reports to the department head directly: listed apart, once.
    expect(text).toContain("Not in a team");
    expect(text.match(/Bob: 1 due, 0 overdue, 0 done yesterday/g)).toHaveLength(1);
    before(text, "Sam's team", "Alice:");
    before(text, "Alice:", "Sue's team");
    before(text, "Sue's team", "Carl:");
    before(text, "Carl:", "Not in a team");
    // A channel post names no customer and carries no button only one member may click.
    expect(text).not.toContain("Vortex");
    expect(buttons).toEqual([]);
  });

  it("speaks the tenant's language whoever renders it", async () => {
    const s = await departmentScene("zh-CN");
    const { text } = renderText((await postToChannel(s, "digest.callbacks.team"))!.view);
    expect(text).toContain("11月23日 周一 全部门回访概况");
    expect(text).toContain("部门近 30 天回访完成率：25%");
    expect(text).toContain("Sam 团队 · 今日到期 2 · 逾期 2 · 昨日完成 1 · 团队近 30 天回访完成率：33.3%");
    expect(text).toContain("未归入团队的成员");
  });

  it("shows the department's top 10 at-risk customers with reasons and owners, newly risen marked, contacts never shown", async () => {
    const s = await scene("en", DIGESTS_CHANNEL);
    const vega = await highRisk(s, s.alice.id, "Vega Group");
    await tdb.prisma.contact.create({
      data: { tenantId: s.tenant.id, customerId: vega.id, name: "Lin Hua", phone: "13812345678", email: "lin.hua@vega.example" },
    });
    for (let i = 1; i <= 11; i++) await mediumRisk(s, i % 2 ? s.amy.id : s.bob.id, `M${String(i).padStart(2, "0")}`);
    await tdb.prisma.riskSnapshot.create({ data: { tenantId: s.tenant.id, customerId: vega.id, localDate: dateAgo(1), score: 71, level: "HIGH", reasons: [] } });

    const delivery = await postToChannel(s, "digest.churn.team");
    expect(delivery!.to).toEqual({ kind: "channel", channelId: "C0DIGESTS" });
    const { text, choices: buttons } = renderText(delivery!.view);
    expect(text).toContain("Top customers at risk in the department · Mon, Nov 23");
    expect(text).toContain("1 high, 11 medium, 11 newly risen");
    expect(text).toContain("• Vega Group · VIP · High risk 71/100 · account manager Alice\n");
    expect(text).toContain("No contact for 45 days (cadence every 14 days) +35");
    // Customers of Bob, who reports to the head directly, are the department's too.
    expect(text).toContain("🆕 M02 · A (key) · Medium risk 60/100 · account manager Bob · new since yesterday");
    expect(text).toContain("M09");
    expect(text).not.toContain("M10");
    expect(text).toContain("… and 2 more");
    expect(text).toContain("🆕 = risen since yesterday's digest");
    expect(text).not.toContain("13812345678");
    expect(text).not.toContain("lin.hua@vega.example");
    expect(buttons).toEqual([]);

    // Nobody at risk: nothing is posted.
    const calm = await scene("en", DIGESTS_CHANNEL);
    expect(await postToChannel(calm, "digest.churn.team")).toBeNull();
  });

  it("renders the churn post in Chinese", async () => {
    const s = await scene("zh-CN", DIGESTS_CHANNEL);
    await mediumRisk(s, s.bob.id, "华为技术");
    const { text } = renderText((await postToChannel(s, "digest.churn.team"))!.view);
    expect(text).toContain("11月23日 周一 全部门流失风险客户前十");
    expect(text).toContain("🆕 华为技术 · 一级（A） · 中风险 60/100 · 客户经理 Bob · 较昨日新增");
  });
});

