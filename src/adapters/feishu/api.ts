// The few Feishu open API calls Accord makes (send, reply, patch a card; a user's name; the bot's
// own open_id), through node-sdk's Client, with what that client leaves out (DESIGN §5):
// - it never retries and resolves on an HTTP 200 whose body has a non-zero `code`, so every answer
//   is checked here and classified;
// - frequency limits (HTTP 400 + 230020 per user/chat, HTTP 429 + 99991400 with
//   x-ogw-ratelimit-reset in seconds) are retried with backoff, honouring the reset header;
// - an "invalid access token" answer drops the cached tenant access token and retries once with a
//   fresh one. The SDK itself renews the token 3 minutes before it expires, from a token cache
//   that is ours (one per adapter, not the SDK's process-wide one).
import { Client, Domain, LoggerLevel, type Cache } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../logger.js";
import type { FeishuCard } from "../../conversation/render/feishu.js";
import { larkLogger } from "./sdk-logger.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** A wait longer than this is not done inline: the call fails with retryAfterMs instead. */
  maxDelayMs: number;
}

export const INTERACTIVE_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 2_000 };

// Feishu codes (open.feishu.cn server-error-codes and the im/v1 message pages).
const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233]);
const INVALID_TOKEN_CODES = new Set([99991661, 99991663, 99991668]);

export class FeishuApiError extends Error {
  constructor(
    readonly operation: string,
    /** Feishu's code, "http_<status>" or a network error code. */
    readonly code: number | string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    detail?: string,
  ) {
    super(`${operation}: ${code}${detail ? ` ${detail}` : ""}${retryAfterMs !== undefined ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ""}`);
    this.name = "FeishuApiError";
  }
}

type Failure =
  | { kind: "rate_limited"; code: number | string; retryAfterMs?: number; detail?: string }
  | { kind: "invalid_token"; code: number | string; detail?: string }
  | { kind: "transient"; code: number | string; detail?: string }
  | { kind: "permanent"; code: number | string; detail?: string };

