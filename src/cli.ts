// `npm run accord -- <command>`: operator commands run on the server (imports, export, migrations,
// the demo tenant, tenant settings and channels, the member list). Commands are rows of COMMANDS
// (words, arguments, what they need, run), so a new command is one more row. runCli takes its
// environment as a parameter: tests run it in process against their own database.
import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Platform, Tenant } from "@prisma/client";
import { ConfigError, loadConfig, type AppConfig } from "./config/config.js";
import type { Locale } from "./conversation/i18n/catalog/types.js";
import { settingValueText } from "./conversation/builders/settings.js";
import { hasMessage, t } from "./conversation/i18n/index.js";
import { systemActor } from "./core/imports/actor.js";
import { csvEncodingOf, decodeCsvBytes, type CsvEncoding, type ImportProblem } from "./core/imports/csv.js";
import { exportCustomersCsv, exportCustomersXlsx } from "./core/imports/customers-export.js";
import { importCustomersCsv, importCustomersFromSource, type ImportFailure, type ImportResult } from "./core/imports/customers-import.js";
import type { CsvSource } from "./core/imports/stream.js";
import { importMembersCsv } from "./core/imports/members-import.js";
import { importReceivablesCsv } from "./core/imports/receivables-import.js";
import { exportOrdersCsv, importOrdersCsv } from "./core/imports/orders-import.js";
import { kpiReport } from "./core/kpi/kpi.js";
import { reportWorkbook } from "./conversation/exports/report-xlsx.js";
import { systemClock, type Clock } from "./core/shared/clock.js";
import type { CoreDeps } from "./core/shared/context.js";
import { isDomainError, type ErrorParams } from "./core/shared/errors.js";
import { changeTenantSetting, flattenSettings, setTenantChannel, type SettingValue } from "./core/tenants/admin.js";
import { toTenantView } from "./core/tenants/tenants.js";
import { openDatabase } from "./db/database.js";
import type { Db } from "./db/client.js";
import { startEmbeddedPostgres } from "./db/embedded.js";
import { DatabaseError, describeTarget } from "./db/errors.js";
import { committedMigrations, migrateDatabase } from "./db/migrate.js";
import { seedDemoTenant } from "./demo/seed.js";

export interface CliIo {
  stdout(text: string): void | Promise<void>;
  stderr(text: string): void | Promise<void>;
}

export interface MigrationReport {
  /** host:port/database or the embedded data directory, without credentials. */
  target: string;
  applied: string[];
  /** Migrations committed with this version of Accord. */
  total: number;
}

export interface CliEnvironment {
  locale: Locale;
  /** ACCORD_TIMEZONE: the demo tenant's time zone. */
  timeZone: string;
  clock: Clock;
  openDatabase(): Promise<{ prisma: Db; close(): Promise<void> }>;
  /** Applies the migrations to the configured database (without opening the app's pool). */
  migrate(): Promise<MigrationReport>;
  /** The file as text: strictly decoded (core/imports/decode.ts), in `encoding` when given. */
  readFile(file: string, encoding?: CsvEncoding): Promise<string>;
  /** The file's bytes, re-readable, for imports that stream (bounded memory); absent: readFile. */
  openFile?(file: string): CsvSource;
}

export interface CliArgs {
  words: string[];
  options: { tenant?: string; lang?: Locale; encoding?: CsvEncoding; update?: boolean; xlsx?: string };
}

/** A message the CLI prints: a catalog key and its parameters. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    readonly params: ErrorParams = {},
  ) {
    super(code);
  }
}

const OPTIONS = new Set(["tenant", "lang", "encoding", "xlsx"]);
/** Options without a value. */
const FLAGS = new Set(["update"]);

