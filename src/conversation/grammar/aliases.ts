// Subcommand words in English and Chinese. Matching is case-insensitive; Chinese words are
// matched exactly. The first word of each list is the canonical form shown in suggestions.

export type TopLevelWord =
  | "help"
  | "customer"
  | "visit"
  | "callbacks"
  | "callback"
  | "callbackOrList"
  | "complaint"
  | "complaints"
  | "hospitality"
  | "approvals"
  | "risk"
  | "digest"
  | "report"
  | "admin"
  | "lang"
  | "credit"
  | "away"
  | "customers"
  | "contact"
  | "plan"
  | "calendar"
  | "survey";

export const TOP_LEVEL: Readonly<Record<TopLevelWord, readonly string[]>> = {
  help: ["help", "?", "？", "帮助", "说明", "使用说明"],
  customer: ["customer", "cust", "客户", "客户档案"],
  visit: ["visit", "拜访", "走访", "拜访记录"],
  callbacks: ["callbacks", "回访列表", "我的回访"],
  callback: ["callback", "安排回访"],
  // 回访 lists my callbacks when alone and schedules one when followed by a customer.
  callbackOrList: ["回访"],
  complaint: ["complaint", "投诉"],
  complaints: ["complaints", "投诉列表", "我的投诉"],
  hospitality: ["hospitality", "招待", "招待申请"],
  approvals: ["approvals", "审批", "待审批", "我的审批"],
  risk: ["risk", "预警", "流失预警", "风险"],
  digest: ["digest", "日报"],
  report: ["report", "报表", "报告", "绩效"],
  admin: ["admin", "管理"],
  lang: ["lang", "language", "语言"],
  credit: ["credit", "信用", "授信", "信用额度"],
  away: ["away", "外出", "出差", "休假"],
  customers: ["customers", "客户列表", "我的客户"],
  contact: ["contact", "contacts", "联系人"],
  plan: ["plan", "计划", "联络计划"],
  calendar: ["calendar", "日历", "工作日历"],
  survey: ["survey", "surveys", "调查", "满意度调查"],
};

export type SurveyWord = "start" | "results";
export const SURVEY_SUB: Readonly<Record<SurveyWord, readonly string[]>> = {
  start: ["start", "new", "发起", "新建"],
  results: ["results", "result", "结果"],
};

/** `survey start` options: the words that introduce regions and dimensions (tiers are recognised as such). */
export type SurveyOption = "region" | "dimensions";
export const SURVEY_OPTIONS: Readonly<Record<SurveyOption, readonly string[]>> = {
  region: ["region", "regions", "区域", "地区"],
  dimensions: ["dimensions", "dimension", "维度"],
};

export type CreditWord = "request" | "review";
export const CREDIT_SUB: Readonly<Record<CreditWord, readonly string[]>> = {
  request: ["request", "申请"],
  review: ["review", "评审", "资信调查"],
};

export type CustomerWord = "add" | "assign" | "tier" | "find" | "edit" | "history" | "handover";
export const CUSTOMER_SUB: Readonly<Record<CustomerWord, readonly string[]>> = {
  add: ["add", "new", "create", "新增", "添加", "新建"],
  assign: ["assign", "分配", "转交"],
  tier: ["tier", "分级", "等级"],
  find: ["find", "search", "搜索", "查找"],
  edit: ["edit", "编辑", "修改"],
  history: ["history", "历史", "历史记录"],
  handover: ["handover", "移交"],
};

/** `customer tier <name> auto`: back to the computed tier. */
export const AUTO_TIER: readonly string[] = ["auto", "automatic", "自动", "自动计算"];

export type ContactWord = "add" | "edit" | "remove" | "primary";
export const CONTACT_SUB: Readonly<Record<ContactWord, readonly string[]>> = {
  add: ["add", "new", "新增", "添加"],
  edit: ["edit", "编辑", "修改"],
  remove: ["remove", "delete", "删除", "移除"],
  primary: ["primary", "主要", "设为主要"],
};

