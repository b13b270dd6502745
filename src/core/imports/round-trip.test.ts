// Export → import --update of the demo department is a no-op, in CSV and in xlsx; an --update
// that changes something says so per row and audits before/after.
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { depsAt } from "../../../test/support/fixtures.js";
import { normalizeName } from "../customers/rules.js";
import { DEMO_TENANT_EXTERNAL_ID, seedDemoTenant } from "../../demo/seed.js";
import { systemActor } from "./actor.js";
import { exportCustomersCsv, exportCustomersXlsx } from "./customers-export.js";
import { importCustomersCsv, importCustomersFromSource, type ImportSuccess } from "./customers-import.js";

let tdb: TestDatabase;
let dir: string;
beforeAll(async () => {
  tdb = await openTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "accord-roundtrip-"));
});
afterAll(async () => {
  await tdb?.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

const FORMULA_NAME = '=HYPERLINK("http://x.example","click")';

/** The demo department, plus what the seed lacks: two contacts, a pinned tier with a reason, an external id, a formula-looking name. */
// seedDemoTenant finds the one demo tenant; each test gets its own by moving the previous one aside.
async function demo(locale: "zh-CN" | "en") {
  const deps = depsAt(tdb.prisma);
  const previous = await tdb.prisma.tenant.findFirst({ where: { externalId: DEMO_TENANT_EXTERNAL_ID } });
  if (previous) await detach(previous.id);
  const { tenant } = await seedDemoTenant(deps, { timeZone: "Asia/Shanghai", locale });
  await tdb.prisma.tenant.update({ where: { id: tenant.id }, data: { locale } });
  const customers = await tdb.prisma.customer.findMany({ where: { tenantId: tenant.id }, orderBy: { nameKey: "asc" }, take: 3 });
  const [first, second, third] = customers;
  await tdb.prisma.contact.createMany({
    data: [
      { tenantId: tenant.id, customerId: first!.id, name: "赵六", title: "财务", phone: "13900000001", email: "zl@example.com", createdAt: new Date("2026-01-01T00:00:00Z") },
      { tenantId: tenant.id, customerId: first!.id, name: "-钱七", createdAt: new Date("2026-01-02T00:00:00Z") },
    ],
  });
  await tdb.prisma.customer.update({ where: { id: second!.id }, data: { tierOverride: "VIP", tier: "VIP", tierOverrideReason: "集团战略" } });
  await tdb.prisma.customer.update({ where: { id: third!.id }, data: { externalId: "ERP-0003", lostReason: "+价格" } });
  await tdb.prisma.customer.create({
    data: { tenantId: tenant.id, name: FORMULA_NAME, nameKey: normalizeName(FORMULA_NAME), ownerId: first!.ownerId, tier: "C", industry: "@sum(1)" },
  });
  const count = await tdb.prisma.customer.count({ where: { tenantId: tenant.id } });
  return { deps, tenant, count, first: first!, second: second! };
}

async function detach(tenantId: string) {
  await tdb.prisma.tenant.update({ where: { id: tenantId }, data: { externalId: `done-${tenantId}` } });
}

function expectAllUnchanged(result: Awaited<ReturnType<typeof importCustomersCsv>>, count: number) {
  expect(result.ok, JSON.stringify(!result.ok && result.problems.slice(0, 3))).toBe(true);
  const ok = result as ImportSuccess;
  expect(ok).toMatchObject({ imported: 0, updated: 0, unchanged: count });
  expect(ok.outcomes).toHaveLength(count);
  expect(ok.outcomes.every((o) => o.outcome === "unchanged")).toBe(true);
}

describe("customer export → import --update", () => {
  it("is a no-op for the demo department in CSV with Chinese headers, and the export is stable", async () => {
    const { deps, tenant, count, first, second } = await demo("zh-CN");
    const actor = systemActor(tenant.id);
    const csv = await collect(exportCustomersCsv(deps, actor));
    // Two contact groups or three (the seed gives some customers one contact), never fewer.
    expect(csv.split("\r\n")[0]).toMatch(
      /^\uFEFF客户名称,客户经理,等级,年采购额,行业,区域,状态,合作开始,资信等级,赊销额度,战略客户,联系人,联系人职务,联系电话,邮箱,外部编号,等级调整原因,流失原因,联系人2,联系人2职务,联系人2电话,联系人2邮箱(,联系人3,联系人3职务,联系人3电话,联系人3邮箱)?$/u,
    );
    // The formula-looking cells are neutralised in the CSV and come back as typed.
    expect(csv).toContain(`"'=HYPERLINK(""http://x.example"",""click"")"`);
    expect(csv).toContain("'@sum(1)");
    expect(csv).toContain("集团战略");

    const audits = await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } });
    const result = await importCustomersCsv(deps, actor, csv, { update: true });
    expectAllUnchanged(result, count);
    expect((result as ImportSuccess).warnings.map((w) => w.field)).toEqual(expect.arrayContaining(["name", "industry"]));
    // Only the import's summary row is new.
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(audits + 1);
    expect(await collect(exportCustomersCsv(deps, actor))).toBe(csv);
    expect(await tdb.prisma.contact.count({ where: { customerId: first.id } })).toBeGreaterThanOrEqual(2);
    expect(await tdb.prisma.customer.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ tierOverride: "VIP", tierOverrideReason: "集团战略" });
  });

  it("is a no-op for the demo department in xlsx, with number and date cells", async () => {
    const { deps, tenant, count } = await demo("en");
    const actor = systemActor(tenant.id);
    const file = path.join(dir, "customers.xlsx");
    expect(await exportCustomersXlsx(deps, actor, file)).toBe(count);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as string[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    const active = rows.find((r) => r.getCell(col("cooperation_start")).value instanceof Date)!;
    expect(typeof active.getCell(col("annual_purchase")).value).toBe("number");
    expect(active.getCell(col("cooperation_start")).value).toBeInstanceOf(Date);
    expect(rows.some((r) => r.getCell(col("name")).value === FORMULA_NAME)).toBe(true);

    const result = await importCustomersFromSource(deps, actor, () => createReadStream(file), { update: true });
    expectAllUnchanged(result, count);
  });

  it("reports created / updated / unchanged per row, audits before and after, and writes nothing when a row is rejected", async () => {
    const { deps, tenant, count } = await demo("en");
    const actor = systemActor(tenant.id);
    const csv = await collect(exportCustomersCsv(deps, actor));
    const [header, ...lines] = csv.replace(/^\uFEFF/u, "").trimEnd().split("\r\n");
    // A row without quoted cells, so splitting on commas is enough here.
    const at = lines.findIndex((l) => !l.includes('"'));
    const target = lines[at];
    const cells = header!.split(",");
    const regionAt = cells.indexOf("region");
    const targetCells = target!.split(",");
    const oldRegion = targetCells[regionAt];
    targetCells[regionAt] = "西北";
    const newRow = cells.map((c) => (c === "name" ? "新客户科技" : c === "owner" ? target!.split(",")[1]! : ""));
    const edited = [header, ...lines.slice(0, at), targetCells.join(","), ...lines.slice(at + 1), newRow.join(",")].join("\r\n");

    // Without --update an existing name is still an error, and nothing is written.
    const plain = await importCustomersCsv(deps, actor, edited);
    expect(plain.ok).toBe(false);
    expect(!plain.ok && plain.problems[0]).toMatchObject({ code: "import.duplicate_in_db" });

    // A rejected row keeps the whole file out.
    const bad = edited + `\r\n${cells.map((c) => (c === "name" ? "坏行公司" : c === "annual_purchase" ? "lots" : "")).join(",")}`;
    const rejected = await importCustomersCsv(deps, actor, bad, { update: true });
    expect(rejected.ok).toBe(false);
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(count);

    const result = await importCustomersCsv(deps, actor, edited, { update: true });
    expect(result.ok, JSON.stringify(!result.ok && result.problems.slice(0, 3))).toBe(true);
    expect(result).toMatchObject({ ok: true, imported: 1, updated: 1, unchanged: count - 1 });
    const outcomes = (result as ImportSuccess).outcomes;
    expect(outcomes[at]).toMatchObject({ line: at + 2, outcome: "updated" });
    expect(outcomes[outcomes.length - 1]).toMatchObject({ name: "新客户科技", outcome: "created" });

    const name = targetCells[0]!;
    const updated = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: tenant.id, name } });
    expect(updated.region).toBe("西北");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: updated.id, action: "customer.updated_by_import" } });
    expect(audit.before).toEqual({ region: oldRegion });
    expect(audit.after).toMatchObject({ region: "西北", line: at + 2 });
    // Search keys are written with the name, not left for the daily recompute.
    expect(await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: tenant.id, name: "新客户科技" } })).toMatchObject({
      namePinyin: "xinkehukeji",
      nameInitials: "xkhkj",
    });

    // Matched by external_id, a row renames its customer (and its search keys).
    const renamed = `name,external_id\r\n华南新材料,ERP-0003\r\n`;
    expect(await importCustomersCsv(deps, actor, renamed, { update: true })).toMatchObject({ ok: true, updated: 1, imported: 0 });
    expect(await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: tenant.id, externalId: "ERP-0003" } })).toMatchObject({
      name: "华南新材料",
      namePinyin: "huananxincailiao",
      lostReason: "+价格",
    });
  });
});
