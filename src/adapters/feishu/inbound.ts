// Turning what Feishu pushes into conversation requests, as pure functions of the event: a text
// message to the bot (im.message.receive_v1, schema 2.0) and a bot menu click
// (application.bot.menu_v6). Feishu writes a mention into the text as a key ("@_user_1") and lists
// the keys with the users behind them in message.mentions; the bot's own mention is what addresses
// the bot in a group and is stripped, the others are handed to the grammar as mentions.
import type { Mention } from "../../conversation/port.js";

interface RawUserId {
  open_id?: unknown;
  user_id?: unknown;
  union_id?: unknown;
}

interface RawMention {
  key?: unknown;
  id?: RawUserId | string;
  name?: unknown;
}

/** The fields of im.message.receive_v1 Accord reads (SDK-parsed: header and event merged). */
export interface MessageEventShape {
  event_id?: unknown;
  tenant_key?: unknown;
  sender?: { sender_id?: RawUserId; sender_type?: unknown; tenant_key?: unknown };
  message?: {
    message_id?: unknown;
    chat_id?: unknown;
    chat_type?: unknown;
    message_type?: unknown;
    content?: unknown;
    mentions?: unknown;
  };
}

export interface InboundMessage {
  eventId?: string;
  messageId: string;
  tenantKey: string;
  openId: string;
  chatId: string;
  chatType: "p2p" | "group";
  text: string;
  mentions: Record<string, Mention>;
}

export type MessageVerdict = { ok: true; message: InboundMessage } | { ok: false; reason: string };

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function openIdOf(id: RawMention["id"]): string | undefined {
  if (typeof id === "string") return str(id);
  return str(id?.open_id);
}

interface PostElement {
  tag?: unknown;
  text?: unknown;
  user_id?: unknown;
}

/**
 * The text of a rich-text (post) message as a command reads it. Received post content is
 * {title, content: [[element…]…]} (open.feishu.cn "接收消息内容结构"; some clients wrap it in a
 * language key such as zh_cn): text, links, code and markdown elements give their text, an @ gives
 * its "@_user_N" key (resolved through the mention list like a text message's), paragraphs are
 * lines; images, media and emoji carry no command.
 */
export function textOfPost(content: unknown): string {
  const c = (content ?? {}) as { content?: unknown } & Record<string, unknown>;
  const body = Array.isArray(c.content)
    ? c
    : (Object.values(c).find((v) => v && typeof v === "object" && Array.isArray((v as { content?: unknown }).content)) as { content?: unknown } | undefined);
  const paragraphs = Array.isArray(body?.content) ? (body.content as unknown[]) : [];
  return paragraphs
    .map((paragraph) =>
      (Array.isArray(paragraph) ? (paragraph as PostElement[]) : [])
        .map((element) => {
          if (element?.tag === "at") return typeof element.user_id === "string" ? ` ${element.user_id} ` : "";
          if (["text", "a", "code_block", "md"].includes(String(element?.tag))) return typeof element.text === "string" ? element.text : "";
          return "";
        })
        .join(""),
    )
    .join("\n");
}

/**
 * The command in a message event, or why it is not one: only text from a user, in a direct chat,
 * or in a group when the bot is @mentioned (the mention stripped).
 */
export function commandFromMessage(event: MessageEventShape, botOpenId: string | undefined): MessageVerdict {
  const message = event.message;
  const messageId = str(message?.message_id);
  const chatId = str(message?.chat_id);
  const openId = str(event.sender?.sender_id?.open_id);
  const tenantKey = str(event.tenant_key) ?? str(event.sender?.tenant_key);
  if (!message || !messageId || !chatId || !openId || !tenantKey) return { ok: false, reason: "incomplete message event" };
  if (event.sender?.sender_type !== undefined && event.sender.sender_type !== "user") return { ok: false, reason: "not sent by a user" };
  if (message.message_type !== "text" && message.message_type !== "post") return { ok: false, reason: `message type ${String(message.message_type)}` };
  const chatType = message.chat_type === "p2p" ? "p2p" : message.chat_type === "group" ? "group" : undefined;
  if (!chatType) return { ok: false, reason: `chat type ${String(message.chat_type)}` };

  let text: string;
  try {
    const content = JSON.parse(String(message.content ?? "")) as { text?: unknown };
    text = message.message_type === "post" ? textOfPost(content) : typeof content.text === "string" ? content.text : "";
  } catch {
    return { ok: false, reason: "content is not JSON" };
  }

  const raw = Array.isArray(message.mentions) ? (message.mentions as RawMention[]) : [];
  let addressed = chatType === "p2p";
  const mentions: Record<string, Mention> = {};
  const strip: string[] = [];
  for (const mention of raw) {
    const key = str(mention.key);
    if (!key) continue;
    const id = openIdOf(mention.id);
    if (botOpenId && id === botOpenId) {
      addressed = true;
      strip.push(key);
    } else if (id) {
      const name = str(mention.name);
      mentions[key] = { platformUserId: id, ...(name ? { name } : {}) };
    } else {
      // @all and other mentions without a user mean nothing to a command.
      strip.push(key);
    }
  }
  if (!addressed) return { ok: false, reason: botOpenId ? "group message without a mention of the bot" : "bot open_id unknown" };
  // Longest keys first, so "@_user_1" never eats the start of "@_user_10".
  for (const key of strip.sort((a, b) => b.length - a.length)) text = text.split(key).join(" ");
  text = text.replace(/\s+/g, " ").trim();

  const eventId = str(event.event_id);
  return { ok: true, message: { ...(eventId ? { eventId } : {}), messageId, tenantKey, openId, chatId, chatType, text, mentions } };
}

