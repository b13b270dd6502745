// One Feishu end-to-end setup per test file: a fresh database, the real conversation layer and
// core, our HTTP server with the Feishu adapter mounted on POST /feishu/events and
// POST /feishu/card, and the fake Feishu the adapter talks to. Helpers seed a department whose
// members are Feishu users, deliver the outbox through the adapter's sender, and read what the
// fake recorded.
import type { Role } from "@prisma/client";
import { createFeishuAdapter, type FeishuAdapter, type FeishuAdapterOptions } from "../../src/adapters/feishu/adapter.js";
import type { FeishuConfig } from "../../src/config/config.js";
import type { Conversation } from "../../src/conversation/port.js";
import { systemClock, type ManualClock } from "../../src/core/shared/clock.js";
import type { CoreDeps } from "../../src/core/shared/context.js";
import type { Logger } from "../../src/logger.js";
import type { AdapterMetrics } from "../../src/metrics.js";
import { deliverOutboxBatch } from "../../src/scheduler/outbox-worker.js";
import { startHttpServer, type HttpServer } from "../../src/server.js";
import { FakeFeishu, FeishuClientSide, type FakeFeishuUser } from "../fakes/feishu.js";
import { conversationAt } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { capturedLogger, drainOutbox, seedPlatformDepartment } from "../support/platform.js";

export const VERIFICATION_TOKEN = "v3rification-t0ken-accord";
export const ENCRYPT_KEY = "accord-encrypt-key-2f8a9c";
export const COMPLAINTS_CHAT = "oc_complaints";

/** Fast retries: tests wait for backoff, not for Feishu's real-world pacing. */
export const TEST_RETRY = { attempts: 4, baseDelayMs: 30, maxDelayMs: 2_000 };

export interface MountedAdapter {
  adapter: FeishuAdapter;
  server: HttpServer;
  feishu: FeishuClientSide;
  close(): Promise<void>;
}

export interface Harness extends MountedAdapter {
  db: TestDatabase;
  deps: CoreDeps & { clock: ManualClock };
  fake: FakeFeishu;
  conversation: Conversation;
  logger: Logger;
  /** Every log line the app wrote (JSON objects), for asserting what was logged. */
  logs: Array<Record<string, unknown>>;
  config: FeishuConfig;
  /** A second adapter on its own server, same database and fake (another replica, another config). */
  mount(config?: Partial<FeishuConfig>, options?: FeishuAdapterOptions): Promise<MountedAdapter>;
  deliver(): Promise<number>;
  deliverAll(): Promise<void>;
}

export async function startHarness(
  options: { encryptKey?: string | null; adapter?: FeishuAdapterOptions; admins?: string[]; mode?: "http" | "ws"; metrics?: AdapterMetrics } = {},
): Promise<Harness> {
  const db = await openTestDatabase();
  // The core's clock stands still at "now" so dates are stable within a file; the outbox worker
  // uses the real clock because rows are due at the database's now().
  const { deps, conversation } = conversationAt(db.prisma, new Date(), { admins: options.admins ?? [] });
  const fake = await FakeFeishu.start();
  const { logger, logs } = capturedLogger();
  const encryptKey = options.encryptKey === null ? undefined : (options.encryptKey ?? ENCRYPT_KEY);
  const config: FeishuConfig = {
    appId: fake.appId,
    appSecret: fake.appSecret,
    verificationToken: VERIFICATION_TOKEN,
    ...(encryptKey ? { encryptKey } : {}),
    domain: fake.baseUrl,
    mode: options.mode ?? "http",
  };

  async function mount(overrides: Partial<FeishuConfig> = {}, adapterOptions: FeishuAdapterOptions = {}): Promise<MountedAdapter> {
    const merged: FeishuConfig = { ...config, ...overrides };
    const adapter = createFeishuAdapter(
      merged,
      { conversation, db: db.prisma, logger, clock: deps.clock, ...(options.metrics ? { metrics: options.metrics } : {}) },
      { defaultLocale: "en", retry: TEST_RETRY, ...options.adapter, ...adapterOptions },
    );
    const server = await startHttpServer({ port: 0, host: "127.0.0.1", logger, ready: async () => true, routes: adapter.routes });
    await adapter.start();
    const feishu = new FeishuClientSide(fake, `http://127.0.0.1:${server.port}`, merged.verificationToken, merged.encryptKey);
    return {
      adapter,
      server,
      feishu,
      async close() {
        await adapter.stop();
        await server.close();
      },
    };
  }

  const main = await mount();
  const deliver = () => deliverOutboxBatch({ db: db.prisma, clock: systemClock, senders: { FEISHU: main.adapter.sender } });
  return {
    ...main,
    db,
    deps,
    fake,
    conversation,
    logger,
    logs,
    config,
    mount,
    deliver,
    deliverAll: () => drainOutbox(deliver),
    async close() {
      await main.close();
      await fake.close();
      await db.close();
    },
  };
}

export interface FeishuMember extends FakeFeishuUser {
  memberId: string;
  role: Role;
}

/**
 * A tenant for the fake Feishu tenant (English, complaints chat set) with a manager, a supervisor
 * under them and specialists under the supervisor, each a Feishu user the fake knows.
 */
export function seedDepartment(h: Harness) {
  return seedPlatformDepartment(h.db.prisma, {
    platform: "FEISHU",
    externalId: h.fake.tenantKey,
    complaintsChannel: COMPLAINTS_CHAT,
    userIds: { manager: "ou_manager", supervisor: "ou_super", alice: "ou_alice", amy: "ou_amy", admin: "ou_admin" },
    introduce: ({ platformUserId: openId, name, memberId, role }): FeishuMember => {
      h.fake.addUser({ openId, name });
      return { openId, name, memberId, role };
    },
  });
}
