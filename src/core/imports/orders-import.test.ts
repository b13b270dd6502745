import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { runCli, type CliEnvironment } from "../../cli.js";
import { kpiReport } from "../kpi/kpi.js";
import { ManualClock } from "../shared/clock.js";
import { systemActor } from "./actor.js";
import { decodeCsvBytes } from "./csv.js";
import { exportOrdersCsv, importOrdersCsv } from "./orders-import.js";

const NOW = "2026-12-05T02:00:00Z"; // 2026-12-05 10:00 in Shanghai
let tdb: TestDatabase;
let tenantId: string;
let d: Awaited<ReturnType<typeof makeDepartment>>;

beforeAll(async () => {
  tdb = await openTestDatabase();
  const t = await makeTenant(tdb.prisma, { locale: "en" });
  tenantId = t.id;
  d = await makeDepartment(tdb.prisma, tenantId);
  const customer = (name: string, ownerId: string) =>
    tdb.prisma.customer.create({ data: { tenantId, name, nameKey: name.toLowerCase(), ownerId, tier: "A", status: "ACTIVE", createdAt: new Date("2025-01-01T00:00:00Z") } });
  await customer("华为技术", d.a1.id);
  await customer("Vega Group", d.a1.id);
  await customer("Birch Ltd", d.a2.id);
  await customer("Orion", d.b1.id);
});
afterAll(async () => {
  await tdb?.close();
});

const deps = () => depsAt(tdb.prisma, NOW);
const csv = (...lines: string[]) => lines.join("\n");
const orders = () => tdb.prisma.purchaseOrder.findMany({ where: { tenantId }, orderBy: { reference: "asc" } });

describe("import orders", () => {
  it("lists every bad row with its line and writes nothing", async () => {
    const result = await importOrdersCsv(deps(), systemActor(tenantId), csv(
      "客户,日期,金额,订单号",
      "华为技术,2026-11-03,1200,SO-1",
      "Nobody Inc,2026-11-03,100,SO-2",
      "Vega Group,2026-12-24,100,SO-3",
      "Vega Group,2026-11-05,lots,SO-4",
      "Birch Ltd,2026-11-05,300,SO-1",
      "Birch Ltd,,300,SO-5",
    ));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "import.unknown_customer"],
      [4, "import.order_in_future"],
      [5, "import.invalid_amount"],
      [6, "import.duplicate_order"],
      [7, "import.required"],
    ]);
    expect(result.problems[3]!.params).toMatchObject({ value: "SO-1", line: 2 });
    expect(await orders()).toEqual([]);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId } })).toBe(0);
  });

  it("upserts by order number: new rows created, changed ones updated, the rest left alone, one audit row per import", async () => {
    const first = await importOrdersCsv(deps(), systemActor(tenantId), csv(
      "customer,date,amount,order_number",
      "华为技术,2026-11-03,\"1,200.50\",SO-1001",
      "vega group,2026-11-20,800,SO-1002",
      "Birch Ltd,2026-10-10,500,SO-1003",
    ));
    expect(first).toMatchObject({ ok: true, created: 3, updated: 0, unchanged: 0 });
    const again = await importOrdersCsv(deps(), systemActor(tenantId), csv(
      "customer,date,amount,order_number",
      "华为技术,2026-11-03,1300,SO-1001",
      "Vega Group,2026-11-20,800,SO-1002",
      "Orion,2026-11-28,2000,SO-1004",
    ));
    expect(again).toMatchObject({ ok: true, created: 1, updated: 1, unchanged: 1 });
    const stored = await orders();
    expect(stored.map((o) => [o.reference, o.amountFen])).toEqual([
      ["SO-1001", 130_000n],
      ["SO-1002", 80_000n],
      ["SO-1003", 50_000n],
      ["SO-1004", 200_000n],
    ]);
    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId, action: "purchase_orders.imported" }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.after)).toEqual([
      { rows: 3, created: 3, updated: 0, unchanged: 0 },
      { rows: 3, created: 1, updated: 1, unchanged: 1 },
    ]);
  });

  it("feeds the report: sales per member and team, growth over the previous period and retention", async () => {
    // October is the previous period of November: Birch bought in October only, 华为 and Vega in November.
    await importOrdersCsv(deps(), systemActor(tenantId), csv(
      "customer,date,amount,order_number",
      "华为技术,2026-10-15,1000,SO-2001",
      "Orion,2026-10-20,1000,SO-2002",
    ));
    const report = await kpiReport(deps(), actor(d.manager), { from: "2026-11-01", to: "2026-11-30" });
    const a1 = report.members.find((r) => r.id === d.a1.id)!.metrics.sales;
    expect(a1).toEqual({ salesFen: 210_000n, previousFen: 100_000n, growth: 1.1, activeBefore: 1, retained: 1, retention: 1 });
    const a2 = report.members.find((r) => r.id === d.a2.id)!.metrics.sales;
    expect(a2).toEqual({ salesFen: 0n, previousFen: 50_000n, growth: -1, activeBefore: 1, retained: 0, retention: 0 });
    const team1 = report.teams.find((r) => r.id === d.s1.id)!.metrics.sales;
    expect(team1).toMatchObject({ salesFen: 210_000n, previousFen: 150_000n, activeBefore: 2, retained: 1, retention: 0.5 });
    expect(report.total.metrics.sales).toMatchObject({ salesFen: 410_000n, previousFen: 250_000n, activeBefore: 3, retained: 2 });
  });
});