/** The bot menu's event keys (configured in the developer console) → command text. */
export const MENU_COMMANDS: Readonly<Record<string, string>> = {
  help: "help",
  callbacks: "callbacks",
  complaints: "complaints",
  approvals: "approvals",
  risk: "risk",
  digest: "digest",
  report: "report",
};

/**
 * Bot menu keys that open a form or the my-day card instead of running a command: Feishu offers
 * no message shortcuts to bots in its public docs (the bot menu is how a Feishu user reaches the
 * forms a Slack user opens with a shortcut).
 */
export const MENU_SHORTCUTS: Readonly<Record<string, string>> = {
  my_day: "my_day",
  visit_note: "visit_note",
  complaint_new: "complaint",
  hospitality_new: "hospitality",
  find_customer: "find_customer",
};

function menuKey(eventKey: string | undefined): string {
  return (eventKey ?? "").trim().toLowerCase().replace(/^crm[._-]?/, "");
}

/** "crm.callbacks", "crm_callbacks", "CALLBACKS" → "callbacks"; an unknown key shows help. */
export function commandForMenuKey(eventKey: string | undefined): string {
  return MENU_COMMANDS[menuKey(eventKey)] ?? "help";
}

/** The shortcut a menu key stands for ("my_day", "visit_note"…), if it is one. */
export function shortcutForMenuKey(eventKey: string | undefined): string | undefined {
  return MENU_SHORTCUTS[menuKey(eventKey)];
}

export interface MenuEventShape {
  event_id?: unknown;
  tenant_key?: unknown;
  event_key?: unknown;
  operator?: { operator_name?: unknown; operator_id?: RawUserId };
}

export interface InboundMenu {
  eventId?: string;
  tenantKey: string;
  openId: string;
  name?: string;
  text: string;
  /** Set when the key opens a form or the my-day card instead of running `text`. */
  shortcut?: string;
}

export function commandFromMenu(event: MenuEventShape): InboundMenu | undefined {
  const tenantKey = str(event.tenant_key);
  const openId = str(event.operator?.operator_id?.open_id);
  if (!tenantKey || !openId) return undefined;
  const eventId = str(event.event_id);
  const name = str(event.operator?.operator_name);
  return {
    ...(eventId ? { eventId } : {}),
    tenantKey,
    openId,
    ...(name ? { name } : {}),
    text: commandForMenuKey(str(event.event_key)),
    ...(shortcutForMenuKey(str(event.event_key)) ? { shortcut: shortcutForMenuKey(str(event.event_key))! } : {}),
  };
}

/** The fields of card.action.trigger Accord reads (SDK-parsed: header and event merged). */
export interface CardActionShape {
  event_id?: unknown;
  tenant_key?: unknown;
  operator?: { open_id?: unknown; tenant_key?: unknown; name?: unknown };
  action?: { value?: unknown; form_value?: unknown; name?: unknown; tag?: unknown };
  context?: { open_message_id?: unknown; open_chat_id?: unknown };
  open_message_id?: unknown;
  open_chat_id?: unknown;
}

export interface InboundCardAction {
  tenantKey: string;
  openId: string;
  name?: string;
  value: unknown;
  formValue?: unknown;
  messageId?: string;
  chatId?: string;
}

export function cardActionOf(event: CardActionShape): InboundCardAction | undefined {
  const tenantKey = str(event.tenant_key) ?? str(event.operator?.tenant_key);
  const openId = str(event.operator?.open_id);
  if (!tenantKey || !openId) return undefined;
  const messageId = str(event.context?.open_message_id) ?? str(event.open_message_id);
  const chatId = str(event.context?.open_chat_id) ?? str(event.open_chat_id);
  const name = str(event.operator?.name);
  const formValue = event.action?.form_value;
  return {
    tenantKey,
    openId,
    ...(name ? { name } : {}),
    value: event.action?.value,
    ...(formValue && typeof formValue === "object" ? { formValue } : {}),
    ...(messageId ? { messageId } : {}),
    ...(chatId ? { chatId } : {}),
  };
}
