// Small builders for test data. They write straight through Prisma (no audit rows) because
// they set the scene; the behaviour under test always goes through the use cases.
import { randomUUID } from "node:crypto";
import type { Platform, Role } from "@prisma/client";
import type { Db } from "../../src/db/client.js";
import { ManualClock } from "../../src/core/shared/clock.js";
import type { Actor, CoreDeps } from "../../src/core/shared/context.js";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export function depsAt(db: Db, now: string | Date = "2026-11-23T01:00:00Z"): CoreDeps & { clock: ManualClock } {
  return { db, clock: new ManualClock(now) };
}

export async function makeTenant(
  db: Db,
  options: { timeZone?: string; locale?: string; settings?: object; platform?: Platform } = {},
) {
  return db.tenant.create({
    data: {
      platform: options.platform ?? "CONSOLE",
      externalId: unique("T"),
      name: unique("tenant"),
      timeZone: options.timeZone ?? "Asia/Shanghai",
      locale: options.locale ?? "zh-CN",
      settings: (options.settings ?? {}) as object,
    },
  });
}

export async function makeMember(
  db: Db,
  tenantId: string,
  options: { role?: Role; supervisorId?: string | null; name?: string; platformUserId?: string } = {},
) {
  const platformUserId = options.platformUserId ?? unique("U");
  return db.member.create({
    data: {
      tenantId,
      displayName: options.name ?? platformUserId,
      role: options.role ?? "SPECIALIST",
      supervisorId: options.supervisorId ?? null,
      identities: { create: { tenantId, platform: "CONSOLE", platformUserId } },
    },
  });
}

export function actor(member: { id: string; tenantId: string; role: Role }, platform: Platform = "CONSOLE"): Actor {
  return { tenantId: member.tenantId, memberId: member.id, role: member.role, platform };
}

/**
 * A department: manager M, supervisors S1 (team 1) and S2 (team 2), specialists A1, A2 under S1
 * and B1 under S2, and an admin.
 */
export async function makeDepartment(db: Db, tenantId: string) {
  const admin = await makeMember(db, tenantId, { role: "ADMIN", name: "Admin" });
  const manager = await makeMember(db, tenantId, { role: "MANAGER", name: "经理 Wang" });
  const s1 = await makeMember(db, tenantId, { role: "SUPERVISOR", supervisorId: manager.id, name: "主管 Li" });
  const s2 = await makeMember(db, tenantId, { role: "SUPERVISOR", supervisorId: manager.id, name: "主管 Zhao" });
  const a1 = await makeMember(db, tenantId, { supervisorId: s1.id, name: "Alice" });
  const a2 = await makeMember(db, tenantId, { supervisorId: s1.id, name: "Amy" });
  const b1 = await makeMember(db, tenantId, { supervisorId: s2.id, name: "Bob" });
  return { admin, manager, s1, s2, a1, a2, b1 };
}

/**
 * The churn weights and thresholds before their calibration (35/25/10/10/10/10, HIGH at 70,
 * MEDIUM at 40). Tests of the risk views and digests were written with numbers from these; they
 * check rendering and selection, and keep them. The calibrated defaults have their own table
 * (src/core/risk/calibration.test.ts).
 */
export function withLegacyRiskWeights(settings: object = {}): object {
  const risk = ((settings as { risk?: object }).risk ?? {}) as { weights?: Record<string, number> };
  return {
    ...settings,
    risk: {
      highAt: 70,
      mediumAt: 40,
      ...risk,
      weights: { contactGap: 35, purchaseDecline: 25, openComplaints: 10, overdueComplaints: 10, lowSatisfaction: 10, overdueCallbacks: 10, ...risk.weights },
    },
  };
}

/**
 * One active B customer per owner, last contacted on 2026-11-20, each with a cadence callback
 * due `dueOn`: the morning digest of a department in the replica tests.
 */
export async function oneDueCustomerEach(db: Db, tenantId: string, ownerIds: readonly string[], dueOn: Date): Promise<void> {
  const customers = ownerIds.map((ownerId, i) => ({
    id: randomUUID(),
    tenantId,
    ownerId,
    name: `Customer ${i}`,
    nameKey: `customer ${i}`,
    tier: "B" as const,
    status: "ACTIVE" as const,
    lastContactAt: new Date("2026-11-20T00:00:00Z"),
  }));
  await db.customer.createMany({ data: customers });
  await db.callback.createMany({
    data: customers.map((c) => ({ tenantId, customerId: c.id, assigneeId: c.ownerId, dueOn, reason: "CADENCE" as const })),
  });
}