/** Splits argv into command words and --options (--tenant x and --tenant=x both work). */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const words: string[] = [];
  const options: CliArgs["options"] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (!arg.startsWith("--")) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(name) && eq < 0) {
      if (name === "update") options.update = true;
      continue;
    }
    if (!OPTIONS.has(name)) throw new CliError("cli.unknown_option", { option: arg });
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new CliError("cli.missing_argument", { argument: `--${name}` });
    if (name === "tenant") options.tenant = value;
    if (name === "encoding") {
      const encoding = csvEncodingOf(value);
      if (!encoding) throw new CliError("cli.unknown_encoding", { value });
      options.encoding = encoding;
    }
    if (name === "xlsx") options.xlsx = value;
    if (name === "lang") {
      if (value !== "en" && value !== "zh-CN") throw new CliError("cli.unknown_option", { option: arg });
      options.lang = value;
    }
  }
  return { words, options };
}

const PLATFORMS: Record<string, Platform> = { slack: "SLACK", feishu: "FEISHU", lark: "FEISHU", console: "CONSOLE" };

export function parseTenantOption(value: string): { platform: Platform; externalId: string } {
  const colon = value.indexOf(":");
  const platform = PLATFORMS[value.slice(0, Math.max(colon, 0)).toLowerCase()];
  const externalId = value.slice(colon + 1);
  if (colon < 0 || !platform || externalId === "") throw new CliError("cli.bad_tenant_option", { value });
  return { platform, externalId };
}

function tenantLabel(t: Pick<Tenant, "platform" | "externalId" | "name">): string {
  return `${t.platform.toLowerCase()}:${t.externalId} (${t.name})`;
}

/** The tenant named by --tenant, or the only one in the database. */
export async function resolveTenant(db: Db, option: string | undefined): Promise<Tenant> {
  const wanted = option === undefined ? undefined : parseTenantOption(option);
  if (wanted) {
    const t = await db.tenant.findUnique({ where: { platform_externalId: wanted } });
    if (t) return t;
  }
  const all = await db.tenant.findMany({ orderBy: { createdAt: "asc" }, take: 50 });
  const list = all.map(tenantLabel).join(", ");
  if (wanted) throw new CliError("cli.unknown_tenant", { tenant: option!, tenants: list || "-" });
  if (all.length === 0) throw new CliError("cli.no_tenant");
  if (all.length > 1) throw new CliError("cli.several_tenants", { tenants: list });
  return all[0]!;
}

/** A catalog message (any area: the CLI's own, the importers', a use case's error codes). */
export function formatMessage(locale: Locale, code: string, params: ErrorParams = {}): string {
  if (!hasMessage(code)) return Object.keys(params).length > 0 ? `${code} ${JSON.stringify(params)}` : code;
  return t(locale, code, params);
}

function usageText(locale: Locale): string {
  return `${formatMessage(locale, "cli.usage")}\n\n${formatMessage(locale, "cli.usage_operations")}`;
}

export function formatProblems(locale: Locale, failure: ImportFailure): string {
  const lines = failure.problems.map((p: ImportProblem) =>
    formatMessage(locale, "import.problem_line", { line: p.line, message: formatMessage(locale, p.code, p.params) }),
  );
  lines.push(formatMessage(locale, "import.rejected", { count: failure.problems.length + (failure.omitted ?? 0), rows: failure.rows }));
  return `${lines.join("\n")}\n`;
}

export function formatWarnings(locale: Locale, warnings: readonly ImportProblem[]): string {
  const lines = warnings.map((p) => formatMessage(locale, "import.warning_line", { line: p.line, message: formatMessage(locale, p.code, p.params) }));
  return `${lines.join("\n")}\n`;
}

interface CommandContext {
  env: CliEnvironment;
  io: CliIo;
  locale: Locale;
  args: CliArgs;
  /** Present for commands that need the database or a tenant. */
  deps: CoreDeps;
  /** Present for commands that need a tenant. */
  tenant: Tenant;
}

interface CliCommand {
  words: readonly string[];
  /** Positional arguments after the words, as shown in messages ("<file>"). */
  arguments: readonly string[];
  /** Further positional arguments that may be given, in order. */
  optionalArguments?: readonly string[];
  /** "tenant": the database and the tenant of --tenant (or the only one). */
  needs: "nothing" | "database" | "tenant";
  run(ctx: CommandContext, positionals: string[]): Promise<number>;
}

