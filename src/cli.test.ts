import { spawnSync } from "node:child_process";
import { createReadStream, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRunsElsewhere, openTestDatabase, type TestDatabase } from "../test/support/db.js";
import { makeTenant } from "../test/support/fixtures.js";
import { parseCliArgs, runCli, type CliEnvironment, type MigrationReport } from "./cli.js";
import { decodeCsvBytes } from "./core/imports/csv.js";
import { ManualClock } from "./core/shared/clock.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/**
 * `npm run accord` as package.json spells it, run without npm: node with the script's flags. The
 * `tsx` command would relay a stop signal to a child of its own and SIGKILL it when slow to exit
 * (a long import), so the script runs node itself, as `npm start` does.
 */
function accordArgs(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const [bin, ...args] = scripts.accord!.split(/\s+/);
  expect([bin, ...args.slice(0, 2)]).toEqual(["node", "--import", "tsx"]);
  expect(scripts.start!.startsWith("node --import tsx ")).toBe(true);
  return args;
}

const fixture = (name: string) => path.join(root, "test", "fixtures", "csv", name);

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

// What the in-process `migrate` reports; the real migration runs in a child process below (the
// test's embedded database takes only the connections it already has).
let migration: MigrationReport = { target: "127.0.0.1:5432/accord", applied: [], total: 1 };

