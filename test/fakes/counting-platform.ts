// A fake messaging platform on 127.0.0.1 for delivery tests: it counts what reaches each
// recipient and when, de-duplicates on the sender's idempotency key the way Feishu does with a
// message's `uuid` (one message per key), can enforce a per-tenant rate limit and answer 429
// storms with Retry-After / x-ogw-ratelimit-reset, or fail transiently. It serves any number of
// worker processes at once; `createCountingSender` is the outbox Sender that talks to it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { OutboxMessage } from "@prisma/client";
import type { DeliveryAttempt, DeliveryResult, Sender } from "../../src/scheduler/outbox-worker.js";

export interface SendRequest {
  tenantId: string;
  /** The outbox target: "member:<id>" or "channel:<purpose>". */
  recipient: string;
  kind: string;
  localDate?: string;
  idempotencyKey: string;
  /** Set when the sender re-sends a row taken over after a lease expired. */
  recovered?: boolean;
  /** Whatever the sender rendered (tests put the digest items here). */
  content?: unknown;
  /** Which worker process sent it. */
  worker?: string;
}

export interface Delivered extends SendRequest {
  messageId: string;
  /** Date.now() when accepted. */
  at: number;
}

export interface RequestLog {
  at: number;
  status: number;
  tenantId: string;
  recipient: string;
  idempotencyKey: string;
  duplicate: boolean;
}

export interface CountingPlatformOptions {
  /** Answer 429 (Retry-After 1 s) once a tenant has had this many messages accepted in the last second. */
  limitPerSecond?: number;
  /** Answer every request after this long. */
  latencyMs?: number;
}

export class CountingPlatform {
  readonly delivered: Delivered[] = [];
  readonly requests: RequestLog[] = [];
  private readonly byKey = new Map<string, Delivered>();
  private stormUntil = 0;
  private stormRetryAfterS = 1;
  private failures = 0;
  private failureStatus = 500;
  private seq = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: CountingPlatformOptions,
  ) {}

  static async start(options: CountingPlatformOptions = {}): Promise<CountingPlatform> {
    let platform: CountingPlatform | undefined;
    const server = http.createServer((req, res) => platform!.handle(req, res));
    // Up to three worker processes keep connections open at once.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    platform = new CountingPlatform(server, `http://127.0.0.1:${port}`, options);
    return platform;
  }

  /** Answer 429 to every request for `ms`, asking to retry after `retryAfterS` seconds. */
  storm(ms: number, retryAfterS = 1): void {
    this.stormUntil = Date.now() + ms;
    this.stormRetryAfterS = retryAfterS;
  }

  /** Answer the next `count` requests with `status` (a transient 5xx by default). */
  failNext(count: number, status = 500): void {
    this.failures = count;
    this.failureStatus = status;
  }

  /** Accepted messages per recipient ("member:<id>" → count), optionally of one kind. */
  perRecipient(kind?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.delivered) if (!kind || d.kind === kind) counts.set(d.recipient, (counts.get(d.recipient) ?? 0) + 1);
    return counts;
  }

  /** The most messages accepted within any `windowMs` (sliding), optionally of a subset. */
  maxInWindow(windowMs: number, filter: (d: Delivered) => boolean = () => true): number {
    const times = this.delivered.filter(filter).map((d) => d.at).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }

  reset(): void {
    this.delivered.length = 0;
    this.requests.length = 0;
    this.byKey.clear();
    this.stormUntil = 0;
    this.failures = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const answer = () => this.answer(body, res);
      if (this.options.latencyMs) setTimeout(answer, this.options.latencyMs);
      else answer();
    });
  }

  private answer(body: string, res: http.ServerResponse): void {
    const now = Date.now();
    let request: SendRequest;
    try {
      request = JSON.parse(body) as SendRequest;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 400, msg: "bad json" }));
      return;
    }
    const log = (status: number, duplicate = false) =>
      this.requests.push({ at: now, status, tenantId: request.tenantId, recipient: request.recipient, idempotencyKey: request.idempotencyKey, duplicate });
    const tooMany = (retryAfterS: number) => {
      log(429);
      res
        .writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfterS), "x-ogw-ratelimit-reset": String(retryAfterS) })
        .end(JSON.stringify({ code: 99991400, msg: "request trigger frequency limit" }));
    };
    if (now < this.stormUntil) return tooMany(this.stormRetryAfterS);
    if (this.failures > 0) {
      this.failures--;
      log(this.failureStatus);
      res.writeHead(this.failureStatus, { "content-type": "application/json" }).end(JSON.stringify({ code: this.failureStatus, msg: "scripted failure" }));
      return;
    }
    const seen = this.byKey.get(request.idempotencyKey);
    if (seen) {
      // What Feishu does with a repeated uuid: success, the same message, nothing new delivered.
      log(200, true);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: 0, data: { message_id: seen.messageId } }));
      return;
    }
    const limit = this.options.limitPerSecond;
    if (limit !== undefined) {
      const recent = this.delivered.filter((d) => d.tenantId === request.tenantId && now - d.at < 1000).length;
      if (recent >= limit) return tooMany(1);
    }
    const delivered: Delivered = { ...request, messageId: `om_${++this.seq}`, at: now };
    this.delivered.push(delivered);
    this.byKey.set(request.idempotencyKey, delivered);
    log(200);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: 0, data: { message_id: delivered.messageId } }));
  }
}

export interface CountingSenderOptions {
  /** What to send as the message content (e.g. the digest items the renderer would show). */
  render?: (message: OutboxMessage) => Promise<unknown>;
  worker?: string;
}

/** The outbox Sender for a CountingPlatform: one POST per message, the row id as idempotency key. */
export function createCountingSender(url: string, options: CountingSenderOptions = {}): Sender {
  return async (message: OutboxMessage, attempt: DeliveryAttempt): Promise<DeliveryResult> => {
    const intent = message.payload as { kind?: string; localDate?: string };
    const request: SendRequest = {
      tenantId: message.tenantId,
      recipient: message.target,
      kind: String(intent.kind),
      ...(intent.localDate ? { localDate: intent.localDate } : {}),
      idempotencyKey: attempt.idempotencyKey,
      recovered: attempt.recovered,
      ...(options.render ? { content: await options.render(message) } : {}),
      ...(options.worker ? { worker: options.worker } : {}),
    };
    let res: Response;
    try {
      res = await fetch(`${url}/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    } catch (err) {
      return { ok: false, permanent: false, error: `network: ${(err as Error).message}` };
    }
    const text = await res.text();
    if (res.status === 200) {
      const { data } = JSON.parse(text) as { data: { message_id: string } };
      return { ok: true, platformMessageId: data.message_id, channel: message.target };
    }
    if (res.status === 429) {
      const seconds = Number(res.headers.get("x-ogw-ratelimit-reset") ?? res.headers.get("retry-after") ?? "1");
      return { ok: false, permanent: false, error: "rate limited", retryAfterMs: seconds * 1000 };
    }
    return { ok: false, permanent: res.status >= 400 && res.status < 500, error: `http ${res.status}` };
  };
}
