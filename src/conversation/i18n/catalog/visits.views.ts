// View strings of the visits area (conversation/areas/visits.ts): the visit form and the
// confirmation of a logged visit.
import type { Catalog } from "./types.js";

export const visitsViewsCatalog: Catalog = {
  en: {
    "visit.view.form.title": "Log a visit",
    "visit.view.form.submit": "Save",
    "visit.view.field.customer": "Customer",
    "visit.view.field.kind": "How",
    "visit.view.field.when": "When",
    "visit.view.field.summary": "Visit notes",
    "visit.view.field.feedback": "Customer feedback",
    "visit.view.field.next_step": "Next step",
    "visit.view.field.next_follow_up": "Next follow-up date",
    "visit.view.field.next_follow_up_hint": "Schedules a follow-up callback for the account manager on that day.",
    "visit.view.logged_title": "Visit to {customer} logged",
    "visit.view.closed_callback": "Closed the callback due {date} ({reason}).",
    "visit.view.follow_up": "Follow-up callback scheduled for {date}.",
    "visit.view.next_cadence": "Next regular callback: {date}.",
    "visit.view.button.schedule_callback": "Schedule callback",
    "visit.view.button.open_customer": "Open customer",
  },
  "zh-CN": {
    "visit.view.form.title": "记录拜访",
    "visit.view.form.submit": "保存",
    "visit.view.field.customer": "客户",
    "visit.view.field.kind": "拜访方式",
    "visit.view.field.when": "时间",
    "visit.view.field.summary": "{@visit_notes}",
    "visit.view.field.feedback": "客户反馈",
    "visit.view.field.next_step": "下一步",
    "visit.view.field.next_follow_up": "下次跟进日期",
    "visit.view.field.next_follow_up_hint": "将在该日为客户经理安排一次跟进回访。",
    "visit.view.logged_title": "已记录对 {customer} 的拜访",
    "visit.view.closed_callback": "已关闭{date}到期的回访（{reason}）。",
    "visit.view.follow_up": "已安排 {date} 跟进回访。",
    "visit.view.next_cadence": "下次例行回访：{date}。",
    "visit.view.button.schedule_callback": "安排回访",
    "visit.view.button.open_customer": "查看客户",
  },
};
