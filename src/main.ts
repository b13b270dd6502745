// Entry point of `npm start`: config -> startAccord -> clean shutdown on SIGINT/SIGTERM.
import { secretValues, startAccord, type RunningAccord } from "./app.js";
import { ConfigError, loadConfig, type AppConfig } from "./config/config.js";
import { DatabaseError } from "./db/errors.js";
import { createLogger } from "./logger.js";

/** How long after the grace period a shutdown may still take before the process exits anyway. */
const HARD_EXIT_MARGIN_MS = 5_000;

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
  const graceMs = config.shutdownGraceSeconds * 1_000;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second signal: the operator does not want to wait.
      logger.warn({ signal }, "second signal, exiting at once");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceSeconds: config.shutdownGraceSeconds }, "shutting down: finishing accepted requests");
    // Whatever hangs (a stuck query, a platform that never answers), the process is gone soon
    // after the grace period: orchestrators kill it a little later anyway.
    setTimeout(() => {
      logger.error({ graceSeconds: config.shutdownGraceSeconds }, "shutdown did not finish in time, exiting");
      process.exit(1);
    }, graceMs + HARD_EXIT_MARGIN_MS).unref();
    running
      .stop(graceMs)
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
