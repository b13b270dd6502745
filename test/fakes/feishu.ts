// A fake Feishu open API for end-to-end tests, on 127.0.0.1: the tenant access token, im/v1
// messages (create, reply, patch, with `uuid` idempotency), contact/v3 users and bot/v3 info,
// every call recorded with its arguments; scriptable failures (frequency limits 230020 with HTTP
// 400 and 99991400 with HTTP 429 + x-ogw-ratelimit-reset, an invalid token 99991663, delays); and
// the long-connection endpoint (POST /callback/ws/endpoint + a WebSocket speaking node-sdk's
// pbbp2 frames, see feishu-ws.ts).
//
// The client side builds what Feishu sends to an app exactly as Feishu does: schema 2.0 envelopes
// ({schema, header: {event_id, token, create_time, event_type, tenant_key, app_id}, event}),
// optionally encrypted as {"encrypt": base64(iv ‖ AES-256-CBC(sha256(encrypt key), iv, json))} and
// signed with X-Lark-Request-Timestamp, X-Lark-Request-Nonce and
// X-Lark-Signature = sha256hex(timestamp + nonce + encrypt key + body); text messages
// (im.message.receive_v1 with "@_user_N" keys in the text and the mention list), bot menu clicks
// (application.bot.menu_v6) and card callbacks (card.action.trigger with action.value and
// form_value). A card callback's answer is applied to the fake's copy of the card, as the Feishu
// client does.
import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import { FeishuWsServer } from "./feishu-ws.js";
import { readBody, sendJson, startFakeHttpServer, type FakeHttpServer } from "./http-server.js";

export { sleep, waitFor } from "./http-server.js";

// Cards and API bodies are open-ended JSON; the tests inspect them structurally.
type Json = any;

export type Operation =
  | "token"
  | "file.create"
  | "message.create"
  | "message.reply"
  | "message.patch"
  | "ephemeral.send"
  | "chat.is_in_chat"
  | "chat.get"
  | "contact.user"
  | "bot.info"
  | "ws.endpoint";

export interface RecordedCall {
  operation: Operation | "unknown";
  method: string;
  path: string;
  query: Record<string, string>;
  body: Json;
  at: number;
  status: number;
  code: number;
}

export interface ScriptedAnswer {
  status?: number;
  code?: number;
  msg?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (then answer normally unless status/code are set). */
  delayMs?: number;
  /** Only for a call to this receive_id (a post to one group); other calls pass it by. */
  receiveId?: string;
}

export interface FakeFeishuUser {
  openId: string;
  name: string;
}

/** A file uploaded with im/v1/files (multipart: file_type, file_name, file). */
export interface UploadedFile {
  fileKey: string;
  fileType: string;
  fileName: string;
  bytes: Buffer;
}

export interface FakeMessage {
  messageId: string;
  chatId: string;
  msgType: string;
  /** Parsed content: the card for "interactive", {text} for "text". */
  content: Json;
  /** Earlier contents, oldest first (a PATCH or a callback answer moves the current one here). */
  history: Json[];
  sender: { kind: "app" } | { kind: "user"; openId: string };
  parentId?: string;
  rootId?: string;
  threadId?: string;
  uuid?: string;
  /** An ephemeral card (ephemeral/v1/send): only this user sees it in the group. */
  visibleTo?: string;
  at: number;
  updatedAt?: number;
}

/**
 * The fields of a multipart/form-data body by name, as bytes. Parsed by hand because a part
 * without a filename (what node-sdk's form-data sends for a Buffer) is text to the WHATWG parser.
 */
function multipartFields(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const fields = new Map<string, Buffer>();
  if (!boundary) return fields;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF ahead of the next delimiter
    const split = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, split).toString("utf8");
    const name = /name="([^"]*)"/.exec(headers)?.[1];
    if (name !== undefined) fields.set(name, Buffer.from(part.subarray(split + 4)));
    at = next;
  }
  return fields;
}

