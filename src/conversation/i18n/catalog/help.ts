// Help texts (src/conversation/grammar/help.ts): per command a title, its usage line, a
// description and examples. Written per topic for readability and flattened to keys
// help.<topic>.title / .usage / .description / .example.<n>.command / .example.<n>.note.
// Examples give both command forms in every language, because both work everywhere; every
// example must parse (asserted by the grammar tests).
import type { Catalog } from "./types.js";

interface TopicText {
  title: string;
  /** Absent for a family ("admin"): its usage is the members' usage lines. */
  usage?: string;
  description: string;
  examples: [command: string, note: string][];
}

const en: Record<string, TopicText> = {
  help: {
    title: "Help",
    usage: "help [command]",
    description: "Shows every command, or the details and examples of one command.",
    examples: [
      ["help complaint", "Details of one command"],
      ["帮助 投诉", "The same in Chinese"],
    ],
  },
  customer: {
    title: "Customer card",
    usage: "customer <name>",
    description:
      "Shows the customer's card: tier, account manager, last contact, open callbacks and complaints, churn risk. Names match regardless of case, and a unique beginning of the name is enough.",
    examples: [
      ["customer Acme", "Open the card of Acme Trading"],
      ["客户 华为", "The same in Chinese"],
    ],
  },
  "customer.add": {
    title: "Add a customer",
    usage: "customer add <name> [tier VIP|A|B|C] [owner @member] [annual <amount>]",
    description:
      "Creates a customer. You are the account manager unless you name an owner; without a tier, it is computed from the annual purchase amount.",
    examples: [
      ['customer add "Acme Trading" tier A owner @Jane annual 1,500,000', "Quote names with spaces"],
      ["客户 新增 华为技术 等级 VIP 负责人 @王芳 年采购额 600万", "The same in Chinese; 600万 is 6,000,000 yuan"],
    ],
  },
  "customer.assign": {
    title: "Change the account manager",
    usage: "customer assign <name> @member <reason>",
    description:
      "Makes another member the customer's account manager, with the reason; the old and new manager and their supervisors are told. Supervisors and above.",
    examples: [
      ["customer assign Acme @Jane moved to key accounts", "Jane takes over Acme"],
      ["客户 分配 华为技术 @王芳 岗位调整", "The same in Chinese"],
    ],
  },
  "customer.tier": {
    title: "Override a customer's tier",
    usage: "customer tier <name> <VIP|A|B|C> <reason>",
    description: "Replaces the computed tier; the reason is kept in the audit log. Supervisors and above.",
    examples: [
      ['customer tier "Acme Trading" VIP Strategic partner for 2027', "The reason is required"],
      ["客户 分级 华为技术 VIP 战略合作伙伴", "The same in Chinese"],
    ],
  },
  visit: {
    title: "Log a visit",
    usage: "visit <customer> [summary]",
    description:
      "Logs a visit made now and closes a due callback it satisfies. A form asks for whatever is missing (kind, purpose, feedback, next step, follow-up date).",
    examples: [
      ['visit "Acme Trading" Discussed the 2027 renewal', "Quote the name when it has spaces"],
      ["拜访 华为 讨论明年续约", "The same in Chinese"],
    ],
  },
  callbacks: {
    title: "My callbacks",
    usage: "callbacks",
    description: "Lists your callbacks due today and overdue. To schedule one, use callback <customer> <date>.",
    examples: [
      ["callbacks", "What to call today"],
      ["回访", "The same in Chinese"],
    ],
  },
  callback: {
    title: "Schedule a callback",
    usage: "callback <customer> <date> [note]",
    description:
      "Schedules a callback. Dates: Dec 1, 2026-12-01, 12/1, today, tomorrow, +3d, +2w, or a weekday (mon is the next Monday).",
    examples: [
      ["callback Acme +3d Ask about the new quote", "In three days"],
      ["回访 华为 下周一 确认报价", "The same in Chinese: Monday next week"],
    ],
  },
  complaint: {
    title: "Register a complaint",
    usage: "complaint <customer> <low|medium|high|critical> <description>",
    description:
      "Registers a complaint for the customer's account manager. The severity sets the deadlines to acknowledge and resolve; a critical complaint notifies the supervisor at once.",
    examples: [
      ['complaint "Acme Trading" high Third late delivery this month', "Severity after the name"],
      ["投诉 华为 紧急 设备宕机影响生产", "The same in Chinese"],
    ],
  },
  complaints: {
    title: "Open complaints",
    usage: "complaints",
    description: "Lists the open complaints you own or supervise, with their deadlines.",
    examples: [
      ["complaints", "Your open complaints"],
      ["投诉列表", "The same in Chinese"],
    ],
  },
  hospitality: {
    title: "Request hospitality",
    usage: "hospitality <customer> <amount> <date> <purpose>",
    description:
      "Asks for approval of customer hospitality; the amount in yuan decides who approves. The purpose may start with the kind (meal, banquet, gift, event, travel) and the number of guests (8pax).",
    examples: [
      ["hospitality Acme 3,000 2026-12-05 banquet 6pax Year-end thanks", "Amount, date, then purpose"],
      ["招待 华为 1.2万 周五 宴请 8人 年度答谢", "The same in Chinese"],
    ],
  },
  approvals: {
    title: "My approvals",
    usage: "approvals",
    description: "Lists the approval steps waiting for your decision.",
    examples: [
      ["approvals", "Requests waiting for you"],
      ["审批", "The same in Chinese"],
    ],
  },
  risk: {
    title: "Customers at risk",
    usage: "risk",
    description: "Lists your customers at risk of churning, with the reasons behind each score.",
    examples: [
      ["risk", "Who needs attention"],
      ["预警", "The same in Chinese"],
    ],
  },
  digest: {
    title: "Preview my digests",
    usage: "digest [callbacks|risk]",
    description: "Shows the digests you receive today: callbacks at 09:00, churn warnings at 09:30 (tenant settings).",
    examples: [
      ["digest", "Both digests"],
      ["日报 预警", "Only the churn warning, in Chinese"],
    ],
  },
  report: {
    title: "KPI report",
    usage: "report [from] [to] [me|team|all] [xlsx]",
    description:
      "KPIs for you, your team or the department over a period: callback completion, complaint handling times and SLA breaches, churn, satisfaction, hospitality spend. Periods: week, month, last-month, quarter, year.",
    examples: [
      ["report last-month team", "Last month, your team"],
      ["report last-month all xlsx", "The same per member as an Excel file, sent to you"],
      ["报表 2026-10-01 2026-10-31 团队", "The same in Chinese, with dates"],
    ],
  },
  survey: {
    title: "Satisfaction surveys",
    usage: "survey [start <name> [VIP|A|B|C …] [region <name> …] [dimensions <name> …] | results <name>]",
    description:
      "Alone: the survey tasks waiting for you, each with a button to record the customer's answers (1–5 per dimension, optional NPS 0–10 and comment). Supervisors start a campaign over their customers (one task per customer for its account manager; dimensions default to 需求满意度, 产品满意度, 服务满意度) and read the results by dimension, tier and team. A score of 2 or less alerts the supervisor and opens a follow-up.",
    examples: [
      ["survey start 2026Q4 VIP A", "A campaign for VIP and A customers"],
      ["调查 结果 2026Q4", "Its results, in Chinese"],
    ],
  },
  admin: {
    title: "Administration",
    description: "Roles, reporting lines, channels and settings. Admins only.",
    examples: [
      ["admin role @Jane supervisor", "Make Jane a supervisor"],
      ["管理 角色 @王芳 主管", "The same in Chinese"],
    ],
  },
  "admin.role": {
    title: "Set a member's role",
    usage: "admin role @member <specialist|supervisor|manager|admin>",
    description: "Changes what a member may do. There is always at least one admin.",
    examples: [
      ["admin role @Jane manager", "Jane heads the department"],
      ["管理 角色 @王芳 主管", "The same in Chinese"],
    ],
  },
  "admin.supervisor": {
    title: "Set who a member reports to",
    usage: "admin supervisor @member <@supervisor|none>",
    description: "The supervisor chain is the escalation and approval ladder.",
    examples: [
      ["admin supervisor @Jane @王芳", "Jane reports to 王芳"],
      ["管理 上级 @王芳 无", "The same in Chinese: 王芳 reports to nobody"],
    ],
  },
  "admin.channel": {
    title: "Set a team channel",
    usage: "admin channel <complaints|digests> <#channel|here>",
    description: "Where escalated complaints and team digests are posted.",
    examples: [
      ["admin channel complaints here", "This channel receives escalations"],
      ["管理 频道 日报 本群", "The same in Chinese, for digests"],
    ],
  },
  "admin.settings": {
    title: "Tenant settings",
    usage: "admin settings [<key> <value>]",
    description:
      "Shows every setting, or changes one: timeZone, locale, digests.callbacksAt, digests.churnAt, tier thresholds (tiers.…), SLAs (sla.…), hospitality limits (hospitality.…), risk weights (risk.…).",
    examples: [
      ["admin settings digests.callbacksAt 08:30", "Send the callback digest at 08:30"],
      ["管理 设置 时区 Asia/Shanghai", "The same in Chinese, for the time zone"],
    ],
  },
  lang: {
    title: "My language",
    usage: "lang <zh|en>",
    description: "Sets the language Accord uses with you.",
    examples: [
      ["lang en", "Answer me in English"],
      ["语言 中文", "Answer me in Chinese"],
    ],
  },
};

