// The pre-breach warning across real processes: three replicas, each its own Node process and
// connection pool, sweep the same instant on one PostgreSQL; every complaint's holder gets exactly
// one warning. PostgreSQL only: PGlite serves one connection.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerComplaint } from "../../src/core/complaints/complaints.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../support/fixtures.js";
import { projectRoot } from "../support/process.js";

function sweeper(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|TEST_DATABASE_URL)$/.test(k)) clean[k] = v;
  const child = spawn(process.execPath, ["--import", "tsx", "test/scheduler/sla-warning-sweeper.ts"], {
    cwd: projectRoot,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

describe.runIf(process.env.TEST_DATABASE_URL)("pre-breach warnings across replica processes", () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase();
  });
  afterAll(async () => {
    await tdb?.close();
  });

  it("sends each complaint's holder one warning when three processes sweep the same instant", async () => {
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    const customer = await tdb.prisma.customer.create({ data: { tenantId: tenant.id, name: "宝钢", nameKey: "宝钢", ownerId: d.a1.id, tier: "A", status: "ACTIVE" } });
    // Monday 09:00 Shanghai: HIGH, acknowledge within 4 working hours → 13:00; 80% at 12:12.
    const deps = depsAt(tdb.prisma, "2026-11-23T01:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await registerComplaint(deps, actor(d.a1), { customerId: customer.id, severity: "HIGH", category: "SERVICE", description: `x${i}` });
      ids.push(c.id);
    }
    // Node and tsx take a few seconds to start under load: all three start sweeping at one instant.
    const env = { DATABASE_URL: tdb.url, SWEEP_AT: "2026-11-23T04:12:00Z", START_AT: String(Date.now() + 8_000) };
    const runs = await Promise.all([sweeper(env), sweeper(env), sweeper(env)]);
    for (const r of runs) expect(r.code, r.out).toBe(0);
    const sent = runs.flatMap((r) => JSON.parse(r.out.trim().split("\n").at(-1)!) as string[]);
    expect(sent.sort()).toEqual([...ids].sort());
    const warnings = await tdb.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, payload: { path: ["kind"], equals: "complaint.sla_warning" } } });
    expect(warnings.map((w) => w.entityId).sort()).toEqual([...ids].sort());
    expect(new Set(warnings.map((w) => w.target))).toEqual(new Set([`member:${d.a1.id}`]));
  }, 60_000);
});
