// What the Feishu transport itself has to say: the toast while a slow answer is still being
// worked on, the apology when something behind the port failed, form errors when the form card
// can no longer be redrawn, and the bot menu's fallback. Everything else the user reads comes
// from the conversation layer's views.
import { format, normalizeLocale, t, type Catalog, type Locale, type MessageParams } from "../../conversation/i18n/index.js";
import { isDomainError } from "../../core/shared/errors.js";

export const feishuCatalog: Catalog = {
  en: {
    "feishu.working": "Working on it… the card will update in a moment.",
    "feishu.failed": "Sorry, something went wrong on our side. Please try again in a moment.",
    "feishu.done": "Done.",
    "feishu.form_sent": "Please fill in the form below.",
    "feishu.fix_form": "Please correct the marked fields.",
    "feishu.fix_form_list": "Please correct the form:",
    "feishu.unknown_button": "This button is no longer supported. Please run the command again.",
    "feishu.file_failed": "The file could not be sent (the app may lack the im:resource permission). Please try again later.",
  },
  "zh-CN": {
    "feishu.working": "正在处理…卡片稍后会更新。",
    "feishu.failed": "抱歉，系统出了点问题，请稍后再试。",
    "feishu.done": "已完成。",
    "feishu.form_sent": "请填写下方的表单。",
    "feishu.fix_form": "请修改标出的字段。",
    "feishu.fix_form_list": "请修改表单：",
    "feishu.unknown_button": "此按钮已失效，请重新执行命令。",
    "feishu.file_failed": "文件未能发送（应用可能缺少 im:resource 权限），请稍后再试。",
  },
};

export function feishuText(locale: Locale, key: string, params: MessageParams = {}): string {
  const template = feishuCatalog[locale][key] ?? feishuCatalog.en[key] ?? key;
  return format(template, params);
}

/** Feishu reports languages as "zh_cn", "en_us"; anything unsupported falls back. */
export function localeOf(feishuLocale: string | undefined, fallback: Locale): Locale {
  return normalizeLocale(feishuLocale) ?? fallback;
}

/**
 * What to tell the user about a failure behind the port. The conversation layer turns domain
 * errors into views itself; one escaping anyway still has its catalog message, anything else
 * (database down, a bug) gets the generic apology and is logged by the caller.
 */
export function failureText(locale: Locale, err: unknown): string {
  if (isDomainError(err)) return t(locale, err.code, err.params);
  return feishuText(locale, "feishu.failed");
}
