// Seed: one Slack workspace, a department (manager, supervisors, specialists), customers with
// contacts, visits, orders, an open cadence callback each, some done callbacks and open complaints.
// The same department every run (a fixed random seed), written with createMany.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Prisma } from "@prisma/client";
import { createPrisma } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { normalizeName } from "../../src/core/customers/rules.js";
import { seededRandom } from "../../src/core/shared/random.js";
import { addDays, localDateOf, toDateColumn } from "../../src/core/shared/time.js";
import { ADMIN_URL, TEAM_ID, TZ, withDatabase } from "./workspace.js";

const SCALE = { supervisors: 12, specialists: 287, customers: 600 };

export interface SeedMember {
  id: string;
  slackId: string;
  name: string;
  supervisorId: string | null;
}

export interface SeedCustomer {
  id: string;
  name: string;
  ownerId: string;
}

export interface Seeded {
  members: SeedMember[];
  customers: SeedCustomer[];
  /** The member behind each seeded Slack user id. */
  byId: Map<string, SeedMember>;
  managerId: string;
  rows: Record<string, number>;
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英"];
const PLACES = ["华东", "华南", "华北", "西南", "东北", "江苏", "浙江", "广东", "四川", "湖北", "山东", "福建"];
const TRADES = ["精密机械", "电子科技", "医药", "新材料", "物流", "食品", "化工", "汽车零部件", "建材", "纺织"];
const EN_NAMES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure Works", "Wide World", "Proseware"];
const EN_TRADES = ["Trading", "Logistics", "Electronics", "Foods", "Materials", "Instruments"];

/** Drops and recreates `database` next to BENCH_DATABASE_URL's, migrated; returns its URL. */
export async function createDatabase(database: string): Promise<string> {
  const url = withDatabase(ADMIN_URL, database);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(url);
  return url;
}

export async function seed(url: string): Promise<Seeded> {
  const random = seededRandom(20_261_123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const personName = () => pick(SURNAMES) + pick(GIVEN);
  const now = new Date();
  const today = localDateOf(now, TZ);
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  const tenantId = randomUUID();
  const member = (name: string, supervisorId: string | null, n: number): SeedMember => ({
    id: randomUUID(),
    slackId: `U0BENCH${String(n).padStart(4, "0")}`,
    name,
    supervisorId,
  });
  const manager = member(`部门经理 ${personName()}`, null, 0);
  const supervisors = Array.from({ length: SCALE.supervisors }, (_, i) => member(`主管 ${personName()}`, manager.id, 1 + i));
  const specialists = Array.from({ length: SCALE.specialists }, (_, i) =>
    member(`客户经理 ${personName()}`, supervisors[i % supervisors.length]!.id, 1 + SCALE.supervisors + i),
  );
  const members = [manager, ...supervisors, ...specialists];

  const usedNames = new Set<string>();
  const customers: SeedCustomer[] = [];
  const customerRows: Prisma.CustomerCreateManyInput[] = [];
  while (customers.length < SCALE.customers) {
    const n = customers.length;
    // Two in three Chinese names; the numeric suffix keeps every name unique without making one a
    // prefix of another, so each lookup is the exact-name path.
    const name =
      n % 3 === 2
        ? `${pick(EN_NAMES)} ${pick(EN_TRADES)} ${String(n).padStart(4, "0")}`
        : `${pick(PLACES)}${pick(TRADES)}有限公司 ${String(n).padStart(4, "0")}`;
    if (usedNames.has(name)) continue;
    usedNames.add(name);
    const owner = pick(specialists);
    const tierRoll = random();
    const tier = tierRoll < 0.05 ? "VIP" : tierRoll < 0.25 ? "A" : tierRoll < 0.85 ? "B" : "C";
    const annualYuan = tier === "VIP" ? int(5_000_000, 20_000_000) : tier === "A" ? int(1_000_000, 4_999_999) : tier === "B" ? int(10_000, 999_999) : 0;
    const id = randomUUID();
    customers.push({ id, name, ownerId: owner.id });
    customerRows.push({
      id,
      tenantId,
      name,
      nameKey: normalizeName(name),
      industry: pick(["制造", "医药", "物流", "零售", "能源"]),
      region: pick(PLACES),
      tier,
      ownerId: owner.id,
      status: tier === "C" ? "PROSPECT" : random() < 0.05 ? "AT_RISK" : "ACTIVE",
      annualPurchaseFen: BigInt(annualYuan) * 100n,
      cooperationStart: tier === "C" ? null : toDateColumn(addDays(today, -int(100, 3_000))),
      lastContactAt: tier === "C" ? null : daysAgo(int(1, 200)),
    });
  }

  const contacts: Prisma.ContactCreateManyInput[] = [];
  const visits: Prisma.VisitCreateManyInput[] = [];
  const orders: Prisma.PurchaseOrderCreateManyInput[] = [];
  const callbacks: Prisma.CallbackCreateManyInput[] = [];
  const complaints: Prisma.ComplaintCreateManyInput[] = [];
  let complaintNo = 0;
  for (const [i, c] of customers.entries()) {
    const row = customerRows[i]!;
    for (let k = 0; k < int(1, 2); k++) {
      contacts.push({ tenantId, customerId: c.id, name: personName(), title: pick(["采购经理", "总经理", "财务总监"]), phone: `1380000${String(int(0, 9999)).padStart(4, "0")}` });
    }
    for (let k = 0; k < int(2, 6); k++) {
      visits.push({ tenantId, customerId: c.id, visitorId: c.ownerId, occurredAt: daysAgo(int(1, 300)), kind: pick(["ON_SITE", "PHONE", "VIDEO"]), summary: `季度回顾 ${k + 1}` });
    }
    if (row.tier === "C") continue;
    for (let k = 0; k < int(3, 8); k++) {
      orders.push({ tenantId, customerId: c.id, orderedOn: toDateColumn(addDays(today, -int(1, 180))), amountFen: BigInt(int(10_000, 500_000)) * 100n });
    }
    callbacks.push({
      tenantId,
      customerId: c.id,
      assigneeId: c.ownerId,
      dueOn: toDateColumn(addDays(today, int(-20, 60))),
      reason: "CADENCE",
      openCadenceKey: c.id,
    });
    if (random() < 0.5) {
      callbacks.push({
        tenantId,
        customerId: c.id,
        assigneeId: c.ownerId,
        dueOn: toDateColumn(addDays(today, -int(10, 90))),
        reason: "AFTER_VISIT",
        status: "DONE",
        satisfaction: int(1, 5),
        completedAt: daysAgo(int(5, 80)),
        completedById: c.ownerId,
      });
    }
    if (random() < 0.12) {
      // Deadlines still ahead, so an SLA sweep (if the scheduler runs) finds nothing to escalate.
      const severity = pick(["LOW", "MEDIUM", "HIGH"] as const);
      const ackHours = severity === "HIGH" ? 4 : severity === "MEDIUM" ? 24 : 48;
      const resolveHours = severity === "HIGH" ? 72 : severity === "MEDIUM" ? 168 : 336;
      const acknowledged = random() < 0.5;
      const created = new Date(now.getTime() - (acknowledged ? int(2, resolveHours / 2) : int(0, ackHours / 2)) * 3_600_000);
      complaints.push({
        tenantId,
        number: ++complaintNo,
        customerId: c.id,
        reporterId: c.ownerId,
        assigneeId: c.ownerId,
        severity,
        category: pick(["PRODUCT", "SERVICE", "DELIVERY"]),
        description: "交货延迟，客户要求说明原因",
        status: acknowledged ? "ACKNOWLEDGED" : "OPEN",
        ackDueAt: new Date(created.getTime() + ackHours * 3_600_000),
        resolveDueAt: new Date(created.getTime() + resolveHours * 3_600_000),
        acknowledgedAt: acknowledged ? new Date(created.getTime() + 3_600_000) : null,
        createdAt: created,
      });
    }
  }

  const db = createPrisma(url, { poolSize: 2 });
  try {
    await db.tenant.create({
      data: { id: tenantId, platform: "SLACK", externalId: TEAM_ID, name: "accord-bench", timeZone: TZ, locale: "zh-CN", nextComplaintNo: complaintNo + 1 },
    });
    // Supervisors before their reports: supervisorId references Member.
    for (const group of [[manager], supervisors, specialists]) {
      await db.member.createMany({
        data: group.map((m, i) => ({
          id: m.id,
          tenantId,
          displayName: m.name,
          role: m === manager ? "MANAGER" : m.supervisorId === manager.id ? "SUPERVISOR" : "SPECIALIST",
          supervisorId: m.supervisorId,
          createdAt: daysAgo(400 - (i % 300)),
        })),
      });
    }
    await db.memberIdentity.createMany({ data: members.map((m) => ({ tenantId, memberId: m.id, platform: "SLACK" as const, platformUserId: m.slackId })) });
    await db.customer.createMany({ data: customerRows });
    await db.contact.createMany({ data: contacts });
    await db.visit.createMany({ data: visits });
    await db.purchaseOrder.createMany({ data: orders });
    await db.callback.createMany({ data: callbacks });
    await db.complaint.createMany({ data: complaints });
    await db.$executeRawUnsafe("ANALYZE");
  } finally {
    await db.$disconnect();
  }
  return {
    members,
    customers,
    byId: new Map(members.map((m) => [m.id, m])),
    managerId: manager.id,
    rows: {
      members: members.length,
      customers: customers.length,
      contacts: contacts.length,
      visits: visits.length,
      purchaseOrders: orders.length,
      callbacks: callbacks.length,
      complaints: complaints.length,
    },
  };
}

