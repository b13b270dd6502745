// Table-driven grammar tests: what users type in Slack, Feishu and the console, in English and
// Chinese, against a fixed "now" in Asia/Shanghai. Pure: no database.
import { describe, expect, it } from "vitest";
import { hasMessage, placeholdersOf, t } from "../i18n/index.js";
import { missingFields, type Command } from "./commands.js";
import { customerNameCandidates, parseCommand, splitCustomerAndText, type ParseContext } from "./parser.js";

// Monday 2026-11-23, 09:00 in Shanghai.
const NOW = new Date("2026-11-23T01:00:00Z");
// Monday 2026-03-02, 00:30 in Shanghai, but still Sunday 2026-03-01 in UTC.
const JUST_AFTER_MIDNIGHT = new Date("2026-03-01T16:30:00Z");
// Sunday 2026-03-01, 23:59:59 in Shanghai.
const JUST_BEFORE_MIDNIGHT = new Date("2026-03-01T15:59:59Z");

const mentions = {
  "@_user_1": { platformUserId: "ou_wangfang", name: "王芳" },
  "@_user_2": { platformUserId: "ou_lilei" },
};

function ctx(over: Partial<ParseContext> = {}): ParseContext {
  return { now: NOW, timeZone: "Asia/Shanghai", locale: "en", mentions, ...over };
}

const zh: Partial<ParseContext> = { locale: "zh-CN" };
const wang = { platformUserId: "ou_wangfang", name: "王芳" };
const lilei = { platformUserId: "ou_lilei" };
const jane = { platformUserId: "U123", name: "jane" };

type Accepted = [input: string, command: Command, over?: Partial<ParseContext>];

