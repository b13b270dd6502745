// What the Slack transport itself has to say: the "working…" placeholder, the friendly answer when
// something behind the port failed, and the few notes about Slack mechanics (a form that could not
// open in time, card copies that could not be updated). Everything else the user reads comes from
// the conversation layer's views.
import { format, normalizeLocale, t, type Catalog, type Locale, type MessageParams } from "../../conversation/i18n/index.js";
import { isDomainError } from "../../core/shared/errors.js";

export const slackCatalog: Catalog = {
  en: {
    "slack.working": "Working on it…",
    "slack.failed": "Sorry, something went wrong on our side. Please try again in a moment.",
    "slack.form_unavailable": "The form could not be opened in time. Please run the command again.",
    "slack.file_failed": "The file could not be sent (the app may lack the files:write scope). Please try again later.",
    "slack.update_failed": "Done, but posted copies of this card could not be updated: {count}.",
    "slack.use_slash_command": "That needs a form, which Slack can only open from the slash command: type /crm {text}",
    "slack.modal_title": "Accord",
    "slack.close": "Close",
  },
  "zh-CN": {
    "slack.working": "正在处理…",
    "slack.failed": "抱歉，系统出了点问题，请稍后再试。",
    "slack.form_unavailable": "表单未能及时打开，请重新执行命令。",
    "slack.file_failed": "文件未能发送（应用可能缺少 files:write 权限），请稍后再试。",
    "slack.update_failed": "操作已完成，但有 {count} 处已发布的卡片未能更新。",
    "slack.use_slash_command": "此操作需要填写表单，Slack 只能从斜杠命令打开表单：请输入 /crm {text}",
    "slack.modal_title": "Accord",
    "slack.close": "关闭",
  },
};

export function slackText(locale: Locale, key: string, params: MessageParams = {}): string {
  const template = slackCatalog[locale][key] ?? slackCatalog.en[key] ?? key;
  return format(template, params);
}

/** The user's Slack locale ("en-US", "zh-CN") when supported, else the configured default. */
export function localeOf(slackLocale: string | undefined, fallback: Locale): Locale {
  return normalizeLocale(slackLocale) ?? fallback;
}

/**
 * What to tell the user about a failure behind the port. The conversation layer turns domain
 * errors into views itself; one escaping anyway still has its catalog message, anything else
 * (database down, a bug) gets the generic apology and is logged by the caller.
 */
export function failureText(locale: Locale, err: unknown): string {
  if (isDomainError(err)) return t(locale, err.code, err.params);
  return slackText(locale, "slack.failed");
}
