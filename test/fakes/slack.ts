// A fake Slack for end-to-end tests, on 127.0.0.1: the Web API methods the adapter uses (recorded
// with their arguments and time, scriptable failures: 429 + Retry-After, 500, ok:false errors,
// delays), response_url endpoints, and a client side that signs and posts slash commands,
// block_actions and view_submission payloads to the app exactly as Slack does
// (docs.slack.dev/authentication/verifying-requests-from-slack: v0:{timestamp}:{body}, HMAC-SHA256;
// interactivity as a form-encoded `payload=` JSON; Content-Type exactly
// application/x-www-form-urlencoded, which Bolt's receiver insists on).
import { createHmac, randomBytes } from "node:crypto";
import type http from "node:http";
import type { Socket } from "node:net";
import { slackCatalog } from "../../src/adapters/slack/messages.js";
import { readBody, sendJson, sleep, startFakeHttpServer, waitFor, WebSocketPeers, WS_TEXT, type FakeHttpServer } from "./http-server.js";

export { sleep, waitFor } from "./http-server.js";

// Block Kit and Web API arguments are open-ended JSON; the tests inspect them structurally.
type Json = any;

export interface RecordedCall {
  method: string;
  args: Record<string, Json>;
  /** Date.now() when the call arrived. */
  at: number;
  status: number;
  ok: boolean;
  error?: string;
}

export interface ScriptedAnswer {
  /** HTTP status to answer with (429, 500…); 200 when only `error` is set. */
  status?: number;
  /** Seconds, sent as Retry-After (with status 429). */
  retryAfter?: number;
  /** ok:false with this error string (channel_not_found…). */
  error?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Json[];
  /** Every earlier version, oldest first (chat.update moves the current one here). */
  history: Array<{ text: string; blocks: Json[] }>;
  updatedAt?: number;
  /** chat.postMessage's `metadata` (event_type + event_payload), returned by conversations.history with include_all_metadata. */
  metadata?: { event_type: string; event_payload: Json };
}

/** A file shared through the upload flow (docs.slack.dev files.getUploadURLExternal / files.completeUploadExternal). */
export interface SharedFile {
  fileId: string;
  filename: string;
  /** The `length` declared to files.getUploadURLExternal. */
  declaredLength: number;
  bytes: Buffer;
  title?: string;
  /** completeUploadExternal's channel_id (a DM's D… id when sent to one user). */
  channelId?: string;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: Json[];
  at: number;
}

export interface ResponseUrlPost {
  id: string;
  body: Json;
  at: number;
}

export interface OpenedView {
  id: string;
  triggerId?: string;
  view: Json;
  history: Json[];
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  locale?: string;
  /** users.info answers this user only after this delay (a slow Slack). */
  infoDelayMs?: number;
}

export interface Button {
  action_id: string;
  value: string;
  block_id?: string;
  text?: string;
  style?: string;
}

