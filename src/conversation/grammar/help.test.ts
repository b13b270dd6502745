// Help is data from the catalogs; every example in it must be a command the parser accepts.
import { describe, expect, it } from "vitest";
import type { Locale } from "../i18n/index.js";
import { helpTopicIds, type CommandKind, type HelpTopicId } from "./commands.js";
import { helpOverview, helpTopic, helpTopics, usageLines } from "./help.js";
import { parseCommand } from "./parser.js";

const locales: Locale[] = ["en", "zh-CN"];
const CJK = /[\u3400-\u9fff]/;

// The help examples mention @Jane and @王芳; the console adapter resolves typed names like this.
const ctx = (locale: Locale) => ({
  now: new Date("2026-11-23T01:00:00Z"),
  timeZone: "Asia/Shanghai",
  locale,
  mentions: { "@Jane": { platformUserId: "U_JANE" }, "@王芳": { platformUserId: "ou_wangfang" } },
});

const kindsOfTopic: Record<HelpTopicId, CommandKind[]> = {
  help: ["help"],
  customer: ["customer.show"],
  "customer.add": ["customer.add"],
  "customer.assign": ["customer.assign"],
  "customer.tier": ["customer.tier"],
  visit: ["visit.log"],
  callbacks: ["callbacks.list"],
  callback: ["callback.schedule"],
  complaint: ["complaint.register"],
  complaints: ["complaints.list"],
  hospitality: ["hospitality.request"],
  approvals: ["approvals.list"],
  risk: ["risk.list"],
  digest: ["digest.preview"],
  report: ["report.kpi"],
  admin: ["admin.role", "admin.supervisor", "admin.channel", "admin.settings", "admin.calendar", "admin.region"],
  "admin.role": ["admin.role"],
  "admin.supervisor": ["admin.supervisor"],
  "admin.channel": ["admin.channel"],
  "admin.settings": ["admin.settings"],
  lang: ["member.lang"],
  credit: ["credit.show", "credit.request", "credit.review"],
  "credit.request": ["credit.request"],
  "credit.review": ["credit.review"],
  away: ["member.away"],
  customers: ["customers.list"],
  "customer.find": ["customer.find"],
  "customer.edit": ["customer.edit"],
  "customer.history": ["customer.history"],
  "customer.handover": ["customer.handover"],
  contact: ["contacts.list", "contact.add", "contact.edit", "contact.remove", "contact.primary"],
  "admin.deactivate": ["admin.deactivate"],
  plan: ["plan.show"],
  "visit.plan": ["visit.plan"],
  calendar: ["calendar.show"],
  "admin.calendar": ["admin.calendar"],
  "admin.region": ["admin.region"],
  survey: ["survey.list", "survey.start", "survey.results"],
};

describe("help", () => {
  it.each(locales)("gives every topic a title, usage, description and examples in %s", (locale) => {
    for (const id of helpTopicIds) {
      const topic = helpTopic(locale, id);
      expect(topic.title, id).not.toMatch(/^help\./);
      expect(topic.description, id).not.toMatch(/^help\./);
      expect(topic.usage.length, id).toBeGreaterThan(0);
      expect(topic.examples.length, id).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(locales)("shows both the English and the Chinese command form among the examples in %s", (locale) => {
    for (const id of helpTopicIds) {
      const heads = helpTopic(locale, id).examples.map((e) => e.command.split(/\s+/)[0]!);
      expect(heads.some((h) => CJK.test(h)), id).toBe(true);
      expect(heads.some((h) => !CJK.test(h)), id).toBe(true);
    }
  });

  it("leads with the member's own language form", () => {
    expect(helpTopic("zh-CN", "complaint").examples[0]!.command).toMatch(/^投诉 /);
    expect(helpTopic("en", "complaint").examples[0]!.command).toMatch(/^complaint /);
    expect(helpTopic("zh-CN", "complaint").usage).toEqual(["投诉 <客户> <低|中|高|紧急> <问题描述>"]);
  });

  it.each(locales)("has examples that parse into the topic's command in %s", (locale) => {
    for (const id of helpTopicIds) {
      for (const example of helpTopic(locale, id).examples) {
        const result = parseCommand(example.command, ctx(locale));
        expect(result.ok ? "ok" : result.error.key, `${id}: ${example.command}`).toBe("ok");
        if (result.ok) expect(kindsOfTopic[id], example.command).toContain(result.command.kind);
      }
    }
  });

  it("gives a command family's help every member's usage", () => {
    expect(helpTopic("en", "customer").usage).toEqual([
      "customer <name>",
      "customer add <name> [tier VIP|A|B|C] [owner @member] [annual <amount>]",
      "customer assign <name> @member <reason>",
      "customer tier <name> <VIP|A|B|C> <reason>",
    ]);
    expect(helpTopic("zh-CN", "admin").usage).toHaveLength(6);
    expect(usageLines("en", "customer.assign")).toEqual(["customer assign <name> @member <reason>"]);
  });

  it("lists every command once in the overview, in the table's order", () => {
    const overview = helpOverview("zh-CN");
    expect(overview.title).toBe("Accord 命令");
    expect(overview.topics.map((t) => t.id)).toEqual(helpTopicIds.filter((id) => id !== "admin"));
    expect(helpTopics("en").flatMap((t) => t.usage.slice(0, 1))).toEqual(usageLines("en"));
  });
});
