// The Feishu/Lark adapter: transport only. node-sdk's EventDispatcher receives text messages to
// the bot, bot menu clicks and card callbacks (over HTTP on our own server's POST /feishu/events
// and POST /feishu/card, or over the SDK's long connection when FEISHU_MODE=ws), the conversation
// port decides everything, and this file renders the replies with render/feishu.ts and sends them
// where Feishu expects them within Feishu's deadlines: a card callback is answered within 3 s
// (with a toast and the updated card, or a "working…" toast and a PATCH once the answer is in),
// every re-delivered event acts once, and every posted copy of a card is refreshed after a
// decision. Outbound notifications (the outbox) go through `sender`.
import { createHash } from "node:crypto";
import type http from "node:http";
import type { OutboxMessage } from "@prisma/client";
import { EventDispatcher, LoggerLevel, WSClient } from "@larksuiteoapi/node-sdk";
import type { FeishuConfig } from "../../config/config.js";
import type { Locale } from "../../conversation/i18n/index.js";
import type { ActionReply, Conversation, PlatformChannels, Reply } from "../../conversation/port.js";
import {
  readFeishuAction,
  readFeishuFormValues,
  renderFeishuCard,
  renderFeishuForm,
  type FeishuCallbackValue,
  type FeishuCard,
} from "../../conversation/render/feishu.js";
import { formWithChoices, type Form } from "../../conversation/views/form.js";
import { maskViewForChannel, sharedChannelIds } from "../../conversation/views/mask.js";
import { parseMarkdownLite, type View } from "../../conversation/views/view.js";
import type { Clock } from "../../core/shared/clock.js";
import { isDomainError } from "../../core/shared/errors.js";
import { BusyError } from "../../conversation/admission.js";
import type { Db } from "../../db/client.js";
import { withRequestLog, type Logger } from "../../logger.js";
import type { AdapterMetrics } from "../../metrics.js";
import type { DeliveryResult, Sender } from "../../scheduler/outbox-worker.js";
import type { RouteHandler } from "../../server.js";
import { deliveryClaims } from "../shared/delivery-claims.js";
import { settle, within } from "../shared/deadline.js";
import { createDrain } from "../shared/drain.js";
import { createFeishuApi, FeishuApiError, feishuDomain, type FeishuApi, type RetryPolicy } from "./api.js";
import { eventKey, messageKey } from "./dedupe.js";
import { feishuFormMemory, type RememberedForm } from "./form-memory.js";
import { feishuDirectory } from "./directory.js";
import {
  cardActionOf,
  commandFromMenu,
  commandFromMessage,
  type CardActionShape,
  type InboundCardAction,
  type MenuEventShape,
  type MessageEventShape,
} from "./inbound.js";
import { failureText, feishuText } from "./messages.js";
import { feishuMyDay } from "./my-day.js";
import { larkLogger } from "./sdk-logger.js";
import { checkEventAge } from "./event-age.js";
import { verifyFeishuRequest } from "./verify.js";

export const FEISHU_EVENTS_ROUTE = "POST /feishu/events";
export const FEISHU_CARD_ROUTE = "POST /feishu/card";

export interface FeishuAdapterDeps {
  conversation: Conversation;
  db: Db;
  logger: Logger;
  clock: Clock;
  metrics?: AdapterMetrics;
}

export interface FeishuAdapterOptions {
  /** A card callback whose answer is not in by then is answered with a "working…" toast; Feishu allows 3 s in all. */
  callbackBudgetMs?: number;
  /** An event whose work is not done by then is acknowledged anyway (the work goes on), before Feishu's 3 s retry. */
  eventBudgetMs?: number;
  /** Feishu's own limit (3 s): an HTTP answer later than this counts as an ack over budget. */
  ackDeadlineMs?: number;
  /** How long a contact API name is reused. */
  nameCacheTtlMs?: number;
  /** A contact lookup slower than this is not waited for. */
  nameLookupBudgetMs?: number;
  /** Language of the transport's own messages (toasts); Feishu does not tell the user's. */
  defaultLocale?: Locale;
  /** Retry policy of interactive open API calls (replies, card updates). */
  retry?: RetryPolicy;
  /** Retry policy of outbox deliveries before the worker's own backoff takes over. */
  senderRetry?: RetryPolicy;
  httpTimeoutMs?: number;
  /** How long a sent form is remembered for redrawing it with errors (Feishu has no modal state). */
  formMemoryTtlMs?: number;
  /** Long connection: how long start() waits for the first connection before going on. */
  wsConnectTimeoutMs?: number;
}