describe("npm run accord -- import orders / export orders", () => {
  it("imports a file and exports every order in the import's columns, which re-imports unchanged", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "accord-orders-"));
    try {
      const file = path.join(dir, "orders.csv");
      await writeFile(file, csv("订单号,客户名称,订单日期,金额", "SO-3001,Vega Group,2026-12-01,99.90"));
      const env: CliEnvironment = {
        locale: "en",
        timeZone: "Asia/Shanghai",
        clock: new ManualClock(NOW),
        openDatabase: async () => ({ prisma: tdb.prisma, close: async () => undefined }),
        migrate: async () => ({ target: "x", applied: [], total: 1 }),
        readFile: async (f) => decodeCsvBytes(await readFile(f)),
      };
      let out = "";
      let err = "";
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) };
      expect(await runCli(["import", "orders", file], env, io)).toBe(0);
      expect(err).toBe("");
      expect(out).toContain("Orders imported: 1 new, 0 updated, 0 unchanged (matched by order number).");

      out = "";
      expect(await runCli(["export", "orders"], env, io)).toBe(0);
      const lines = out.replace(/^\uFEFF/u, "").trim().split("\r\n");
      expect(lines[0]).toBe("customer,date,amount,order_number");
      expect(lines).toContain("Vega Group,2026-12-01,99.90,SO-3001");
      expect(lines).toHaveLength(1 + (await tdb.prisma.purchaseOrder.count({ where: { tenantId } })));
      let exported = "";
      for await (const chunk of exportOrdersCsv(deps(), systemActor(tenantId))) exported += chunk;
      expect(await importOrdersCsv(deps(), systemActor(tenantId), exported)).toMatchObject({ ok: true, created: 0, updated: 0 });

      // The department's report as a workbook, per member, team and total, in the reader's language.
      const xlsx = path.join(dir, "report.xlsx");
      out = "";
      expect(await runCli(["report", "2026-11-01", "2026-11-30", "--xlsx", xlsx, "--lang", "zh-CN"], env, io)).toBe(0);
      expect(out).toContain("已将 2026-11-01 至 2026-11-30 的报表写入");
      const book = new ExcelJS.Workbook();
      // exceljs's typings predate @types/node's Buffer generics; the bytes are what it expects.
      await book.xlsx.load((await readFile(xlsx)) as never);
      const sheet = book.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 5)).toEqual(["类别", "名称", "人数", "客户数", "销售额（元）"]);
      const rows = sheet.getSheetValues().slice(2).filter((r) => Array.isArray(r) && r.length > 1) as unknown[][];
      const byName = new Map(rows.map((r) => [String(r[2]), r]));
      expect(byName.get("Alice")!.slice(1, 6)).toEqual(["成员", "Alice", 1, 2, 2100]);
      expect(byName.get("主管 Li 团队")!.slice(1, 6)).toEqual(["团队", "主管 Li 团队", 3, 3, 2100]);
      expect(byName.get("全部门")!.slice(1, 6)).toEqual(["合计", "全部门", 7, 4, 4100]);
      err = "";
      expect(await runCli(["report"], env, io)).toBe(2);
      expect(err).toContain("--xlsx");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
