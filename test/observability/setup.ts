// Accord's HTTP server with the Slack adapter, wired the way app.ts wires them for observability:
// a logger writing to memory (with the configured secrets to mask), one metrics registry fed by
// the conversation, the adapter and the outbox worker, and GET /metrics on the server. Slack is
// the fake Slack; requests are signed here, so a test can send its own X-Request-Id.
import { Writable } from "node:stream";
import type { Role } from "@prisma/client";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../../src/adapters/slack/adapter.js";
import { createConversation } from "../../src/conversation/conversation.js";
import type { Conversation } from "../../src/conversation/port.js";
import { ManualClock, systemClock } from "../../src/core/shared/clock.js";
import { createLogger, databasePassword, type Logger } from "../../src/logger.js";
import { createMetrics, type AccordMetrics } from "../../src/metrics.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { startHttpServer, type HttpServer } from "../../src/server.js";
import { FakeSlack, SlackClientSide, slackSignature, type FakeUser } from "../fakes/slack.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

export const TEAM_ID = "T0OBSERVE";
export const SIGNING_SECRET = "5e1f0c0ffee9d00dfeedfacecafe7a11";
export const APP_TOKEN = "xapp-1-A0OBSERVE-1234567890-abcdef0123456789";
export const COMPLAINTS_CHANNEL = "C0COMPLAINTS";
/** The worker's give-up threshold, as app.ts passes it to the worker and the metrics. */
export const MAX_ATTEMPTS = 8;