/** A value in its unit (yuan, days, hours), as the chat shows it; the operator still types keys. */
function settingText(locale: Locale, key: string, value: SettingValue | undefined): string {
  return settingValueText({ t: (k, params) => t(locale, k, params) }, key, value ?? null);
}

function settingOf(rows: ReturnType<typeof flattenSettings>, key: string): SettingValue | undefined {
  return rows.find((r) => r.key === key)?.value;
}

/** Rows of cells as columns padded to their widest cell (CJK characters count double). */
function columns(rows: string[][]): string {
  const width = (text: string) => [...text].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - width(cell)))).join("  "))
    .join("\n");
}

/** Streams the file when the environment can (a million rows in bounded memory), else reads it whole. */
async function importCustomersFile(ctx: CommandContext, file: string): Promise<ImportResult> {
  const actor = systemActor(ctx.tenant.id);
  const update = ctx.args.options.update === true;
  if (!ctx.env.openFile) return importCustomersCsv(ctx.deps, actor, await readInput(ctx, file), { update });
  try {
    const encoding = ctx.args.options.encoding;
    return await importCustomersFromSource(ctx.deps, actor, ctx.env.openFile(file), { update, ...(encoding ? { encoding } : {}) });
  } catch (err) {
    if (isDomainError(err)) throw new CliError(err.code, err.params);
    if ((err as NodeJS.ErrnoException).syscall) throw new CliError("cli.file_unreadable", { file, problem: (err as Error).message });
    throw err;
  }
}

async function readInput(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await ctx.env.readFile(file, ctx.args.options.encoding);
  } catch (err) {
    if (isDomainError(err)) throw new CliError(err.code, err.params);
    throw new CliError("cli.file_unreadable", { file, problem: (err as Error).message });
  }
}