const TRIGGER_TTL_MS = 3_000;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, PostedMessage>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly views = new Map<string, OpenedView>();
  /** App Home tabs published with views.publish, by user id (the current view and earlier ones). */
  readonly homes = new Map<string, { view: Json; history: Json[]; publishedAt: number[] }>();
  /** Files completed with files.completeUploadExternal, in order. */
  readonly files: SharedFile[] = [];
  private readonly pendingUploads = new Map<string, { filename: string; declaredLength: number; bytes?: Buffer }>();
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, { id: string; name: string; isMember: boolean; isPrivate?: boolean }>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly slowness = new Map<string, number>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private seq = 0;
  /** Socket Mode: the app's open WebSocket connections and the acks they sent back. */
  readonly socketAcks: Array<{ envelope_id: string; payload?: Json; at: number }> = [];
  private readonly sockets = new WebSocketPeers();

  private constructor(
    private readonly server: FakeHttpServer,
    readonly baseUrl: string,
    readonly teamId: string,
    readonly botToken: string,
    readonly botUserId: string,
  ) {}

  static async start(options: { teamId?: string; botToken?: string; botUserId?: string } = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = await startFakeHttpServer({
      request: (req, res) => fake!.handle(req, res),
      upgrade: (req, socket) => fake!.upgrade(req, socket),
    });
    fake = new FakeSlack(
      server,
      server.baseUrl,
      options.teamId ?? "T0ACCORD",
      options.botToken ?? "xoxb-fake-token",
      options.botUserId ?? "UBOT",
    );
    return fake;
  }

  /** SLACK_API_URL for the adapter. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  close(): Promise<void> {
    this.sockets.closeAll();
    return this.server.close();
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** A channel conversations.info knows; posts to it fail with not_in_channel while the bot is not a member. */
  addChannel(channel: { id: string; name: string; isMember: boolean; isPrivate?: boolean }): void {
    this.channels.set(channel.id, channel);
  }

  /** The next calls of `method` get these answers, in order; afterwards calls behave normally. */
  script(method: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...answers]);
  }

  /**
   * Every call of `method` is carried out only after `ms` (a slow Slack): a caller that dies
   * meanwhile leaves a message posted that it never heard of.
   */
  slow(method: string, ms: number): void {
    if (ms > 0) this.slowness.set(method, ms);
    else this.slowness.delete(method);
  }

  /** Drops whatever is still scripted. */
  clearScripts(): void {
    this.scripts.clear();
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The DM channel conversations.open returns for a user. */
  dmOf(userId: string): string {
    return `D${userId}`;
  }

  messagesIn(channel: string): PostedMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel);
  }

  ephemeralsFor(user: string): EphemeralMessage[] {
    return this.ephemerals.filter((e) => e.user === user);
  }

  /** A new trigger_id, valid for 3 s like Slack's, as if the user had just clicked. */
  issueTrigger(): string {
    const id = `${++this.seq}.${Date.now()}.${randomBytes(6).toString("hex")}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  newResponseUrl(): string {
    return `${this.baseUrl}/response/${randomBytes(8).toString("hex")}`;
  }

  responsesTo(url: string): ResponseUrlPost[] {
    const id = url.split("/").pop()!;
    return this.responses.filter((r) => r.id === id);
  }

  viewOpenedBy(triggerId: string): OpenedView | undefined {
    return [...this.views.values()].find((v) => v.triggerId === triggerId);
  }

  /** How many Socket Mode connections the app holds open. */
  get socketConnections(): number {
    return this.sockets.size;
  }

  /** Pushes one Socket Mode envelope to every connected app; returns how many connections it went to. */
  sendEnvelope(envelope: { envelope_id: string; type: string; payload: Json; accepts_response_payload?: boolean; retry_attempt?: number }): number {
    const reached = this.sockets.size;
    this.sockets.broadcast(WS_TEXT, Buffer.from(JSON.stringify(envelope)));
    return reached;
  }

  // Socket Mode speaks JSON in text frames both ways: the app acks each envelope by its id.
  private upgrade(req: http.IncomingMessage, socket: Socket): void {
    const key = req.headers["sec-websocket-key"];
    if (!req.url?.startsWith("/socket") || typeof key !== "string") {
      socket.destroy();
      return;
    }
    this.sockets.accept(socket, key, (opcode, payload) => {
      if (opcode !== WS_TEXT) return;
      const message = JSON.parse(payload.toString("utf8")) as { envelope_id: string; payload?: Json };
      this.socketAcks.push({ ...message, at: Date.now() });
    });
    this.sockets.send(socket, WS_TEXT, Buffer.from(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0ACCORD" } })));
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, "0")}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    if (url.pathname.startsWith("/upload/")) {
      // The upload_url step: the file's bytes, raw or multipart; 200 with a body that is not JSON.
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const pending = this.pendingUploads.get(url.pathname.slice("/upload/".length));
      if (req.method !== "POST" || !pending) {
        res.writeHead(404);
        res.end();
        return;
      }
      pending.bytes = await uploadedBytes(Buffer.concat(chunks), req.headers["content-type"] ?? "");
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${pending.bytes.length}`);
      return;
    }
    const raw = await readBody(req);
    const at = Date.now();

    if (url.pathname.startsWith("/response/")) {
      const id = url.pathname.slice("/response/".length);
      const answer = await this.scripted("response_url");
      this.responses.push({ id, body: raw ? JSON.parse(raw) : null, at });
      if (answer?.status && answer.status !== 200) {
        res.writeHead(answer.status);
        res.end();
        return;
      }
      sendJson(res, 200, { ok: true });
      return;
    }
    if (!url.pathname.startsWith("/api/")) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = url.pathname.slice("/api/".length);
    const args = parseArgs(raw, req.headers["content-type"] ?? "");
    const call: RecordedCall = { method, args, at, status: 200, ok: true };
    this.calls.push(call);

    const answer = await this.scripted(method);
    const slowMs = this.slowness.get(method);
    if (slowMs) await sleep(slowMs);
    if (answer?.status === 429) {
      call.status = 429;
      call.ok = false;
      call.error = "ratelimited";
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(answer.retryAfter ?? 1) });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    if (answer?.status && answer.status !== 200) {
      call.status = answer.status;
      call.ok = false;
      call.error = `http_${answer.status}`;
      res.writeHead(answer.status, { "content-type": "text/plain" });
      res.end("upstream trouble");
      return;
    }
    const auth = req.headers.authorization ?? (typeof args.token === "string" ? `Bearer ${args.token}` : "");
    // apps.connections.open is the one method called with the app-level token.
    const expected = method === "apps.connections.open" ? /^Bearer xapp-/.test(auth) : auth === `Bearer ${this.botToken}`;
    const result =
      answer?.error !== undefined
        ? { ok: false, error: answer.error }
        : !expected
          ? { ok: false, error: "invalid_auth" }
          : await this.perform(method, args);
    if (!result.ok) {
      call.ok = false;
      call.error = result.error as string;
    }
    sendJson(res, 200, result);
  }

  private async scripted(method: string): Promise<ScriptedAnswer | undefined> {
    const queue = this.scripts.get(method);
    const answer = queue?.shift();
    if (answer?.delayMs) await sleep(answer.delayMs);
    return answer;
  }

  private perform(method: string, args: Record<string, Json>): Json {
    switch (method) {
      case "apps.connections.open":
        return { ok: true, url: `${this.baseUrl.replace(/^http/, "ws")}/socket?ticket=${randomBytes(4).toString("hex")}` };
      case "auth.test":
        return { ok: true, url: "https://accord-test.slack.com/", team: "Accord Test", user: "accord", team_id: this.teamId, user_id: this.botUserId, bot_id: "BBOT" };
      case "users.info": {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: "user_not_found" };
        const answer = {
          ok: true,
          user: {
            id: user.id,
            team_id: this.teamId,
            name: user.name,
            real_name: user.realName ?? user.name,
            ...(args.include_locale && user.locale ? { locale: user.locale } : {}),
            profile: { display_name: user.displayName ?? "", real_name: user.realName ?? user.name },
          },
        };
        return user.infoDelayMs ? sleep(user.infoDelayMs).then(() => answer) : answer;
      }
      case "files.getUploadURLExternal": {
        const filename = typeof args.filename === "string" ? args.filename : "";
        const length = Number(args.length);
        if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: "invalid_arguments" };
        const fileId = `F${String(++this.seq).padStart(8, "0")}`;
        this.pendingUploads.set(fileId, { filename, declaredLength: length });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(args.files) ? (args.files as Array<{ id?: string; title?: string }>) : [];
        if (files.length === 0) return { ok: false, error: "invalid_arguments" };
        const channelId = typeof args.channel_id === "string" ? args.channel_id : undefined;
        const done: Json[] = [];
        for (const f of files) {
          const pending = f.id ? this.pendingUploads.get(f.id) : undefined;
          // A file id never returned by getUploadURLExternal, or whose bytes never arrived.
          if (!pending?.bytes) return { ok: false, error: "file_not_found" };
          this.pendingUploads.delete(f.id!);
          this.files.push({
            fileId: f.id!, filename: pending.filename, declaredLength: pending.declaredLength, bytes: pending.bytes,
            ...(f.title ? { title: f.title } : {}), ...(channelId ? { channelId } : {}),
          });
          done.push({ id: f.id!, title: f.title ?? pending.filename, name: pending.filename, size: pending.bytes.length });
        }
        return { ok: true, files: done };
      }
      case "conversations.open":
        return { ok: true, channel: { id: this.dmOf(String(args.users).split(",")[0]!) } };
      case "conversations.info": {
        // docs.slack.dev conversations.info: a private channel the bot is not in is channel_not_found.
        const known = this.channels.get(String(args.channel));
        if (!known || (known.isPrivate && !known.isMember)) return { ok: false, error: "channel_not_found" };
        return { ok: true, channel: { id: known.id, name: known.name, is_channel: true, is_private: known.isPrivate === true, is_member: known.isMember } };
      }
      case "chat.postMessage": {
        const channel = String(args.channel);
        if (channel.startsWith("CMISSING")) return { ok: false, error: "channel_not_found" };
        const known = this.channels.get(channel);
        if (known && !known.isMember) return { ok: false, error: known.isPrivate ? "channel_not_found" : "not_in_channel" };
        const ts = this.nextTs();
        const message: PostedMessage = {
          channel,
          ts,
          text: String(args.text ?? ""),
          blocks: args.blocks ?? [],
          history: [],
          ...(args.metadata ? { metadata: args.metadata } : {}),
        };
        this.messages.set(`${channel}:${ts}`, message);
        return { ok: true, channel, ts, message: { ts, text: message.text, blocks: message.blocks } };
      }
      case "conversations.history": {
        // docs.slack.dev/reference/methods/conversations.history: newest first, `oldest` exclusive,
        // `limit` per page (default 100) with response_metadata.next_cursor; metadata only with
        // include_all_metadata.
        const channel = String(args.channel);
        if (channel.startsWith("CMISSING")) return { ok: false, error: "channel_not_found" };
        const oldest = args.oldest !== undefined ? Number(args.oldest) : 0;
        const limit = Math.min(Number(args.limit ?? 100), 999);
        const all = this.messagesIn(channel)
          .filter((m) => Number(m.ts) > oldest)
          .sort((a, b) => Number(b.ts) - Number(a.ts));
        const offset = args.cursor ? Number(Buffer.from(String(args.cursor), "base64").toString("utf8").replace("offset:", "")) : 0;
        const page = all.slice(offset, offset + limit);
        const more = offset + limit < all.length;
        return {
          ok: true,
          messages: page.map((m) => ({
            type: "message",
            user: this.botUserId,
            bot_id: "BBOT",
            ts: m.ts,
            text: m.text,
            blocks: m.blocks,
            ...(args.include_all_metadata === true && m.metadata ? { metadata: m.metadata } : {}),
          })),
          has_more: more,
          pin_count: 0,
          response_metadata: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString("base64") : "" },
        };
      }
      case "chat.postEphemeral": {
        this.ephemerals.push({ channel: String(args.channel), user: String(args.user), text: String(args.text ?? ""), blocks: args.blocks ?? [], at: Date.now() });
        return { ok: true, message_ts: this.nextTs() };
      }
      case "chat.update": {
        const message = this.messages.get(`${String(args.channel)}:${String(args.ts)}`);
        if (!message) return { ok: false, error: "message_not_found" };
        message.history.push({ text: message.text, blocks: message.blocks });
        message.text = String(args.text ?? "");
        message.blocks = args.blocks ?? [];
        message.updatedAt = Date.now();
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case "views.open": {
        const triggerId = String(args.trigger_id);
        const trigger = this.triggers.get(triggerId);
        if (!trigger) return { ok: false, error: "invalid_trigger_id" };
        if (trigger.used) return { ok: false, error: "exchanged_trigger_id" };
        if (Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) return { ok: false, error: "expired_trigger_id" };
        trigger.used = true;
        const id = `V${++this.seq}`;
        this.views.set(id, { id, triggerId, view: args.view, history: [] });
        return { ok: true, view: { id, ...args.view } };
      }
      case "views.publish": {
        // docs.slack.dev/reference/methods/views.publish and /surfaces/app-home: a home view of at
        // most 100 blocks; Slack refuses a bigger one (invalid_arguments, "must be less than 101 items").
        const view = args.view;
        const userId = String(args.user_id ?? "");
        if (!userId || !this.users.has(userId)) return { ok: false, error: "user_not_found" };
        if (view?.type !== "home" || !Array.isArray(view.blocks)) return { ok: false, error: "invalid_arguments" };
        if (view.blocks.length > 100) return { ok: false, error: "invalid_arguments", response_metadata: { messages: ["[ERROR] must be less than 101 items [json-pointer:/view/blocks]"] } };
        const home = this.homes.get(userId) ?? { view: null, history: [], publishedAt: [] };
        if (home.view) home.history.push(home.view);
        home.view = view;
        home.publishedAt.push(Date.now());
        this.homes.set(userId, home);
        return { ok: true, view: { id: `VH${userId}`, type: "home", ...view } };
      }
      case "chat.getPermalink": {
        // docs.slack.dev/reference/methods/chat.getPermalink: no scope needed; the message must exist.
        const channel = String(args.channel ?? "");
        const ts = String(args.message_ts ?? "");
        if (!channel || channel.startsWith("CMISSING")) return { ok: false, error: "channel_not_found" };
        if (!/^\d+\.\d+$/.test(ts)) return { ok: false, error: "message_not_found" };
        return { ok: true, channel, permalink: `https://accord-test.slack.com/archives/${channel}/p${ts.replace(".", "")}` };
      }
      case "views.update": {
        const opened = this.views.get(String(args.view_id));
        if (!opened) return { ok: false, error: "not_found" };
        opened.history.push(opened.view);
        opened.view = args.view;
        return { ok: true, view: { id: opened.id, ...args.view } };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

// WebClient sends form-encoded arguments with objects (blocks, view) as JSON strings.
const JSON_ARGS = new Set(["blocks", "view", "attachments", "metadata", "files"]);

/** The file's bytes from an upload_url POST: the body itself, or the file part of a multipart form. */
async function uploadedBytes(body: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith("multipart/form-data")) return body;
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  for (const [, value] of form) {
    if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

function parseArgs(raw: string, contentType: string): Record<string, Json> {
  if (!raw) return {};
  if (contentType.startsWith("application/json")) return JSON.parse(raw) as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = JSON_ARGS.has(key) ? JSON.parse(value) : value === "true" ? true : value === "false" ? false : value;
  }
  return out;
}

// -----------------------------------------------------------------------------------------------
// Block helpers

export function buttonsOf(blocks: Json[] | undefined): Button[] {
  const out: Button[] = [];
  for (const block of blocks ?? []) {
    if (block?.type !== "actions") continue;
    for (const element of block.elements ?? []) {
      if (element.type === "button") {
        out.push({
          action_id: element.action_id,
          value: element.value,
          block_id: block.block_id,
          text: element.text?.text,
          ...(element.style ? { style: element.style } : {}),
        });
      }
    }
  }
  return out;
}

export function findButton(blocks: Json[] | undefined, pattern: RegExp): Button | undefined {
  return buttonsOf(blocks).find((b) => pattern.test(b.action_id));
}

/** Every piece of text in a list of blocks, joined: for assertions on what the user sees. */
export function textOf(blocks: Json[] | undefined): string {
  const parts: string[] = [];
  const visit = (node: Json): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node.text === "string") parts.push(node.text);
    for (const [key, value] of Object.entries(node)) if (key !== "text" || typeof value === "object") visit(value);
  };
  visit(blocks);
  return parts.join("\n");
}

