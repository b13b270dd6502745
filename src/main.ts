// Entry point of `npm start`: config -> startAccord -> clean shutdown on SIGINT/SIGTERM.
import { secretValues, startAccord, type RunningAccord } from "./app.js";
import { ConfigError, loadConfig, type AppConfig } from "./config/config.js";
import { DatabaseError } from "./db/errors.js";
import { createLogger } from "./logger.js";

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`accord: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !config.slack && !config.feishu;
  // With the console on the terminal, logs go to stderr at warn level so they do not bury it.
  const secrets = { secrets: secretValues(config) };
  const logger = interactive
    ? createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr, secrets)
    : createLogger(config.logLevel, undefined, secrets);
  let running: RunningAccord;
  try {
    running = await startAccord(config, logger, interactive ? { terminal: { input: process.stdin, output: process.stdout } } : {});
  } catch (err) {
    if (err instanceof DatabaseError) {
      process.stderr.write(`accord: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    running
      .stop()
      .then(() => {
        logger.info("stopped cleanly");
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, "error while shutting down");
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  running.consoleClosed?.then(() => shutdown("console closed"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`accord: ${(err as Error).message}\n`);
  process.exit(1);
});
