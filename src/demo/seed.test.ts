// The demo department as a first-time member meets it: every report has figures (callbacks
// completed, complaints resolved, hospitality settled, survey answered, sales and retention),
// and everything on its cards and reports is in the department's language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationAt, replyText } from "../../test/support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.js";
import { kpiReport } from "../core/kpi/kpi.js";
import { actorOf } from "../core/members/members.js";
import type { Locale } from "../conversation/i18n/index.js";
import type { PlatformUser } from "../conversation/port.js";
import { DEMO_TENANT_EXTERNAL_ID, seedDemoTenant } from "./seed.js";

const NOW = "2026-11-23T02:00:00Z";
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const HAN = /\p{Script=Han}/u;

/** Seeds the demo in `locale` (moving an earlier demo tenant aside: there is one per database). */
async function demo(locale: Locale) {
  const previous = await tdb.prisma.tenant.findFirst({ where: { externalId: DEMO_TENANT_EXTERNAL_ID } });
  if (previous) await tdb.prisma.tenant.update({ where: { id: previous.id }, data: { externalId: `done-${previous.id}` } });
  const { deps, conversation } = conversationAt(tdb.prisma, NOW, { defaultLocale: locale });
  const seeded = await seedDemoTenant(deps, { timeZone: "Asia/Shanghai", locale });
  const as = (key: string): PlatformUser => ({ platform: "CONSOLE", tenantExternalId: DEMO_TENANT_EXTERNAL_ID, platformUserId: seeded.users[key]! });
  const say = async (key: string, text: string) => replyText(await conversation.command({ user: as(key), text }));
  return { deps, tenant: seeded.tenant, say };
}

describe.each(["en", "zh-CN"] as const)("the %s demo", (locale) => {
  let d: Awaited<ReturnType<typeof demo>>;
  beforeAll(async () => {
    d = await demo(locale);
  }, 300_000);

  it("reports realistic, non-zero figures for the last 30 days", async () => {
    const wang = await tdb.prisma.member.findFirstOrThrow({ where: { tenantId: d.tenant.id, role: "MANAGER" } });
    const { total } = await kpiReport(d.deps, actorOf(wang, "CONSOLE"));
    const m = total.metrics;
    expect(m.callbacks.done).toBeGreaterThan(20);
    expect(m.callbacks.completionRate).toBeGreaterThan(0.25);
    expect(m.callbacks.completionRate).toBeLessThan(1);
    expect(m.callbacks.onTimeRate).toBeGreaterThan(0);
    expect(m.callbacks.outcomes.reached).toBeGreaterThan(0);
    expect(m.callbacks.outcomes.noAnswer).toBeGreaterThan(0);
    expect(m.complaints.resolved).toBeGreaterThan(4);
    expect(m.complaints.medianAckMinutes).toBeGreaterThan(0);
    expect(m.complaints.medianResolveMinutes).toBeGreaterThan(0);
    expect(m.satisfaction.average).toBeGreaterThan(3);
    expect(m.sales.salesFen).toBeGreaterThan(0n);
    expect(m.sales.retention).toBeGreaterThan(0);
    expect(m.visits.logged).toBeGreaterThan(0);
    expect(m.hospitality.spendFen).toBeGreaterThan(0n);
    const settled = await tdb.prisma.hospitalityRequest.count({ where: { tenantId: d.tenant.id, status: "SETTLED" } });
    expect(settled).toBeGreaterThan(2);
    const answered = await tdb.prisma.surveyTask.count({ where: { tenantId: d.tenant.id, status: "DONE" } });
    expect(answered).toBeGreaterThan(4);
  });

  it("writes its people, customers and notes in its own language only", async () => {
    const t = d.tenant.id;
    const [members, customers, visits, callbacks, complaints, hospitality] = await Promise.all([
      tdb.prisma.member.findMany({ where: { tenantId: t }, select: { displayName: true } }),
      tdb.prisma.customer.findMany({ where: { tenantId: t }, select: { name: true, industry: true, region: true } }),
      tdb.prisma.visit.findMany({ where: { tenantId: t }, select: { purpose: true, summary: true, feedback: true } }),
      tdb.prisma.callback.findMany({ where: { tenantId: t }, select: { note: true, outcome: true } }),
      tdb.prisma.complaint.findMany({ where: { tenantId: t }, select: { description: true, resolution: true } }),
      tdb.prisma.hospitalityRequest.findMany({ where: { tenantId: t }, select: { venue: true, purpose: true } }),
    ]);
    const texts = [
      ...members.map((m) => m.displayName),
      ...customers.flatMap((c) => [c.name, c.industry, c.region]),
      ...visits.flatMap((v) => [v.purpose, v.summary, v.feedback]),
      ...callbacks.flatMap((c) => [c.note, c.outcome]),
      ...complaints.flatMap((c) => [c.description, c.resolution]),
      ...hospitality.flatMap((h) => [h.venue, h.purpose]),
    ].filter((s): s is string => !!s);
    expect(texts.length).toBeGreaterThan(500);
    const foreign = locale === "en" ? texts.filter((s) => HAN.test(s)) : texts.filter((s) => /[A-Za-z]{2,}/.test(s));
    expect([...new Set(foreign)]).toEqual([]);
  });

  it("shows nothing of the other language on the customer list, a card, the report, risk, callbacks and complaints", async () => {
    const zh = locale === "zh-CN";
    const first = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: d.tenant.id, tier: "VIP" }, orderBy: { name: "asc" } });
    const shown = [
      await d.say("wang", zh ? "客户列表 全部" : "customers all"),
      await d.say("wang", `${zh ? "客户" : "customer"} ${first.name}`),
      await d.say("wang", zh ? "报表" : "report"),
      await d.say("wang", zh ? "预警" : "risk"),
      await d.say("liuyang", zh ? "回访" : "callbacks"),
      await d.say("wang", zh ? "投诉列表" : "complaints"),
    ];
    const foreign = (line: string) =>
      locale === "en" ? HAN.test(line) : line.replace(/\b(VIP|KPI|NPS|SLA|Accord|ERP|n\/a|A{1,3}|B{1,3}|C{1,3})\b/g, "").search(/[A-Za-z]{2,}/) >= 0;
    if (process.env.SHOW_DEMO) console.log(shown.join("\n\n"));
    expect(shown.flatMap((text) => text.split("\n").filter(foreign))).toEqual([]);
    expect(shown[2]).not.toMatch(/\b0%/);
  });
});