/** `customers` filters, each introduced by a keyword (scope words and `overdue` stand alone). */
export type ListOption = "tier" | "region" | "industry" | "status" | "risk" | "owner";
export const LIST_OPTIONS: Readonly<Record<ListOption, readonly string[]>> = {
  tier: ["tier", "等级", "分级"],
  region: ["region", "区域", "地区"],
  industry: ["industry", "行业"],
  status: ["status", "状态"],
  risk: ["risk", "风险"],
  owner: ["owner", "负责人", "客户经理"],
};
export type ListScopeWord = "mine" | "team" | "all";
export const LIST_SCOPES: Readonly<Record<ListScopeWord, readonly string[]>> = {
  mine: ["mine", "my", "我的"],
  team: ["team", "团队"],
  all: ["all", "全部"],
};
export const OVERDUE_WORDS: readonly string[] = ["overdue", "逾期"];
export const CLOSED_WORDS: readonly string[] = ["closed", "resolved", "已结", "已关闭", "已解决"];

export type AdminWord = "role" | "supervisor" | "channel" | "settings" | "deactivate" | "calendar" | "region";
export const ADMIN_SUB: Readonly<Record<AdminWord, readonly string[]>> = {
  role: ["role", "角色"],
  supervisor: ["supervisor", "上级"],
  channel: ["channel", "频道", "群"],
  settings: ["settings", "setting", "设置"],
  deactivate: ["deactivate", "停用"],
  calendar: ["calendar", "日历"],
  region: ["region", "regions", "区域"],
};

/** `visit plan …` / `拜访 计划 …`. */
export const VISIT_PLAN_WORDS: readonly string[] = ["plan", "计划", "安排"];

export type RegionWord = "list" | "add" | "remove" | "assign";
export const REGION_SUB: Readonly<Record<RegionWord, readonly string[]>> = {
  list: ["list", "列表", "查看"],
  add: ["add", "new", "添加", "新增"],
  remove: ["remove", "delete", "删除", "移除"],
  assign: ["assign", "set", "分配", "负责"],
};

/** `plan … region <name>` / `计划 … 区域 <名称>`. */
export const PLAN_REGION_WORDS: readonly string[] = ["region", "区域", "地区"];

/** `customer add` options, each introduced by a keyword. */
export type CustomerAddOption = "tier" | "owner" | "annual";
export const CUSTOMER_ADD_OPTIONS: Readonly<Record<CustomerAddOption, readonly string[]>> = {
  tier: ["tier", "等级", "分级", "级别"],
  owner: ["owner", "负责人", "归属"],
  annual: ["annual", "年采购", "年采购额", "年度采购额"],
};

/** `admin supervisor @member none`: the member reports to nobody. */
export const NO_SUPERVISOR: readonly string[] = ["none", "nobody", "无", "没有", "清除"];

export function matchWord<W extends string>(table: Readonly<Record<W, readonly string[]>>, text: string): W | undefined {
  const needle = text.trim().toLowerCase();
  for (const [word, aliases] of Object.entries(table) as [W, readonly string[]][]) {
    if (aliases.some((a) => a.toLowerCase() === needle)) return word;
  }
  return undefined;
}

const CJK = /[\u3400-\u9fff]/;
/** Longer than every alias by more than the edits suggestAlias allows. */
const MAX_SUGGESTED_LENGTH = 64;

/**
 * The alias a near-miss was probably meant to be ("custmer" → "customer", "客护" → "客户"),
 * or undefined when nothing is close enough to be worth suggesting.
 */
export function suggestAlias(input: string, aliases: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  // Edit distance costs length × length; a word longer than any alias plus the allowed edits
  // cannot be a near miss, so long input is never compared at all.
  if (needle.length > MAX_SUGGESTED_LENGTH) return undefined;
  const cjk = CJK.test(needle);
  const needleLength = [...needle].length;
  if (needleLength < (cjk ? 2 : 3)) return undefined;
  let best: { alias: string; distance: number } | undefined;
  for (const alias of aliases) {
    const aliasLength = [...alias].length;
    if (CJK.test(alias) !== cjk || aliasLength < 2) continue;
    const allowed = cjk ? 1 : Math.max(1, Math.floor(aliasLength / 4));
    // The distance is at least the difference in length: skip the table when that is too much.
    if (Math.abs(aliasLength - needleLength) > allowed) continue;
    const distance = editDistance(needle, alias.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { alias, distance };
  }
  return best?.alias;
}

export function allAliases<W extends string>(table: Readonly<Record<W, readonly string[]>>): string[] {
  return Object.values<readonly string[]>(table).flat();
}

/** Levenshtein distance over code points, with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}