const zh: Record<string, TopicText> = {
  help: {
    title: "帮助",
    usage: "帮助 [命令]",
    description: "列出所有命令，或某个命令的详细用法和示例。",
    examples: [
      ["帮助 投诉", "查看某个命令的用法"],
      ["help complaint", "英文命令同样可用"],
    ],
  },
  customer: {
    title: "客户档案",
    usage: "客户 <客户名称>",
    description: "查看客户卡片：等级、客户经理、最近联系、未完成的回访和投诉、流失风险。名称不区分大小写，输入能唯一确定客户的开头部分即可。",
    examples: [
      ["客户 华为", "打开华为的客户卡片"],
      ["customer Acme", "英文形式"],
    ],
  },
  "customer.add": {
    title: "新增客户",
    usage: "客户 新增 <客户名称> [等级 VIP|A|B|C] [负责人 @成员] [年采购额 <金额>]",
    description: "建立客户档案。默认由您担任客户经理；不指定等级时按年采购额自动分级。",
    examples: [
      ["客户 新增 华为技术 等级 VIP 负责人 @王芳 年采购额 600万", "600万 即 6,000,000 元"],
      ['customer add "Acme Trading" tier A owner @Jane annual 1,500,000', "英文形式；名称含空格时加引号"],
    ],
  },
  "customer.assign": {
    title: "更换客户经理",
    usage: "客户 分配 <客户名称> @成员 <原因>",
    description: "把客户交给另一位客户经理负责，并说明原因；原、新客户经理及其主管都会收到通知（主管及以上）。",
    examples: [
      ["客户 分配 华为技术 @王芳 岗位调整", "由王芳接手华为技术"],
      ["customer assign Acme @Jane moved to key accounts", "英文形式"],
    ],
  },
  "customer.tier": {
    title: "调整客户等级",
    usage: "客户 分级 <客户名称> <VIP|A|B|C> <原因>",
    description: "覆盖自动计算的客户等级，原因记入审计日志（主管及以上）。也可写 一级、二级、潜在。",
    examples: [
      ["客户 分级 华为技术 VIP 战略合作伙伴", "必须填写原因"],
      ['customer tier "Acme Trading" VIP Strategic partner for 2027', "英文形式"],
    ],
  },
  visit: {
    title: "记录拜访",
    usage: "拜访 <客户> [拜访纪要]",
    description: "记录一次刚完成的拜访，并关闭因此完成的到期回访。缺少的信息（方式、目的、客户反馈、下一步、下次跟进日期）会通过表单补充。",
    examples: [
      ["拜访 华为 讨论明年续约", "客户名称后接拜访纪要"],
      ['visit "Acme Trading" Discussed the 2027 renewal', "英文形式；名称含空格时加引号"],
    ],
  },
  callbacks: {
    title: "我的回访",
    usage: "回访",
    description: "列出今日到期和已逾期的回访。安排回访请用：回访 <客户> <日期> [备注]。",
    examples: [
      ["回访", "今天要打的回访电话"],
      ["callbacks", "英文形式"],
    ],
  },
  callback: {
    title: "安排回访",
    usage: "回访 <客户> <日期> [备注]",
    description: "安排一次回访。日期可写 2026-12-01、12/1、12月1日、今天、明天、后天、+3天、3天后、周一（下一个周一）、下周一。",
    examples: [
      ["回访 华为 下周一 确认报价", "下周一回访"],
      ["callback Acme +3d Ask about the new quote", "英文形式：三天后"],
    ],
  },
  complaint: {
    title: "登记投诉",
    usage: "投诉 <客户> <低|中|高|紧急> <问题描述>",
    description: "登记客户投诉，默认由客户经理处理。严重程度决定受理和解决时限；紧急投诉会立即通知主管。",
    examples: [
      ["投诉 华为 紧急 设备宕机影响生产", "严重程度写在客户名称之后"],
      ['complaint "Acme Trading" high Third late delivery this month', "英文形式"],
    ],
  },
  complaints: {
    title: "未结投诉",
    usage: "投诉列表",
    description: "列出由您负责或您下属负责的未结投诉及其时限。",
    examples: [
      ["投诉列表", "查看未结投诉"],
      ["complaints", "英文形式"],
    ],
  },
  hospitality: {
    title: "招待申请",
    usage: "招待 <客户> <金额> <日期> <事由>",
    description: "申请客户招待审批，金额以元计，审批链按金额确定。事由前可写招待类型（用餐、宴请、礼品、活动、差旅）和人数（8人）。",
    examples: [
      ["招待 华为 1.2万 周五 宴请 8人 年度答谢", "金额、日期，然后是事由"],
      ["hospitality Acme 3,000 2026-12-05 banquet 6pax Year-end thanks", "英文形式"],
    ],
  },
  approvals: {
    title: "我的审批",
    usage: "审批",
    description: "列出等待您审批的事项。",
    examples: [
      ["审批", "待我审批的申请"],
      ["approvals", "英文形式"],
    ],
  },
  risk: {
    title: "流失预警",
    usage: "预警",
    description: "列出您负责的有流失风险的客户，并说明每个评分的原因。",
    examples: [
      ["预警", "需要关注的客户"],
      ["risk", "英文形式"],
    ],
  },
  digest: {
    title: "预览日报",
    usage: "日报 [回访|预警]",
    description: "预览您今天会收到的日报：09:00 回访日报，09:30 流失预警日报（时间可在设置中调整）。",
    examples: [
      ["日报 预警", "只看流失预警日报"],
      ["digest", "英文形式，两份日报都看"],
    ],
  },
  report: {
    title: "绩效报表",
    usage: "报表 [开始日期] [结束日期] [我|团队|全部] [导出]",
    description: "查看个人、团队或全部门在一段时间内的绩效：回访完成率、投诉受理与解决时长及超时数、客户流失率、满意度、招待费用。期间可写 本周、本月、上月、本季度、今年。",
    examples: [
      ["报表 2026-10-01 2026-10-31 团队", "团队十月的绩效"],
      ["报表 上月 全部 导出", "按成员导出 Excel 文件，发给您本人"],
      ["report last-month team", "英文形式：上月、团队"],
    ],
  },
  survey: {
    title: "满意度调查",
    usage: "调查 [发起 <名称> [VIP|A|B|C …] [区域 <名称> …] [维度 <名称> …] | 结果 <名称>]",
    description:
      "单独使用：列出待您完成的调查任务，每项都有按钮记录客户的评分（每个维度 1–5 分，可选 NPS 0–10 分和意见）。主管可对所辖客户发起调查（每个客户给其客户经理一项任务；默认维度为需求满意度、产品满意度、服务满意度），并按维度、等级和团队查看结果。任一维度 2 分及以下会提醒主管并生成跟进回访。",
    examples: [
      ["调查 发起 2026Q4 VIP A", "对 VIP 和一级客户发起调查"],
      ["survey results 2026Q4", "英文形式：查看结果"],
    ],
  },
  admin: {
    title: "系统管理",
    description: "设置角色、汇报关系、通知频道和系统参数，仅管理员可用。",
    examples: [
      ["管理 角色 @王芳 主管", "把王芳设为主管"],
      ["admin role @Jane supervisor", "英文形式"],
    ],
  },
  "admin.role": {
    title: "设置成员角色",
    usage: "管理 角色 @成员 <客户经理|主管|经理|管理员>",
    description: "调整成员的权限。系统中始终至少保留一名管理员。",
    examples: [
      ["管理 角色 @王芳 主管", "王芳成为主管"],
      ["admin role @Jane manager", "英文形式：Jane 成为部门经理"],
    ],
  },
  "admin.supervisor": {
    title: "设置上级",
    usage: "管理 上级 @成员 <@上级|无>",
    description: "上级链即投诉升级和审批的逐级顺序。",
    examples: [
      ["管理 上级 @王芳 无", "王芳不再有上级"],
      ["admin supervisor @Jane @王芳", "英文形式：Jane 向王芳汇报"],
    ],
  },
  "admin.channel": {
    title: "设置通知频道",
    usage: "管理 频道 <投诉|日报> <#频道|本群>",
    description: "设置投诉升级和团队日报发布到哪个频道或群。",
    examples: [
      ["管理 频道 日报 本群", "团队日报发到本群"],
      ["admin channel complaints here", "英文形式：投诉升级发到这里"],
    ],
  },
  "admin.settings": {
    title: "系统设置",
    usage: "管理 设置 [<设置项> <值>]",
    description:
      "查看全部设置，或修改其中一项：时区（timeZone）、语言（locale）、回访日报时间（digests.callbacksAt）、预警日报时间（digests.churnAt）、分级阈值（tiers.…）、投诉时限（sla.…）、招待额度（hospitality.…）、预警权重（risk.…）。",
    examples: [
      ["管理 设置 时区 Asia/Shanghai", "设置时区"],
      ["admin settings digests.callbacksAt 08:30", "英文形式：回访日报改为 08:30 发送"],
    ],
  },
  lang: {
    title: "我的语言",
    usage: "语言 <中文|英文>",
    description: "设置 Accord 与您交流时使用的语言。",
    examples: [
      ["语言 中文", "用中文回复我"],
      ["lang en", "Answer me in English"],
    ],
  },
};