const COMMANDS: readonly CliCommand[] = [
  {
    words: ["import", "customers"],
    arguments: ["<file>"],
    needs: "tenant",
    async run(ctx, [file]) {
      const result = await importCustomersFile(ctx, file!);
      if (!result.ok) {
        await ctx.io.stderr(formatProblems(ctx.locale, result));
        return 1;
      }
      const t = result.byTier;
      await ctx.io.stdout(
        `${formatMessage(ctx.locale, "import.customers_done", {
          imported: result.imported,
          vip: t.VIP,
          a: t.A,
          b: t.B,
          c: t.C,
          overrides: result.overrides,
          contacts: result.contacts,
          callbacks: result.cadenceCallbacks,
        })}\n`,
      );
      if (ctx.args.options.update) {
        // Per row, then the totals: what an --update did to each customer it names.
        const lines = result.outcomes.map((o) => formatMessage(ctx.locale, `import.row_${o.outcome}`, { line: o.line, name: o.name }));
        const { imported: created, updated, unchanged } = result;
        await ctx.io.stdout(`${[...lines, formatMessage(ctx.locale, "import.customers_update_done", { created, updated, unchanged })].join("\n")}\n`);
      }
      if (result.warnings.length > 0) await ctx.io.stderr(formatWarnings(ctx.locale, result.warnings));
      return 0;
    },
  },
  {
    words: ["import", "members"],
    arguments: ["<file>"],
    needs: "tenant",
    async run(ctx, [file]) {
      const text = await readInput(ctx, file!);
      const result = await importMembersCsv(ctx.deps, systemActor(ctx.tenant.id), text);
      if (!result.ok) {
        await ctx.io.stderr(formatProblems(ctx.locale, result));
        return 1;
      }
      const { created, updated, unchanged } = result;
      await ctx.io.stdout(`${formatMessage(ctx.locale, "import.members_done", { created, updated, unchanged })}\n`);
      return 0;
    },
  },
  {
    words: ["import", "receivables"],
    arguments: ["<file>"],
    needs: "tenant",
    async run(ctx, [file]) {
      const text = await readInput(ctx, file!);
      const result = await importReceivablesCsv(ctx.deps, systemActor(ctx.tenant.id), text);
      if (!result.ok) {
        await ctx.io.stderr(formatProblems(ctx.locale, result));
        return 1;
      }
      const { created, updated, customers, alerts } = result;
      await ctx.io.stdout(
        `${formatMessage(ctx.locale, "import.receivables_done", { created, updated, customers, overLimit: alerts.overLimit, overdue: alerts.overdue })}\n`,
      );
      return 0;
    },
  },
  {
    words: ["export", "customers"],
    arguments: [],
    needs: "tenant",
    async run(ctx) {
      const xlsx = ctx.args.options.xlsx;
      if (xlsx !== undefined) {
        const count = await exportCustomersXlsx(ctx.deps, systemActor(ctx.tenant.id), xlsx);
        await ctx.io.stderr(`${formatMessage(ctx.locale, "cli.export_xlsx_done", { count, file: xlsx })}\n`);
        return 0;
      }
      for await (const chunk of exportCustomersCsv(ctx.deps, systemActor(ctx.tenant.id))) await ctx.io.stdout(chunk);
      return 0;
    },
  },
  {
    words: ["import", "orders"],
    arguments: ["<file>"],
    needs: "tenant",
    async run(ctx, [file]) {
      const result = await importOrdersCsv(ctx.deps, systemActor(ctx.tenant.id), await readInput(ctx, file!));
      if (!result.ok) {
        await ctx.io.stderr(formatProblems(ctx.locale, result));
        return 1;
      }
      const { created, updated, unchanged } = result;
      await ctx.io.stdout(`${formatMessage(ctx.locale, "import.orders_done", { created, updated, unchanged })}\n`);
      return 0;
    },
  },
  {
    words: ["export", "orders"],
    arguments: [],
    needs: "tenant",
    async run(ctx) {
      for await (const chunk of exportOrdersCsv(ctx.deps, systemActor(ctx.tenant.id))) await ctx.io.stdout(chunk);
      return 0;
    },
  },
  {
    // The department's KPI report as a workbook (the format a department head forwards).
    words: ["report"],
    arguments: [],
    optionalArguments: ["[from]", "[to]"],
    needs: "tenant",
    async run(ctx, [from, to]) {
      if (!ctx.args.options.xlsx) throw new CliError("cli.missing_argument", { argument: "--xlsx <file>" });
      const actor = { tenantId: ctx.tenant.id, memberId: "accord-cli", role: "ADMIN" as const, platform: "CONSOLE" as const };
      const report = await kpiReport(ctx.deps, actor, { ...(from ? { from } : {}), ...(to ? { to } : {}) });
      await writeFile(ctx.args.options.xlsx, await reportWorkbook(report, ctx.locale));
      const rows = report.members.length + report.teams.length + 1;
      await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.report_written", { from: report.from, to: report.to, file: ctx.args.options.xlsx, rows })}\n`);
      return 0;
    },
  },
  {
    words: ["migrate"],
    arguments: [],
    needs: "nothing",
    async run(ctx) {
      const report = await ctx.env.migrate();
      const message =
        report.applied.length > 0
          ? formatMessage(ctx.locale, "cli.migrated", { target: report.target, count: report.applied.length, names: report.applied.join(", ") })
          : formatMessage(ctx.locale, "cli.migrations_up_to_date", { target: report.target, total: report.total });
      await ctx.io.stdout(`${message}\n`);
      return 0;
    },
  },
  {
    words: ["seed-demo"],
    arguments: [],
    needs: "database",
    async run(ctx) {
      const demo = await seedDemoTenant(ctx.deps, { timeZone: ctx.env.timeZone, locale: ctx.locale });
      const tenant = tenantLabel(demo.tenant);
      if (!demo.created) {
        await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.demo_exists", { tenant })}\n`);
        return 0;
      }
      const [members, customers] = await Promise.all([
        ctx.deps.db.member.count({ where: { tenantId: demo.tenant.id } }),
        ctx.deps.db.customer.count({ where: { tenantId: demo.tenant.id } }),
      ]);
      await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.demo_seeded", { tenant, members, customers })}\n`);
      return 0;
    },
  },
  {
    words: ["settings"],
    arguments: [],
    optionalArguments: ["<key>", "<value>"],
    needs: "tenant",
    async run(ctx, [key, value]) {
      const current = flattenSettings(toTenantView(ctx.tenant));
      if (key === undefined) {
        const lines = current.map((row) => `  ${row.key} = ${settingText(ctx.locale, row.key, row.value)}`);
        await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.settings_heading", { tenant: tenantLabel(ctx.tenant) })}\n${lines.join("\n")}\n`);
        return 0;
      }
      if (value === undefined) {
        if (!current.some((row) => row.key === key)) throw new CliError("settings.unknown_key", { key });
        await ctx.io.stdout(`${key} = ${settingText(ctx.locale, key, settingOf(current, key))}\n`);
        return 0;
      }
      const after = await changeTenantSetting(ctx.deps, systemActor(ctx.tenant.id), key, value);
      const message = formatMessage(ctx.locale, "cli.setting_changed", {
        key,
        before: settingText(ctx.locale, key, settingOf(current, key)),
        after: settingText(ctx.locale, key, settingOf(flattenSettings(after), key)),
      });
      await ctx.io.stdout(`${message}\n`);
      return 0;
    },
  },
  {
    words: ["channel"],
    arguments: ["<complaints|digests>", "<channel id>"],
    needs: "tenant",
    async run(ctx, [purpose, channel]) {
      if (purpose !== "complaints" && purpose !== "digests") throw new CliError("cli.bad_channel_purpose", { value: purpose! });
      await setTenantChannel(ctx.deps, systemActor(ctx.tenant.id), purpose, channel!);
      await ctx.io.stdout(`${formatMessage(ctx.locale, `admin.channel_set.${purpose}`, { channel: channel! })}\n`);
      return 0;
    },
  },
  {
    words: ["members"],
    arguments: [],
    needs: "tenant",
    async run(ctx) {
      const tenant = tenantLabel(ctx.tenant);
      const members = await ctx.deps.db.member.findMany({
        where: { tenantId: ctx.tenant.id },
        orderBy: [{ active: "desc" }, { role: "desc" }, { displayName: "asc" }],
        select: {
          displayName: true,
          role: true,
          active: true,
          supervisor: { select: { displayName: true } },
          identities: { select: { platform: true, platformUserId: true }, orderBy: { platform: "asc" } },
        },
      });
      if (members.length === 0) {
        await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.no_members", { tenant })}\n`);
        return 0;
      }
      const header = ["cli.column_name", "cli.column_role", "cli.column_supervisor", "cli.column_identities"].map((k) => formatMessage(ctx.locale, k));
      const rows = members.map((m) => [
        m.active ? m.displayName : `${m.displayName} ${formatMessage(ctx.locale, "cli.member_inactive")}`,
        formatMessage(ctx.locale, `enum.${m.role}`),
        m.supervisor?.displayName ?? "—",
        m.identities.map((i) => `${i.platform.toLowerCase()}:${i.platformUserId}`).join(", ") || "—",
      ]);
      await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.members_heading", { tenant, count: members.length })}\n${columns([header, ...rows])}\n`);
      return 0;
    },
  },
  {
    words: ["help"],
    arguments: [],
    needs: "nothing",
    async run(ctx) {
      await ctx.io.stdout(`${usageText(ctx.locale)}\n`);
      return 0;
    },
  },
];

