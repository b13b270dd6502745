// Help texts of the customer book's commands (lists, search, edit, history, handover, contacts,
// deactivation), in the format of help.ts: help.<topic>.title / .usage / .description /
// .example.<n>.command / .example.<n>.note. Every example must parse (grammar/help.test.ts).
import type { Catalog } from "./types.js";

interface TopicText {
  title: string;
  usage: string;
  description: string;
  examples: [command: string, note: string][];
}

const en: Record<string, TopicText> = {
  customers: {
    title: "List customers",
    usage: "customers [mine|team|all] [tier VIP|A|B|C] [region …] [industry …] [status …] [risk high|medium] [owner @member] [overdue]",
    description:
      "Lists the customers you may see, by tier, then churn risk, then name, with a count per tier at the top and a button for the next page. Filters combine; an empty list says which filter emptied it.",
    examples: [
      ["customers mine tier VIP,A", "My VIP and A customers"],
      ["客户列表 团队 区域 华东 风险 高", "My team's high-risk customers in 华东"],
      ["customers overdue owner @Jane", "Jane's customers with an overdue callback"],
    ],
  },
  "customer.find": {
    title: "Search customers",
    usage: "customer find <part of the name or its pinyin>",
    description:
      "Finds customers whose name contains the text, or whose name reads so in pinyin (full or initials: huawei or hwjs finds 华为技术). Exact matches first, then beginnings, then anywhere in the name, then pinyin. Only customers you may see are listed.",
    examples: [
      ["customer find hwjs", "Initials of 华为技术"],
      ["客户 搜索 技术", "Every customer with 技术 in the name"],
    ],
  },
  "customer.edit": {
    title: "Edit a customer",
    usage: "customer edit <name>",
    description:
      "Opens a form with the whole customer file: name, industry, region, status (lost needs a reason), cooperation start, strategic flag and annual purchases. Every change is audited with its before and after.",
    examples: [
      ["customer edit Acme", "Edit Acme's file"],
      ["客户 编辑 华为技术", "The same in Chinese"],
    ],
  },
  "customer.history": {
    title: "Customer history",
    usage: "customer history <name>",
    description:
      "One timeline, newest first: visits, callbacks done, skipped or postponed, complaints, hospitality requests, tier changes with their reasons, handovers and edits, each with who and when.",
    examples: [
      ["customer history Acme", "Everything that happened with Acme"],
      ["客户 历史 华为技术", "The same in Chinese"],
    ],
  },
  "customer.handover": {
    title: "Hand over customers",
    usage: "customer handover @from @to [all|tier X|region R] <reason>",
    description:
      "Moves one member's customers to another, with their open callbacks and open complaints. Both members and their supervisors are told. Supervisors and above, for members of their team.",
    examples: [
      ["customer handover @Jane @王芳 tier VIP Jane moves to key accounts", "Only Jane's VIP customers"],
      ["客户 移交 @Jane @王芳 全部 岗位调整", "All of Jane's customers"],
    ],
  },
  contact: {
    title: "Contacts",
    usage: "contacts <customer> | contact add|edit|remove|primary <customer> …",
    description:
      "Lists a customer's contacts, with buttons to edit, remove or make one the primary contact shown on the card; contact add <customer> <name> [title] [phone] [email] adds one. Quote names with spaces.",
    examples: [
      ["contacts Acme", "Acme's contacts"],
      ["contact add Acme Lily Purchasing 13800138000 lily@acme.com", "Add a contact"],
      ["联系人 新增 华为技术 张伟 采购经理 13900139000", "The same in Chinese"],
    ],
  },
  "admin.deactivate": {
    title: "Deactivate a member",
    usage: "admin deactivate @member @successor",
    description:
      "For a leaver: their customers, open callbacks, open complaints, pending approvals and team move to the successor, their digests stop and Accord politely refuses their commands. Admins only.",
    examples: [
      ["admin deactivate @Jane @王芳", "Jane left; 王芳 takes over"],
      ["管理 停用 @Jane @王芳", "The same in Chinese"],
    ],
  },
};

