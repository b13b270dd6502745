import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAccord } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { startEmbeddedPostgres } from "../../src/db/embedded.js";
import { committedMigrations, migrateDatabase } from "../../src/db/migrate.js";
import { createLogger } from "../../src/logger.js";
import { embeddedRunsElsewhere, openTestDatabase, type TestDatabase } from "../support/db.js";
import { spawnAccord } from "../support/process.js";

const silent = createLogger("silent");
const pgUrl = process.env.TEST_DATABASE_URL;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// Embedded PGlite whatever TEST_DATABASE_URL says: the PGlite pass runs these (embeddedRunsElsewhere).
describe.skipIf(embeddedRunsElsewhere)("migrations", () => {
  it("apply on an empty database and are a no-op the second time", async () => {
    const embedded = await startEmbeddedPostgres();
    try {
      const first = await migrateDatabase(embedded.url);
      expect(first.output).toMatch(/successfully applied|applied/i);
      // The names of the migrations applied, not the files inside them.
      expect(first.applied).toEqual(await committedMigrations());
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      const count = async () =>
        Number((await client.query(`SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`)).rows[0].n);
      const expected = (await committedMigrations()).length;
      expect(await count()).toBe(expected);
      const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(["Tenant", "Customer", "AuditLog", "OutboxMessage"]));
      await client.end();

      const second = await migrateDatabase(embedded.url);
      expect(second.output).toContain("No pending migrations to apply");
      const again = new pg.Client({ connectionString: embedded.url });
      await again.connect();
      expect(Number((await again.query(`SELECT count(*) AS n FROM "_prisma_migrations"`)).rows[0].n)).toBe(expected);
      await again.end();
    } finally {
      await embedded.close();
    }
  });
});

describe.runIf(pgUrl)("several replicas on one PostgreSQL", () => {
  const dbName = `accord_replicas_${process.pid}_${Date.now()}`;
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`CREATE DATABASE "${dbName}"`);
    await c.end();
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await c.end();
  });

  it("two concurrent starts both come up with the schema applied exactly once", async () => {
    const url = withDatabase(pgUrl!, dbName);
    const a = spawnAccord({ DATABASE_URL: url, PORT: "0" });
    const b = spawnAccord({ DATABASE_URL: url, PORT: "0" });
    try {
      const [portA, portB] = await Promise.all([a.listening(90_000), b.listening(90_000)]);
      for (const port of [portA, portB]) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(res.status).toBe(200);
      }
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const rows = (await c.query(`SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`)).rows;
      await c.end();
      expect(rows).toHaveLength((await committedMigrations()).length);
      expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
    } finally {
      a.child.kill("SIGTERM");
      b.child.kill("SIGTERM");
      await Promise.all([a.exited(), b.exited()]);
    }
  });
});

describe.skipIf(embeddedRunsElsewhere)("npm start on a fresh machine (embedded PGlite)", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "accord-start-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves /healthz and /readyz and stops cleanly on SIGINT", async () => {
    const p = spawnAccord({ ACCORD_DATA_DIR: dataDir, PORT: "0" });
    const port = await p.listening(60_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect(p.output()).toContain("no platform adapter configured");
    p.child.kill("SIGINT");
    const { code } = await p.exited();
    expect(code).toBe(0);
    expect(p.output()).toContain("stopped cleanly");
  });

  it("keeps rows written before a stop", async () => {
    const config = loadConfig({ ACCORD_DATA_DIR: dataDir, PORT: "0" });
    const first = await startAccord(config, silent);
    const tenant = await first.db.prisma.tenant.create({
      data: { platform: "CONSOLE", externalId: "persist-me", name: "持久化测试" },
    });
    await first.stop();

    const second = await startAccord(config, silent);
    try {
      const found = await second.db.prisma.tenant.findUnique({ where: { id: tenant.id } });
      expect(found?.name).toBe("持久化测试");
    } finally {
      await second.stop();
    }
  });
});

describe("a bad DATABASE_URL", () => {
  it("makes npm start exit non-zero within 15 s naming the host", async () => {
    const started = Date.now();
    const p = spawnAccord({ DATABASE_URL: "postgresql://accord@127.0.0.1:1/accord", PORT: "0" });
    const { code } = await p.exited(15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(code).not.toBe(0);
    expect(p.output()).toMatch(/^accord: cannot reach the database at 127\.0\.0\.1:1\/accord/m);
    expect(p.output()).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

describe("tenant-scoped unique constraints", () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase();
  });
  afterAll(async () => tdb?.close());

  it("allow the same customer name in two tenants but not twice in one", async () => {
    const db = tdb.prisma;
    const [t1, t2] = await Promise.all([
      db.tenant.create({ data: { platform: "SLACK", externalId: "T1", name: "one" } }),
      db.tenant.create({ data: { platform: "FEISHU", externalId: "T1", name: "two" } }),
    ]);
    const owner1 = await db.member.create({ data: { tenantId: t1.id, displayName: "o1" } });
    const owner2 = await db.member.create({ data: { tenantId: t2.id, displayName: "o2" } });
    await db.customer.create({ data: { tenantId: t1.id, name: "华为", nameKey: "华为", ownerId: owner1.id } });
    await db.customer.create({ data: { tenantId: t2.id, name: "华为", nameKey: "华为", ownerId: owner2.id } });
    await expect(
      db.customer.create({ data: { tenantId: t1.id, name: "华为 ", nameKey: "华为", ownerId: owner1.id } }),
    ).rejects.toMatchObject({ code: "P2002" });
    expect(await db.customer.count()).toBe(2);
  });

  it("scope platform identities, complaint and hospitality numbers to their tenant", async () => {
    const db = tdb.prisma;
    const t1 = await db.tenant.create({ data: { platform: "SLACK", externalId: "T9", name: "a" } });
    const t2 = await db.tenant.create({ data: { platform: "SLACK", externalId: "T8", name: "b" } });
    const m1 = await db.member.create({ data: { tenantId: t1.id, displayName: "x" } });
    const m2 = await db.member.create({ data: { tenantId: t2.id, displayName: "y" } });
    await db.memberIdentity.create({ data: { tenantId: t1.id, memberId: m1.id, platform: "SLACK", platformUserId: "U1" } });
    await db.memberIdentity.create({ data: { tenantId: t2.id, memberId: m2.id, platform: "SLACK", platformUserId: "U1" } });
    await expect(
      db.memberIdentity.create({ data: { tenantId: t1.id, memberId: m1.id, platform: "SLACK", platformUserId: "U1" } }),
    ).rejects.toMatchObject({ code: "P2002" });

    const c1 = await db.customer.create({ data: { tenantId: t1.id, name: "c", nameKey: "c", ownerId: m1.id } });
    const c2 = await db.customer.create({ data: { tenantId: t2.id, name: "c", nameKey: "c", ownerId: m2.id } });
    const complaint = (tenantId: string, customerId: string, by: string) => ({
      tenantId,
      number: 1,
      customerId,
      reporterId: by,
      assigneeId: by,
      severity: "LOW" as const,
      category: "OTHER" as const,
      description: "d",
      ackDueAt: new Date(),
      resolveDueAt: new Date(),
    });
    await db.complaint.create({ data: complaint(t1.id, c1.id, m1.id) });
    await db.complaint.create({ data: complaint(t2.id, c2.id, m2.id) });
    await expect(db.complaint.create({ data: complaint(t1.id, c1.id, m1.id) })).rejects.toMatchObject({ code: "P2002" });
  });
});