// -----------------------------------------------------------------------------------------------
// The Slack side of requests to the app

export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Overrides the computed signature (a forged request). */
  signature?: string;
  /** X-Slack-Retry-Num, as Slack sets it on a re-delivery. */
  retryNum?: number;
  /** Events API requests are JSON; commands and interactivity are form-encoded. */
  contentType?: string;
}

export interface AppAnswer {
  status: number;
  text: string;
  json: Json;
  /** How long the app took to answer, ms. */
  ms: number;
}

export async function postSigned(url: string, body: string, options: SignedPostOptions): Promise<AppAnswer> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(options.secret, timestamp, body),
      ...(options.retryNum !== undefined ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" } : {}),
    },
    body,
  });
  const text = await res.text();
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json, ms: Date.now() - started };
}

// Slack's own control sequences in text (docs.slack.dev "Formatting text": <@U…>, <#C…|name>,
// <!here>, links); a test writes mentions this way, as Slack would send them.
const CONTROL_SEQUENCE = /<(?:[@#!][^<>\s]+|https?:\/\/[^<>\s]+|mailto:[^<>\s]+)>/g;

/**
 * Text as Slack sends what a user typed: `&`, `<` and `>` escaped as `&amp;`, `&lt;`, `&gt;`,
 * the control sequences (mentions, channel links) left as they are.
 */
export function slackEscapeTyped(text: string): string {
  const escape = (part: string) => part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let out = "";
  let last = 0;
  for (const match of text.matchAll(CONTROL_SEQUENCE)) {
    out += escape(text.slice(last, match.index)) + match[0].replace(/&/g, "&amp;");
    last = match.index + match[0].length;
  }
  return out + escape(text.slice(last));
}

/** Throws unless `body` is an answer Slack accepts for a block_suggestion. */
export function checkSuggestionAnswer(body: Json): void {
  const options = (body as { options?: unknown } | null)?.options;
  if (!Array.isArray(options)) throw new Error(`a block_suggestion answer needs an options array: ${JSON.stringify(body)}`);
  if (options.length > 100) throw new Error(`Slack takes at most 100 options, got ${options.length}`);
  for (const option of options as Json[]) {
    const text = option?.text;
    if (text?.type !== "plain_text" || typeof text.text !== "string" || text.text.length === 0 || [...text.text].length > 75) {
      throw new Error(`an option's text must be plain_text of 1-75 characters: ${JSON.stringify(option)}`);
    }
    if (typeof option.value !== "string" || option.value.length === 0 || option.value.length > 150) {
      throw new Error(`an option's value must be 1-150 characters: ${JSON.stringify(option)}`);
    }
  }
}

export interface SlackUserRef {
  id: string;
  name: string;
}

/** Builds and posts what Slack would send for one workspace. */
export class SlackClientSide {
  constructor(
    readonly fake: FakeSlack,
    readonly appUrl: string,
    readonly secret: string,
    readonly team = { id: fake.teamId, domain: "accord-test" },
  ) {}

  commandBody(user: SlackUserRef, text: string, extra: { channelId?: string; triggerId?: string; responseUrl?: string } = {}): string {
    return new URLSearchParams({
      token: "verification-token-unused",
      team_id: this.team.id,
      team_domain: this.team.domain,
      channel_id: extra.channelId ?? "C0GENERAL",
      channel_name: "general",
      user_id: user.id,
      user_name: user.name,
      command: "/crm",
      text: slackEscapeTyped(text),
      api_app_id: "A0ACCORD",
      is_enterprise_install: "false",
      response_url: extra.responseUrl ?? this.fake.newResponseUrl(),
      trigger_id: extra.triggerId ?? this.fake.issueTrigger(),
    }).toString();
  }

  /**
   * `/crm <text>`. Accord acknowledges a command at once and answers on its response_url (or with
   * a modal), so this waits for that answer: the command has been carried out when it returns.
   * `status` and `ms` are the ack's, `ack` its whole HTTP answer, `json` the first message posted
   * to the response_url (null when a modal opened instead).
   */
  async command(user: SlackUserRef, text: string, options: Partial<SignedPostOptions> & { channelId?: string } = {}) {
    const responseUrl = this.fake.newResponseUrl();
    const triggerId = this.fake.issueTrigger();
    const body = this.commandBody(user, text, { responseUrl, triggerId, ...(options.channelId ? { channelId: options.channelId } : {}) });
    const ack = await postSigned(this.appUrl, body, { secret: this.secret, ...options });
    const json = ack.status === 200 ? await this.commandAnswer(responseUrl, triggerId, `the answer to /crm ${text}`) : null;
    return { status: ack.status, ms: ack.ms, ack, json, responseUrl, triggerId };
  }

  /** How a command was answered: the first response_url post, or null when a modal opened instead (waits for either). */
  async commandAnswer(responseUrl: string, triggerId: string, what = "the command's answer"): Promise<Json> {
    const first = await waitFor(() => this.fake.responsesTo(responseUrl)[0] ?? this.fake.viewOpenedBy(triggerId), what);
    return "body" in first ? first.body : null;
  }

  /** The first message posted to `responseUrl` (waits for it). */
  reply(responseUrl: string, what = "the answer on response_url"): Promise<Json> {
    return waitFor(() => this.fake.responsesTo(responseUrl)[0]?.body, what);
  }

  blockActionsPayload(
    user: SlackUserRef,
    button: Button,
    where: { message: PostedMessage; ephemeral?: false } | { ephemeralIn: string } | { view: OpenedView },
    triggerId = this.fake.issueTrigger(),
  ): Json {
    const action = {
      type: "button",
      action_id: button.action_id,
      block_id: button.block_id ?? "b1",
      text: { type: "plain_text", text: button.text ?? "", emoji: true },
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
      action_ts: `${Date.now() / 1000}`,
    };
    const common = {
      type: "block_actions",
      user: { id: user.id, username: user.name, name: user.name, team_id: this.team.id },
      api_app_id: "A0ACCORD",
      token: "verification-token-unused",
      trigger_id: triggerId,
      team: { id: this.team.id, domain: this.team.domain },
      enterprise: null,
      is_enterprise_install: false,
      actions: [action],
    };
    if ("message" in where) {
      const m = where.message;
      return {
        ...common,
        container: { type: "message", message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
        channel: { id: m.channel, name: m.channel.startsWith("D") ? "directmessage" : "channel" },
        message: { type: "message", user: this.fake.botUserId, ts: m.ts, text: m.text, blocks: m.blocks, bot_id: "BBOT" },
        response_url: this.fake.newResponseUrl(),
        state: { values: {} },
      };
    }
    if ("ephemeralIn" in where) {
      const ts = `${Date.now() / 1000}`;
      return {
        ...common,
        container: { type: "message", message_ts: ts, channel_id: where.ephemeralIn, is_ephemeral: true },
        channel: { id: where.ephemeralIn, name: "general" },
        response_url: this.fake.newResponseUrl(),
        state: { values: {} },
      };
    }
    return {
      ...common,
      container: { type: "view", view_id: where.view.id },
      view: { id: where.view.id, ...where.view.view, state: { values: {} } },
    };
  }

  /** An Events API callback (JSON), e.g. a direct message to the bot. */
  /** An Events API callback (the body of an HTTP event, the payload of a Socket Mode envelope). */
  eventPayload(event: Json, eventId = `Ev${randomBytes(5).toString("hex").toUpperCase()}`): Json {
    return {
      token: "verification-token-unused",
      team_id: this.team.id,
      api_app_id: "A0ACCORD",
      event: { event_ts: `${Date.now() / 1000}`, ...event, ...(typeof event.text === "string" ? { text: slackEscapeTyped(event.text) } : {}) },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.team.id, user_id: this.fake.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
  }

  async event(event: Json, options: Partial<SignedPostOptions> & { eventId?: string } = {}) {
    const eventId = options.eventId ?? `Ev${randomBytes(5).toString("hex").toUpperCase()}`;
    const body = JSON.stringify(this.eventPayload(event, eventId));
    const answer = await postSigned(this.appUrl, body, { secret: this.secret, contentType: "application/json", ...options });
    return { ...answer, eventId, body };
  }

  /** A click on a button; returns the HTTP answer, the trigger_id and the payload sent. */
  async click(
    user: SlackUserRef,
    button: Button,
    where: { message: PostedMessage } | { ephemeralIn: string } | { view: OpenedView },
    options: Partial<SignedPostOptions> & { payload?: Json } = {},
  ) {
    const payload = options.payload ?? this.blockActionsPayload(user, button, where);
    const answer = await postSigned(this.appUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
      secret: this.secret,
      ...options,
    });
    return { ...answer, triggerId: payload.trigger_id as string, payload };
  }

  /**
   * A shortcut, as Slack sends it (docs.slack.dev/reference/interaction-payloads/shortcuts-interactions-payload):
   * a global one (`shortcut`) or, with `message`, a message shortcut (`message_action`, with the
   * message as Slack stores it: user-typed &, < and > escaped, and its channel).
   */
  async shortcut(
    user: SlackUserRef,
    callbackId: string,
    options: { message?: { text: string; user: string; ts?: string }; channel?: { id: string; name: string } } & Partial<SignedPostOptions> = {},
  ) {
    const triggerId = this.fake.issueTrigger();
    const common = {
      callback_id: callbackId,
      trigger_id: triggerId,
      user: { id: user.id, username: user.name, team_id: this.team.id },
      team: { id: this.team.id, domain: this.team.domain },
      token: "verification-token-unused",
      action_ts: `${Date.now() / 1000}`,
      is_enterprise_install: false,
      enterprise: null,
    };
    const payload = options.message
      ? {
          ...common,
          type: "message_action",
          channel: options.channel ?? { id: "C0GENERAL", name: "general" },
          message_ts: options.message.ts ?? `${Math.floor(Date.now() / 1000)}.000100`,
          message: {
            type: "message",
            user: options.message.user,
            ts: options.message.ts ?? `${Math.floor(Date.now() / 1000)}.000100`,
            text: slackEscapeTyped(options.message.text),
          },
          response_url: this.fake.newResponseUrl(),
        }
      : { ...common, type: "shortcut" };
    const answer = await postSigned(this.appUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), { secret: this.secret, ...options });
    return { ...answer, triggerId, payload };
  }

  /** app_home_opened on the Home tab (or the Messages tab). */
  homeOpened(user: SlackUserRef, tab: "home" | "messages" = "home") {
    return this.event({ type: "app_home_opened", user: user.id, channel: `D${user.id}`, tab });
  }

  /**
   * What Slack sends while a user types into an external_select of an opened modal
   * (docs.slack.dev/reference/interaction-payloads/block-suggestion): the block and action ids,
   * the text typed so far as `value`, and the view with its callback_id and private_metadata.
   * Slack only asks once `min_query_length` characters (default 3) are typed.
   */
  suggestionPayload(user: SlackUserRef, opened: OpenedView, blockId: string, typed: string): Json {
    const view = opened.view;
    const block = (view.blocks ?? []).find((b: Json) => b.type === "input" && b.block_id === blockId);
    if (!block || block.element?.type !== "external_select") throw new Error(`no external_select in block ${blockId}: Slack would send no block_suggestion`);
    const min = block.element.min_query_length ?? 3;
    if ([...typed].length < min) throw new Error(`Slack asks for options only after ${min} characters, not for "${typed}"`);
    return {
      type: "block_suggestion",
      user: { id: user.id, username: user.name, name: user.name, team_id: this.team.id },
      container: { type: "view", view_id: opened.id },
      api_app_id: "A0ACCORD",
      token: "verification-token-unused",
      action_id: block.element.action_id,
      block_id: blockId,
      value: typed,
      team: { id: this.team.id, domain: this.team.domain },
      enterprise: null,
      is_enterprise_install: false,
      view: this.viewPayload(opened, {}),
    };
  }

  /** The modal as Slack sends it back in view_submission and block_suggestion payloads, with the input `values` so far. */
  private viewPayload(opened: OpenedView, values: Json): Json {
    const view = opened.view;
    return {
      id: opened.id,
      team_id: this.team.id,
      type: "modal",
      blocks: view.blocks ?? [],
      private_metadata: view.private_metadata ?? "",
      callback_id: view.callback_id ?? "",
      state: { values },
      hash: "h",
      title: view.title,
      clear_on_close: false,
      notify_on_close: false,
      close: view.close ?? null,
      submit: view.submit ?? null,
      previous_view_id: null,
      root_view_id: opened.id,
      app_id: "A0ACCORD",
      external_id: "",
      app_installed_team_id: this.team.id,
      bot_id: "BBOT",
    };
  }

  /**
   * Types `typed` into the external_select of block `blockId`: the signed block_suggestion and the
   * app's answer, checked as Slack reads it (an `options` array of at most 100, each a plain_text
   * of at most 75 characters and a value of at most 150) — Slack shows nothing for anything else.
   */
  async suggest(user: SlackUserRef, opened: OpenedView, blockId: string, typed: string, options: Partial<SignedPostOptions> = {}) {
    const payload = this.suggestionPayload(user, opened, blockId, typed);
    const answer = await postSigned(this.appUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), { secret: this.secret, ...options });
    if (answer.status === 200) checkSuggestionAnswer(answer.json);
    const offered = ((answer.json as { options?: Json[] } | null)?.options ?? []) as Array<{ text: { text: string }; value: string }>;
    return { ...answer, payload, options: offered.map((o) => ({ text: o.text.text, value: o.value })) };
  }

  /** Submits an opened modal with raw values per input block (block_id = field name); "" clears one. */
  async submit(user: SlackUserRef, opened: OpenedView, values: Record<string, string>, options: Partial<SignedPostOptions> = {}) {
    const view = opened.view;
    const state: Record<string, Record<string, Json>> = {};
    for (const block of view.blocks ?? []) {
      if (block.type !== "input") continue;
      const element = block.element;
      // Like Slack, a prefilled input is submitted with its initial value unless changed.
      const initial = element.initial_value ?? element.initial_date ?? element.initial_option?.value ?? element.initial_user;
      const raw = block.block_id in values ? values[block.block_id] : initial;
      // A picked option comes back with its text; the tests pass option values.
      const picked = (type: string) => ({
        type,
        selected_option: raw ? { text: { type: "plain_text", text: element.initial_option?.value === raw ? element.initial_option.text.text : raw, emoji: true }, value: raw } : null,
      });
      const value =
        element.type === "datepicker"
          ? { type: "datepicker", selected_date: raw ?? null }
          : element.type === "static_select" || element.type === "external_select"
            ? picked(element.type)
            : element.type === "users_select"
              ? { type: "users_select", selected_user: raw ?? null }
              : { type: element.type, value: raw ?? null };
      state[block.block_id] = { [element.action_id]: value };
    }
    const payload = {
      type: "view_submission",
      team: { id: this.team.id, domain: this.team.domain },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.team.id },
      api_app_id: "A0ACCORD",
      token: "verification-token-unused",
      trigger_id: this.fake.issueTrigger(),
      view: this.viewPayload(opened, state),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const updatesBefore = this.fake.views.get(opened.id)?.history.length ?? 0;
    const answer = await postSigned(this.appUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
      secret: this.secret,
      ...options,
    });
    // Past the ack budget (a loaded machine) Accord acknowledges with a "working…" modal and
    // replaces it with views.update once the work is done: what the user ends up seeing is that
    // replacement, so a test reads it, after the work, as it reads an answer in the ack.
    const acked = answer.json as { response_action?: string; view?: Json } | null;
    if (acked?.response_action === "update" && isWorkingModal(acked.view)) {
      const replaced = await waitFor(() => {
        const current = this.fake.views.get(opened.id);
        return current && current.history.length > updatesBefore ? current.view : undefined;
      }, "the views.update that replaces the working modal", 30_000);
      return { ...answer, json: { response_action: "update", view: replaced }, payload, ackedWith: acked };
    }
    // Slack shows `response_action: "errors"` under input blocks, keyed by their block_id; a key
    // naming no input block of the view is refused (the user sees a generic failure instead).
    const errors = (answer.json as { response_action?: string; errors?: Record<string, unknown> } | null)?.errors;
    if ((answer.json as { response_action?: string } | null)?.response_action === "errors") {
      const inputs = new Set((view.blocks ?? []).filter((b: Json) => b.type === "input").map((b: Json) => b.block_id));
      const stray = Object.keys(errors ?? {}).filter((k) => !inputs.has(k));
      if (!errors || Object.keys(errors).length === 0 || stray.length > 0) {
        throw new Error(`Slack refuses response_action errors for blocks that are not inputs of the view: ${JSON.stringify(errors)}`);
      }
    }
    return { ...answer, payload, ackedWith: acked };
  }
}

const WORKING_TEXTS = new Set(Object.values(slackCatalog).map((messages) => messages["slack.working"]));

/** Accord's "working…" modal: one section whose text is the placeholder in either language. */
function isWorkingModal(view: Json | undefined): boolean {
  const blocks = (view?.blocks ?? []) as Json[];
  return blocks.length === 1 && WORKING_TEXTS.has(blocks[0]?.text?.text);
}