function environment(): CliEnvironment {
  return {
    locale: "en",
    timeZone: "Asia/Shanghai",
    clock: new ManualClock("2026-11-23T01:00:00Z"),
    // The test owns the database; the CLI must not close it.
    openDatabase: async () => ({ prisma: tdb.prisma, close: async () => undefined }),
    migrate: async () => migration,
    readFile: async (file, encoding) => decodeCsvBytes(await readFile(file), encoding),
    // As main() does: customer imports stream the file.
    openFile: (file) => () => createReadStream(file),
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
    expect(customers.stdout).toContain("Imported 5 customers (VIP 3, A 1, B 1, C 0; 1 tier override), 3 contacts and 5 cadence callbacks.");
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(5);

    const exported = await run("export", "customers");
    expect(exported.code).toBe(0);
    const lines = exported.stdout.replace(/^\uFEFF/u, "").trimEnd().split("\r\n");
    // The tenant's language (zh-CN) writes the headers the import reads back.
    expect(lines[0]).toBe(
      "客户名称,客户经理,等级,年采购额,行业,区域,状态,合作开始,资信等级,赊销额度,战略客户,联系人,联系人职务,联系电话,邮箱,外部编号,等级调整原因,流失原因",
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
    expect(r.stderr).toContain("Nothing was imported: 3 problems in a file of 4 rows.");
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
    expect(help.stdout).toContain("import customers <file.csv|.xlsx> [--update]");
  });

  it("refuses a file mixing UTF-8 and GB18030 naming the line, imports UTF-16 with a BOM, and honours --encoding", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "CONSOLE" } });
    const owner = await tdb.prisma.memberIdentity.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const dir = await mkdtemp(path.join(tmpdir(), "accord-encoding-"));
    try {
      const mixed = path.join(dir, "mixed.csv");
      const gbName = Buffer.from("b1c8d1c7b5cfb9c9b7dd", "hex"); // 比亚迪股份 in GB18030
      await writeFile(mixed, Buffer.concat([Buffer.from(`name,owner\n中兴通讯,${owner.platformUserId}\n`), gbName, Buffer.from(`,${owner.platformUserId}\n`)]));
      const refused = await run("import", "customers", mixed, "--tenant", `console:${tenant.externalId}`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("from line 3 on");
      const forced = await run("import", "customers", mixed, "--encoding", "utf8", "--tenant", `console:${tenant.externalId}`);
      expect(forced.code).toBe(1);
      expect(forced.stderr).toContain("not valid utf-8 text from line 3 on");

      const utf16 = path.join(dir, "unicode.txt");
      await writeFile(utf16, Buffer.from(`\uFEFF客户名称\t客户经理\r\n万科企业\t${owner.platformUserId}\r\n`, "utf16le"));
      const imported = await run("import", "customers", utf16, "--tenant", `console:${tenant.externalId}`);
      expect(imported.stderr).toBe("");
      expect(imported.code).toBe(0);
      expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id, name: "万科企业" } })).toBe(1);
      expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id, name: { in: ["中兴通讯", "比亚迪股份"] } } })).toBe(0);
      expect((await run("import", "customers", utf16, "--encoding", "latin1")).stderr).toContain("Unknown encoding “latin1”");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Child processes on the embedded database (or none): once, in the PGlite pass.
  it.skipIf(embeddedRunsElsewhere)("runs as `npm run accord` does: a child process answering help and exiting 2 on an unknown command", () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ACCORD_LOCALE: "en" };
    const help = spawnSync(process.execPath, [...accordArgs(), "help"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("export customers");
    const bad = spawnSync(process.execPath, [...accordArgs(), "frobnicate"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown command “frobnicate”.");
  });

  it("shows the tenant's settings, one setting, and changes one as the system with an audit row without actor", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "CONSOLE" } });
    const option = `console:${tenant.externalId}`;
    const all = await run("settings", "--tenant", option);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Settings of console:${tenant.externalId} (`);
    expect(all.stdout).toContain("  timeZone = Asia/Shanghai\n");
    expect(all.stdout).toContain("  digests.callbacksAt = 09:00\n");
    expect(all.stdout).toContain("  channels.complaints = —\n");
    expect(await run("settings", "digests.churnAt", "--tenant", option)).toMatchObject({ code: 0, stdout: "digests.churnAt = 09:30\n" });

    const changed = await run("settings", "digests.callbacksAt", "08:15", "--tenant", option);
    expect(changed).toMatchObject({ code: 0, stderr: "", stdout: "digests.callbacksAt: 09:00 → 08:15\n" });
    const stored = await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect((stored.settings as { digests: { callbacksAt: string } }).digests.callbacksAt).toBe("08:15");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { tenantId: tenant.id, action: "tenant.setting_changed" } });
    expect(audit).toMatchObject({ actorId: null, platform: null, entityType: "Tenant", entityId: tenant.id });
    expect(audit.before).toEqual({ "digests.callbacksAt": "09:00" });
    expect(audit.after).toEqual({ "digests.callbacksAt": "08:15" });

    // Amounts are given in CNY and stored in fen, as in the chat command.
    expect((await run("settings", "hospitality.managerMaxFen", "12,000", "--tenant", option)).stdout).toBe("hospitality.managerMaxFen: ¥10,000.00 → ¥12,000.00\n");
  });

  it("refuses an unknown setting or a value that does not fit, with the setting's message, and writes nothing", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "CONSOLE" } });
    const option = `console:${tenant.externalId}`;
    const auditsBefore = await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } });
    const unknown = await run("settings", "digests.lunchAt", "12:00", "--tenant", option);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain("There is no setting digests.lunchAt.");
    expect((await run("settings", "digests.lunchAt", "--tenant", option)).stderr).toContain("There is no setting digests.lunchAt.");
    const bad = await run("settings", "digests.churnAt", "25:00", "--tenant", option);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"25:00" does not fit digests.churnAt');
    const zone = await run("settings", "timeZone", "Mars/Olympus", "--tenant", option, "--lang", "zh-CN");
    expect(zone.stderr).toContain("不是有效时区");
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id } })).toBe(auditsBefore);
    const stored = await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(stored.timeZone).toBe("Asia/Shanghai");
    expect((stored.settings as { digests: { churnAt?: string } }).digests.churnAt ?? "09:30").toBe("09:30");
    expect((await run("settings", "a", "b", "c", "--tenant", option)).code).toBe(2);
  });

  it("sets the complaints and digests channels, audited, and refuses another purpose with exit code 2", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "CONSOLE" } });
    const option = `console:${tenant.externalId}`;
    expect(await run("channel", "complaints", "C0COMPLAINTS", "--tenant", option)).toMatchObject({
      code: 0,
      stdout: "Complaints and escalations will be posted to C0COMPLAINTS.\n",
    });
    expect((await run("channel", "digests", "C0DIGESTS", "--tenant", option)).code).toBe(0);
    const stored = await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect((stored.settings as { channels: unknown }).channels).toEqual({ complaints: "C0COMPLAINTS", digests: "C0DIGESTS" });
    const audits = await tdb.prisma.auditLog.findMany({
      where: { tenantId: tenant.id, action: "tenant.setting_changed", actorId: null },
      orderBy: { at: "asc" },
    });
    expect(audits.map((a) => a.after)).toEqual(
      expect.arrayContaining([{ "channels.complaints": "C0COMPLAINTS" }, { "channels.digests": "C0DIGESTS" }]),
    );
    const wrong = await run("channel", "sales", "C0SALES", "--tenant", option);
    expect(wrong).toMatchObject({ code: 2, stdout: "" });
    expect(wrong.stderr).toContain("The channel must be complaints or digests, not “sales”.");
    expect(await run("channel", "complaints", "--tenant", option)).toMatchObject({ code: 2, stderr: "Missing <channel id>.\n" });
  });

  it("lists members with their role, supervisor and platform ids, and says so when there are none", async () => {
    const tenant = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "CONSOLE" } });
    await tdb.prisma.member.updateMany({ where: { tenantId: tenant.id, displayName: "客户经理 刘洋" }, data: { active: false } });
    const r = await run("members", "--tenant", `console:${tenant.externalId}`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Members of console:${tenant.externalId} (${tenant.name}) (5):`);
    expect(lines[1]).toMatch(/^Name\s+Role\s+Supervisor\s+Platform user ids$/u);
    const row = (name: string) => lines.find((l) => l.startsWith(name))!.split(/\s{2,}/u);
    expect(row("管理员 Admin")).toEqual(["管理员 Admin", "administrator", "—", "console:U_ADMIN"]);
    expect(row("主管 李娜")).toEqual(["主管 李娜", "supervisor", "经理 王强", "console:U_SUP1"]);
    expect(row("客户经理 张伟")).toEqual(["客户经理 张伟", "account manager", "主管 李娜", "console:U_AM1"]);
    // Active members first, highest role first; the inactive one last and marked.
    expect(lines.at(-1)).toMatch(/^客户经理 刘洋 \(inactive\)\s+account manager\s+主管 李娜\s+console:U_AM2$/u);
    // Columns line up on a terminal although the names mix Chinese (double width) and Latin letters.
    const width = (text: string) => [...text].reduce((w, ch) => w + (/\p{Script=Han}/u.test(ch) ? 2 : 1), 0);
    const roleColumn = lines.slice(1).map((l) => width(l.slice(0, l.search(/\b(Role|administrator|department manager|supervisor|account manager)\b/u))));
    expect(new Set(roleColumn).size).toBe(1);

    const slack = await tdb.prisma.tenant.findFirstOrThrow({ where: { platform: "SLACK" } });
    expect((await run("members", "--tenant", `slack:${slack.externalId}`)).stdout).toBe(`slack:${slack.externalId} (${slack.name}) has no members yet.\n`);
  });

  it("reports what migrate applied, or that the database is up to date", async () => {
    migration = { target: "db.internal:5432/accord", applied: ["20261123000000_init"], total: 1 };
    expect(await run("migrate")).toMatchObject({ code: 0, stdout: "Database db.internal:5432/accord: applied 1 migration: 20261123000000_init.\n" });
    migration = { target: "db.internal:5432/accord", applied: [], total: 1 };
    expect((await run("migrate", "--lang", "zh-CN")).stdout).toBe("数据库 db.internal:5432/accord 已是最新（共 1 个迁移）。\n");
  });

  it("seeds the demo tenant once: a second seed-demo changes nothing", async () => {
    const first = await run("seed-demo");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const demo = await tdb.prisma.tenant.findUniqueOrThrow({ where: { platform_externalId: { platform: "CONSOLE", externalId: "demo" } } });
    const members = await tdb.prisma.member.count({ where: { tenantId: demo.id } });
    const customers = await tdb.prisma.customer.count({ where: { tenantId: demo.id } });
    expect(members).toBe(14);
    expect(customers).toBe(200);
    expect(demo.timeZone).toBe("Asia/Shanghai");
    expect(first.stdout).toBe(`Demo tenant console:demo (${demo.name}) seeded: 14 members, 200 customers.\n`);
    const again = await run("seed-demo");
    expect(again).toMatchObject({ code: 0, stdout: `Demo tenant console:demo (${demo.name}) already exists; nothing changed.\n` });
    expect(await tdb.prisma.customer.count({ where: { tenantId: demo.id } })).toBe(200);
  });

  it("lists the operations commands in help, in both languages", async () => {
    const en = await run("help");
    for (const command of ["migrate", "seed-demo", "settings [<key> [<value>]]", "channel <complaints|digests>", "members [--tenant"]) {
      expect(en.stdout).toContain(command);
    }
    expect((await run("help", "--lang", "zh-CN")).stdout).toContain("列出成员及其角色和上级");
  });

  it.skipIf(embeddedRunsElsewhere)("migrates a fresh embedded database and exits, as `npm run accord -- migrate` does", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "accord-migrate-"));
    try {
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", ACCORD_LOCALE: "en", ACCORD_DATA_DIR: path.join(dir, "data") };
      const migrated = spawnSync(process.execPath, [...accordArgs(), "migrate"], { cwd: root, env, encoding: "utf8", timeout: 90_000 });
      expect(migrated.stderr).toBe("");
      expect(migrated.status).toBe(0);
      // Every committed migration, the init one first (other branches add theirs after it).
      expect(migrated.stdout).toMatch(/^Database embedded PGlite at .+: applied \d+ migrations?: \d{14}_init(, \d{14}_[a-z0-9_]+)*\.\n$/u);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
