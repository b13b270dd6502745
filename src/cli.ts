// `npm run accord -- <command>`: operator commands run on the server (imports, export).
// Commands are rows of COMMANDS (words, arguments, whether they need the database, run), so a
// new command is one more row. runCli takes its environment as a parameter: tests run it in
// process against their own database.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Platform, Tenant } from "@prisma/client";
import { ConfigError, loadConfig } from "./config/config.js";
import { customersCatalog } from "./conversation/i18n/catalog/customers.js";
import type { Locale } from "./conversation/i18n/catalog/types.js";
import { systemActor } from "./core/imports/actor.js";
import { decodeCsvBytes, type ImportProblem } from "./core/imports/csv.js";
import { exportCustomersCsv } from "./core/imports/customers-export.js";
import { importCustomersCsv, type ImportFailure } from "./core/imports/customers-import.js";
import { importMembersCsv } from "./core/imports/members-import.js";
import { systemClock, type Clock } from "./core/shared/clock.js";
import type { CoreDeps } from "./core/shared/context.js";
import { isDomainError, type ErrorParams } from "./core/shared/errors.js";
import { openDatabase } from "./db/database.js";
import type { Db } from "./db/client.js";
import { DatabaseError } from "./db/errors.js";

export interface CliIo {
  stdout(text: string): void | Promise<void>;
  stderr(text: string): void | Promise<void>;
}

export interface CliEnvironment {
  locale: Locale;
  clock: Clock;
  openDatabase(): Promise<{ prisma: Db; close(): Promise<void> }>;
  readFile(file: string): Promise<string>;
}

export interface CliArgs {
  words: string[];
  options: { tenant?: string; lang?: Locale };
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

const OPTIONS = new Set(["tenant", "lang"]);

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
    if (!OPTIONS.has(name)) throw new CliError("cli.unknown_option", { option: arg });
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new CliError("cli.missing_argument", { argument: `--${name}` });
    if (name === "tenant") options.tenant = value;
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

export function formatMessage(locale: Locale, code: string, params: ErrorParams = {}): string {
  const template = customersCatalog[locale][code];
  if (template === undefined) return Object.keys(params).length > 0 ? `${code} ${JSON.stringify(params)}` : code;
  return template.replace(/\{(\w+)\}/gu, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

export function formatProblems(locale: Locale, failure: ImportFailure): string {
  const lines = failure.problems.map((p: ImportProblem) =>
    formatMessage(locale, "import.problem_line", { line: p.line, message: formatMessage(locale, p.code, p.params) }),
  );
  lines.push(formatMessage(locale, "import.rejected", { count: failure.problems.length, rows: failure.rows }));
  return `${lines.join("\n")}\n`;
}

interface CommandContext {
  env: CliEnvironment;
  io: CliIo;
  locale: Locale;
  args: CliArgs;
  /** Present for commands with needsDatabase. */
  deps: CoreDeps;
  tenant: Tenant;
}

interface CliCommand {
  words: readonly string[];
  /** Positional arguments after the words, as shown in messages ("<file>"). */
  arguments: readonly string[];
  needsDatabase: boolean;
  run(ctx: CommandContext, positionals: string[]): Promise<number>;
}

async function readInput(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await ctx.env.readFile(file);
  } catch (err) {
    throw new CliError("cli.file_unreadable", { file, problem: (err as Error).message });
  }
}

const COMMANDS: readonly CliCommand[] = [
  {
    words: ["import", "customers"],
    arguments: ["<file>"],
    needsDatabase: true,
    async run(ctx, [file]) {
      const text = await readInput(ctx, file!);
      const result = await importCustomersCsv(ctx.deps, systemActor(ctx.tenant.id), text);
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
      return 0;
    },
  },
  {
    words: ["import", "members"],
    arguments: ["<file>"],
    needsDatabase: true,
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
    words: ["export", "customers"],
    arguments: [],
    needsDatabase: true,
    async run(ctx) {
      for await (const chunk of exportCustomersCsv(ctx.deps, systemActor(ctx.tenant.id))) await ctx.io.stdout(chunk);
      return 0;
    },
  },
  {
    words: ["help"],
    arguments: [],
    needsDatabase: false,
    async run(ctx) {
      await ctx.io.stdout(`${formatMessage(ctx.locale, "cli.usage")}\n`);
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
      await io.stderr(`${formatMessage(locale, "cli.unknown_command", { command: words.join(" ") })}\n\n${formatMessage(locale, "cli.usage")}\n`);
      return 2;
    }
    const { command, positionals } = match;
    if (positionals.length < command.arguments.length) {
      throw new CliError("cli.missing_argument", { argument: command.arguments[positionals.length]! });
    }
    if (positionals.length > command.arguments.length) {
      throw new CliError("cli.unknown_command", { command: words.join(" ") });
    }
    let deps: CoreDeps | undefined;
    let tenant: Tenant | undefined;
    if (command.needsDatabase) {
      db = await env.openDatabase();
      deps = { db: db.prisma, clock: env.clock };
      tenant = await resolveTenant(db.prisma, args.options.tenant);
    }
    // deps and tenant are only read by commands that declared needsDatabase.
    return await command.run({ env, io, locale, args, deps: deps!, tenant: tenant! }, positionals);
  } catch (err) {
    if (err instanceof CliError) {
      await io.stderr(`${formatMessage(locale, err.code, err.params)}\n`);
      return err.code === "cli.unknown_option" || err.code === "cli.missing_argument" || err.code === "cli.unknown_command" ? 2 : 1;
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
    clock: systemClock,
    readFile: async (file) => decodeCsvBytes(await readFile(file)),
    openDatabase: () => openDatabase({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir }),
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
