// One Slack end-to-end setup per test file: a fresh database, the real conversation layer and core,
// our HTTP server with the Slack adapter mounted on POST /slack/events, and the fake Slack the
// adapter talks to. Helpers seed a department whose members are Slack users, deliver the outbox
// through the adapter's sender, and read what the fake recorded.
import type { Role } from "@prisma/client";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../../src/adapters/slack/adapter.js";
import type { Admission } from "../../src/conversation/admission.js";
import type { Conversation } from "../../src/conversation/port.js";
import { systemClock, type ManualClock } from "../../src/core/shared/clock.js";
import type { CoreDeps } from "../../src/core/shared/context.js";
import type { Logger } from "../../src/logger.js";
import type { AdapterMetrics } from "../../src/metrics.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { startHttpServer, type HttpServer } from "../../src/server.js";
import { FakeSlack, SlackClientSide, type FakeUser } from "../fakes/slack.js";
import { conversationAt } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { capturedLogger, drainOutbox, seedPlatformDepartment } from "../support/platform.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TEAM_ID = "T0ACCORD";
export const COMPLAINTS_CHANNEL = "C0COMPLAINTS";

export interface Harness {
  db: TestDatabase;
  deps: CoreDeps & { clock: ManualClock };
  fake: FakeSlack;
  slack: SlackClientSide;
  conversation: Conversation;
  adapter: SlackAdapter;
  server: HttpServer;
  logger: Logger;
  /** Every log line the app wrote (JSON objects), for asserting what was logged. */
  logs: Array<Record<string, unknown>>;
  /** Runs the outbox worker once with the adapter's sender; returns how many rows it handled. */
  deliver(): Promise<number>;
  /** Runs the worker until no row is due (bounded). */
  deliverAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { adapter?: SlackAdapterOptions; admins?: string[]; admission?: Admission; metrics?: AdapterMetrics } = {},
): Promise<Harness> {
  const db = await openTestDatabase();
  // The core's clock stands still at "now" so dates in tests are stable within a file; the outbox
  // worker uses the real clock because rows are due at the database's now().
  const { deps, conversation } = conversationAt(db.prisma, new Date(), {
    admins: options.admins ?? [],
    ...(options.admission ? { admission: options.admission } : {}),
  });
  const fake = await FakeSlack.start({ teamId: TEAM_ID });
  const { logger, logs } = capturedLogger();
  const adapter = createSlackAdapter(
    { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    { conversation, db: db.prisma, logger, clock: deps.clock, ...(options.metrics ? { metrics: options.metrics } : {}) },
    { defaultLocale: "en", retryConfig: { retries: 2, minTimeout: 50, maxTimeout: 200 }, ...options.adapter },
  );
  const server = await startHttpServer({ port: 0, host: "127.0.0.1", logger, ready: async () => true, routes: adapter.routes });
  await adapter.start();
  const slack = new SlackClientSide(fake, `http://127.0.0.1:${server.port}/slack/events`, SIGNING_SECRET);
  const deliver = () => deliverOutboxBatch({ db: db.prisma, clock: systemClock, senders: { SLACK: adapter.sender } });
  return {
    db,
    deps,
    fake,
    slack,
    conversation,
    adapter,
    server,
    logger,
    logs,
    deliver,
    deliverAll: () => drainOutbox(deliver),
    async close() {
      await adapter.stop();
      await server.close();
      await fake.close();
      await db.close();
    },
  };
}

export interface SlackMember {
  /** Slack user id. */
  id: string;
  name: string;
  memberId: string;
  role: Role;
}

/**
 * A tenant for the fake workspace (English, complaints channel set) with a manager, a supervisor
 * under them and specialists under the supervisor, each a Slack user the fake knows.
 */
export function seedDepartment(h: Harness) {
  return seedPlatformDepartment(h.db.prisma, {
    platform: "SLACK",
    externalId: TEAM_ID,
    complaintsChannel: COMPLAINTS_CHANNEL,
    userIds: { manager: "UMANAGER", supervisor: "USUPER", alice: "UALICE", amy: "UAMY", admin: "UADMIN" },
    introduce: ({ platformUserId: id, name, memberId, role }): SlackMember => {
      const user: FakeUser = { id, name: name.toLowerCase().replace(/\s+/g, "."), realName: name, displayName: name, locale: "en-US" };
      h.fake.addUser(user);
      return { id, name: user.name, memberId, role };
    },
  });
}

/** The newest message the fake holds in a channel (DM channels are "D" + user id). */
export function latestIn(h: Harness, channel: string) {
  return h.fake.messagesIn(channel).at(-1);
}