const zh: Record<string, TopicText> = {
  customers: {
    title: "客户列表",
    usage: "客户列表 [我的|团队|全部] [等级 …] [区域 …] [行业 …] [状态 …] [风险 高|中] [负责人 @成员] [逾期]",
    description: "列出您可查看的客户，按等级、流失风险、名称排序，顶部按等级计数，可翻页。多个条件可组合；结果为空时会说明是哪个条件筛空的。",
    examples: [
      ["客户列表 我的 等级 VIP,A", "我的 VIP 和一级客户"],
      ["customers team region 华东 risk high", "团队在华东的高风险客户"],
      ["客户列表 逾期 负责人 @王芳", "王芳名下有逾期回访的客户"],
    ],
  },
  "customer.find": {
    title: "搜索客户",
    usage: "客户 搜索 <名称中的文字或拼音>",
    description: "按名称中任意位置的文字或拼音（全拼或首字母：huawei、hwjs 均可找到华为技术）搜索，依次按完全匹配、开头匹配、包含、拼音排序。只列出您可查看的客户。",
    examples: [
      ["客户 搜索 hwjs", "华为技术的拼音首字母"],
      ["customer find 技术", "名称中含“技术”的客户"],
    ],
  },
  "customer.edit": {
    title: "编辑客户档案",
    usage: "客户 编辑 <客户名称>",
    description: "打开包含全部档案字段的表单：名称、行业、区域、状态（流失需填写原因）、合作开始日期、战略客户、年采购额。每次修改都记录修改前后的内容。",
    examples: [
      ["客户 编辑 华为技术", "编辑华为技术的档案"],
      ["customer edit Acme", "英文命令"],
    ],
  },
  "customer.history": {
    title: "客户历史",
    usage: "客户 历史 <客户名称>",
    description: "按时间倒序的完整记录：拜访、回访（完成、跳过、推迟）、投诉、招待申请、等级变更及原因、移交和档案修改，每条注明操作人和时间。",
    examples: [
      ["客户 历史 华为技术", "华为技术的全部记录"],
      ["customer history Acme", "英文命令"],
    ],
  },
  "customer.handover": {
    title: "移交客户",
    usage: "客户 移交 @原负责人 @新负责人 [全部|等级 X|区域 R] <原因>",
    description: "把一名成员的客户连同未完成的回访和未结投诉移交给另一名成员，并通知双方及其主管。主管及以上，限本团队成员。",
    examples: [
      ["客户 移交 @王芳 @Jane 等级 VIP 王芳调往大客户组", "只移交王芳的 VIP 客户"],
      ["customer handover @王芳 @Jane all 岗位调整", "英文命令"],
    ],
  },
  contact: {
    title: "联系人",
    usage: "联系人 <客户> | 联系人 新增|编辑|删除|主要 <客户> …",
    description: "列出客户的联系人，可编辑、删除或设为名片上显示的主要联系人；联系人 新增 <客户> <姓名> [职务] [电话] [邮箱] 添加联系人。名称含空格时请加引号。",
    examples: [
      ["联系人 华为技术", "华为技术的联系人"],
      ["联系人 新增 华为技术 张伟 采购经理 13900139000", "添加联系人"],
      ["contact add Acme Lily Purchasing 13800138000", "英文命令"],
    ],
  },
  "admin.deactivate": {
    title: "停用成员",
    usage: "管理 停用 @成员 @接替人",
    description: "成员离职时使用：其客户、未完成的回访、未结投诉、待审批事项和下属转给接替人，停止其日报，之后其命令会被礼貌地拒绝。仅管理员。",
    examples: [
      ["管理 停用 @王芳 @Jane", "王芳离职，由 Jane 接替"],
      ["admin deactivate @王芳 @Jane", "英文命令"],
    ],
  },
};

function flatten(topics: Record<string, TopicText>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, topic] of Object.entries(topics)) {
    out[`help.${id}.title`] = topic.title;
    out[`help.${id}.usage`] = topic.usage;
    out[`help.${id}.description`] = topic.description;
    topic.examples.forEach(([command, note], i) => {
      out[`help.${id}.example.${i + 1}.command`] = command;
      out[`help.${id}.example.${i + 1}.note`] = note;
    });
  }
  return out;
}

export const helpBookCatalog: Catalog = { en: flatten(en), "zh-CN": flatten(zh) };
