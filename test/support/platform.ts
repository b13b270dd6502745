// What the Slack and Feishu end-to-end harnesses share: a logger whose lines the tests can read,
// the department seeded for the fake workspace, Alice's customer, dates relative to today, and
// draining the outbox through the adapter's sender.
import { Writable } from "node:stream";
import type { Platform, Role } from "@prisma/client";
import { createCustomer } from "../../src/core/customers/customers.js";
import type { Actor, CoreDeps } from "../../src/core/shared/context.js";
import { addDays, localDateOf } from "../../src/core/shared/time.js";
import type { Db } from "../../src/db/client.js";
import { createLogger, type Logger } from "../../src/logger.js";

/** The seeded tenant's time zone. */
export const TEST_TIME_ZONE = "Asia/Shanghai";

/** A logger at info level and every line it wrote (JSON objects), for asserting what was logged. */
export function capturedLogger(): { logger: Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger("info", sink), logs };
}

/** Runs the outbox worker until no row is due (bounded). */
export async function drainOutbox(deliver: () => Promise<number>): Promise<void> {
  for (let i = 0; i < 20 && (await deliver()) > 0; i++);
}

export type DepartmentSeat = "manager" | "supervisor" | "alice" | "amy" | "admin";

const DEPARTMENT: ReadonlyArray<{ seat: DepartmentSeat; name: string; role: Role; reportsTo: DepartmentSeat | null }> = [
  { seat: "manager", name: "Wang Manager", role: "MANAGER", reportsTo: null },
  { seat: "supervisor", name: "Li Supervisor", role: "SUPERVISOR", reportsTo: "manager" },
  { seat: "alice", name: "Alice Zhang", role: "SPECIALIST", reportsTo: "supervisor" },
  { seat: "amy", name: "Amy Chen", role: "SPECIALIST", reportsTo: "supervisor" },
  { seat: "admin", name: "Ada Admin", role: "ADMIN", reportsTo: "manager" },
];

export interface SeededMember {
  platformUserId: string;
  name: string;
  memberId: string;
  role: Role;
}

/**
 * A tenant for the fake workspace (English, complaints channel set) with a manager, a supervisor
 * under them, specialists Alice and Amy under the supervisor and an admin; `introduce` makes each
 * one a user the fake platform knows and returns how the tests refer to them.
 */
export async function seedPlatformDepartment<M extends { memberId: string; role: Role }>(
  db: Db,
  options: {
    platform: Platform;
    externalId: string;
    complaintsChannel: string;
    userIds: Record<DepartmentSeat, string>;
    introduce(member: SeededMember): M;
  },
) {
  const tenant = await db.tenant.create({
    data: {
      platform: options.platform,
      externalId: options.externalId,
      name: "Accord Test",
      timeZone: TEST_TIME_ZONE,
      locale: "en",
      settings: { channels: { complaints: options.complaintsChannel } },
    },
  });
  const seated: Partial<Record<DepartmentSeat, M>> = {};
  for (const { seat, name, role, reportsTo } of DEPARTMENT) {
    const platformUserId = options.userIds[seat];
    const member = await db.member.create({
      data: {
        tenantId: tenant.id,
        displayName: name,
        role,
        supervisorId: reportsTo ? seated[reportsTo]!.memberId : null,
        identities: { create: { tenantId: tenant.id, platform: options.platform, platformUserId } },
      },
    });
    seated[seat] = options.introduce({ platformUserId, name, memberId: member.id, role });
  }
  return { tenant, ...(seated as Record<DepartmentSeat, M>) };
}

/** Alice's customer Acme Trading (2,000,000 CNY a year), created through the core as she would. */
export async function createAcmeTrading(
  deps: CoreDeps,
  team: { tenant: { id: string; platform: Platform }; alice: { memberId: string; role: Role } },
  extra: { industry?: string } = {},
) {
  const alice: Actor = { tenantId: team.tenant.id, memberId: team.alice.memberId, role: team.alice.role, platform: team.tenant.platform };
  return createCustomer(deps, alice, { name: "Acme Trading", annualPurchaseFen: 200_000_000n, ...extra });
}

/** The seeded tenant's local date `days` after today by the core's clock. */
export function localDateInDays(deps: CoreDeps, days: number): string {
  return addDays(localDateOf(deps.clock.now(), TEST_TIME_ZONE), days);
}

/** The tenant's newest hospitality request (the highest number), with its approval steps in order. */
export function newestHospitalityRequest(db: Db, tenantId: string) {
  return db.hospitalityRequest.findFirstOrThrow({
    where: { tenantId },
    orderBy: { number: "desc" },
    include: { steps: { orderBy: { position: "asc" } } },
  });
}

/**
 * Customers whose names all start with 华, in three scopes: Alice's two, Amy's one (her peer on the
 * same team) and one of another team (a second supervisor under the manager, with a specialist of
 * their own). Created through the core by the manager, so search keys (pinyin) are as in real use.
 */
export async function seedHuaCustomers(
  deps: CoreDeps,
  team: { tenant: { id: string; platform: Platform }; manager: { memberId: string; role: Role }; alice: { memberId: string }; amy: { memberId: string } },
) {
  const db = deps.db as Db;
  const otherSupervisor = await db.member.create({
    data: { tenantId: team.tenant.id, displayName: "Zhou Other", role: "SUPERVISOR", supervisorId: team.manager.memberId },
  });
  const otherSpecialist = await db.member.create({
    data: { tenantId: team.tenant.id, displayName: "Bob Other", role: "SPECIALIST", supervisorId: otherSupervisor.id },
  });
  const manager: Actor = { tenantId: team.tenant.id, memberId: team.manager.memberId, role: team.manager.role, platform: team.tenant.platform };
  const make = (name: string, ownerId: string) => createCustomer(deps, manager, { name, ownerId });
  return {
    otherSpecialistId: otherSpecialist.id,
    huawei: await make("华为技术有限公司", team.alice.memberId),
    huarun: await make("华润万家", team.alice.memberId),
    huaxia: await make("华夏银行", team.amy.memberId),
    hualian: await make("华联超市", otherSpecialist.id),
  };
}