const overview = {
  en: {
    "help.overview.title": "Accord commands",
    "help.overview.intro":
      "In Slack, type /crm and a command; in Feishu, send the command to the bot (/crm is optional). English and Chinese commands both work, and anything you leave out is asked in a form.",
    "help.overview.footer": "help <command> shows the details and examples of one command.",
  },
  "zh-CN": {
    "help.overview.title": "Accord 命令",
    "help.overview.intro": "在 Slack 中输入 /crm 加命令；在飞书中直接把命令发给机器人（/crm 可省略）。中英文命令均可使用，缺少的信息会通过表单补充。",
    "help.overview.footer": "发送 帮助 <命令> 查看某个命令的详细用法和示例。",
  },
};

function flatten(topics: Record<string, TopicText>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, topic] of Object.entries(topics)) {
    out[`help.${id}.title`] = topic.title;
    if (topic.usage) out[`help.${id}.usage`] = topic.usage;
    out[`help.${id}.description`] = topic.description;
    topic.examples.forEach(([command, note], i) => {
      out[`help.${id}.example.${i + 1}.command`] = command;
      out[`help.${id}.example.${i + 1}.note`] = note;
    });
  }
  return out;
}

export const helpCatalog: Catalog = {
  en: { ...overview.en, ...flatten(en) },
  "zh-CN": { ...overview["zh-CN"], ...flatten(zh) },
};
