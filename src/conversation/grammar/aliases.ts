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
  | "survey";

export const TOP_LEVEL: Readonly<Record<TopLevelWord, readonly string[]>> = {
  help: ["help", "?", "？", "帮助", "说明", "使用说明"],
  customer: ["customer", "customers", "cust", "客户", "客户档案"],
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

export type CustomerWord = "add" | "assign" | "tier";
export const CUSTOMER_SUB: Readonly<Record<CustomerWord, readonly string[]>> = {
  add: ["add", "new", "create", "新增", "添加", "新建"],
  assign: ["assign", "分配", "转交"],
  tier: ["tier", "分级", "等级"],
};

export type AdminWord = "role" | "supervisor" | "channel" | "settings";
export const ADMIN_SUB: Readonly<Record<AdminWord, readonly string[]>> = {
  role: ["role", "角色"],
  supervisor: ["supervisor", "上级"],
  channel: ["channel", "频道", "群"],
  settings: ["settings", "setting", "设置"],
};

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

/**
 * The alias a near-miss was probably meant to be ("custmer" → "customer", "客护" → "客户"),
 * or undefined when nothing is close enough to be worth suggesting.
 */
export function suggestAlias(input: string, aliases: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  const cjk = CJK.test(needle);
  if ([...needle].length < (cjk ? 2 : 3)) return undefined;
  let best: { alias: string; distance: number } | undefined;
  for (const alias of aliases) {
    if (CJK.test(alias) !== cjk || [...alias].length < 2) continue;
    const distance = editDistance(needle, alias.toLowerCase());
    const allowed = cjk ? 1 : Math.max(1, Math.floor([...alias].length / 4));
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
