// The only reader of process.env. A bad value stops the process with one line naming the
// variable, never a stack trace.
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "postgresql:" || u.protocol === "postgres:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a postgresql://user@host:port/database URL");

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: postgresUrl.optional().or(z.literal("").transform(() => undefined)),
  ACCORD_DATA_DIR: z.string().trim().min(1).default("./.data"),
  ACCORD_TIMEZONE: z
    .string()
    .trim()
    .default("Asia/Shanghai")
    .refine(isValidTimeZone, "must be an IANA time zone such as Asia/Shanghai"),
  ACCORD_LOCALE: z.enum(["zh-CN", "en"], { message: "must be zh-CN or en" }).default("zh-CN"),
  ACCORD_ADMINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ACCORD_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      message: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  ACCORD_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1 second")
    .max(3600, "must be at most 3600 seconds")
    .default(10),
  ACCORD_METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  SLACK_BOT_TOKEN: optionalString.pipe(
    z.string().startsWith("xoxb-", "must be a bot token starting with xoxb-").optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(
    z.string().startsWith("xapp-", "must be an app-level token starting with xapp-").optional(),
  ),
  SLACK_API_URL: optionalString.pipe(httpUrl.optional()),
  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_DOMAIN: optionalString.pipe(
    z
      .string()
      .refine(
        (v) => v === "feishu" || v === "lark" || /^https?:\/\/[^\s]+$/.test(v),
        "must be feishu, lark or a base URL such as https://open.feishu.cn",
      )
      .optional(),
  ),
  FEISHU_MODE: z.enum(["http", "ws"], { message: "must be http or ws" }).default("http"),
});

export type Env = z.infer<typeof envSchema>;

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  apiUrl?: string;
}

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  verificationToken: string;
  encryptKey?: string;
  domain: string;
  mode: "http" | "ws";
}

export interface AppConfig {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  timeZone: string;
  locale: "zh-CN" | "en";
  admins: string[];
  logLevel: Env["ACCORD_LOG_LEVEL"];
  /**
   * On SIGTERM/SIGINT, how long requests already accepted may take to finish and answer; the
   * process exits within this plus a few seconds.
   */
  shutdownGraceSeconds: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  slack?: SlackConfig;
  feishu?: FeishuConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

function requireTogether(
  env: Record<string, string | undefined>,
  names: string[],
  platform: string,
): boolean {
  const present = names.filter((n) => env[n]);
  if (present.length === 0) return false;
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new ConfigError(missing[0]!, `is required when ${present.join(", ")} is set (${platform})`);
  }
  return true;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, issue.message);
  }
  const env = parsed.data;
  const raw = env as unknown as Record<string, string | undefined>;

  let slack: SlackConfig | undefined;
  if (requireTogether(raw, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], "Slack")) {
    slack = {
      botToken: env.SLACK_BOT_TOKEN!,
      signingSecret: env.SLACK_SIGNING_SECRET!,
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    };
  } else if (env.SLACK_APP_TOKEN) {
    throw new ConfigError("SLACK_BOT_TOKEN", "is required when SLACK_APP_TOKEN is set (Slack)");
  }

  let feishu: FeishuConfig | undefined;
  if (requireTogether(raw, ["FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_VERIFICATION_TOKEN"], "Feishu")) {
    feishu = {
      appId: env.FEISHU_APP_ID!,
      appSecret: env.FEISHU_APP_SECRET!,
      verificationToken: env.FEISHU_VERIFICATION_TOKEN!,
      ...(env.FEISHU_ENCRYPT_KEY ? { encryptKey: env.FEISHU_ENCRYPT_KEY } : {}),
      domain: env.FEISHU_DOMAIN ?? "feishu",
      mode: env.FEISHU_MODE,
    };
  }

  return {
    port: env.PORT,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.ACCORD_DATA_DIR,
    timeZone: env.ACCORD_TIMEZONE,
    locale: env.ACCORD_LOCALE,
    admins: env.ACCORD_ADMINS,
    logLevel: env.ACCORD_LOG_LEVEL,
    shutdownGraceSeconds: env.ACCORD_SHUTDOWN_GRACE_SECONDS,
    ...(env.ACCORD_METRICS_TOKEN ? { metricsToken: env.ACCORD_METRICS_TOKEN } : {}),
    ...(slack ? { slack } : {}),
    ...(feishu ? { feishu } : {}),
  };
}
