// Messages of the digests area (src/core/digests): error codes and the labels of the digest
// contents (the views compose them).
import type { Catalog } from "./types.js";

export const digestsCatalog: Catalog = {
  en: {
    "digest.invalid_date": "The digest date must look like 2026-11-30 (got {value}).",
    "digest.callbacks.title": "Callbacks for {date}",
    "digest.callbacks.summary": "{due} due today, {overdue} overdue",
    "digest.callbacks.due_today": "due today",
    "digest.callbacks.days_overdue": "{days} days overdue",
    "digest.callbacks.team_title": "Your team's callbacks for {date}",
    "digest.callbacks.department_title": "Department callbacks for {date}",
    "digest.callbacks.team_row": "{name}: {due} due, {overdue} overdue, {doneYesterday} done yesterday",
    "digest.callbacks.completion_rate": "Completion rate (last 30 days): {rate}%",
    "digest.churn.title": "Customers at risk, {date}",
    "digest.churn.team_title": "Your team's top customers at risk, {date}",
    "digest.churn.tenant_title": "Top customers at risk in the department, {date}",
    "digest.churn.counts": "{high} high, {medium} medium, {newlyRisen} newly risen",
    "digest.churn.newly_risen": "new since yesterday",
    "digest.nothing": "Nothing for you today.",
  },
  "zh-CN": {
    "digest.invalid_date": "日报日期格式应为 2026-11-30(收到的是 {value})。",
    "digest.callbacks.title": "{date} 回访提醒",
    "digest.callbacks.summary": "今日到期 {due} 个,逾期 {overdue} 个",
    "digest.callbacks.due_today": "今日到期",
    "digest.callbacks.days_overdue": "逾期 {days} 天",
    "digest.callbacks.team_title": "{date} 团队回访概况",
    "digest.callbacks.department_title": "{date} 全部门回访概况",
    "digest.callbacks.team_row": "{name}:到期 {due},逾期 {overdue},昨日完成 {doneYesterday}",
    "digest.callbacks.completion_rate": "近 30 天回访完成率:{rate}%",
    "digest.churn.title": "{date} 流失预警",
    "digest.churn.team_title": "{date} 团队流失风险客户前十",
    "digest.churn.tenant_title": "{date} 全部门流失风险客户前十",
    "digest.churn.counts": "高风险 {high},中风险 {medium},新增 {newlyRisen}",
    "digest.churn.newly_risen": "较昨日新增",
    "digest.nothing": "今天没有需要处理的事项。",
  },
};