export interface FeishuAdapter {
  mode: "http" | "ws";
  /** Mount on the HTTP server. They also serve in ws mode (still authenticated), for a mixed rollout. */
  routes: Record<typeof FEISHU_EVENTS_ROUTE | typeof FEISHU_CARD_ROUTE, RouteHandler>;
  /** Verifies the credentials (the bot's own open_id, needed to see @mentions) and, in ws mode, connects. */
  start(): Promise<void>;
  /**
   * Graceful shutdown, step one: the long connection closes (Feishu hands new events to another
   * connection or re-sends them), HTTP events get a 503 (re-sent), card callbacks a "busy" toast,
   * and work already accepted finishes and answers, until `deadline` (epoch ms). Resolves with how
   * many were still running at the deadline.
   */
  drain(deadline: number): Promise<number>;
  stop(): Promise<void>;
  /** Delivers one outbox row: a card to the member's open_id or to a channel's chat_id. */
  sender: Sender;
}

// Codes meaning the group refuses every post until someone acts (Feishu's error tables for
// im/v1/messages and im/v1/chats): the bot is not in the group (230002, 232011 "Operator can NOT
// be out of the chat"), the group was disbanded (232009), it belongs to another tenant (232010).
// Not 230001: "Your request contains an invalid request parameter" is about that one request
// (a malformed card as much as a bad id); it fails that message, not the channel.
const CHAT_GONE = new Set([230002, 232009, 232010, 232011]);
// "帮助" / "help" (with or without /crm) typed in the bot's direct chat.
const HELP_TEXT = /^\s*(\/crm\s+)?(help|帮助)\s*$/i;
const SENDER_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 300, maxDelayMs: 1_000 };
const MAX_BODY_BYTES = 1024 * 1024;
// Feishu's message `uuid` (idempotency key, deduplicated for an hour) holds at most 50 characters.
const UUID_MAX = 50;

