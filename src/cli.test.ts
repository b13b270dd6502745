import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../test/support/db.js";
import { makeTenant } from "../test/support/fixtures.js";
import { parseCliArgs, runCli, type CliEnvironment } from "./cli.js";
import { decodeCsvBytes } from "./core/imports/csv.js";
import { ManualClock } from "./core/shared/clock.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixture = (name: string) => path.join(root, "test", "fixtures", "csv", name);

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

function environment(): CliEnvironment {
  return {
    locale: "en",
    clock: new ManualClock("2026-11-23T01:00:00Z"),
    // The test owns the database; the CLI must not close it.
    openDatabase: async () => ({ prisma: tdb.prisma, close: async () => undefined }),
    readFile: async (file) => decodeCsvBytes(await readFile(file)),
  };
}

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, environment(), {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

describe("parseCliArgs", () => {
  it("separates command words from --tenant and --lang in both spellings", () => {
    expect(parseCliArgs(["import", "customers", "a.csv", "--tenant", "slack:T1", "--lang=zh-CN"])).toEqual({
      words: ["import", "customers", "a.csv"],
      options: { tenant: "slack:T1", lang: "zh-CN" },
    });
    expect(parseCliArgs(["--", "export", "customers", "--tenant=feishu:tk"]).options.tenant).toBe("feishu:tk");
    expect(() => parseCliArgs(["export", "--force"])).toThrow(expect.objectContaining({ code: "cli.unknown_option" }));
    expect(() => parseCliArgs(["export", "--tenant"])).toThrow(expect.objectContaining({ code: "cli.missing_argument" }));
  });
});

describe("accord CLI", () => {
  it("refuses to guess when the database holds no tenant", async () => {
    const r = await run("export", "customers");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds no tenant");
  });

  it("imports members then customers into the only tenant and exports them again", async () => {
    const tenant = await makeTenant(tdb.prisma);
    const members = await run("import", "members", fixture("members.csv"));
    expect(members).toMatchObject({ code: 0, stderr: "" });
    expect(members.stdout).toContain("Members: 5 created, 0 updated, 0 unchanged.");

    const customers = await run("import", "customers", fixture("customers.csv"));
    expect(customers.stderr).toBe("");
    expect(customers.code).toBe(0);
    expect(customers.stdout).toContain("Imported 5 customers (VIP 3, A 1, B 1, C 0; 1 tier overrides), 3 contacts and 5 cadence callbacks.");
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(5);

    const exported = await run("export", "customers");
    expect(exported.code).toBe(0);
    const lines = exported.stdout.replace(/^\uFEFF/u, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "name,owner,tier,annual_purchase,industry,region,status,cooperation_start,credit_rating,credit_limit,strategic,contact_name,contact_title,contact_phone,contact_email",
    );
    expect(lines).toHaveLength(6);
    expect(exported.stdout).toContain('"Acme Trading, Ltd.",U_AM2,B,80000.50,');
  });

  it("prints every bad row on stderr, exits 1 and writes nothing", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow();
    const before = await tdb.prisma.customer.count({ where: { tenantId: tenant.id } });
    const r = await run("import", "customers", fixture("customers-bad.csv"), "--tenant", `console:${tenant.externalId}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("Line"))).toEqual([
      "Line 3: “annual_purchase”: “12.345” is not an amount in CNY (e.g. 1,200.50).",
      "Line 4: “cooperation_start”: “2020-02-30” is not a date (YYYY-MM-DD).",
      "Line 5: No member “U_NOBODY” (give a platform user id or the exact display name).",
    ]);
    expect(r.stderr).toContain("Nothing was imported: 3 problem(s) in a file of 4 row(s).");
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(before);
  });

  it("answers in Chinese with --lang zh-CN", async () => {
    const r = await run("import", "customers", fixture("customers-bad.csv"), "--lang", "zh-CN");
    expect(r.stderr).toContain("第 3 行：“annual_purchase”：“12.345”不是有效的人民币金额");
  });

  it("asks for --tenant when there are several, and names an unknown one", async () => {
    await makeTenant(tdb.prisma, { platform: "SLACK" });
    const several = await run("export", "customers");
    expect(several.code).toBe(1);
    expect(several.stderr).toMatch(/several tenants; choose one with --tenant: console:\S+ \(.+\), slack:/u);
    const unknown = await run("export", "customers", "--tenant", "slack:TNOPE");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No tenant slack:TNOPE.");
    const malformed = await run("export", "customers", "--tenant", "TNOPE");
    expect(malformed.stderr).toContain("--tenant must be <platform>:<external id>");
  });

  it("explains usage mistakes with exit code 2 and unreadable files with 1", async () => {
    const unknown = await run("imprt", "customers");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command “imprt customers”.");
    expect(unknown.stderr).toContain("Usage: npm run accord");
    const missing = await run("import", "customers");
    expect(missing).toMatchObject({ code: 2, stderr: "Missing <file>.\n" });
    const tenant = await tdb.prisma.tenant.findFirstOrThrow();
    const absent = await run("import", "customers", "/nonexistent/file.csv", "--tenant", `console:${tenant.externalId}`);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain("Cannot read /nonexistent/file.csv");
    const help = await run();
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("import customers <file.csv>");
  });

  it("runs as `npm run accord` does: a child process answering help and exiting 2 on an unknown command", () => {
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ACCORD_LOCALE: "en" };
    const help = spawnSync(process.execPath, [tsx, "src/cli.ts", "help"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("export customers");
    const bad = spawnSync(process.execPath, [tsx, "src/cli.ts", "frobnicate"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown command “frobnicate”.");
  });
});
