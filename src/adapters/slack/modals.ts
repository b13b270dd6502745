// Modals the transport needs besides the conversation's forms: a loading modal opened while the
// trigger_id is still valid (it expires 3 s after the click) and later replaced with views.update,
// and a read-only modal that shows a reply where no message can go (after a form submission, or
// for a click inside a modal).
import type { Locale } from "../../conversation/i18n/index.js";
import { SLACK_LIMITS, clip } from "../../conversation/render/limits.js";
import { escapeSlack, renderSlackMessage, type SlackBlock, type SlackPlainText } from "../../conversation/render/slack.js";
import type { View } from "../../conversation/views/view.js";
import { slackText } from "./messages.js";

export interface SlackInfoModal {
  type: "modal";
  callback_id: string;
  title: SlackPlainText;
  close: SlackPlainText;
  blocks: SlackBlock[];
}

/** callback_id of the modals below; they have no submit button, so no submission names it. */
export const INFO_MODAL_ID = "accord.info";

const plain = (text: string, max: number): SlackPlainText => ({ type: "plain_text", text: clip(text, max), emoji: true });

function infoModal(locale: Locale, title: string | undefined, blocks: SlackBlock[]): SlackInfoModal {
  return {
    type: "modal",
    callback_id: INFO_MODAL_ID,
    title: plain(title || slackText(locale, "slack.modal_title"), SLACK_LIMITS.modalTitle),
    close: plain(slackText(locale, "slack.close"), SLACK_LIMITS.modalButton),
    blocks: blocks.slice(0, SLACK_LIMITS.modalBlocks),
  };
}

export function textModal(locale: Locale, text: string): SlackInfoModal {
  return infoModal(locale, undefined, [{ type: "section", text: { type: "mrkdwn", text: clip(escapeSlack(text), SLACK_LIMITS.sectionText) } }]);
}

export function loadingModal(locale: Locale): SlackInfoModal {
  return textModal(locale, slackText(locale, "slack.working"));
}

/** A reply view inside a modal: the same blocks a message would carry (they fit: 50 < 100). */
export function viewModal(locale: Locale, view: View): SlackInfoModal {
  return infoModal(locale, view.header?.title, renderSlackMessage(view).blocks);
}