export const RATE_LIMIT_PER_CHAT: ScriptedAnswer = { status: 400, code: 230020, msg: "This operation triggers the frequency limit." };
export const RATE_LIMIT_GATEWAY = (resetSeconds: number): ScriptedAnswer => ({
  status: 429,
  code: 99991400,
  msg: "request trigger frequency limit",
  headers: { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": String(resetSeconds) },
});
export const INVALID_TOKEN: ScriptedAnswer = { status: 400, code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached." };

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  tenantKey?: string;
  botOpenId?: string;
  botName?: string;
  /** Lifetime of issued tenant access tokens, in seconds (Feishu: 7200). */
  tokenTtlSeconds?: number;
}

export class FakeFeishu {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** Files uploaded with im/v1/files, by file_key. */
  readonly files = new Map<string, UploadedFile>();
  /** Whether the app may read users through the contact API. */
  contactPermission = true;
  private readonly users = new Map<string, FakeFeishuUser>();
  private readonly tokens = new Map<string, number>();
  private readonly scripts = new Map<Operation, ScriptedAnswer[]>();
  private readonly byUuid = new Map<string, string>();
  private readonly issued: string[] = [];
  private readonly chats = new Map<string, { chatId: string; name: string; botIsMember: boolean }>();
  private seq = 0;
  tokenTtlSeconds: number;
  readonly ws: FeishuWsServer;

  private constructor(
    private readonly server: FakeHttpServer,
    readonly baseUrl: string,
    readonly appId: string,
    readonly appSecret: string,
    readonly tenantKey: string,
    readonly botOpenId: string,
    readonly botName: string,
    tokenTtlSeconds: number,
  ) {
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.ws = new FeishuWsServer();
  }

  static async start(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
    let fake: FakeFeishu | undefined;
    const server = await startFakeHttpServer({
      request: (req, res) => fake!.handle(req, res),
      upgrade: (req, socket) => fake!.ws.upgrade(req, socket),
    });
    fake = new FakeFeishu(
      server,
      server.baseUrl,
      options.appId ?? "cli_a1b2c3d4e5f60718",
      options.appSecret ?? "fake-app-secret",
      options.tenantKey ?? "tenant_accord",
      options.botOpenId ?? "ou_bot_accord",
      options.botName ?? "Accord",
      options.tokenTtlSeconds ?? 7200,
    );
    return fake;
  }

  close(): Promise<void> {
    this.ws.closeAll();
    return this.server.close();
  }

  addUser(user: FakeFeishuUser): void {
    this.users.set(user.openId, user);
  }

  /** The next calls of `operation` get these answers, in order. */
  script(operation: Operation, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(operation, [...(this.scripts.get(operation) ?? []), ...answers]);
  }

  /** Every issued token stops working (Feishu rotated them): the next call answers 99991663. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Every tenant access token issued so far (for asserting none reached a log). */
  issuedTokens(): string[] {
    return [...this.issued];
  }

  /** A group chat the fake knows; posts to it fail with 230002 while the bot is not in it. */
  addChat(chat: { chatId: string; name: string; botIsMember: boolean }): void {
    this.chats.set(chat.chatId, chat);
  }

  /** Cards only `openId` sees in a group chat. */
  ephemeralsFor(openId: string, chatId?: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.visibleTo === openId && (chatId === undefined || m.chatId === chatId));
  }

  callsTo(operation: Operation): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** The direct chat between the bot and a user. */
  dmOf(openId: string): string {
    return `oc_dm_${openId}`;
  }

  messagesIn(chatId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId).sort((a, b) => a.at - b.at || a.messageId.localeCompare(b.messageId));
  }

  /** The bot's newest card in a chat. */
  latestCardIn(chatId: string): FakeMessage | undefined {
    return this.messagesIn(chatId)
      .filter((m) => m.sender.kind === "app")
      .at(-1);
  }

  /** Cards the bot posted as replies to a message. */
  repliesTo(messageId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.parentId === messageId);
  }

  /** A message a user wrote (so the bot can reply to it); returns its message_id. */
  userMessage(chatId: string, openId: string, text: string): FakeMessage {
    const message: FakeMessage = {
      messageId: this.nextMessageId(),
      chatId,
      msgType: "text",
      content: { text },
      history: [],
      sender: { kind: "user", openId },
      at: Date.now(),
    };
    this.messages.set(message.messageId, message);
    return message;
  }

  /** Applies a card callback's answer to the clicked card, as the Feishu client does. */
  applyCallbackCard(messageId: string, card: Json): void {
    const message = this.messages.get(messageId);
    if (!message) return;
    message.history.push(message.content);
    message.content = card;
    message.updatedAt = Date.now();
  }

  private nextMessageId(): string {
    this.seq += 1;
    return `om_${createHash("md5").update(`${this.baseUrl}:${this.seq}`).digest("hex")}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    // im/v1/files is multipart with the file's bytes in it: read as bytes, not as JSON.
    const multipart = (req.headers["content-type"] ?? "").startsWith("multipart/form-data");
    let form: Map<string, Buffer> | undefined;
    if (multipart) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      form = multipartFields(Buffer.concat(chunks), req.headers["content-type"]!);
    }
    const raw = multipart ? "" : await readBody(req);
    const body: Json = form ? Object.fromEntries([...form].filter(([k]) => k !== "file").map(([k, v]) => [k, v.toString("utf8")])) : raw ? JSON.parse(raw) : {};
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? "GET";
    const path = url.pathname;
    const operation = operationOf(method, path);
    const call: RecordedCall = { operation, method, path, query, body, at: Date.now(), status: 200, code: 0 };
    this.calls.push(call);

    const answer = (status: number, payload: Json, headers: Record<string, string> = {}) => {
      call.status = status;
      call.code = typeof payload?.code === "number" ? payload.code : 0;
      sendJson(res, status, payload, headers);
    };

    if (operation !== "unknown") {
      const queue = this.scripts.get(operation) ?? [];
      const at = queue.findIndex((a) => a.receiveId === undefined || a.receiveId === body?.receive_id);
      const scripted = at >= 0 ? queue.splice(at, 1)[0] : undefined;
      if (scripted?.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
      if (scripted && (scripted.status !== undefined || scripted.code !== undefined)) {
        answer(scripted.status ?? 200, { code: scripted.code ?? 0, msg: scripted.msg ?? "scripted", data: {} }, scripted.headers);
        return;
      }
    }

    switch (operation) {
      case "token": {
        if (body.app_id !== this.appId || body.app_secret !== this.appSecret) {
          answer(200, { code: 10014, msg: "app secret invalid" });
          return;
        }
        const token = `t-${randomBytes(12).toString("hex")}`;
        this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
        this.issued.push(token);
        answer(200, { code: 0, msg: "ok", tenant_access_token: token, expire: this.tokenTtlSeconds });
        return;
      }
      case "ws.endpoint": {
        if (body.AppID !== this.appId || body.AppSecret !== this.appSecret) {
          answer(200, { code: 403, msg: "forbidden" });
          return;
        }
        const wsUrl = `${this.baseUrl.replace(/^http/, "ws")}/ws?device_id=dev_1&service_id=7`;
        answer(200, { code: 0, msg: "ok", data: { URL: wsUrl, ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 } } });
        return;
      }
      case "unknown":
        answer(404, { code: 404, msg: `no such API ${method} ${path}` });
        return;
      default:
        break;
    }

    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      answer(INVALID_TOKEN.status!, { code: INVALID_TOKEN.code, msg: INVALID_TOKEN.msg });
      return;
    }

    switch (operation) {
      case "bot.info":
        answer(200, { code: 0, msg: "ok", bot: { activate_status: 2, app_name: this.botName, open_id: this.botOpenId, ip_white_list: [] } });
        return;
      case "contact.user": {
        if (!this.contactPermission) {
          answer(400, { code: 99991672, msg: "Access denied. One of the following scopes is required: [contact:user.base:readonly]" });
          return;
        }
        const id = decodeURIComponent(path.split("/").at(-1) ?? "");
        const user = this.users.get(id);
        if (!user || query.user_id_type !== "open_id") {
          answer(400, { code: 41050, msg: "no user authority error" });
          return;
        }
        answer(200, { code: 0, msg: "success", data: { user: { open_id: user.openId, name: user.name, en_name: user.name } } });
        return;
      }
      case "file.create": {
        // open.feishu.cn im/v1/file/create: file_type one of opus/mp4/pdf/doc/xls/ppt/stream, file_name
        // with its extension, a non-empty file of at most 30 MB; answers data.file_key.
        const bytes = form?.get("file");
        const fileType = String(body.file_type ?? "");
        const fileName = String(body.file_name ?? "");
        if (!bytes || !["opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"].includes(fileType) || !/\.[^.]+$/.test(fileName)) {
          answer(400, { code: 234001, msg: "Invalid request param." });
          return;
        }
        if (bytes.length === 0 || bytes.length > 30 * 1024 * 1024) {
          answer(400, { code: 234006, msg: "The file size exceed the max value." });
          return;
        }
        const fileKey = `file_v3_${randomBytes(8).toString("hex")}`;
        this.files.set(fileKey, { fileKey, fileType, fileName, bytes });
        answer(200, { code: 0, msg: "success", data: { file_key: fileKey } });
        return;
      }
      case "message.create": {
        if (body.msg_type === "file") {
          const content = JSON.parse(String(body.content ?? "{}")) as { file_key?: string };
          if (!content.file_key || !this.files.has(content.file_key)) {
            answer(400, { code: 230001, msg: "invalid file_key" });
            return;
          }
        }
        const receiveIdType = query.receive_id_type;
        const chatId = receiveIdType === "open_id" ? this.dmOf(String(body.receive_id)) : receiveIdType === "chat_id" ? String(body.receive_id) : undefined;
        if (!chatId || (receiveIdType === "open_id" && !this.users.has(String(body.receive_id)))) {
          answer(400, { code: 230001, msg: "invalid receive_id" });
          return;
        }
        const known = this.chats.get(chatId);
        if (known && !known.botIsMember) {
          answer(400, { code: 230002, msg: "Bot/User can NOT be out of the chat." });
          return;
        }
        answer(200, { code: 0, msg: "success", data: this.store(chatId, body) });
        return;
      }
      case "message.reply": {
        const parentId = decodeURIComponent(path.split("/").at(-2) ?? "");
        const parent = this.messages.get(parentId);
        if (!parent) {
          answer(400, { code: 230011, msg: "The message was withdrawn or does not exist." });
          return;
        }
        answer(200, { code: 0, msg: "success", data: this.store(parent.chatId, body, parent) });
        return;
      }
      case "chat.is_in_chat": {
        // im/v1/chats/:chat_id/members/is_in_chat: whether the caller (the bot) is in the chat.
        const chat = this.chats.get(decodeURIComponent(path.split("/").at(-3) ?? ""));
        if (!chat) {
          answer(400, { code: 232010, msg: "Chat not exist or has been disbanded" });
          return;
        }
        answer(200, { code: 0, msg: "success", data: { is_in_chat: chat.botIsMember } });
        return;
      }
      case "chat.get": {
        const chat = this.chats.get(decodeURIComponent(path.split("/").at(-1) ?? ""));
        if (!chat || !chat.botIsMember) {
          answer(400, { code: 232011, msg: "Operator can NOT be out of the chat." });
          return;
        }
        answer(200, { code: 0, msg: "success", data: { name: chat.name, chat_mode: "group", chat_type: "private" } });
        return;
      }
      case "ephemeral.send": {
        // open.feishu.cn "发送仅特定人可见的消息卡片": {chat_id, open_id | user_id | email,
        // msg_type: "interactive", card: <object>}; group chats only; answers data.message_id.
        const chatId = typeof body.chat_id === "string" ? body.chat_id : "";
        const openId = typeof body.open_id === "string" ? body.open_id : "";
        if (!chatId || !openId || body.msg_type !== "interactive" || !body.card || typeof body.card !== "object") {
          answer(400, { code: 9499, msg: "Bad Request: chat_id, open_id, msg_type interactive and card (an object) are required" });
          return;
        }
        if (chatId.startsWith("oc_dm_")) {
          answer(400, { code: 230002, msg: "ephemeral cards are only for group chats" });
          return;
        }
        const message: FakeMessage = {
          messageId: this.nextMessageId(),
          chatId,
          msgType: "interactive",
          content: body.card,
          history: [],
          sender: { kind: "app" },
          visibleTo: openId,
          at: Date.now(),
        };
        this.messages.set(message.messageId, message);
        answer(200, { code: 0, msg: "ok", data: { message_id: message.messageId } });
        return;
      }
      case "message.patch": {
        const messageId = decodeURIComponent(path.split("/").at(-1) ?? "");
        const message = this.messages.get(messageId);
        // Ephemeral cards cannot be patched (im/v1/messages/:id PATCH, 使用限制).
        if (!message || message.sender.kind !== "app" || message.msgType !== "interactive" || message.visibleTo) {
          answer(400, { code: 230011, msg: "The message was withdrawn or does not exist." });
          return;
        }
        const card = JSON.parse(String(body.content));
        if (card?.config?.update_multi !== true) {
          answer(400, { code: 230099, msg: "card must be shared (update_multi) to be patched" });
          return;
        }
        message.history.push(message.content);
        message.content = card;
        message.updatedAt = Date.now();
        answer(200, { code: 0, msg: "success", data: {} });
        return;
      }
    }
  }

  private store(chatId: string, body: Json, parent?: FakeMessage): Json {
    const uuid = typeof body.uuid === "string" ? body.uuid : undefined;
    const existing = uuid ? this.messages.get(this.byUuid.get(uuid) ?? "") : undefined;
    const message =
      existing ??
      ((): FakeMessage => {
        const created: FakeMessage = {
          messageId: this.nextMessageId(),
          chatId,
          msgType: String(body.msg_type),
          content: JSON.parse(String(body.content)),
          history: [],
          sender: { kind: "app" },
          at: Date.now(),
          ...(uuid ? { uuid } : {}),
        };
        if (parent) {
          created.parentId = parent.messageId;
          created.rootId = parent.rootId ?? parent.messageId;
          if (body.reply_in_thread === true || parent.threadId) created.threadId = parent.threadId ?? `omt_${created.rootId.slice(3, 19)}`;
        }
        this.messages.set(created.messageId, created);
        if (uuid) this.byUuid.set(uuid, created.messageId);
        return created;
      })();
    return {
      message_id: message.messageId,
      ...(message.rootId ? { root_id: message.rootId, parent_id: message.parentId } : {}),
      ...(message.threadId ? { thread_id: message.threadId } : {}),
      msg_type: message.msgType,
      create_time: String(message.at),
      update_time: String(message.updatedAt ?? message.at),
      deleted: false,
      updated: false,
      chat_id: message.chatId,
      sender: { id: this.appId, id_type: "app_id", sender_type: "app", tenant_key: this.tenantKey },
      body: { content: JSON.stringify(message.content) },
    };
  }
}

function operationOf(method: string, path: string): Operation | "unknown" {
  if (method === "POST" && path === "/open-apis/auth/v3/tenant_access_token/internal") return "token";
  if (method === "POST" && path === "/callback/ws/endpoint") return "ws.endpoint";
  if (method === "GET" && path === "/open-apis/bot/v3/info") return "bot.info";
  if (method === "GET" && /^\/open-apis\/contact\/v3\/users\/[^/]+$/.test(path)) return "contact.user";
  if (method === "POST" && path === "/open-apis/im/v1/messages") return "message.create";
  if (method === "POST" && path === "/open-apis/im/v1/files") return "file.create";
  if (method === "POST" && /^\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/.test(path)) return "message.reply";
  if (method === "PATCH" && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(path)) return "message.patch";
  if (method === "POST" && path === "/open-apis/ephemeral/v1/send") return "ephemeral.send";
  if (method === "GET" && /^\/open-apis\/im\/v1\/chats\/[^/]+\/members\/is_in_chat$/.test(path)) return "chat.is_in_chat";
  if (method === "GET" && /^\/open-apis\/im\/v1\/chats\/[^/]+$/.test(path)) return "chat.get";
  return "unknown";
}

// -----------------------------------------------------------------------------------------------
// What Feishu sends to the app

/** Feishu's encrypted push: base64(iv ‖ AES-256-CBC(sha256(key), iv, plaintext)). */
export function encryptForFeishu(plaintext: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

export function signFeishu(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + body).digest("hex");
}

export interface PostOptions {
  /** Encrypt (default: when the client side has an encrypt key). */
  encrypt?: boolean;
  /** Sign (default: when encrypting). */
  sign?: boolean;
  /** Replace the signature with this (a forged request). */
  signature?: string;
  /** Sign with this key instead of the real one. */
  signingKey?: string;
}

export interface PostResult {
  status: number;
  json: Json;
  ms: number;
}

export interface FakeMention {
  key: string;
  openId: string;
  name: string;
}

export interface MessageOptions {
  chatId?: string;
  chatType?: "p2p" | "group";
  mentions?: FakeMention[];
  eventId?: string;
  token?: string;
  /** header.app_id (default: the fake's app): an event meant for another app. */
  appId?: string;
  /**
   * Send as rich text (message_type "post"): the text's "@_user_N" keys become at elements,
   * lines paragraphs, and this title on top (open.feishu.cn "接收消息内容结构").
   */
  post?: { title?: string };
}

export interface SentEvent {
  envelope: Json;
  answer: PostResult;
}

export class FeishuClientSide {
  constructor(
    readonly fake: FakeFeishu,
    /** Our server's base URL, e.g. http://127.0.0.1:PORT. */
    readonly appBaseUrl: string,
    readonly verificationToken: string,
    readonly encryptKey?: string,
  ) {}

  envelope(eventType: string, event: Json, overrides: { eventId?: string; token?: string; appId?: string } = {}): Json {
    return {
      schema: "2.0",
      header: {
        event_id: overrides.eventId ?? randomUUID().replace(/-/g, ""),
        token: overrides.token ?? this.verificationToken,
        create_time: String(Date.now()),
        event_type: eventType,
        tenant_key: this.fake.tenantKey,
        app_id: overrides.appId ?? this.fake.appId,
      },
      event,
    };
  }

  async post(path: "/feishu/events" | "/feishu/card", payload: Json, options: PostOptions = {}): Promise<PostResult> {
    const encrypt = options.encrypt ?? Boolean(this.encryptKey);
    const plain = JSON.stringify(payload);
    const body = encrypt ? JSON.stringify({ encrypt: encryptForFeishu(plain, this.encryptKey!) }) : plain;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (options.sign ?? encrypt) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(8).toString("hex");
      headers["x-lark-request-timestamp"] = timestamp;
      headers["x-lark-request-nonce"] = nonce;
      headers["x-lark-signature"] = options.signature ?? signFeishu(timestamp, nonce, options.signingKey ?? this.encryptKey ?? "", body);
    }
    const started = Date.now();
    const res = await fetch(`${this.appBaseUrl}${path}`, { method: "POST", headers, body });
    const text = await res.text();
    let json: Json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json, ms: Date.now() - started };
  }

  urlVerification(options: PostOptions & { token?: string; path?: "/feishu/events" | "/feishu/card" } = {}): Promise<PostResult> {
    const challenge = `challenge-${randomBytes(6).toString("hex")}`;
    return this.post(options.path ?? "/feishu/events", { challenge, token: options.token ?? this.verificationToken, type: "url_verification" }, options).then(
      (r) => ({ ...r, challenge }),
    );
  }

  /** A text message from `user`: in their direct chat with the bot, or in a group chat. */
  async message(
    user: FakeFeishuUser,
    text: string,
    options: PostOptions & MessageOptions = {},
  ): Promise<SentEvent & { message: FakeMessage }> {
    const { envelope, message } = this.messageEvent(user, text, options);
    const answer = await this.post("/feishu/events", envelope, options);
    return { envelope, answer, message };
  }

  /** The im.message.receive_v1 envelope of a new user message (not sent: for the long connection). */
  messageEvent(user: FakeFeishuUser, text: string, options: MessageOptions = {}): { envelope: Json; message: FakeMessage } {
    const chatType = options.chatType ?? "p2p";
    const chatId = options.chatId ?? this.fake.dmOf(user.openId);
    const message = this.fake.userMessage(chatId, user.openId, text);
    const envelope = this.envelope(
      "im.message.receive_v1",
      {
        sender: { sender_id: { union_id: `on_${user.openId}`, user_id: user.openId.replace(/^ou_/, ""), open_id: user.openId }, sender_type: "user", tenant_key: this.fake.tenantKey },
        message: {
          message_id: message.messageId,
          root_id: "",
          parent_id: "",
          create_time: String(message.at),
          update_time: String(message.at),
          chat_id: chatId,
          thread_id: "",
          chat_type: chatType,
          message_type: options.post ? "post" : "text",
          content: JSON.stringify(options.post ? postContent(text, options.post.title ?? "") : { text }),
          ...(options.mentions && options.mentions.length > 0
            ? {
                mentions: options.mentions.map((m) => ({
                  key: m.key,
                  id: { union_id: `on_${m.openId}`, user_id: "", open_id: m.openId },
                  name: m.name,
                  tenant_key: this.fake.tenantKey,
                })),
              }
            : {}),
          user_agent: "Mozilla/5.0 Lark/7.30",
        },
      },
      { ...(options.eventId ? { eventId: options.eventId } : {}), ...(options.token ? { token: options.token } : {}), ...(options.appId ? { appId: options.appId } : {}) },
    );
    return { envelope, message };
  }

  /** The bot's mention, as Feishu lists it. */
  botMention(key = "@_user_1"): FakeMention {
    return { key, openId: this.fake.botOpenId, name: this.fake.botName };
  }

  menu(user: FakeFeishuUser, eventKey: string, options: PostOptions & { eventId?: string } = {}): Promise<SentEvent> {
    const envelope = this.envelope(
      "application.bot.menu_v6",
      { operator: { operator_name: user.name, operator_id: { union_id: `on_${user.openId}`, user_id: "", open_id: user.openId } }, event_key: eventKey, timestamp: Math.floor(Date.now() / 1000) },
      options.eventId ? { eventId: options.eventId } : {},
    );
    return this.post("/feishu/events", envelope, options).then((answer) => ({ envelope, answer }));
  }

  /**
   * A click on a callback button of a posted card (or the submit button of a form, with
   * `formValue`), as card.action.trigger; the answer's card replaces the clicked one.
   */
  async click(
    user: FakeFeishuUser,
    message: FakeMessage,
    button: FeishuButton,
    options: PostOptions & { formValue?: Record<string, string> } = {},
  ): Promise<PostResult> {
    if (options.formValue) checkFormValue(message.content, options.formValue);
    const envelope = this.clickEvent(user, message, button, options.formValue);
    const answer = await this.post("/feishu/card", envelope, options);
    if (answer.status === 200 && answer.json?.card?.type === "raw") this.fake.applyCallbackCard(message.messageId, answer.json.card.data);
    return answer;
  }

  /** The card.action.trigger envelope of a click (not sent: for the long connection). */
  clickEvent(user: FakeFeishuUser, message: FakeMessage, button: FeishuButton, formValue?: Record<string, string>): Json {
    return this.envelope("card.action.trigger", {
      operator: { tenant_key: this.fake.tenantKey, user_id: user.openId.replace(/^ou_/, ""), open_id: user.openId, union_id: `on_${user.openId}` },
      token: `c-${randomBytes(16).toString("hex")}`,
      action: {
        value: button.value,
        tag: "button",
        ...(button.name ? { name: button.name } : {}),
        ...(formValue ? { form_value: formValue } : {}),
        timezone: "Asia/Shanghai",
      },
      host: "im_message",
      context: { open_message_id: message.messageId, open_chat_id: message.chatId },
    });
  }
}

/** A post message's received content: paragraphs of text and at elements, the first bold as a formatted client sends it. */
function postContent(text: string, title: string): Json {
  const paragraphs = text.split("\n").map((line, index) =>
    line
      .split(/(@_user_\d+)/)
      .filter((part) => part !== "")
      .map((part) =>
        /^@_user_\d+$/.test(part)
          ? { tag: "at", user_id: part, user_name: "", style: [] }
          : { tag: "text", text: part, style: index === 0 ? ["bold"] : [] },
      ),
  );
  return { title, content: paragraphs };
}

// -----------------------------------------------------------------------------------------------
// Card helpers

export interface FeishuButton {
  text: string;
  value: Json;
  name?: string;
  submit: boolean;
}

function walk(node: Json, visit: (n: Json) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === "object") {
    visit(node);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/**
 * What a Feishu client can submit from a form card: values only for the components the form holds,
 * and for a select_static only one of its options (the member picks, never types).
 */
export function checkFormValue(card: Json, formValue: Record<string, string>): void {
  const components = new Map<string, Json>();
  walk(card, (n) => {
    if (typeof n.tag === "string" && typeof n.name === "string" && n.tag !== "form" && n.tag !== "button") components.set(n.name, n);
  });
  for (const [name, value] of Object.entries(formValue)) {
    const component = components.get(name);
    if (!component) throw new Error(`the card has no form component named ${name}: Feishu would not send it`);
    if (component.tag === "select_static" && value !== "" && !(component.options ?? []).some((o: Json) => o.value === value)) {
      throw new Error(`${value} is not an option of the select ${name}: Feishu would not send it`);
    }
  }
}

export function buttonsOf(card: Json): FeishuButton[] {
  const out: FeishuButton[] = [];
  walk(card, (n) => {
    if (n.tag === "button") {
      out.push({
        text: n.text?.content ?? "",
        value: n.behaviors?.[0]?.value,
        ...(n.name ? { name: n.name } : {}),
        submit: n.form_action_type === "submit",
      });
    }
  });
  return out;
}

export function findButton(card: Json, action: RegExp): FeishuButton | undefined {
  return buttonsOf(card).find((b) => action.test(String(b.value?.action ?? "")));
}

/** Every text on the card (header, markdown, labels), joined by newlines. */
export function cardText(card: Json): string {
  const parts: string[] = [];
  walk(card, (n) => {
    if ((n.tag === "markdown" || n.tag === "plain_text") && typeof n.content === "string") parts.push(n.content);
  });
  // Markdown escapes (&#35; for "#") read back as the characters they stand for.
  return parts.join("\n").replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** Names of the form's input components. */
export function formFieldsOf(card: Json): string[] {
  const out: string[] = [];
  walk(card, (n) => {
    if (["input", "select_static", "date_picker", "select_person"].includes(n.tag) && typeof n.name === "string") out.push(n.name);
  });
  return out;
}

/** The component named `name` in a card (an input, a select, a date picker), wherever it is nested. */
export function cardComponent(card: unknown, name: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || node === null || typeof node !== "object") return;
    const object = node as Record<string, unknown>;
    if (!Array.isArray(node) && object.name === name && typeof object.tag === "string") found = object;
    else for (const child of Object.values(object)) walk(child);
  };
  walk(card);
  return found;
}
