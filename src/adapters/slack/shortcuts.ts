// Slack shortcuts (docs.slack.dev/interactivity/implementing-shortcuts): message shortcuts
// ("Log as visit note", "Register complaint": a `message_action` payload with the message, its
// channel and a trigger_id) and global shortcuts ("New hospitality request", "Find customer": a
// `shortcut` payload). Each is acknowledged at once and answered with a modal opened with its
// trigger_id, which expires 3 s after the click: a loading modal goes up first when the form is
// not ready in time, and is replaced with the form (views.update). The message's text arrives
// with Slack's escapes (&amp; &lt; &gt;), decoded here; its permalink (chat.getPermalink, no
// scope needed) goes into the form and is stored with the record.
import type { App, webApi } from "@slack/bolt";
import type { Locale } from "../../conversation/i18n/index.js";
import type { Conversation, Reply } from "../../conversation/port.js";
import { renderSlackModal } from "../../conversation/render/slack.js";
import type { Logger } from "../../logger.js";
import type { SlackDirectory } from "./directory.js";
import { decodeSlackText } from "./edge.js";
import { classifySlackError } from "./errors.js";
import { failureText, localeOf } from "./messages.js";
import { loadingModal, textModal, viewModal } from "./modals.js";

/** Callback ids configured in the manifest → the conversation's shortcut kinds. */
export const SLACK_SHORTCUTS = {
  accord_visit_note: "visit_note",
  accord_complaint: "complaint",
  accord_hospitality: "hospitality",
  accord_find_customer: "find_customer",
} as const;

interface ShortcutBody {
  type: "shortcut" | "message_action";
  callback_id: string;
  trigger_id: string;
  user: { id: string; team_id?: string };
  team?: { id: string; domain?: string } | null;
  channel?: { id: string; name?: string };
  message?: { ts?: string; text?: string; user?: string; username?: string; bot_id?: string };
  message_ts?: string;
}

export interface SlackShortcutDeps {
  conversation: Conversation;
  directory: SlackDirectory;
  log: Logger;
  defaultLocale: Locale;
  /** How long the form may take before a loading modal is opened with the trigger_id. */
  modalBudgetMs: number;
}

const kitView = (view: object) => view as unknown as Parameters<webApi.WebClient["views"]["open"]>[0]["view"];

export function registerSlackShortcuts(app: App, deps: SlackShortcutDeps): void {
  const ids = Object.keys(SLACK_SHORTCUTS);
  const pattern = new RegExp(`^(${ids.join("|")})$`);
  app.shortcut(pattern, async ({ ack, body, client }) => {
    await ack();
    await answer(client, body as unknown as ShortcutBody);
  });

  async function call<T>(method: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      deps.log.warn({ slack: classifySlackError(method, err).description }, "slack: web api call failed");
      return undefined;
    }
  }

  async function messageOf(client: webApi.WebClient, teamId: string, body: ShortcutBody) {
    if (body.type !== "message_action" || !body.message || !body.channel) return undefined;
    const ts = body.message.ts ?? body.message_ts;
    const channel = body.channel.id;
    const [permalink, author] = await Promise.all([
      ts ? call("chat.getPermalink", () => client.chat.getPermalink({ channel, message_ts: ts })) : undefined,
      body.message.user ? call("users.info", () => deps.directory.identify(client, { id: teamId }, body.message!.user!)) : undefined,
    ]);
    const authorName = author?.user.displayName ?? body.message.username;
    return {
      text: decodeSlackText(body.message.text ?? ""),
      ...(authorName ? { authorName } : {}),
      ...(permalink?.permalink ? { link: permalink.permalink } : {}),
      ...(body.channel.name && body.channel.name !== "directmessage" ? { channelName: body.channel.name } : {}),
    };
  }

  async function answer(client: webApi.WebClient, body: ShortcutBody): Promise<void> {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    let locale = localeOf(deps.directory.cachedLocale(teamId, body.user.id), deps.defaultLocale);
    const kind = SLACK_SHORTCUTS[body.callback_id as keyof typeof SLACK_SHORTCUTS] ?? body.callback_id;
    const work = (async (): Promise<Reply> => {
      const who = await deps.directory.identify(client, { id: teamId, ...(body.team?.domain ? { name: body.team.domain } : {}) }, body.user.id);
      locale = localeOf(who.locale, deps.defaultLocale);
      const message = await messageOf(client, teamId, body);
      return deps.conversation.shortcut({ user: who.user, kind, ...(message ? { message } : {}) });
    })().then(
      (reply) => ({ ok: true as const, reply }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deps.modalBudgetMs)))]).finally(() => clearTimeout(timer));
    let viewId: string | undefined;
    if (!early) {
      const opened = await call("views.open", () => client.views.open({ trigger_id: body.trigger_id, view: kitView(loadingModal(locale)) }));
      viewId = opened?.view?.id;
    }
    const outcome = early ?? (await work);
    let modal: object;
    if (!outcome.ok) {
      deps.log.error({ err: outcome.error, shortcut: body.callback_id }, "slack: shortcut failed");
      modal = textModal(locale, failureText(locale, outcome.error));
    } else {
      const reply = outcome.reply;
      modal =
        reply.kind === "form"
          ? renderSlackModal(reply.form)
          : reply.kind === "form_errors"
            ? textModal(locale, Object.values(reply.errors).join("\n"))
            : viewModal(locale, reply.view);
    }
    if (viewId) {
      const id = viewId;
      await call("views.update", () => client.views.update({ view_id: id, view: kitView(modal) }));
    } else {
      await call("views.open", () => client.views.open({ trigger_id: body.trigger_id, view: kitView(modal) }));
    }
  }
}