const accepted: Accepted[] = [
  // help and prefixes
  ["", { kind: "help" }],
  ["/crm", { kind: "help" }],
  ["help", { kind: "help" }],
  ["/crm help", { kind: "help" }],
  ["/CRM HELP", { kind: "help" }],
  ["帮助", { kind: "help" }],
  ["/crm 帮助", { kind: "help" }],
  ["／crm 帮助", { kind: "help" }],
  ["/帮助", { kind: "help" }],
  ["?", { kind: "help" }],
  ["help complaint", { kind: "help", topic: "complaint" }],
  ["帮助 投诉", { kind: "help", topic: "complaint" }],
  ["help customer add", { kind: "help", topic: "customer.add" }],
  ["帮助 客户 分级", { kind: "help", topic: "customer.tier" }],
  ["help customer", { kind: "help", topic: "customer" }],
  ["help admin settings", { kind: "help", topic: "admin.settings" }],
  ["帮助 回访", { kind: "help", topic: "callbacks" }],
  ["help callback", { kind: "help", topic: "callback" }],
  ["帮助 语言", { kind: "help", topic: "lang" }],

  // customer card
  ["customer Acme", { kind: "customer.show", name: "Acme" }],
  ["CUSTOMER acme", { kind: "customer.show", name: "acme" }],
  ["客户 华为", { kind: "customer.show", name: "华为" }],
  ["/crm 客户 华为", { kind: "customer.show", name: "华为" }],
  ["客户华为", { kind: "customer.show", name: "华为" }],
  ["customer Acme   Trading  Ltd", { kind: "customer.show", name: "Acme Trading Ltd" }],
  ['customer "Add Corp"', { kind: "customer.show", name: "Add Corp" }],
  ["客户 「华为 技术」", { kind: "customer.show", name: "华为 技术" }],
  ["客户\u3000华为", { kind: "customer.show", name: "华为" }],
  ["customer", { kind: "customer.show" }],

  // customer add
  ["customer add Acme", { kind: "customer.add", name: "Acme" }],
  [
    'customer add "Acme Trading" tier A owner <@U123|jane> annual 1,500,000',
    { kind: "customer.add", name: "Acme Trading", tier: "A", owner: jane, annualFen: 150_000_000n },
  ],
  [
    "客户 新增 华为技术 等级 VIP 负责人 @_user_1 年采购额 600万",
    { kind: "customer.add", name: "华为技术", tier: "VIP", owner: wang, annualFen: 600_000_000n },
  ],
  ["客户 添加 小米 等级 潜在", { kind: "customer.add", name: "小米", tier: "C" }],
  ["customer add Big Data Co <@U123>", { kind: "customer.add", name: "Big Data Co", owner: { platformUserId: "U123" } }],
  ["customer new Acme annual ¥0", { kind: "customer.add", name: "Acme", annualFen: 0n }],
  ["customer add", { kind: "customer.add" }],

  // customer assign / tier
  ["customer assign Acme <@U123|jane>", { kind: "customer.assign", name: "Acme", owner: jane }],
  ["客户 分配 华为 技术 @_user_1", { kind: "customer.assign", name: "华为 技术", owner: wang }],
  ["客户 分配 @_user_2 华为", { kind: "customer.assign", name: "华为", owner: lilei }],
  ["customer assign Acme", { kind: "customer.assign", name: "Acme" }],
  ["customer assign Acme <@U123|jane> moved to key accounts", { kind: "customer.assign", name: "Acme", owner: jane, reason: "moved to key accounts" }],
  ["客户 分配 华为 @_user_1 岗位调整", { kind: "customer.assign", name: "华为", owner: wang, reason: "岗位调整" }],

  // the customer book
  ["customers", { kind: "customers.list" }],
  [
    "customers mine tier VIP,A region 华东 risk high overdue",
    { kind: "customers.list", scope: "mine", tiers: ["VIP", "A"], region: "华东", risk: "HIGH", overdue: true },
  ],
  ["客户列表 团队 等级 一级 状态 流失 负责人 @_user_1", { kind: "customers.list", scope: "team", tiers: ["A"], statuses: ["LOST"], owner: wang }],
  ['customers industry "Heavy Machinery" all', { kind: "customers.list", industry: "Heavy Machinery", scope: "all" }],
  ["customer find hwjs", { kind: "customer.find", query: "hwjs" }],
  ["客户 搜索 华为 技术", { kind: "customer.find", query: "华为 技术" }],
  ["customer edit Acme Trading", { kind: "customer.edit", name: "Acme Trading" }],
  ["客户 编辑 华为技术", { kind: "customer.edit", name: "华为技术" }],
  ["customer tier Acme auto", { kind: "customer.tier_auto", name: "Acme" }],
  ["客户 分级 华为 技术 自动", { kind: "customer.tier_auto", name: "华为 技术" }],
  ["customer history Acme", { kind: "customer.history", name: "Acme" }],
  ["客户 历史 华为技术", { kind: "customer.history", name: "华为技术" }],
  [
    "customer handover <@U123|jane> @_user_1 tier VIP moved to key accounts",
    { kind: "customer.handover", from: jane, to: wang, selector: { tier: "VIP" }, reason: "moved to key accounts" },
  ],
  ["客户 移交 @_user_1 @_user_2 区域 华东 岗位调整", { kind: "customer.handover", from: wang, to: lilei, selector: { region: "华东" }, reason: "岗位调整" }],
  ["客户 移交 @_user_1 @_user_2 全部 离职", { kind: "customer.handover", from: wang, to: lilei, selector: { all: true }, reason: "离职" }],
  ["contacts Acme", { kind: "contacts.list", customer: "Acme" }],
  [
    "contact add Acme Lily Purchasing manager 13800138000 lily@acme.com",
    { kind: "contact.add", customer: "Acme", name: "Lily", title: "Purchasing manager", phone: "13800138000", email: "lily@acme.com" },
  ],
  ["联系人 新增 华为技术 张伟", { kind: "contact.add", customer: "华为技术", name: "张伟" }],
  ["联系人 删除 华为技术 张伟", { kind: "contact.remove", customer: "华为技术", contact: "张伟" }],
  ["contact edit Acme Lily", { kind: "contact.edit", customer: "Acme", contact: "Lily" }],
  ["联系人 主要 华为技术 张伟", { kind: "contact.primary", customer: "华为技术", contact: "张伟" }],
  ["complaint #7", { kind: "complaint.show", number: 7 }],
  ["投诉 ＃12", { kind: "complaint.show", number: 12 }],
  ["hospitality #5", { kind: "hospitality.show", number: 5 }],
  ["招待 #5", { kind: "hospitality.show", number: 5 }],
  ["complaints closed", { kind: "complaints.closed" }],
  ["投诉列表 已结 上月", { kind: "complaints.closed", from: "2026-10-01", to: "2026-10-31" }],
  ["admin deactivate <@U123|jane> @_user_1", { kind: "admin.deactivate", user: jane, successor: wang }],
  ["管理 停用 @_user_1 @_user_2", { kind: "admin.deactivate", user: wang, successor: lilei }],
  [
    'customer tier "Acme Trading" VIP Strategic partner for 2027',
    { kind: "customer.tier", name: "Acme Trading", tier: "VIP", reason: "Strategic partner for 2027" },
  ],
  ["客户 分级 华为 技术 一级 合作满五年", { kind: "customer.tier", name: "华为 技术", tier: "A", reason: "合作满五年" }],
  ["客户 等级 小米 二级", { kind: "customer.tier", name: "小米", tier: "B" }],
  ["customer tier Acme b downgraded after audit", { kind: "customer.tier", name: "Acme", tier: "B", reason: "downgraded after audit" }],

  // visits
  ["visit", { kind: "visit.log" }],
  ["visit Acme", { kind: "visit.log", customer: "Acme" }],
  ['visit "Acme Trading" Discussed the 2027 renewal', { kind: "visit.log", customer: "Acme Trading", summary: "Discussed the 2027 renewal" }],
  ["拜访 “华为 技术” 讨论明年续约", { kind: "visit.log", customer: "华为 技术", summary: "讨论明年续约" }],
  ["拜访 华为 讨论明年续约", { kind: "visit.log", words: ["华为", "讨论明年续约"] }],
  ["visit Acme Trading went well", { kind: "visit.log", words: ["Acme", "Trading", "went", "well"] }],
  ['visit "Acme" line one\nline two', { kind: "visit.log", customer: "Acme", summary: "line one\nline two" }],

  // callbacks
  ["callbacks", { kind: "callbacks.list" }],
  ["回访", { kind: "callbacks.list" }],
  ["回访列表", { kind: "callbacks.list" }],
  ["callback Acme 2026-12-01", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-01" }],
  ["callback Acme +3d Ask about the new quote", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-11-26", note: "Ask about the new quote" }],
  ["回访 华为 明天 确认报价", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-24", note: "确认报价" }],
  ["回访 华为 技术 后天", { kind: "callback.schedule", customer: "华为 技术", dueDate: "2026-11-25" }],
  // "next mon" is one day (下周一), not "next" glued to the customer's name.
  ["callback 华为技术 next mon confirm the quote", { kind: "callback.schedule", customer: "华为技术", dueDate: "2026-11-30", note: "confirm the quote" }],
  ["callback Acme Corp next Friday", { kind: "callback.schedule", customer: "Acme Corp", dueDate: "2026-12-04" }],
  ["回访 华为技术 下周五", { kind: "callback.schedule", customer: "华为技术", dueDate: "2026-12-04" }],
  ["回访 华为 大后天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-26" }],
  ["回访 华为 今天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-23" }],
  ["callback Acme today", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-11-23" }],
  ["callback Acme tomorrow", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-11-24" }],
  ["回访 华为 +3天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-26" }],
  ["回访 华为 3天后", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-26" }],
  ["callback Acme +2w", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-07" }],
  // Today is a Monday: "mon" is next week's, never today.
  ["callback Acme mon", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-11-30" }],
  ["callback Acme friday", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-11-27" }],
  ["回访 华为 周三", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-25" }],
  ["回访 华为 星期日", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-29" }],
  ["回访 华为 礼拜天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-29" }],
  ["回访 华为 下周一", { kind: "callback.schedule", customer: "华为", dueDate: "2026-11-30" }],
  ["回访 华为 下周三", { kind: "callback.schedule", customer: "华为", dueDate: "2026-12-02" }],
  ["callback Acme 12/1", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-01" }],
  ["callback Acme 12-1", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-01" }],
  // A month-day already past this year is next year's for something to be done.
  ["callback Acme 1/5", { kind: "callback.schedule", customer: "Acme", dueDate: "2027-01-05" }],
  ["回访 华为 12月1日", { kind: "callback.schedule", customer: "华为", dueDate: "2026-12-01" }],
  // Days as Accord shows them, copied from a card: several words, one day.
  ["callback Acme Corp Dec 4 confirm the quote", { kind: "callback.schedule", customer: "Acme Corp", dueDate: "2026-12-04", note: "confirm the quote" }],
  ["callback Acme Fri, Dec 4", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-04" }],
  ["callback Acme Dec 4, 2026, confirm", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-04", note: "confirm" }],
  ["callback Acme 4 Dec 2026", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-12-04" }],
  ["回访 华为 12月4日 周五 确认报价", { kind: "callback.schedule", customer: "华为", dueDate: "2026-12-04", note: "确认报价" }],
  ["回访 华为 2027年1月4日", { kind: "callback.schedule", customer: "华为", dueDate: "2027-01-04" }],
  ["回访 华为 2027年1月5号", { kind: "callback.schedule", customer: "华为", dueDate: "2027-01-05" }],
  ["回访 华为 2026/12/01", { kind: "callback.schedule", customer: "华为", dueDate: "2026-12-01" }],
  ["回访 华为 ２０２６-１２-０１", { kind: "callback.schedule", customer: "华为", dueDate: "2026-12-01" }],
  ['callback "Acme Trading" 2026-12-01 bring samples', { kind: "callback.schedule", customer: "Acme Trading", dueDate: "2026-12-01", note: "bring samples" }],
  ["callback", { kind: "callback.schedule" }],
  ["callback Acme", { kind: "callback.schedule", customer: "Acme" }],
  // Around midnight in Shanghai: the local day counts, not the UTC one.
  ["回访 华为 今天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-03-02" }, { now: JUST_AFTER_MIDNIGHT }],
  ["回访 华为 明天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-03-03" }, { now: JUST_AFTER_MIDNIGHT }],
  ["callback Acme mon", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-03-09" }, { now: JUST_AFTER_MIDNIGHT }],
  ["回访 华为 明天", { kind: "callback.schedule", customer: "华为", dueDate: "2026-03-02" }, { now: JUST_BEFORE_MIDNIGHT }],
  ["callback Acme mon", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-03-02" }, { now: JUST_BEFORE_MIDNIGHT }],
  ["callback Acme today", { kind: "callback.schedule", customer: "Acme", dueDate: "2026-03-01" }, { now: JUST_AFTER_MIDNIGHT, timeZone: "UTC" }],

  // complaints
  [
    'complaint "Acme Trading" high Third late delivery this month',
    { kind: "complaint.register", customer: "Acme Trading", severity: "HIGH", description: "Third late delivery this month" },
  ],
  ["投诉 华为 紧急 设备宕机影响生产", { kind: "complaint.register", customer: "华为", severity: "CRITICAL", description: "设备宕机影响生产" }],
  ["投诉 华为 技术 高 设备多次故障", { kind: "complaint.register", customer: "华为 技术", severity: "HIGH", description: "设备多次故障" }],
  ["投诉 华为 一般 发票抬头错误", { kind: "complaint.register", customer: "华为", severity: "LOW", description: "发票抬头错误" }],
  ["投诉 华为 严重 多次延误", { kind: "complaint.register", customer: "华为", severity: "HIGH", description: "多次延误" }],
  ["投诉 华为 特急 停产", { kind: "complaint.register", customer: "华为", severity: "CRITICAL", description: "停产" }],
  ["投诉 华为 中 回复慢", { kind: "complaint.register", customer: "华为", severity: "MEDIUM", description: "回复慢" }],
  ["complaint Acme MEDIUM slow replies", { kind: "complaint.register", customer: "Acme", severity: "MEDIUM", description: "slow replies" }],
  ["complaint Acme low", { kind: "complaint.register", customer: "Acme", severity: "LOW" }],
  ["投诉 高 设备坏了", { kind: "complaint.register", severity: "HIGH", description: "设备坏了" }],
  ["投诉 华为", { kind: "complaint.register", customer: "华为" }],
  ["投诉", { kind: "complaint.register" }],
  ["complaints", { kind: "complaints.list" }],
  ["投诉列表", { kind: "complaints.list" }],

  // hospitality
  [
    "hospitality Acme 3,000 2026-12-05 banquet 6pax Year-end thanks",
    { kind: "hospitality.request", customer: "Acme", amountFen: 300_000n, date: "2026-12-05", hospitalityKind: "BANQUET", guests: 6, purpose: "Year-end thanks" },
  ],
  [
    "招待 华为 1.2万 周五 宴请 8人 年度答谢",
    { kind: "hospitality.request", customer: "华为", amountFen: 1_200_000n, date: "2026-11-27", hospitalityKind: "BANQUET", guests: 8, purpose: "年度答谢" },
  ],
  // The kind alone is not a purpose: the form asks for it.
  ["招待 华为 技术 ¥1200 明天 工作餐", { kind: "hospitality.request", customer: "华为 技术", amountFen: 120_000n, date: "2026-11-24", hospitalityKind: "MEAL" }],
  ["招待 华为 ￥1200.50 明天 用餐 商务午餐", { kind: "hospitality.request", customer: "华为", amountFen: 120_050n, date: "2026-11-24", hospitalityKind: "MEAL", purpose: "商务午餐" }],
  ["hospitality Acme 1200元 +3d lunch", { kind: "hospitality.request", customer: "Acme", amountFen: 120_000n, date: "2026-11-26", purpose: "lunch" }],
  ["hospitality Acme 1.2k tomorrow gift", { kind: "hospitality.request", customer: "Acme", amountFen: 120_000n, date: "2026-11-24", hospitalityKind: "GIFT" }],
  ["hospitality Acme 1.2k Sat, Nov 28 lunch", { kind: "hospitality.request", customer: "Acme", amountFen: 120_000n, date: "2026-11-28", purpose: "lunch" }],
  ['hospitality "360 Security" 800 tomorrow meal', { kind: "hospitality.request", customer: "360 Security", amountFen: 80_000n, date: "2026-11-24", hospitalityKind: "MEAL" }],
  ["招待 华为 １２００ 明天 答谢", { kind: "hospitality.request", customer: "华为", amountFen: 120_000n, date: "2026-11-24", purpose: "答谢" }],
  ["招待 华为 5000", { kind: "hospitality.request", customer: "华为", amountFen: 500_000n }],
  ["hospitality", { kind: "hospitality.request" }],

  // lists, digest, report
  ["approvals", { kind: "approvals.list" }],
  ["审批", { kind: "approvals.list" }],
  ["risk", { kind: "risk.list" }],
  ["预警", { kind: "risk.list" }],
  ["digest", { kind: "digest.preview" }],
  ["日报 回访", { kind: "digest.preview", digest: "CALLBACKS" }],
  ["digest risk", { kind: "digest.preview", digest: "CHURN" }],
  ["report", { kind: "report.kpi" }],
  ["report 2026-10-01 2026-10-31", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31" }],
  ["report Oct 1 Oct 31 team", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31", scope: "team" }],
  ["报表 10月1日 10月31日", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31" }],
  // A month-day in a report is the latest one not after today.
  ["报表 12/1 今天", { kind: "report.kpi", from: "2025-12-01", to: "2026-11-23" }],
  ["report last-month team", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31", scope: "team" }],
  ["报表 本月 全部", { kind: "report.kpi", from: "2026-11-01", to: "2026-11-23", scope: "tenant" }],
  ["报表 上周", { kind: "report.kpi", from: "2026-11-16", to: "2026-11-22" }],
  ["report last-month all xlsx", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31", scope: "tenant", file: true }],
  ["报表 导出 上月", { kind: "report.kpi", from: "2026-10-01", to: "2026-10-31", file: true }],
  ["report me 2026-11-01", { kind: "report.kpi", from: "2026-11-01", scope: "me" }],

  // admin
  ["admin role <@U123|jane> manager", { kind: "admin.role", user: jane, role: "MANAGER" }],
  ["管理 角色 @_user_1 主管", { kind: "admin.role", user: wang, role: "SUPERVISOR" }],
  ["管理 角色 客户经理 @_user_2", { kind: "admin.role", user: lilei, role: "SPECIALIST" }],
  ["管理 角色 @_user_1 经理", { kind: "admin.role", user: wang, role: "MANAGER" }],
  ["管理 角色 @_user_1 管理员", { kind: "admin.role", user: wang, role: "ADMIN" }],
  ["admin role @_user_1", { kind: "admin.role", user: wang }],
  ["admin supervisor <@U123|jane> @_user_1", { kind: "admin.supervisor", user: jane, supervisor: wang }],
  ["管理 上级 @_user_1 无", { kind: "admin.supervisor", user: wang, supervisor: null }],
  ["admin channel complaints <#C42|escalations>", { kind: "admin.channel", purpose: "complaints", channel: { platformChannelId: "C42", name: "escalations" } }],
  ["管理 频道 日报 oc_a1b2c3", { kind: "admin.channel", purpose: "digests", channel: { platformChannelId: "oc_a1b2c3" } }],
  ["管理 频道 投诉 本群", { kind: "admin.channel", purpose: "complaints", channel: { current: true } }],
  ["admin settings", { kind: "admin.settings" }],
  ["admin settings digests.callbacksAt 08:30", { kind: "admin.settings", key: "digests.callbacksAt", value: "08:30" }],
  ["admin settings TIMEZONE Europe/Berlin", { kind: "admin.settings", key: "timeZone", value: "Europe/Berlin" }],
  ["管理 设置 时区 Asia/Shanghai", { kind: "admin.settings", key: "timeZone", value: "Asia/Shanghai" }],
  ["管理 设置 sla.CRITICAL.ackMinutes", { kind: "admin.settings", key: "sla.CRITICAL.ackMinutes" }],

  // language
  ["lang en", { kind: "member.lang", locale: "en" }],
  ["lang zh", { kind: "member.lang", locale: "zh-CN" }],
  ["语言 中文", { kind: "member.lang", locale: "zh-CN" }],
  ["语言 英文", { kind: "member.lang", locale: "en" }],
  ["language English", { kind: "member.lang", locale: "en" }],
  ["lang", { kind: "member.lang" }],
];

type Rejected = [input: string, key: string, params: Record<string, string | number>, usage: string, over?: Partial<ParseContext>];

const OVERVIEW_EN = "complaint <customer> <low|medium|high|critical> <description>";
const OVERVIEW_ZH = "投诉 <客户> <低|中|高|紧急> <问题描述>";

const rejected: Rejected[] = [
  // unknown commands: the overall usage, and a suggestion for near misses
  ["custmer Acme", "grammar.unknown_command_suggest", { input: "custmer", suggestion: "customer" }, OVERVIEW_EN],
  ["complain Acme high late", "grammar.unknown_command_suggest", { input: "complain", suggestion: "complaint" }, OVERVIEW_EN],
  ["hospitalty Acme 100", "grammar.unknown_command_suggest", { input: "hospitalty", suggestion: "hospitality" }, OVERVIEW_EN],
  ["/crm custmer Acme", "grammar.unknown_command_suggest", { input: "custmer", suggestion: "customer" }, OVERVIEW_EN],
  ["客护 华为", "grammar.unknown_command_suggest", { input: "客护", suggestion: "客户" }, OVERVIEW_ZH, zh],
  ["你好", "grammar.unknown_command", { input: "你好" }, OVERVIEW_ZH, zh],
  ["dance now", "grammar.unknown_command", { input: "dance" }, OVERVIEW_EN],
  ['"customer" Acme', "grammar.unknown_command", { input: "customer" }, OVERVIEW_EN],
  ["help custmer", "grammar.unknown_help_topic_suggest", { input: "custmer", suggestion: "customer" }, OVERVIEW_EN],
  ["帮助 跳舞", "grammar.unknown_help_topic", { input: "跳舞" }, OVERVIEW_ZH, zh],

  // quotes
  ['customer "Acme Trading', "grammar.unclosed_quote", { quote: '"' }, OVERVIEW_EN],
  ["客户 「华为", "grammar.unclosed_quote", { quote: "「" }, OVERVIEW_ZH, zh],
  ['visit "" talked', "grammar.empty_quote", {}, "visit <customer> [summary]"],

  // customer forms
  ['customer "Acme" extra', "grammar.unexpected_argument", { value: "extra" }, "customer <name>"],
  ["customer add Acme tier X", "grammar.invalid_tier", { value: "X" }, "customer add <name> [tier VIP|A|B|C] [owner @member] [annual <amount>]"],
  ["客户 新增 华为 等级 特级", "grammar.invalid_tier", { value: "特级" }, "客户 新增 <客户名称> [等级 VIP|A|B|C] [负责人 @成员] [年采购额 <金额>]", zh],
  ["customer add Acme tier", "grammar.option_needs_value", { option: "tier" }, "customer add <name>"],
  ["customer add Acme tier A tier B", "grammar.duplicate_option", { option: "tier" }, "customer add <name>"],
  ["customer add Acme annual lots", "grammar.invalid_amount", { value: "lots" }, "customer add <name>"],
  ["customer add Acme annual -5", "grammar.amount_negative", { value: "-5" }, "customer add <name>"],
  ["customer add Acme owner Jane", "grammar.expected_mention", { value: "Jane" }, "customer add <name>"],
  ["customer add Acme tier A extra", "grammar.unexpected_argument", { value: "extra" }, "customer add <name>"],
  ["customer assign Acme @Jane", "grammar.unknown_mention", { value: "@Jane" }, "customer assign <name> @member <reason>"],
  ["客户 分配 华为 @_user_9", "grammar.unknown_mention", { value: "@_user_9" }, "客户 分配 <客户名称> @成员 <原因>", zh],
  ["customer assign Acme <@U1> <@U2>", "grammar.too_many_mentions", { value: "<@U2>" }, "customer assign <name> @member <reason>"],
  ["customer tier Acme Trading X reason", "grammar.tier_missing", { text: "Acme Trading X reason" }, "customer tier <name> <VIP|A|B|C> <reason>"],
  ['customer tier "Acme Trading" gold reason', "grammar.invalid_tier", { value: "gold" }, "customer tier <name> <VIP|A|B|C> <reason>"],

  // callbacks
  ["callback Acme Trading next week", "grammar.date_missing", { text: "Acme Trading next week" }, "callback <customer> <date> [note]"],
  ["回访 华为 技术 有空时", "grammar.date_missing", { text: "华为 技术 有空时" }, "回访 <客户> <日期> [备注]", zh],
  ["callback Acme 2026-02-30", "grammar.invalid_date", { value: "2026-02-30" }, "callback <customer> <date> [note]"],
  ["callback Acme 13/1", "grammar.invalid_date", { value: "13/1" }, "callback <customer> <date> [note]"],
  ["回访 华为 2月30日", "grammar.invalid_date", { value: "2月30日" }, "回访 <客户> <日期> [备注]", zh],
  ['callback "Acme Trading" someday', "grammar.invalid_date", { value: "someday" }, "callback <customer> <date> [note]"],
  ["callbacks Acme", "grammar.unexpected_argument", { value: "Acme" }, "callbacks"],

  // complaints
  ["complaint Acme Trading late again", "grammar.severity_missing", { text: "Acme Trading late again" }, OVERVIEW_EN],
  ["投诉 华为 设备 坏了", "grammar.severity_missing", { text: "华为 设备 坏了" }, OVERVIEW_ZH, zh],
  ['complaint "Acme Trading" urgent-ish late', "grammar.invalid_severity", { value: "urgent-ish" }, OVERVIEW_EN],
  ["投诉 「华为」 很严重 停产", "grammar.invalid_severity", { value: "很严重" }, OVERVIEW_ZH, zh],
  ["complaints mine", "grammar.unexpected_argument", { value: "mine" }, "complaints"],
  [`complaint Acme high ${"x".repeat(4001)}`, "grammar.too_long", { max: 4000 }, OVERVIEW_EN],

  // hospitality amounts and dates
  ["hospitality Acme -100 tomorrow dinner", "grammar.amount_negative", { value: "-100" }, "hospitality <customer> <amount> <date> <purpose>"],
  ["招待 华为 100.555 明天 晚宴", "grammar.amount_too_precise", { value: "100.555" }, "招待 <客户> <金额> <日期> <事由>", zh],
  ["hospitality Acme 1.234567k tomorrow dinner", "grammar.amount_too_precise", { value: "1.234567k" }, "hospitality <customer> <amount>"],
  ["hospitality Acme 1,20 tomorrow dinner", "grammar.invalid_amount", { value: "1,20" }, "hospitality <customer> <amount>"],
  ["hospitality Acme 0 tomorrow dinner", "grammar.amount_not_positive", { value: "0" }, "hospitality <customer> <amount>"],
  ["hospitality Acme 9999999999999 tomorrow dinner", "grammar.amount_too_large", { value: "9999999999999" }, "hospitality <customer> <amount>"],
  ["招待 华为 技术 明天 晚宴", "grammar.amount_missing", { text: "华为 技术 明天 晚宴" }, "招待 <客户> <金额> <日期> <事由>", zh],
  ['招待 "华为 技术" 很多 明天', "grammar.invalid_amount", { value: "很多" }, "招待 <客户> <金额> <日期> <事由>", zh],
  ["hospitality Acme 3000 dinner with CTO", "grammar.invalid_date", { value: "dinner" }, "hospitality <customer> <amount> <date> <purpose>"],
  ["hospitality Acme 3000 tomorrow 0pax dinner", "grammar.invalid_guests", { value: "0pax" }, "hospitality <customer> <amount>"],

  // lists, digest, report
  ["approvals now", "grammar.unexpected_argument", { value: "now" }, "approvals"],
  ["预警 全部", "grammar.unexpected_argument", { value: "全部" }, "预警", zh],
  ["digest weekly", "grammar.invalid_digest", { value: "weekly" }, "digest [callbacks|risk]"],
  ["digest risk callbacks", "grammar.unexpected_argument", { value: "callbacks" }, "digest [callbacks|risk]"],
  ["report 2026-11-01 2026-10-01", "grammar.date_range_inverted", { from: "2026-11-01", to: "2026-10-01" }, "report [from] [to] [me|team|all]"],
  ["report everything", "grammar.invalid_report_argument", { value: "everything" }, "report [from] [to] [me|team|all]"],
  ["report 2026-10-01 2026-10-02 2026-10-03", "grammar.unexpected_argument", { value: "2026-10-03" }, "report [from] [to]"],
  ["报表 本月 2026-10-01", "grammar.unexpected_argument", { value: "2026-10-01" }, "报表 [开始日期] [结束日期] [我|团队|全部]", zh],
  ["report 2026-13-01", "grammar.invalid_date", { value: "2026-13-01" }, "report [from] [to]"],

  // admin
  ["admin", "grammar.missing_subcommand", {}, "admin role @member <specialist|supervisor|manager|admin>"],
  ["admin rol @_user_1 manager", "grammar.unknown_subcommand_suggest", { input: "rol", suggestion: "role" }, "admin settings [<key> <value>]"],
  ["管理 跳舞", "grammar.unknown_subcommand", { input: "跳舞" }, "管理 角色 @成员 <客户经理|主管|经理|管理员>", zh],
  ["admin role @_user_1 boss", "grammar.invalid_role", { value: "boss" }, "admin role @member <specialist|supervisor|manager|admin>"],
  ["admin role @_user_1 @_user_2 manager", "grammar.too_many_mentions", { value: "@_user_2" }, "admin role @member"],
  ["admin role @_user_1 manager admin", "grammar.unexpected_argument", { value: "admin" }, "admin role @member"],
  ["admin supervisor Jane @_user_1", "grammar.expected_mention", { value: "Jane" }, "admin supervisor @member <@supervisor|none>"],
  ["admin supervisor @_user_1 @_user_2 <@U1>", "grammar.too_many_mentions", { value: "<@U1>" }, "admin supervisor @member"],
  ["admin channel escalations here", "grammar.invalid_channel_purpose", { value: "escalations" }, "admin channel <complaints|digests> <#channel|here>"],
  ["admin channel complaints #general", "grammar.invalid_channel", { value: "#general" }, "admin channel <complaints|digests> <#channel|here>"],
  ["管理 频道 投诉 客户群", "grammar.invalid_channel", { value: "客户群" }, "管理 频道 <投诉|日报> <#频道|本群>", zh],
  ["admin settings digests.callbackAt 08:30", "grammar.unknown_setting_suggest", { key: "digests.callbackAt", suggestion: "digests.callbacksAt" }, "admin settings [<key> <value>]"],
  ["管理 设置 颜色 红", "grammar.unknown_setting", { key: "颜色" }, "管理 设置 [<设置项> <值>]", zh],

  // language
  ["lang fr", "grammar.invalid_locale", { value: "fr" }, "lang <zh|en>"],
  ["语言 法语", "grammar.invalid_locale", { value: "法语" }, "语言 <中文|英文>", zh],
  ["lang en zh", "grammar.unexpected_argument", { value: "zh" }, "lang <zh|en>"],
];

describe("parseCommand", () => {
  it("covers at least 80 cases across English and Chinese", () => {
    expect(accepted.length + rejected.length).toBeGreaterThanOrEqual(80);
  });

  it.each(accepted)("parses %j", (input, command, over) => {
    expect(parseCommand(input, ctx(over))).toEqual({ ok: true, command });
  });

  it.each(rejected)("rejects %j with %s and shows the usage", (input, key, params, usage, over) => {
    const result = parseCommand(input, ctx(over));
    if (result.ok) throw new Error(`expected a parse error, got ${JSON.stringify(result.command, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
    expect(result.error.key).toBe(key);
    expect(result.error.params).toEqual(params);
    expect(result.error.usage.join("\n")).toContain(usage);
    // The message exists in both languages and every placeholder it uses is filled.
    expect(hasMessage(key, "en") && hasMessage(key, "zh-CN")).toBe(true);
    expect(placeholdersOf(t("en", key)).every((p) => p in params)).toBe(true);
  });

  it("shows only the failing subcommand's usage, in the member's language", () => {
    const result = parseCommand("customer add Acme tier X", ctx());
    expect(result).toMatchObject({ ok: false, error: { topic: "customer.add" } });
    if (!result.ok) expect(result.error.usage).toEqual(["customer add <name> [tier VIP|A|B|C] [owner @member] [annual <amount>]"]);
    const zhResult = parseCommand("customer add Acme tier X", ctx(zh));
    if (!zhResult.ok) expect(zhResult.error.usage).toEqual(["客户 新增 <客户名称> [等级 VIP|A|B|C] [负责人 @成员] [年采购额 <金额>]"]);
    else throw new Error("expected an error");
  });

  it("shows every command's usage and no topic when the command is unknown", () => {
    const result = parseCommand("frobnicate", ctx());
    if (result.ok) throw new Error("expected an error");
    expect(result.error.topic).toBeUndefined();
    expect(result.error.usage).toHaveLength(37);
    expect(result.error.usage).toContain("lang <zh|en>");
    expect(result.error.usage).toContain("admin settings [<key> <value>]");
  });

  it("accepts any spelling of the locale in the context and falls back to Chinese", () => {
    const en = parseCommand("lang fr", ctx({ locale: "en-US" }));
    const fallback = parseCommand("lang fr", ctx({ locale: "fr" }));
    expect(en.ok || en.error.usage).toEqual(["lang <zh|en>"]);
    expect(fallback.ok || fallback.error.usage).toEqual(["语言 <中文|英文>"]);
  });
});

describe("missingFields", () => {
  const missing = (input: string) => {
    const result = parseCommand(input, ctx());
    if (!result.ok) throw new Error(result.error.key);
    return missingFields(result.command);
  };

  it("asks a form for what the command line left out, in order", () => {
    expect(missing("投诉")).toEqual(["customer", "severity", "description"]);
    expect(missing("投诉 高 设备坏了")).toEqual(["customer"]);
    expect(missing("投诉 华为 高")).toEqual(["description"]);
    expect(missing("招待 华为 5000")).toEqual(["date", "purpose"]);
    expect(missing("callback Acme")).toEqual(["dueDate"]);
    expect(missing("customer assign Acme")).toEqual(["owner"]);
    expect(missing("admin role @_user_1")).toEqual(["role"]);
    expect(missing("管理 上级 @_user_1")).toEqual(["supervisor"]);
    expect(missing("customer add")).toEqual(["name"]);
    expect(missing("customer")).toEqual(["name"]);
    expect(missing("lang")).toEqual(["locale"]);
    expect(missing("visit Acme")).toEqual(["summary"]);
  });

  it("reports nothing missing for complete commands and lists", () => {
    expect(missing("投诉 华为 高 设备坏了")).toEqual([]);
    expect(missing("管理 上级 @_user_1 无")).toEqual([]);
    expect(missing("customer add Acme")).toEqual([]);
    expect(missing("callbacks")).toEqual([]);
    expect(missing("report")).toEqual([]);
    expect(missing("拜访 华为 讨论明年续约")).toEqual([]);
  });
});

describe("visit names without quotes", () => {
  const known = new Set(["华为", "华为 技术", "acme trading"]);
  const isCustomer = (name: string) => known.has(name.toLowerCase());

  it("takes the longest leading words that are a customer", () => {
    expect(splitCustomerAndText(["华为", "技术", "讨论续约"], isCustomer)).toEqual({ customer: "华为 技术", summary: "讨论续约" });
    expect(splitCustomerAndText(["华为", "讨论续约"], isCustomer)).toEqual({ customer: "华为", summary: "讨论续约" });
    expect(splitCustomerAndText(["Acme", "Trading", "went", "well"], isCustomer)).toEqual({ customer: "Acme Trading", summary: "went well" });
    expect(splitCustomerAndText(["华为", "技术"], isCustomer)).toEqual({ customer: "华为 技术" });
  });

  it("returns null when no leading words are a customer", () => {
    expect(splitCustomerAndText(["小米", "讨论续约"], isCustomer)).toBeNull();
  });

  it("lists every candidate name longest first for one lookup", () => {
    expect(customerNameCandidates(["a", "b", "c"])).toEqual(["a b c", "a b", "a"]);
  });
});
