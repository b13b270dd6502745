import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { spawnAccord } from "../support/process.js";

function problemWith(env: Record<string, string>): { variable: string; message: string } {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { variable: err.variable, message: err.message };
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("applies the documented defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, dataDir: "./.data", timeZone: "Asia/Shanghai", locale: "zh-CN", admins: [] });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.slack).toBeUndefined();
    expect(c.feishu).toBeUndefined();
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://root@localhost/x" }, "DATABASE_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ ACCORD_TIMEZONE: "Mars/Olympus_Mons" }, "ACCORD_TIMEZONE"],
    [{ ACCORD_LOCALE: "fr" }, "ACCORD_LOCALE"],
    [{ SLACK_BOT_TOKEN: "xoxp-user-token", SLACK_SIGNING_SECRET: "s" }, "SLACK_BOT_TOKEN"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET"],
    [{ SLACK_APP_TOKEN: "xapp-1" }, "SLACK_BOT_TOKEN"],
    [{ SLACK_API_URL: "ftp://x" }, "SLACK_API_URL"],
    [{ FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s" }, "FEISHU_VERIFICATION_TOKEN"],
    [{ FEISHU_DOMAIN: "larkk" }, "FEISHU_DOMAIN"],
    [{ FEISHU_MODE: "socket" }, "FEISHU_MODE"],
    [{ ACCORD_METRICS_TOKEN: "short" }, "ACCORD_METRICS_TOKEN"],
  ])("names the variable in error for %o", (env, variable) => {
    const problem = problemWith(env as Record<string, string>);
    expect(problem.variable).toBe(variable);
    expect(problem.message).toContain(variable);
  });

  it("accepts a complete Slack and Feishu configuration", () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-123",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: "http://127.0.0.1:9999/api/",
      FEISHU_APP_ID: "cli_a",
      FEISHU_APP_SECRET: "b",
      FEISHU_VERIFICATION_TOKEN: "c",
      FEISHU_ENCRYPT_KEY: "d",
      FEISHU_DOMAIN: "lark",
      FEISHU_MODE: "ws",
      ACCORD_ADMINS: "U1, ou_2 ,",
    });
    expect(c.slack).toEqual({ botToken: "xoxb-123", signingSecret: "secret", apiUrl: "http://127.0.0.1:9999/api/" });
    expect(c.feishu).toMatchObject({ appId: "cli_a", domain: "lark", mode: "ws", encryptKey: "d" });
    expect(c.admins).toEqual(["U1", "ou_2"]);
    expect(c.metricsToken).toBeUndefined();
    expect(loadConfig({ ACCORD_METRICS_TOKEN: "0123456789abcdef" }).metricsToken).toBe("0123456789abcdef");
  });

  it("stops npm start with one line naming the bad variable and no stack trace", async () => {
    const p = spawnAccord({ PORT: "not-a-port" });
    const { code } = await p.exited();
    expect(code).toBe(2);
    const lines = p.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^accord: Invalid configuration: PORT /);
    expect(p.output()).not.toMatch(/at .*\.ts:\d+/);
  });
});
