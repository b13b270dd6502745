// Messages of the churn-risk area (src/core/risk): error codes, level names and the reasons a
// score is made of (RiskReason in src/core/risk/rules.ts; amounts are pre-formatted yuan).
import type { Catalog } from "./types.js";

export const riskCatalog: Catalog = {
  en: {
    "risk.customer_not_found": "No such customer among those you look after.",
    "risk.invalid_input": "The risk list takes an optional number of customers to show (1 to 500).",
    "risk.level.HIGH": "High risk",
    "risk.level.MEDIUM": "Medium risk",
    "risk.level.LOW": "Low risk",
    "risk.reason.contact_gap": "No contact for {days, plural, one {# day} other {# days}} (cadence every {cadenceDays, plural, one {# day} other {# days}})",
    "risk.reason.visit_overdue": "Planned visit overdue {days, plural, one {# day} other {# days}} (visits every {visitCadenceDays, plural, one {# day} other {# days}})",
    "risk.reason.and": "; ",
    "risk.reason.purchase_decline": "Purchases down {percent}% over the last 90 days ({recent} vs {previous})",
    "risk.reason.open_complaints": "{count, plural, one {# open complaint} other {# open complaints}}",
    "risk.reason.overdue_complaints": "{count, plural, one {# complaint} other {# complaints}} past their SLA deadline",
    "risk.reason.low_satisfaction": "Latest satisfaction score {satisfaction}/5",
    "risk.reason.overdue_callbacks": "{count, plural, one {# overdue callback} other {# overdue callbacks}}, the oldest {maxDaysOverdue, plural, one {# day} other {# days}} late",
    "risk.points": "+{points}",
    "risk.none": "No customers at risk.",
  },
  "zh-CN": {
    "risk.customer_not_found": "在您负责的客户中找不到该客户。",
    "risk.invalid_input": "预警列表可指定显示的客户数量（1 到 500）。",
    "risk.level.HIGH": "高风险",
    "risk.level.MEDIUM": "中风险",
    "risk.level.LOW": "低风险",
    "risk.reason.contact_gap": "已 {days} 天未联系（回访周期 {cadenceDays} 天）",
    "risk.reason.visit_overdue": "计划拜访已逾期 {days} 天（拜访周期 {visitCadenceDays} 天）",
    "risk.reason.and": "；",
    "risk.reason.purchase_decline": "近 90 天采购额下降 {percent}%（{recent}，前 90 天 {previous}）",
    "risk.reason.open_complaints": "{count} 起未结投诉",
    "risk.reason.overdue_complaints": "{count} 起投诉已超过 SLA 时限",
    "risk.reason.low_satisfaction": "最近一次满意度 {satisfaction}/5",
    "risk.reason.overdue_callbacks": "{count} 个回访逾期，最久逾期 {maxDaysOverdue} 天",
    "risk.points": "+{points}",
    "risk.none": "暂无流失风险客户。",
  },
};