/** The command whose words start `words` (longest first), and the words left as arguments. */
export function matchCommand(words: readonly string[]): { command: CliCommand; positionals: string[] } | null {
  const candidates = [...COMMANDS].sort((a, b) => b.words.length - a.words.length);
  for (const command of candidates) {
    if (command.words.every((w, i) => words[i]?.toLowerCase() === w)) {
      return { command, positionals: words.slice(command.words.length) };
    }
  }
  return null;
}

const USAGE_ERRORS = new Set(["cli.unknown_option", "cli.missing_argument", "cli.unknown_command", "cli.bad_channel_purpose"]);

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: readonly string[], env: CliEnvironment, io: CliIo): Promise<number> {
  let locale = env.locale;
  let db: { prisma: Db; close(): Promise<void> } | undefined;
  try {
    const args = parseCliArgs(argv);
    locale = args.options.lang ?? env.locale;
    const words = args.words.length === 0 ? ["help"] : args.words;
    const match = matchCommand(words);
    if (!match) {
      await io.stderr(`${formatMessage(locale, "cli.unknown_command", { command: words.join(" ") })}\n\n${usageText(locale)}\n`);
      return 2;
    }
    const { command, positionals } = match;
    if (positionals.length < command.arguments.length) {
      throw new CliError("cli.missing_argument", { argument: command.arguments[positionals.length]! });
    }
    if (positionals.length > command.arguments.length + (command.optionalArguments?.length ?? 0)) {
      throw new CliError("cli.unknown_command", { command: words.join(" ") });
    }
    let deps: CoreDeps | undefined;
    let tenant: Tenant | undefined;
    if (command.needs !== "nothing") {
      db = await env.openDatabase();
      deps = { db: db.prisma, clock: env.clock };
      if (command.needs === "tenant") tenant = await resolveTenant(db.prisma, args.options.tenant);
    }
    // deps and tenant are only read by commands that declared they need them.
    return await command.run({ env, io, locale, args, deps: deps!, tenant: tenant! }, positionals);
  } catch (err) {
    if (err instanceof CliError) {
      await io.stderr(`${formatMessage(locale, err.code, err.params)}\n`);
      return USAGE_ERRORS.has(err.code) ? 2 : 1;
    }
    if (isDomainError(err)) {
      await io.stderr(`${formatMessage(locale, "cli.failed", { message: formatMessage(locale, err.code, err.params) })}\n`);
      return 1;
    }
    if (err instanceof DatabaseError) {
      await io.stderr(`${formatMessage(locale, "cli.failed", { message: err.message })}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db?.close();
  }
}

/** Applies the migrations to DATABASE_URL, or to the embedded database under ACCORD_DATA_DIR. */
async function migrateConfigured(config: AppConfig): Promise<MigrationReport> {
  const committed = await committedMigrations();
  // migrateDatabase reads names off Prisma's printed tree, which also lists each migration.sql.
  const report = (target: string, printed: string[]): MigrationReport => ({
    target,
    applied: printed.filter((name) => committed.includes(name)),
    total: committed.length,
  });
  if (config.databaseUrl) return report(describeTarget(config.databaseUrl), (await migrateDatabase(config.databaseUrl)).applied);
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
  try {
    return report(`embedded PGlite at ${config.dataDir}`, (await migrateDatabase(embedded.url)).applied);
  } finally {
    await embedded.close();
  }
}

/** Waits for each chunk to be flushed, so a large export never piles up in memory. */
function writeTo(stream: NodeJS.WriteStream): (text: string) => Promise<void> {
  return (text) =>
    new Promise((resolve, reject) => {
      stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`accord: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const env: CliEnvironment = {
    locale: config.locale,
    timeZone: config.timeZone,
    clock: systemClock,
    readFile: async (file, encoding) => decodeCsvBytes(await readFile(file), encoding),
    openFile: (file) => () => createReadStream(file, { highWaterMark: 1 << 20 }),
    openDatabase: () => openDatabase({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir }),
    migrate: () => migrateConfigured(config),
  };
  // `export customers | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
  });
  const code = await runCli(process.argv.slice(2), env, { stdout: writeTo(process.stdout), stderr: writeTo(process.stderr) });
  process.exitCode = code;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`accord: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
