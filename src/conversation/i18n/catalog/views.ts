// Messages for the codes the view layer produces: refused button clicks (views/payload.ts) and
// per-field form errors (views/form.ts). Form errors are shown next to their field, so they do
// not repeat the field's name.
import type { Catalog } from "./types.js";

export const viewsCatalog: Catalog = {
  en: {
    "button.malformed": "This button is not valid any more. Run the command again.",
    "button.expired": "This card has expired. Run the command again for a fresh one.",
    "button.not_yours": "This button is meant for someone else.",
    "form.required": "Please fill this in.",
    "form.too_long": "At most {max} characters.",
    "form.too_short": "At least {min} characters.",
    "form.too_small": "Must be at least {min}.",
    "form.too_big": "Must be at most {max}.",
    "form.not_a_number": "Enter a whole number.",
    "form.invalid_amount": "Enter an amount in CNY with at most two decimals, e.g. 1200.50.",
    "form.invalid_date": "Enter a date, e.g. Dec 1, 12/1, tomorrow, next fri or 2026-12-01.",
    "form.choose_customer": "“{query}” matches several customers. Which one?",
    "form.invalid_option": "Choose one of the options.",
    "form.no_customer": "— No {@customer} —",
    "form.more_candidates": "Only the first {count} are listed; if yours is not among them, run the command again with more of its name.",
    "form.invalid": "This value is not valid.",
  },
  "zh-CN": {
    "button.malformed": "此按钮已失效，请重新执行命令。",
    "button.expired": "此卡片已过期，请重新执行命令获取最新卡片。",
    "button.not_yours": "此按钮仅限指定成员操作。",
    "form.required": "请填写此项。",
    "form.too_long": "最多 {max} 个字符。",
    "form.too_short": "至少 {min} 个字符。",
    "form.too_small": "不能小于 {min}。",
    "form.too_big": "不能大于 {max}。",
    "form.not_a_number": "请输入整数。",
    "form.invalid_amount": "请输入金额（元），最多两位小数，例如 1200.50。",
    "form.invalid_date": "请输入日期，例如 12月1日、12/1、明天、下周五或 2026-12-01。",
    "form.choose_customer": "“{query}”匹配到多个客户，请选择一个：",
    "form.invalid_option": "请从选项中选择。",
    "form.no_customer": "—— 不选{@customer} ——",
    "form.more_candidates": "只列出前 {count} 个；要找其他{@customer}，请用更完整的名称重新执行命令。",
    "form.invalid": "此项的值无效。",
  },
};