function classifyCode(status: number, code: number | undefined, msg: string | undefined, resetSeconds: string | undefined): Failure {
  const detail = msg ? msg.slice(0, 200) : undefined;
  const reset = resetSeconds !== undefined ? Number(resetSeconds) : NaN;
  const retryAfterMs = Number.isFinite(reset) && reset >= 0 ? Math.ceil(reset * 1000) : undefined;
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    return { kind: "rate_limited", code: code ?? `http_${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(detail ? { detail } : {}) };
  }
  if (code !== undefined && INVALID_TOKEN_CODES.has(code)) return { kind: "invalid_token", code, ...(detail ? { detail } : {}) };
  if (status >= 500) {
    return { kind: "transient", code: code ?? `http_${status}`, ...(detail ? { detail } : {}) };
  }
  return { kind: "permanent", code: code ?? `http_${status}`, ...(detail ? { detail } : {}) };
}

interface ThrownShape {
  code?: unknown;
  message?: unknown;
  response?: { status?: number; data?: { code?: unknown; msg?: unknown }; headers?: Record<string, unknown> };
}

// Network failures and timeouts as axios (inside the SDK) reports them.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ERR_NETWORK"]);

function classifyThrown(err: unknown): Failure {
  const e = (err ?? {}) as ThrownShape;
  const response = e.response;
  if (response && typeof response.status === "number") {
    const body = response.data ?? {};
    const reset = response.headers?.["x-ogw-ratelimit-reset"];
    return classifyCode(
      response.status,
      typeof body.code === "number" ? body.code : undefined,
      typeof body.msg === "string" ? body.msg : undefined,
      reset === undefined ? undefined : String(reset),
    );
  }
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return { kind: "transient", code: e.code };
  // The SDK throws a plain Error when the token endpoint answers without a token (a wrong app
  // secret, a disabled app): retrying does not fix that.
  const message = typeof e.message === "string" ? e.message : String(err);
  return { kind: "permanent", code: "request_failed", detail: message.slice(0, 200) };
}

/** A token cache of our own: the SDK's default is one Map for the whole process. */
class TokenCache implements Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt?: number }>();

  private key(key: string | symbol | Symbol, namespace?: string): string {
    return `${namespace ?? "-"}:${String(key)}`;
  }

  async get(key: string | Symbol, options?: { namespace?: string }): Promise<unknown> {
    const k = this.key(key, options?.namespace);
    const entry = this.values.get(k);
    if (!entry) return undefined;
    // The SDK stamps expiry with Date.now(), so it is compared with Date.now() too.
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.values.delete(k);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string | Symbol, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(this.key(key, options?.namespace), { value, ...(expire !== undefined ? { expiresAt: expire } : {}) });
    return true;
  }

  clear(): void {
    this.values.clear();
  }
}

export function feishuDomain(domain: string): Domain | string {
  if (domain === "feishu") return Domain.Feishu;
  if (domain === "lark") return Domain.Lark;
  return domain.replace(/\/+$/, "");
}

export interface SentMessage {
  messageId: string;
  chatId: string;
}

export interface FeishuApiOptions {
  appId: string;
  appSecret: string;
  domain: string;
  logger: Logger;
  retry?: RetryPolicy;
  /** Per HTTP request. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FeishuApi {
  sendCard(receiveIdType: "open_id" | "chat_id", receiveId: string, card: FeishuCard, options?: { uuid?: string; retry?: RetryPolicy }): Promise<SentMessage>;
  replyCard(messageId: string, card: FeishuCard, options?: { inThread?: boolean; uuid?: string }): Promise<SentMessage>;
  patchCard(messageId: string, card: FeishuCard): Promise<void>;
  /** A card in a group chat only `openId` sees (ephemeral/v1/send); it cannot be patched later. */
  sendEphemeralCard(chatId: string, openId: string, card: FeishuCard): Promise<{ messageId: string }>;
  /** Whether the bot is in a group chat (im/v1/chats/:chat_id/members/is_in_chat), and the group's name when it is. */
  chatMembership(chatId: string): Promise<{ botIsMember: boolean; name?: string }>;
  /** The user's name from the contact API; throws when the app may not read it. */
  userName(openId: string): Promise<string | undefined>;
  botInfo(): Promise<{ openId: string; name?: string }>;
  /**
   * Uploads a file (im/v1/files, multipart: file_type, file_name, file; im:resource) and sends it
   * as a file message (msg_type "file", {"file_key"}) to one user.
   */
  sendFile(openId: string, file: { name: string; bytes: Buffer }, opts?: { uuid?: string }): Promise<SentMessage>;
}

interface ApiBody {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
  bot?: { open_id?: string; app_name?: string };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createFeishuApi(options: FeishuApiOptions): FeishuApi {
  const policy = options.retry ?? INTERACTIVE_RETRY;
  const timeout = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const log = options.logger.child({ component: "feishu" });
  const cache = new TokenCache();
  const client = new Client({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: feishuDomain(options.domain),
    cache,
    logger: larkLogger(options.logger),
    loggerLevel: LoggerLevel.warn,
  });

  async function call(
    operation: string,
    request: { method: "GET" | "POST" | "PATCH"; url: string; params?: Record<string, string>; data?: unknown },
    retry: RetryPolicy = policy,
  ): Promise<ApiBody> {
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      let failure: Failure;
      try {
        const body = await client.request<ApiBody>({ ...request, timeout });
        const code = typeof body?.code === "number" ? body.code : 0;
        if (code === 0) return body ?? {};
        failure = classifyCode(200, code, body.msg, undefined);
      } catch (err) {
        failure = classifyThrown(err);
      }
      if (failure.kind === "invalid_token" && !refreshedToken) {
        refreshedToken = true;
        cache.clear();
        log.warn({ operation, code: failure.code }, "feishu: tenant access token refused, fetching a new one");
        attempt -= 1;
        continue;
      }
      const retryable = failure.kind === "rate_limited" || failure.kind === "transient";
      const backoff = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
      const wait = failure.kind === "rate_limited" && failure.retryAfterMs !== undefined ? failure.retryAfterMs : backoff;
      if (retryable && attempt < retry.attempts && wait <= retry.maxDelayMs) {
        log.info({ operation, code: failure.code, attempt, waitMs: wait }, "feishu: retrying");
        // A little jitter so replicas hit by the same limit do not retry in lockstep.
        await sleep(wait + Math.floor(Math.random() * Math.min(100, retry.baseDelayMs)));
        continue;
      }
      throw new FeishuApiError(
        operation,
        failure.code,
        !retryable,
        failure.kind === "rate_limited" ? (failure.retryAfterMs ?? backoff) : undefined,
        failure.detail,
      );
    }
  }

  function sent(operation: string, body: ApiBody): SentMessage {
    const messageId = body.data?.message_id;
    const chatId = body.data?.chat_id;
    if (typeof messageId !== "string") throw new FeishuApiError(operation, "no_message_id", false);
    return { messageId, chatId: typeof chatId === "string" ? chatId : "" };
  }

  return {
    async sendCard(receiveIdType, receiveId, card, opts = {}) {
      const body = await call(
        "im.message.create",
        {
          method: "POST",
          url: "/open-apis/im/v1/messages",
          params: { receive_id_type: receiveIdType },
          data: { receive_id: receiveId, msg_type: "interactive", content: JSON.stringify(card), ...(opts.uuid ? { uuid: opts.uuid } : {}) },
        },
        opts.retry,
      );
      return sent("im.message.create", body);
    },
    async replyCard(messageId, card, opts = {}) {
      const body = await call("im.message.reply", {
        method: "POST",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reply`,
        data: {
          msg_type: "interactive",
          content: JSON.stringify(card),
          ...(opts.inThread ? { reply_in_thread: true } : {}),
          ...(opts.uuid ? { uuid: opts.uuid } : {}),
        },
      });
      return sent("im.message.reply", body);
    },
    async patchCard(messageId, card) {
      await call("im.message.patch", {
        method: "PATCH",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`,
        data: { content: JSON.stringify(card) },
      });
    },
    async sendEphemeralCard(chatId, openId, card) {
      // open.feishu.cn "发送仅特定人可见的消息卡片": the card as an object, not a JSON string.
      const body = await call("ephemeral.send", {
        method: "POST",
        url: "/open-apis/ephemeral/v1/send",
        data: { chat_id: chatId, open_id: openId, msg_type: "interactive", card },
      });
      const messageId = body.data?.message_id;
      if (typeof messageId !== "string") throw new FeishuApiError("ephemeral.send", "no_message_id", false);
      return { messageId };
    },
    async chatMembership(chatId) {
      // Both need im:chat:readonly; the chat's details are only readable by a member.
      const body = await call("chat.is_in_chat", { method: "GET", url: `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}/members/is_in_chat` });
      const botIsMember = body.data?.is_in_chat === true;
      if (!botIsMember) return { botIsMember };
      const chat = await call("chat.get", { method: "GET", url: `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}` }).catch(() => undefined);
      const name = chat?.data?.name;
      return { botIsMember, ...(typeof name === "string" && name ? { name } : {}) };
    },
    async userName(openId) {
      const body = await call("contact.user.get", {
        method: "GET",
        url: `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`,
        params: { user_id_type: "open_id" },
      });
      const user = body.data?.user as { name?: unknown } | undefined;
      return typeof user?.name === "string" && user.name !== "" ? user.name : undefined;
    },
    async sendFile(openId, file, opts = {}) {
      // open.feishu.cn im/v1/file/create: "xls" is the type for spreadsheets, anything else "stream".
      const fileType = /\.xlsx?$/i.test(file.name) ? "xls" : "stream";
      let fileKey: string | undefined;
      try {
        const data = await client.im.file.create({ data: { file_type: fileType, file_name: file.name, file: file.bytes } });
        fileKey = data?.file_key;
      } catch (err) {
        const failure = classifyThrown(err);
        throw new FeishuApiError("im.file.create", failure.code, failure.kind === "permanent", undefined, failure.detail);
      }
      // The SDK answers null when Feishu's body carries a non-zero code.
      if (!fileKey) throw new FeishuApiError("im.file.create", "no_file_key", true);
      const body = await call("im.message.create", {
        method: "POST",
        url: "/open-apis/im/v1/messages",
        params: { receive_id_type: "open_id" },
        data: { receive_id: openId, msg_type: "file", content: JSON.stringify({ file_key: fileKey }), ...(opts.uuid ? { uuid: opts.uuid } : {}) },
      });
      return sent("im.message.create", body);
    },
    async botInfo() {
      const body = await call("bot.info", { method: "GET", url: "/open-apis/bot/v3/info" });
      const openId = body.bot?.open_id;
      if (typeof openId !== "string" || openId === "") throw new FeishuApiError("bot.info", "no_open_id", true);
      return { openId, ...(body.bot?.app_name ? { name: body.bot.app_name } : {}) };
    },
  };
}
