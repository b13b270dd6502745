// Messages of the callbacks area (src/core/callbacks): error codes and their placeholders.
import type { Catalog } from "./types.js";

export const callbacksCatalog: Catalog = {
  en: {
    "callback.invalid_input": "The callback could not be saved: the value of {field} is not valid.",
    "callback.invalid_date": "The date must look like 2026-11-30.",
    "callback.text_too_long": "{field} is too long: at most {max} characters.",
    "callback.invalid_satisfaction": "Satisfaction is a whole number from 1 (very unhappy) to 5 (very happy).",
    "callback.date_in_past": "The due date {date} is in the past (today is {today}).",
    "callback.date_too_far": "The due date {date} is too far ahead; the latest possible is {max}.",
    "callback.unknown_assignee": "The chosen assignee is not an active member of this workspace.",
    "callback.not_found": "No such callback.",
    "callback.customer_not_found": "No such customer.",
    "callback.already_done": "This callback was already done by {by} at {at}.",
    "callback.already_skipped": "This callback was already skipped by {by} at {at}.",
    "callback.changed": "This callback was changed meanwhile. Look at it again and retry.",
    "callback.snooze_not_later": "A snooze must move the callback to a later day.",
    "callback.snooze_too_far": "A callback can be snoozed by at most {max, plural, one {# day} other {# days}}; skip it with a reason or schedule a new one instead.",
    "callback.skip_reason_required": "Say why the callback is skipped.",
  },
  "zh-CN": {
    "callback.invalid_input": "无法保存回访：{field} 的值无效。",
    "callback.invalid_date": "日期格式应为 2026-11-30。",
    "callback.text_too_long": "{field} 太长：最多 {max} 个字符。",
    "callback.invalid_satisfaction": "满意度应为 1（非常不满意）到 5（非常满意）之间的整数。",
    "callback.date_in_past": "回访日期{date}已经过去（今天是{today}）。",
    "callback.date_too_far": "回访日期{date}太远，最晚只能到 {max}。",
    "callback.unknown_assignee": "所选负责人不是本工作区的在职成员。",
    "callback.not_found": "找不到该回访。",
    "callback.customer_not_found": "找不到该客户。",
    "callback.already_done": "该回访已由 {by} 于 {at} 完成。",
    "callback.already_skipped": "该回访已由 {by} 于 {at} 跳过。",
    "callback.changed": "该回访刚刚被修改，请重新查看后再试。",
    "callback.snooze_not_later": "推迟后的日期必须晚于当前日期。",
    "callback.snooze_too_far": "回访最多推迟 {max} 天；如需更久，请填写原因跳过，或另行安排回访。",
    "callback.skip_reason_required": "请说明跳过该回访的原因。",
  },
};
