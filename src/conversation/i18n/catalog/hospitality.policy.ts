// Hospitality policy words (issue #18): the per-customer budget per period on the request card,
// settlement before the event, and the labels of the budget settings.
import type { Catalog } from "./types.js";

export const hospitalityPolicyCatalog: Catalog = {
  en: {
    "hospitality.settle_before_event": "The actual amount can be recorded on or after the event date {date} (today is {today}).",
    "hospitality.view.field.budget": "Budget",
    "hospitality.view.budget_value": "{period}: {budget}; used {used}, remaining {remaining}",
    "hospitality.budget_flag": "Over the customer's hospitality budget for {period}: {used} used of {budget}.",
    "hospitality.period.quarter": "Q{index} {year}",
    "hospitality.period.year": "{year}",
    "approval.view.credit_item": "*Credit #{number} · {customer}* · new limit {limit}",
    "approval.view.credit_item_detail": "current limit {current} · by {requester}",
    "settings.label.hospitality.budgetPeriod": "Hospitality budget period (month, quarter or year)",
    "settings.label.hospitality.budgetFen.VIP": "Hospitality budget per customer and period, VIP",
    "settings.label.hospitality.budgetFen.A": "Hospitality budget per customer and period, A",
    "settings.label.hospitality.budgetFen.B": "Hospitality budget per customer and period, B",
    "settings.label.hospitality.budgetFen.C": "Hospitality budget per customer and period, C",
  },
  "zh-CN": {
    "hospitality.settle_before_event": "招待日期{date}当天或之后才能登记实际金额（今天是{today}）。",
    "hospitality.view.field.budget": "招待预算",
    "hospitality.view.budget_value": "{period}：{budget}；已用 {used}，剩余 {remaining}",
    "hospitality.budget_flag": "超出该客户{period}招待预算：已用 {used}，预算 {budget}。",
    "hospitality.period.quarter": "{year}年第{index}季度",
    "hospitality.period.year": "{year}年",
    "approval.view.credit_item": "*信用 #{number} · {customer}* · 新额度 {limit}",
    "approval.view.credit_item_detail": "现额度 {current} · 申请人 {requester}",
    "settings.label.hospitality.budgetPeriod": "招待预算周期（month 月、quarter 季、year 年）",
    "settings.label.hospitality.budgetFen.VIP": "每客户每周期招待预算（VIP）",
    "settings.label.hospitality.budgetFen.A": "每客户每周期招待预算（一级）",
    "settings.label.hospitality.budgetFen.B": "每客户每周期招待预算（二级）",
    "settings.label.hospitality.budgetFen.C": "每客户每周期招待预算（潜在）",
  },
};