export interface ObservedSlack {
  db: TestDatabase;
  fake: FakeSlack;
  adapter: SlackAdapter;
  server: HttpServer;
  logger: Logger;
  metrics: AccordMetrics;
  /** Everything the logger wrote, verbatim. */
  output(): string;
  /** The log lines as JSON objects. */
  lines(): Array<Record<string, unknown>>;
  /**
   * `/crm <text>` from `user`, signed with `secret` (default the right one). The ack is acted on
   * after it is sent, so this waits for the answer (response_url post or modal) when the ack is a
   * 200: `reply` is the first response_url post, if any.
   */
  command(user: { id: string; name: string }, text: string, options?: { requestId?: string; secret?: string }): Promise<Answer & { reply: unknown }>;
  /** Submits a modal with `callbackId` and no fields (signed); the answer is the ack. */
  submit(user: { id: string; name: string }, callbackId: string): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** Runs the outbox worker until nothing is due, feeding the metrics as app.ts does. */
  deliverAll(): Promise<void>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface ObservedOptions {
  adapter?: SlackAdapterOptions;
  /** Wraps the real conversation (e.g. to make a request fail behind the port). */
  wrap?: (conversation: Conversation) => Conversation;
  admins?: string[];
}

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function startObservedSlack(options: ObservedOptions = {}): Promise<ObservedSlack> {
  const db = await openTestDatabase();
  const deps = { db: db.prisma, clock: new ManualClock(new Date()) };
  const fake = await FakeSlack.start({ teamId: TEAM_ID });
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString("utf8");
      done();
    },
  });
  const logger = createLogger("debug", sink, {
    secrets: [SIGNING_SECRET, fake.botToken, APP_TOKEN, databasePassword(db.url)],
  });
  const metrics = createMetrics({ db: db.prisma, platforms: ["SLACK"] });
  const real = createConversation({
    deps,
    admins: options.admins ?? [],
    defaultTimeZone: "Asia/Shanghai",
    defaultLocale: "en",
    onInternalError: (err, context) => logger.error({ err, ...context }, "request failed"),
    onTimed: (timing) => metrics.observeConversation(timing),
  });
  const conversation = options.wrap ? options.wrap(real) : real;
  const adapter = createSlackAdapter(
    { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    { conversation, db: db.prisma, logger, clock: deps.clock, metrics },
    { defaultLocale: "en", retryConfig: { retries: 1, minTimeout: 50, maxTimeout: 100 }, senderRetryConfig: { retries: 0 }, ...options.adapter },
  );
  const server = await startHttpServer({ port: 0, host: "127.0.0.1", logger, ready: async () => true, routes: adapter.routes, metrics });
  await adapter.start();
  const base = `http://127.0.0.1:${server.port}`;
  // Builds the bodies Slack would send and waits for answers; the posts are signed here (below)
  // so that a test can send its own X-Request-Id and read the response headers.
  const slack = new SlackClientSide(fake, `${base}/slack/events`, SIGNING_SECRET, { id: TEAM_ID, domain: "observe" });
  const signedPost = async (body: string, opts: { requestId?: string; secret?: string } = {}): Promise<Answer> => {
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers: {
        // Exactly this: Bolt refuses a charset suffix.
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": slackSignature(opts.secret ?? SIGNING_SECRET, timestamp, body),
        ...(opts.requestId !== undefined ? { "x-request-id": opts.requestId } : {}),
      },
      body,
    });
    return answerOf(res);
  };
  const deliver = () =>
    deliverOutboxBatch({
      db: db.prisma,
      clock: systemClock,
      senders: { SLACK: adapter.sender },
      maxAttempts: MAX_ATTEMPTS,
      onDelivered: (message, result) => void metrics.recordDelivery(message, result, MAX_ATTEMPTS),
    });

  return {
    db,
    fake,
    adapter,
    server,
    logger,
    metrics,
    output: () => output,
    lines: () =>
      output
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async command(user, text, opts = {}) {
      const responseUrl = fake.newResponseUrl();
      const triggerId = fake.issueTrigger();
      const answer = await signedPost(slack.commandBody(user, text, { responseUrl, triggerId }), opts);
      const reply = answer.status === 200 ? await slack.commandAnswer(responseUrl, triggerId, `the answer to /crm ${text}`) : null;
      return { ...answer, reply };
    },
    async submit(user, callbackId) {
      const payload = {
        type: "view_submission",
        team: { id: TEAM_ID, domain: "observe" },
        user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
        api_app_id: "A0ACCORD",
        token: "verification-token-unused",
        trigger_id: fake.issueTrigger(),
        view: {
          id: "V0OBSERVE",
          team_id: TEAM_ID,
          type: "modal",
          blocks: [],
          private_metadata: "",
          callback_id: callbackId,
          state: { values: {} },
          hash: "h",
          title: { type: "plain_text", text: "Observe" },
          app_id: "A0ACCORD",
          bot_id: "BBOT",
        },
        response_urls: [],
      };
      return signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    async get(path) {
      return answerOf(await fetch(`${base}${path}`));
    },
    async deliverAll() {
      for (let i = 0; i < 20 && (await deliver()) > 0; i++);
    },
    async close() {
      // A request's work goes on after its ack (the de-duplication claim is completed last);
      // closing the pool under a running query never returns on PGlite.
      for (let i = 0; i < 100 && (await db.prisma.processedEvent.count({ where: { completedAt: null } })) > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await adapter.stop();
      await server.close();
      await fake.close();
      await db.close();
    },
  };
}

export interface SeededMember {
  id: string;
  name: string;
  memberId: string;
}

/** The fake workspace's tenant (English, complaints channel set): a supervisor and a specialist under them. */
export async function seedTeam(o: ObservedSlack) {
  const tenant = await o.db.prisma.tenant.create({
    data: {
      platform: "SLACK",
      externalId: TEAM_ID,
      name: "Observe",
      timeZone: "Asia/Shanghai",
      locale: "en",
      settings: { channels: { complaints: COMPLAINTS_CHANNEL } },
    },
  });
  const add = async (id: string, name: string, role: Role, supervisorId: string | null, extra: Partial<FakeUser> = {}): Promise<SeededMember> => {
    const user: FakeUser = { id, name: name.toLowerCase().replace(/\s+/g, "."), realName: name, displayName: name, locale: "en-US", ...extra };
    o.fake.addUser(user);
    const member = await o.db.prisma.member.create({
      data: {
        tenantId: tenant.id,
        displayName: name,
        role,
        supervisorId,
        identities: { create: { tenantId: tenant.id, platform: "SLACK", platformUserId: id } },
      },
    });
    return { id, name: user.name, memberId: member.id };
  };
  const supervisor = await add("USUPER", "Li Supervisor", "SUPERVISOR", null);
  const alice = await add("UALICE", "Alice Zhang", "SPECIALIST", supervisor.memberId);
  // users.info answers this one slowly: their modal submissions cannot be answered within the ack budget.
  const slow = await add("USLOW", "Sam Slow", "SPECIALIST", supervisor.memberId, { infoDelayMs: 1_200 });
  return { tenant, supervisor, alice, slow };
}
