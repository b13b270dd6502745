// Messages of the KPI area (src/core/kpi): error codes and metric labels.
import type { Catalog } from "./types.js";

export const kpiCatalog: Catalog = {
  en: {
    "kpi.invalid_date": "Dates must look like 2026-11-30 (got {value}).",
    "kpi.invalid_range": "The report starts ({from}) after it ends ({to}).",
    "kpi.range_too_long": "A report covers at most {maxDays, plural, one {# day} other {# days}}.",
    "kpi.title": "KPIs {from} – {to}",
    "kpi.total": "Total",
    "kpi.team": "Team of {name}",
    "kpi.callback_completion": "Callback completion",
    "kpi.median_ack": "Median time to acknowledge (min)",
    "kpi.median_resolve": "Median time to resolve (min)",
    "kpi.breached_sla": "SLA deadlines missed",
    "kpi.churn_rate": "Churn rate",
    "kpi.avg_satisfaction": "Average satisfaction",
    "kpi.hospitality_per_customer": "Hospitality spend per customer (CNY)",
    "kpi.hospitality_per_tier": "Hospitality spend by tier (CNY)",
    "kpi.no_data": "n/a",
  },
  "zh-CN": {
    "kpi.invalid_date": "日期格式应为 2026-11-30（收到的是 {value}）。",
    "kpi.invalid_range": "报表开始日期（{from}）晚于结束日期（{to}）。",
    "kpi.range_too_long": "报表最多覆盖 {maxDays} 天。",
    "kpi.title": "绩效指标 {from}至{to}",
    "kpi.total": "合计",
    "kpi.team": "{name} 团队",
    "kpi.callback_completion": "回访完成率",
    "kpi.median_ack": "投诉受理时长中位数（分钟）",
    "kpi.median_resolve": "投诉解决时长中位数（分钟）",
    "kpi.breached_sla": "投诉超时",
    "kpi.churn_rate": "客户流失率",
    "kpi.avg_satisfaction": "平均满意度",
    "kpi.hospitality_per_customer": "每客户招待费用（元）",
    "kpi.hospitality_per_tier": "各等级客户招待费用（元）",
    "kpi.no_data": "无",
  },
};
