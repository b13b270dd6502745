// src/db/direct.ts: the hot queries that bypass Prisma must return rows exactly as Prisma's
// $queryRaw would (callers cannot tell the paths apart), run as named prepared statements on
// PostgreSQL, and not on PGlite (whose socket server shares one session between connections).
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directExecute, directQuery } from "../../src/db/direct.js";
import { makeMember, makeTenant } from "../support/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let db: TestDatabase;

beforeAll(async () => {
  // One connection, so the prepared statements of every query below are on the one we inspect.
  db = await openTestDatabase({ poolSize: 1 });
});

afterAll(async () => {
  await db?.close();
});

describe("direct queries", () => {
  it("return a customer row typed exactly as $queryRaw types it", async () => {
    const tenant = await makeTenant(db.prisma);
    const owner = await makeMember(db.prisma, tenant.id);
    const created = await db.prisma.customer.create({
      data: {
        tenantId: tenant.id,
        name: "Direct Trading",
        nameKey: "direct trading",
        ownerId: owner.id,
        tier: "A",
        status: "ACTIVE",
        annualPurchaseFen: 123_456_789_012n,
        cooperationStart: new Date("2019-03-04T00:00:00.000Z"),
        creditLimitFen: null,
        lastContactAt: new Date("2026-11-20T23:59:58.123Z"),
      },
    });
    const query = Prisma.sql`SELECT * FROM "Customer" WHERE id = ${created.id}`;
    // Whatever the process's own time zone: timestamps hold UTC.
    const savedTz = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    let viaPrisma: Record<string, unknown> | undefined;
    let direct: Record<string, unknown> | undefined;
    try {
      [viaPrisma] = await db.prisma.$queryRaw<Array<Record<string, unknown>>>(query);
      [direct] = await directQuery<Record<string, unknown>>(db.prisma, query);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    expect(direct).toEqual(viaPrisma);
    expect(direct).toMatchObject({
      annualPurchaseFen: 123_456_789_012n,
      cooperationStart: new Date("2019-03-04T00:00:00.000Z"),
      lastContactAt: new Date("2026-11-20T23:59:58.123Z"),
      creditLimitFen: null,
      tier: "A",
    });
    // JSON built in SQL and counts come through as well.
    const shapes = Prisma.sql`SELECT json_build_object('n', 1) AS j, count(*) AS c, count(*)::int AS i FROM "Customer" WHERE id = ${created.id}`;
    expect(await directQuery(db.prisma, shapes)).toEqual(await db.prisma.$queryRaw(shapes));
  });

  it("report the rows an insert or update touched", async () => {
    const tenant = await makeTenant(db.prisma);
    const insert = (key: string) =>
      directExecute(
        db.prisma,
        Prisma.sql`INSERT INTO "ProcessedEvent" (id, platform, "eventKey", "tenantId") VALUES (gen_random_uuid()::text, 'SLACK', ${key}, ${tenant.id}) ON CONFLICT (platform, "eventKey") DO NOTHING`,
      );
    expect(await insert("direct:1")).toBe(1);
    expect(await insert("direct:1")).toBe(0);
  });

  it("run as named prepared statements on PostgreSQL only", async () => {
    const probe = Prisma.sql`SELECT ${"x"}::text AS x`;
    await directQuery(db.prisma, probe);
    await directQuery(db.prisma, probe);
    const statements = await directQuery<{ name: string }>(db.prisma, Prisma.sql`SELECT name FROM pg_prepared_statements`);
    const ours = statements.map((s) => s.name).filter((name) => name.startsWith("accord_"));
    if (db.mode === "postgresql") expect(ours.length).toBeGreaterThan(0);
    else expect(ours).toEqual([]);
  });

  it("keep working after a migration changes a table under a prepared statement", async () => {
    await db.prisma.$executeRawUnsafe(`CREATE TABLE "DirectProbe" (id int PRIMARY KEY)`);
    await db.prisma.$executeRawUnsafe(`INSERT INTO "DirectProbe" VALUES (1)`);
    const all = Prisma.sql`SELECT * FROM "DirectProbe"`;
    expect(await directQuery(db.prisma, all)).toEqual([{ id: 1 }]);
    expect(await directQuery(db.prisma, all)).toEqual([{ id: 1 }]);
    // What a rolling upgrade does to a running replica's prepared statements.
    await db.prisma.$executeRawUnsafe(`ALTER TABLE "DirectProbe" ADD COLUMN label text DEFAULT 'new'`);
    expect(await directQuery(db.prisma, all)).toEqual([{ id: 1, label: "new" }]);
    expect(await directQuery(db.prisma, all)).toEqual([{ id: 1, label: "new" }]);
  });
});