/** The outbox dedupeKey (or our own key) as Feishu's message uuid: as is when it fits, else hashed. */
export function feishuUuid(key: string): string {
  if (key.length <= UUID_MAX) return key;
  return `h-${createHash("sha256").update(key).digest("base64url").slice(0, 43)}`;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// Card callback answers

type ToastType = "info" | "success" | "warning" | "error";

/** What card.action.trigger answers: Feishu shows the toast and swaps the clicked card for `card`. */
export interface CardCallbackAnswer {
  toast?: { type: ToastType; content: string };
  card?: { type: "raw"; data: FeishuCard };
}

function textCard(text: string): FeishuCard {
  return renderFeishuCard({ blocks: [{ kind: "text", text }] });
}

function plainText(source: string): string {
  return parseMarkdownLite(source)
    .map((line) => (line.bullet ? "• " : "") + line.spans.map((span) => span.text).join(""))
    .join("\n");
}

const TOAST_MAX = 300;

/** A short notice without header or buttons reads better as a toast than as a card. */
function toastTextOf(view: View): string | undefined {
  if (view.header) return undefined;
  const parts: string[] = [];
  for (const block of view.blocks) {
    if (block.kind === "text") parts.push(plainText(block.text));
    else if (block.kind === "context") parts.push(...block.lines.map(plainText));
    else return undefined;
  }
  const text = parts.join("\n").trim();
  return text && text.length <= TOAST_MAX ? text : undefined;
}

function clipToast(text: string): string {
  return text.length <= TOAST_MAX ? text : `${text.slice(0, TOAST_MAX - 1)}…`;
}

function errorsText(errors: Record<string, string>): string {
  return Object.values(errors)
    .map((message) => `• ${message}`)
    .join("\n");
}

interface CardOutcome {
  kind: "action" | "submit";
  answer: ActionReply;
  values: Record<string, string | undefined>;
  /** For a submission: the form the submitted card was drawn from, if it is still remembered. */
  remembered: RememberedForm | undefined;
  /** A click on the member's my-day card: the card stays my-day (refreshed), not the clicked item's. */
  keepClicked?: boolean;
}

/** What to do after a click, independent of whether it is answered in time. */
interface CardPlan {
  /** The clicked card's new content. */
  replace?: FeishuCard;
  /** A form shown in `replace`, remembered for redrawing it with errors. */
  replaceForm?: Form;
  /** The card that opened the form in `replace` (kept with it). */
  origin?: string;
  toast?: { type: ToastType; content: string };
  /** A new message under the clicked card (a form, a card too big for a toast). */
  post?: { card: FeishuCard; form?: Form };
  /** A submitted form was answered (its card replaced by the outcome): its PostedForm row goes. */
  forget?: boolean;
  /** Every other posted copy of the entity gets this card. */
  refresh?: { entityType: string; entityId: string; view: View; alsoPatch: string[] };
}

// ---------------------------------------------------------------------------------------------

export function createFeishuAdapter(config: FeishuConfig, deps: FeishuAdapterDeps, options: FeishuAdapterOptions = {}): FeishuAdapter {
  const { conversation, db, clock } = deps;
  const log = deps.logger.child({ component: "feishu" });
  const callbackBudgetMs = options.callbackBudgetMs ?? 2_000;
  const eventBudgetMs = options.eventBudgetMs ?? 2_500;
  const locale: Locale = options.defaultLocale ?? "zh-CN";
  const formTtlMs = options.formMemoryTtlMs ?? 30 * 60_000;
  const api: FeishuApi = createFeishuApi({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    logger: deps.logger,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.httpTimeoutMs ? { timeoutMs: options.httpTimeoutMs } : {}),
  });
  const directory = feishuDirectory({
    api,
    clock,
    logger: log,
    ttlMs: options.nameCacheTtlMs ?? 30 * 60_000,
    lookupBudgetMs: options.nameLookupBudgetMs ?? 800,
  });
  const claims = deliveryClaims(db, clock, "FEISHU");
  // Forms posted as cards, in the database: a submission may land on any replica.
  const forms = feishuFormMemory(db, formTtlMs);
  let botOpenId: string | undefined;
  let ready = false;
  let wsClient: WSClient | undefined;
  const drain = createDrain();
  const myDay = feishuMyDay({ api, conversation, db, log });

  function report(err: unknown, context: Record<string, unknown>): void {
    if (isDomainError(err)) log.info({ code: err.code, ...context }, "feishu: request refused");
    else if (err instanceof FeishuApiError) log.error({ feishu: err.message, ...context }, "feishu: open api call failed");
    else log.error({ err, ...context }, "feishu: request failed");
  }

  /** Keeps a posted form for redrawing it with errors; a failure only costs that redraw. */
  async function remember(messageId: string, form: Form, origin?: string): Promise<void> {
    try {
      await forms.remember(messageId, form, origin);
    } catch (err) {
      report(err, { operation: "remember form", messageId });
    }
  }

  /** Drops a submitted form's row; a failure only leaves it to expire. */
  async function forget(messageId: string | undefined): Promise<void> {
    if (!messageId) return;
    try {
      await forms.forget(messageId);
    } catch (err) {
      report(err, { operation: "forget form", messageId });
    }
  }

  async function recall(messageId: string | undefined): Promise<RememberedForm | undefined> {
    try {
      return await forms.recall(messageId);
    } catch (err) {
      report(err, { operation: "recall form", messageId });
      return undefined;
    }
  }

  async function knownBotOpenId(): Promise<string | undefined> {
    if (botOpenId) return botOpenId;
    try {
      botOpenId = (await api.botInfo()).openId;
    } catch (err) {
      report(err, { operation: "bot.info" });
    }
    return botOpenId;
  }

  function cardOfReply(reply: Reply): { card: FeishuCard; form?: Form } {
    switch (reply.kind) {
      case "view":
        return { card: renderFeishuCard(reply.view) };
      case "form":
        return { card: renderFeishuForm(reply.form), form: reply.form };
      case "form_errors":
        return { card: textCard(errorsText(reply.errors)) };
      case "file":
        return { card: renderFeishuCard(reply.view) };
    }
  }

  /** A file reply goes to the requester alone, as a file message; the card then says so (or that it failed). */
  async function deliverFile(reply: Reply, openId: string, key: string): Promise<Reply> {
    if (reply.kind !== "file") return reply;
    try {
      await api.sendFile(openId, reply.file, { uuid: feishuUuid(`file:${key}`) });
      return reply;
    } catch (err) {
      report(err, { operation: "file upload", file: reply.file.name });
      return { kind: "form_errors", errors: { file: feishuText(locale, "feishu.file_failed") } };
    }
  }

  // Feishu codes for a chat that does not exist or that the app may not see (server error codes,
  // im/v1 chat pages); a missing permission is not one of them: then the check is skipped.
  const NO_SUCH_CHAT = new Set([232001, 232010, 232011, 232025, 232034]);
  const chatLookups: PlatformChannels = {
    async channelStatus(chatId) {
      try {
        const membership = await api.chatMembership(chatId);
        return { found: true, ...membership };
      } catch (err) {
        if (err instanceof FeishuApiError && typeof err.code === "number" && NO_SUCH_CHAT.has(err.code)) return { found: false, botIsMember: false };
        report(err, { operation: "chat membership", chatId });
        return undefined;
      }
    },
  };

  // -------------------------------------------------------------------------------------------
  // Text commands: im.message.receive_v1

  async function onMessage(data: unknown): Promise<void> {
    const verdict = commandFromMessage(data as MessageEventShape, await knownBotOpenId());
    if (!verdict.ok) {
      log.debug({ reason: verdict.reason }, "feishu: message ignored");
      return;
    }
    const m = verdict.message;
    const keys: string[] = [];
    const work = (async () => {
      for (const key of [...(m.eventId ? [eventKey(m.eventId)] : []), messageKey(m.messageId)]) {
        if (!(await claims.claim(key))) {
          log.info({ key, messageId: m.messageId }, "feishu: duplicate delivery ignored");
          await Promise.all(keys.map((k) => claims.complete(k)));
          return;
        }
        keys.push(key);
      }
      let reply: Reply;
      try {
        const user = await directory.identify(m.tenantKey, m.openId);
        reply = await conversation.command({
          user,
          channels: chatLookups,
          text: m.text,
          ...(Object.keys(m.mentions).length > 0 ? { mentions: m.mentions } : {}),
          channelId: m.chatId,
        });
      } catch (err) {
        // Nothing was done: let Feishu's re-delivery try again.
        await Promise.all(keys.map((k) => claims.release(k).catch(() => undefined)));
        throw err;
      }
      // The command has acted; a re-delivery must not act again, even if the reply fails.
      await Promise.all(keys.map((k) => claims.complete(k)));
      reply = await deliverFile(reply, m.openId, m.messageId);
      const { card, form } = cardOfReply(reply);
      const entity = reply.kind === "view" ? reply.card : undefined;
      try {
        // An entity's card changes later (a decision) and ephemeral cards cannot be patched: in a
        // group it goes to the sender's direct chat instead.
        const sent: { messageId: string; chatId?: string } =
          m.chatType === "group"
            ? entity
              ? await api.sendCard("open_id", m.openId, card, { uuid: feishuUuid(`dm-reply:${m.messageId}`) })
              : await answerPrivately(m.chatId, m.openId, card, m.messageId)
            : await api.replyCard(m.messageId, card, { uuid: feishuUuid(`reply:${m.messageId}`) });
        if (form) await remember(sent.messageId, form);
        if (entity) await rememberCopy(m.tenantKey, entity, sent.chatId || m.chatId, sent.messageId);
      } catch (err) {
        report(err, { event: "im.message.receive_v1", messageId: m.messageId });
      }
      // 帮助 in the bot's direct chat also brings the member's day up to date (the one card, in place).
      if (m.chatType !== "group" && HELP_TEXT.test(m.text)) {
        await myDay.show(m.tenantKey, await directory.identify(m.tenantKey, m.openId)).catch((err: unknown) => report(err, { operation: "my day" }));
      }
    })();
    const done = drain.track(
      settle(work).then((outcome) => {
        if (!outcome.ok) report(outcome.error, { event: "im.message.receive_v1", messageId: m.messageId });
      }),
    );
    await within(done, eventBudgetMs);
  }

  /**
   * An answer to a command typed in a group goes to the one who typed it: a card only they see in
   * the group (ephemeral/v1/send), or, where Feishu refuses one (a topic group, an old client), a
   * direct message. The group itself only gets posts meant for it (the outbox's channel posts).
   */
  async function answerPrivately(chatId: string, openId: string, card: FeishuCard, messageId: string): Promise<{ messageId: string }> {
    try {
      return await api.sendEphemeralCard(chatId, openId, card);
    } catch (err) {
      report(err, { operation: "ephemeral card", chatId, fallback: "direct message" });
      return api.sendCard("open_id", openId, card, { uuid: feishuUuid(`dm-reply:${messageId}`) });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Bot menu: application.bot.menu_v6

  async function onMenu(data: unknown): Promise<void> {
    const menu = commandFromMenu(data as MenuEventShape);
    if (!menu) return;
    const key = eventKey(menu.eventId ?? `menu:${menu.tenantKey}:${menu.openId}:${menu.text}:${clock.now().getTime()}`);
    const work = (async () => {
      if (!(await claims.claim(key))) {
        log.info({ key }, "feishu: duplicate delivery ignored");
        return;
      }
      let reply: Reply;
      try {
        const user = await directory.identify(menu.tenantKey, menu.openId, menu.name);
        if (menu.shortcut === "my_day") {
          await myDay.show(menu.tenantKey, user);
          await claims.complete(key);
          return;
        }
        reply = menu.shortcut ? await conversation.shortcut({ user, kind: menu.shortcut }) : await conversation.command({ user, text: menu.text });
      } catch (err) {
        await claims.release(key).catch(() => undefined);
        throw err;
      }
      await claims.complete(key);
      reply = await deliverFile(reply, menu.openId, key);
      const { card, form } = cardOfReply(reply);
      const sent = await api.sendCard("open_id", menu.openId, card, { uuid: feishuUuid(`menu:${menu.eventId ?? key}`) });
      if (form) await remember(sent.messageId, form);
    })();
    const done = drain.track(
      settle(work).then((outcome) => {
        if (!outcome.ok) report(outcome.error, { event: "application.bot.menu_v6" });
      }),
    );
    await within(done, eventBudgetMs);
  }

  // -------------------------------------------------------------------------------------------
  // Card callbacks: card.action.trigger

  function plan(
    kind: "action" | "submit",
    answer: ActionReply,
    values: Record<string, string | undefined>,
    remembered: RememberedForm | undefined,
  ): CardPlan {
    const out: CardPlan = {};
    const reply = answer.reply;
    if (kind === "action") {
      switch (reply.kind) {
        case "view": {
          const toast = toastTextOf(reply.view);
          if (toast) out.toast = { type: "info", content: toast };
          else out.post = { card: renderFeishuCard(reply.view) };
          break;
        }
        case "form":
          // A new card under the clicked one: the clicked card keeps its buttons until the form
          // decides something, so an abandoned form leaves nothing broken.
          out.post = { card: renderFeishuForm(reply.form), form: reply.form };
          out.toast = { type: "info", content: feishuText(locale, "feishu.form_sent") };
          break;
        case "form_errors":
          out.toast = { type: "error", content: errorsText(reply.errors) };
          break;
        case "file":
          // No button answers with a file today; were one to, the card tells what would be sent.
          out.post = { card: renderFeishuCard(reply.view) };
          break;
      }
      if (answer.updatedCard) out.replace = renderFeishuCard(answer.updatedCard.view);
    } else {
      switch (reply.kind) {
        case "view":
        case "file":
          out.replace = renderFeishuCard(reply.view);
          out.forget = true;
          break;
        case "form":
          out.replace = renderFeishuForm(reply.form);
          out.replaceForm = reply.form;
          break;
        case "form_errors":
          if (remembered) {
            // Cards have no searching picker: an ambiguous customer becomes a select of its
            // candidates, the rest redrawn as typed; the redrawn form is what the next submission
            // of this card (on any replica) is checked against.
            const form = formWithChoices(remembered.form, reply.choices);
            const kept = Object.fromEntries(Object.entries(values).filter(([name]) => !reply.choices?.[name]));
            out.replace = renderFeishuForm(form, { values: kept, errors: reply.errors });
            out.replaceForm = form;
            out.toast = { type: "error", content: feishuText(locale, "feishu.fix_form") };
          } else {
            out.toast = { type: "error", content: `${feishuText(locale, "feishu.fix_form_list")}\n${errorsText(reply.errors)}` };
          }
          break;
      }
    }
    if (out.replaceForm && remembered?.origin) out.origin = remembered.origin;
    if (answer.updatedCard) {
      out.refresh = { ...answer.updatedCard, alsoPatch: remembered?.origin ? [remembered.origin] : [] };
    }
    if (!out.toast && out.replace && reply.kind === "view") {
      const toast = kind === "submit" ? undefined : toastTextOf(reply.view);
      out.toast = { type: "success", content: toast ?? feishuText(locale, "feishu.done") };
    }
    return out;
  }

  /** Keeps a reference to a posted copy of an entity's card, so a later change patches it too. */
  async function rememberCopy(tenantKey: string, entity: { entityType: string; entityId: string }, chatId: string, messageId: string): Promise<void> {
    try {
      const tenant = await db.tenant.findUnique({ where: { platform_externalId: { platform: "FEISHU", externalId: tenantKey } }, select: { id: true } });
      if (!tenant) return;
      await db.messageRef.upsert({
        where: { platform_channel_messageId: { platform: "FEISHU", channel: chatId, messageId } },
        create: { tenantId: tenant.id, entityType: entity.entityType, entityId: entity.entityId, platform: "FEISHU", channel: chatId, messageId },
        update: {},
      });
    } catch (err) {
      report(err, { operation: "remember card copy", messageId });
    }
  }

  /** Every other posted copy of the entity gets the new card; returns how many could not. */
  async function refreshCopies(tenantKey: string, refresh: NonNullable<CardPlan["refresh"]>, exclude: string[]): Promise<number> {
    const targets = new Set<string>(refresh.alsoPatch);
    const tenant = await db.tenant.findUnique({
      where: { platform_externalId: { platform: "FEISHU", externalId: tenantKey } },
      select: { id: true, settings: true },
    });
    // A copy in a shared group shows what the group post showed: contact details masked.
    const shared = tenant ? sharedChannelIds(tenant.settings) : new Set<string>();
    const inGroup = new Set<string>();
    if (tenant) {
      const refs = await db.messageRef.findMany({
        where: { tenantId: tenant.id, platform: "FEISHU", entityType: refresh.entityType, entityId: refresh.entityId },
        select: { messageId: true, channel: true },
      });
      for (const ref of refs) {
        targets.add(ref.messageId);
        if (shared.has(ref.channel)) inGroup.add(ref.messageId);
      }
    }
    for (const id of exclude) targets.delete(id);
    const card = renderFeishuCard(refresh.view);
    const maskedCard = renderFeishuCard(maskViewForChannel(refresh.view));
    const results = await Promise.allSettled(
      [...targets].map((messageId) =>
        api.patchCard(messageId, inGroup.has(messageId) ? maskedCard : card).catch((err: unknown) => {
          report(err, { operation: "card copy update", messageId, entityType: refresh.entityType, entityId: refresh.entityId });
          throw err;
        }),
      ),
    );
    return results.filter((r) => r.status === "rejected").length;
  }

  /** The parts of a plan that happen after the callback has been answered (or instead of answering). */
  async function carryOut(click: InboundCardAction, p: CardPlan, late: boolean): Promise<void> {
    const clicked = click.messageId;
    const tasks: Promise<unknown>[] = [];
    if (late && clicked && p.replace) {
      const replace = p.replace;
      tasks.push(api.patchCard(clicked, replace).then(() => p.replaceForm && remember(clicked, p.replaceForm, p.origin)));
    }
    if (late && p.forget) tasks.push(forget(clicked));
    let post = p.post;
    // Too late for a toast: the message goes under the card instead.
    if (late && !post && !p.replace && p.toast) post = { card: textCard(p.toast.content) };
    if (post) {
      const { card, form } = post;
      tasks.push(
        (clicked ? api.replyCard(clicked, card) : api.sendCard("open_id", click.openId, card)).then((sent) => {
          if (form) return remember(sent.messageId, form, clicked);
        }),
      );
    }
    if (p.refresh) {
      const refresh = p.refresh;
      tasks.push(refreshCopies(click.tenantKey, refresh, clicked && (p.replace || !late) ? [clicked] : []));
    }
    const results = await Promise.allSettled(tasks);
    for (const r of results) if (r.status === "rejected") report(r.reason, { operation: "card callback follow-up", messageId: clicked });
  }

  async function runCardAction(click: InboundCardAction, value: FeishuCallbackValue): Promise<CardOutcome> {
    const user = await directory.identify(click.tenantKey, click.openId, click.name);
    const acted = (result: CardOutcome): CardOutcome => {
      // The member's my-day card (if they have one) catches up with what they just did.
      void drain.track(myDay.refresh(click.tenantKey, user).catch((err: unknown) => report(err, { operation: "my day refresh" })));
      return result;
    };
    if (click.formValue !== undefined || value.form !== undefined) {
      const values = readFeishuFormValues(click.formValue);
      // The form this card was drawn from, wherever it was posted: to redraw it with the values.
      const [answer, remembered] = await Promise.all([
        conversation.submit({ user, actionId: value.action, payload: value.payload, values }),
        recall(click.messageId),
      ]);
      return acted({ kind: "submit", answer, values, remembered });
    }
    const answer = await conversation.action({ user, actionId: value.action, payload: value.payload });
    const keepClicked = answer.updatedCard !== undefined && (await myDay.isMyDayCard(click.messageId));
    return acted({ kind: "action", answer, values: {}, remembered: undefined, ...(keepClicked ? { keepClicked } : {}) });
  }

  const planOf = (outcome: CardOutcome): CardPlan => {
    const p = plan(outcome.kind, outcome.answer, outcome.values, outcome.remembered);
    if (outcome.keepClicked) delete p.replace;
    return p;
  };

  async function onCardAction(data: unknown): Promise<CardCallbackAnswer> {
    const click = cardActionOf(data as CardActionShape);
    if (!click) return {};
    const value = readFeishuAction(click.value);
    if (!value) return { toast: { type: "warning", content: feishuText(locale, "feishu.unknown_button") } };
    const work = settle(drain.track(runCardAction(click, value)));
    const early = await within(work, callbackBudgetMs);
    const context = { action: value.action, openId: click.openId, messageId: click.messageId };
    if (!early) {
      // Feishu does not wait longer than 3 s and never re-sends a callback: say so now, finish later.
      void drain.track(work.then(async (outcome) => {
        if (!outcome.ok) {
          report(outcome.error, context);
          await carryOut(click, { toast: { type: "error", content: failureText(locale, outcome.error) } }, true);
          return;
        }
        await carryOut(click, planOf(outcome.value), true);
      }).catch((err: unknown) => report(err, context)));
      return { toast: { type: "info", content: feishuText(locale, "feishu.working") } };
    }
    if (!early.ok) {
      report(early.error, context);
      return { toast: { type: "error", content: clipToast(failureText(locale, early.error)) } };
    }
    const p = planOf(early.value);
    // Stored before answering: the next submission of this card may reach another replica.
    if (p.replace && p.replaceForm && click.messageId) await remember(click.messageId, p.replaceForm, p.origin);
    if (p.forget) await forget(click.messageId);
    const submitted = early.value.answer.reply;
    if (early.value.kind === "submit" && submitted.kind === "view" && submitted.card && click.messageId) {
      void rememberCopy(click.tenantKey, submitted.card, click.chatId ?? "", click.messageId);
    }
    void drain.track(carryOut(click, p, false).catch((err: unknown) => report(err, context)));
    return {
      ...(p.toast ? { toast: { type: p.toast.type, content: clipToast(p.toast.content) } } : {}),
      ...(p.replace ? { card: { type: "raw" as const, data: p.replace } } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------
  // The dispatcher (shared by HTTP and the long connection) and the HTTP routes

  const dispatcher = new EventDispatcher({
    verificationToken: config.verificationToken,
    ...(config.encryptKey ? { encryptKey: config.encryptKey } : {}),
    logger: larkLogger(deps.logger),
    loggerLevel: LoggerLevel.warn,
  });
  // Every line logged while an event is handled (over HTTP or the long connection, including
  // work finished after the answer) names its tenant.
  const scoped =
    (handler: (data: unknown) => Promise<unknown>) =>
    (data: unknown): Promise<unknown> => {
      const event = (data ?? {}) as { tenant_key?: unknown; operator?: { tenant_key?: unknown }; event_id?: unknown; app_id?: unknown; event_type?: unknown };
      // One endpoint may receive events of several apps (a shared gateway, a copied subscription
      // URL); only this app's are acted on. Answered all the same, so Feishu does not retry them.
      if (typeof event.app_id === "string" && event.app_id !== config.appId) {
        log.warn({ appId: event.app_id, eventType: event.event_type }, "feishu: event for another app ignored");
        deps.metrics?.callbackIgnored?.("FEISHU", "other_app");
        return Promise.resolve({});
      }
      const tenant = typeof event.tenant_key === "string" ? event.tenant_key : event.operator?.tenant_key;
      return withRequestLog(deps.logger, { tenant: typeof tenant === "string" ? tenant : undefined, platform: "FEISHU" }, async () => {
        // Replay protection for HTTP and the long connection alike (./event-age.ts): too old to
        // still have its de-duplication claim, so it is dropped before any claim or work. Wall
        // time, as for Slack's request timestamps: this is about the transport, not domain time.
        const age = checkEventAge(data, new Date());
        if (!age.ok) {
          log.warn({ reason: age.reason, eventId: typeof event.event_id === "string" ? event.event_id : undefined }, "feishu: stale event refused");
          return {};
        }
        return handler(data);
      });
    };
  // Handlers take the SDK-parsed event (header and event merged) as untrusted JSON.
  dispatcher.register<Record<string, (data: unknown) => Promise<unknown>>>({
    "im.message.receive_v1": scoped(onMessage),
    "application.bot.menu_v6": scoped(onMenu),
    "card.action.trigger": scoped(onCardAction),
  });

  function route(path: string): RouteHandler {
    return async (req, res) => {
      if (!ready) {
        sendJson(res, 503, { error: "feishu adapter not started" });
        return;
      }
      const arrived = Date.now();
      res.once("finish", () => {
        if (Date.now() - arrived > (options.ackDeadlineMs ?? 3_000)) deps.metrics?.ackOverBudget("FEISHU");
      });
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === undefined) {
        sendJson(res, 413, { error: "body too large" });
        return;
      }
      const verdict = verifyFeishuRequest(raw, req.headers, {
        verificationToken: config.verificationToken,
        ...(config.encryptKey ? { encryptKey: config.encryptKey } : {}),
      });
      if (!verdict.ok) {
        log.warn({ path, reason: verdict.reason }, "feishu: request refused");
        sendJson(res, verdict.status, { error: verdict.status === 401 ? "unauthorized" : "bad request" });
        return;
      }
      const envelope = verdict.envelope;
      if (envelope.type === "url_verification") {
        sendJson(res, 200, { challenge: envelope.challenge });
        return;
      }
      if (!drain.accepting()) {
        // Shutting down: an event is re-sent by Feishu after an error; a card callback never is,
        // so the person who clicked is told to try again.
        if (path === "/feishu/card") sendJson(res, 200, { toast: { type: "warning", content: clipToast(failureText(locale, new BusyError())) } });
        else sendJson(res, 503, { error: "shutting down" });
        return;
      }
      // Verified above; the dispatcher only parses (header + event) and routes by event type.
      const result: unknown = await dispatcher.invoke(envelope, { needCheck: false });
      sendJson(res, 200, result && typeof result === "object" ? result : {});
    };
  }

  // -------------------------------------------------------------------------------------------
  // Outbox delivery

  const sender: Sender = async (message: OutboxMessage): Promise<DeliveryResult> => {
    const delivery = await conversation.renderDelivery(message);
    if (!delivery) return { ok: true };
    const card = renderFeishuCard(delivery.view);
    try {
      const sent =
        delivery.to.kind === "member"
          ? await api.sendCard("open_id", delivery.to.platformUserId, card, { uuid: feishuUuid(message.dedupeKey), retry: options.senderRetry ?? SENDER_RETRY })
          : await api.sendCard("chat_id", delivery.to.channelId, card, { uuid: feishuUuid(message.dedupeKey), retry: options.senderRetry ?? SENDER_RETRY });
      return { ok: true, platformMessageId: sent.messageId, ...(sent.chatId ? { channel: sent.chatId } : {}) };
    } catch (err) {
      const failure =
        err instanceof FeishuApiError ? err : new FeishuApiError("im.message.create", "request_failed", false, undefined, (err as Error).message);
      // Feishu's code and message (never the card, which may carry contact details, nor the token).
      const context = { code: failure.code, feishu: failure.message, outboxId: message.id, target: message.target, attempt: message.attempts };
      if (failure.permanent) log.error(context, "feishu: delivery failed permanently");
      else log.warn(context, "feishu: delivery failed, will retry");
      if (delivery.to.kind === "channel" && typeof failure.code === "number" && CHAT_GONE.has(failure.code)) {
        await conversation
          .channelUnreachable({ tenantId: message.tenantId, channelId: delivery.to.channelId, reason: `code ${failure.code}` })
          .catch((alertErr: unknown) => log.error({ err: alertErr }, "feishu: admins not told about the group"));
      }
      return {
        ok: false,
        permanent: failure.permanent,
        error: failure.message,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      };
    }
  };

  async function connectLongConnection(): Promise<void> {
    const timeoutMs = options.wsConnectTimeoutMs ?? 15_000;
    let settleStart: (err?: Error) => void = () => undefined;
    const connected = new Promise<void>((resolve, reject) => {
      settleStart = (err) => (err ? reject(err) : resolve());
    });
    wsClient = new WSClient({
      appId: config.appId,
      appSecret: config.appSecret,
      domain: feishuDomain(config.domain),
      logger: larkLogger(deps.logger),
      loggerLevel: LoggerLevel.warn,
      autoReconnect: true,
      onReady: () => settleStart(),
      onError: (err) => {
        log.error({ err: err.message }, "feishu: long connection failed");
        settleStart(err);
      },
      onReconnecting: () => log.warn("feishu: long connection lost, reconnecting"),
      onReconnected: () => log.info("feishu: long connection restored"),
    });
    await wsClient.start({ eventDispatcher: dispatcher });
    const outcome = await within(settle(connected), timeoutMs);
    if (!outcome) log.warn({ timeoutMs }, "feishu: long connection not up yet, still trying");
    else if (!outcome.ok) throw outcome.error;
  }

  return {
    mode: config.mode,
    routes: { [FEISHU_EVENTS_ROUTE]: route("/feishu/events"), [FEISHU_CARD_ROUTE]: route("/feishu/card") },
    sender,
    async start() {
      botOpenId = (await api.botInfo()).openId;
      if (config.mode === "ws") await connectLongConnection();
      ready = true;
    },
    async drain(deadline) {
      // Replies and card updates go through the open API, not the long connection: closing it
      // first only stops new events from arriving here.
      wsClient?.close({ force: true });
      wsClient = undefined;
      return drain.drain(deadline);
    },
    async stop() {
      ready = false;
      wsClient?.close({ force: true });
      wsClient = undefined;
      directory.clear();
    },
  };
}
