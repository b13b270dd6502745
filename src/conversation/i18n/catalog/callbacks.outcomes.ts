// Callback outcomes and postponement (core/callbacks completeCallback / snoozeCallback, the
// outcome form of conversation/areas/callbacks.ts).
import type { Catalog } from "./types.js";

export const callbacksOutcomesCatalog: Catalog = {
  en: {
    "callback.outcome_required": "Say how the callback went: pick a result or write a line of outcome.",
    "callback.invalid_result": "The result is one of: reached, no answer, asked to call later.",
    "callback.view.field.result": "Result",
    "callback.view.field.outcome_line": "Outcome (one line)",
    "callback.view.field.postponed": "Postponed",
    "callback.view.postponed_from": "{count, plural, one {# time} other {# times}}; originally due {date}",
    "callback.view.result.REACHED": "Reached the customer",
    "callback.view.result.NO_ANSWER": "No answer",
    "callback.view.result.CALL_LATER": "Asked to call later",
    "callback.view.button.snooze_to": "Postpone to {date}",
    "digest.view.postponed_overdue": "⏰ {count} postponed past their original date",
  },
  "zh-CN": {
    "callback.outcome_required": "请说明回访情况：选择回访结果或填写一句回访结论。",
    "callback.invalid_result": "回访结果应为：已接通、未接通、客户要求稍后再联系之一。",
    "callback.view.field.result": "回访结果",
    "callback.view.field.outcome_line": "回访结论（一句话）",
    "callback.view.field.postponed": "已推迟",
    "callback.view.postponed_from": "{count} 次；原定{date}回访",
    "callback.view.result.REACHED": "已接通",
    "callback.view.result.NO_ANSWER": "未接通",
    "callback.view.result.CALL_LATER": "客户要求稍后再联系",
    "callback.view.button.snooze_to": "推迟到{date}",
    "digest.view.postponed_overdue": "⏰ 推迟后已过原定日期 {count} 个",
  },
};
