import type { Catalog, Locale } from "./types.js";

// The department's vocabulary: one term per concept and language. Messages refer to a term as
// {@name} (expanded once when the translator is built), so "due today" or a role reads the same
// on every card; the words people tried instead are listed in `avoidedTerms` and the i18n test
// fails when any message uses one of them.
export const glossaryCatalog: Catalog = {
  en: {
    "term.customer": "customer",
    "term.customers": "customers",
    "term.callback": "callback",
    "term.visit": "visit",
    "term.visit_notes": "visit notes",
    "term.complaint": "complaint",
    "term.hospitality": "hospitality",
    "term.hospitality_request": "hospitality request",
    "term.account_manager": "account manager",
    "term.Account_manager": "Account manager",
    "term.supervisor": "supervisor",
    "term.department_manager": "department manager",
    "term.administrator": "administrator",
    "term.final_approver": "final approver",
    "term.tier": "tier",
    "term.region": "region",
    "term.industry": "industry",
    "term.annual_purchases": "annual purchases",
    "term.Annual_purchases": "Annual purchases",
    "term.due_today": "due today",
    "term.Due_today": "Due today",
    "term.overdue": "overdue",
    "term.new_customer": "New customer",
    "term.satisfaction": "satisfaction",
    "term.churn_risk": "churn risk",
    "term.credit_limit": "credit limit",
  },
  "zh-CN": {
    "term.customer": "客户",
    "term.customers": "客户",
    "term.callback": "回访",
    "term.visit": "拜访",
    "term.visit_notes": "拜访纪要",
    "term.complaint": "投诉",
    "term.hospitality": "招待",
    "term.hospitality_request": "招待申请",
    "term.account_manager": "客户经理",
    "term.Account_manager": "客户经理",
    "term.supervisor": "主管",
    "term.department_manager": "部门经理",
    "term.administrator": "管理员",
    "term.final_approver": "终审人",
    "term.tier": "等级",
    "term.region": "区域",
    "term.industry": "行业",
    "term.annual_purchases": "年采购额",
    "term.Annual_purchases": "年采购额",
    "term.due_today": "今日到期",
    "term.Due_today": "今日到期",
    "term.overdue": "逾期",
    "term.new_customer": "新增客户",
    "term.satisfaction": "满意度",
    "term.churn_risk": "流失风险",
    "term.credit_limit": "信用额度",
  },
};

/** Words that mean a glossary term but are not it, per language: no message may use them. */
export const avoidedTerms: Record<Locale, Record<string, readonly string[]>> = {
  en: {
    "term.account_manager": ["sales rep", "owner {name}"],
    "term.visit_notes": ["visit summary"],
    "term.new_customer": ["Add customer", "Create customer"],
  },
  "zh-CN": {
    "term.due_today": ["今天到期"],
    "term.visit_notes": ["拜访摘要"],
    "term.new_customer": ["新建客户"],
    "term.region": ["地区"],
    "term.annual_purchases": ["年采购金额"],
    "term.administrator": ["或更高的角色"],
  },
};
