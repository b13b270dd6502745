// Messages of the visits area (src/core/visits): error codes and their placeholders.
import type { Catalog } from "./types.js";

export const visitsCatalog: Catalog = {
  en: {
    "visit.invalid_input": "The visit could not be recorded: the value of {field} is not valid.",
    "visit.invalid_kind": "Choose how the visit took place: on site, phone, video, reception or e-mail.",
    "visit.invalid_occurred_at": "The visit time is not a valid date and time.",
    "visit.summary_required": "Write a short summary of the visit.",
    "visit.text_too_long": "{field} is too long: at most {max} characters.",
    "visit.invalid_date": "The follow-up date must be a date like 2026-11-30.",
    "visit.too_many_co_visitors": "At most {max, plural, one {# colleague} other {# colleagues}} can be recorded as co-visitors.",
    "visit.occurred_in_future": "A visit cannot be recorded in the future. Check the date and time — to plan one, use visit plan <customer> <date> [purpose].",
    "visit.too_many_contacts": "At most {max, plural, one {# contact} other {# contacts}} can be recorded for one visit.",
    "visit.unknown_contact": "One of the contacts met is not a contact of this customer.",
    "visit.unknown_co_visitor": "One of the co-visitors is not an active member of this workspace.",
    "visit.customer_not_found": "No such customer.",
    "visit.invalid_source_link": "The message link must be an https:// address of at most 500 characters.",
  },
  "zh-CN": {
    "visit.invalid_input": "无法记录拜访：{field} 的值无效。",
    "visit.invalid_kind": "请选择拜访方式：上门、电话、视频、接待来访或邮件。",
    "visit.invalid_occurred_at": "拜访时间不是有效的日期时间。",
    "visit.summary_required": "请填写{@visit_notes}。",
    "visit.text_too_long": "{field} 太长：最多 {max} 个字符。",
    "visit.invalid_date": "下次跟进日期格式应为 2026-11-30 这样的日期。",
    "visit.too_many_co_visitors": "同行人员最多记录 {max} 位。",
    "visit.occurred_in_future": "拜访时间不能晚于现在，请检查日期和时间。计划拜访请用：拜访 计划 <客户> <日期> [目的]。",
    "visit.too_many_contacts": "一次拜访最多记录 {max} 位联系人。",
    "visit.unknown_contact": "所选的联系人中有一位不是该客户的联系人。",
    "visit.unknown_co_visitor": "有一位同行人员不是本工作区的在职成员。",
    "visit.customer_not_found": "找不到该客户。",
    "visit.invalid_source_link": "消息链接须为 https:// 开头、不超过 500 个字符的地址。",
  },
};
