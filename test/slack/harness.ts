// One Slack end-to-end setup per test file: a fresh database, the real conversation layer and core,
// our HTTP server with the Slack adapter mounted on POST /slack/events, and the fake Slack the
// adapter talks to. Helpers seed a department whose members are Slack users, deliver the outbox
// through the adapter's sender, and read what the fake recorded.
import { Writable } from "node:stream";
import type { Role } from "@prisma/client";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../../src/adapters/slack/adapter.js";
import { createConversation } from "../../src/conversation/conversation.js";
import type { Conversation } from "../../src/conversation/port.js";
import { ManualClock, systemClock } from "../../src/core/shared/clock.js";
import type { CoreDeps } from "../../src/core/shared/context.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { startHttpServer, type HttpServer } from "../../src/server.js";
import { FakeSlack, SlackClientSide, type FakeUser } from "../fakes/slack.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

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

export async function startHarness(options: { adapter?: SlackAdapterOptions; admins?: string[] } = {}): Promise<Harness> {
  const db = await openTestDatabase();
  // The core's clock stands still at "now" so dates in tests are stable within a file; the outbox
  // worker uses the real clock because rows are due at the database's now().
  const deps = { db: db.prisma, clock: new ManualClock(new Date()) };
  const fake = await FakeSlack.start({ teamId: TEAM_ID });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger("info", sink);
  const conversation = createConversation({ deps, admins: options.admins ?? [], defaultTimeZone: "Asia/Shanghai", defaultLocale: "en" });
  const adapter = createSlackAdapter(
    { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    { conversation, db: db.prisma, logger, clock: deps.clock },
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
    async deliverAll() {
      for (let i = 0; i < 20 && (await deliver()) > 0; i++);
    },
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
export async function seedDepartment(h: Harness) {
  const tenant = await h.db.prisma.tenant.create({
    data: {
      platform: "SLACK",
      externalId: TEAM_ID,
      name: "Accord Test",
      timeZone: "Asia/Shanghai",
      locale: "en",
      settings: { channels: { complaints: COMPLAINTS_CHANNEL } },
    },
  });
  const add = async (id: string, name: string, role: Role, supervisorId: string | null): Promise<SlackMember> => {
    const user: FakeUser = { id, name: name.toLowerCase().replace(/\s+/g, "."), realName: name, displayName: name, locale: "en-US" };
    h.fake.addUser(user);
    const member = await h.db.prisma.member.create({
      data: {
        tenantId: tenant.id,
        displayName: name,
        role,
        supervisorId,
        identities: { create: { tenantId: tenant.id, platform: "SLACK", platformUserId: id } },
      },
    });
    return { id, name: user.name, memberId: member.id, role };
  };
  const manager = await add("UMANAGER", "Wang Manager", "MANAGER", null);
  const supervisor = await add("USUPER", "Li Supervisor", "SUPERVISOR", manager.memberId);
  const alice = await add("UALICE", "Alice Zhang", "SPECIALIST", supervisor.memberId);
  const amy = await add("UAMY", "Amy Chen", "SPECIALIST", supervisor.memberId);
  const admin = await add("UADMIN", "Ada Admin", "ADMIN", manager.memberId);
  return { tenant, manager, supervisor, alice, amy, admin };
}

/** The newest message the fake holds in a channel (DM channels are "D" + user id). */
export function latestIn(h: Harness, channel: string) {
  return h.fake.messagesIn(channel).at(-1);
}
