// Starts one Accord process: database (migrated) -> HTTP server -> adapters.
import type { AppConfig } from "./config/config.js";
import { openDatabase, type Database } from "./db/database.js";
import type { Logger } from "./logger.js";
import { startHttpServer, type HttpServer } from "./server.js";

export interface RunningAccord {
  config: AppConfig;
  db: Database;
  server: HttpServer;
  logger: Logger;
  stop(): Promise<void>;
}

export async function startAccord(config: AppConfig, logger: Logger): Promise<RunningAccord> {
  const db = await openDatabase({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir });
  logger.info({ database: db.target, mode: db.mode }, "database ready, migrations applied");
  let server: HttpServer;
  try {
    server = await startHttpServer({ port: config.port, logger, ready: () => db.ready() });
  } catch (err) {
    await db.close();
    throw err;
  }
  const adapters: string[] = [];
  if (config.slack) adapters.push(config.slack.appToken ? "slack (socket mode)" : "slack (http)");
  if (config.feishu) adapters.push(`feishu (${config.feishu.mode})`);
  if (adapters.length === 0) {
    logger.info("no platform adapter configured (set SLACK_* or FEISHU_* to connect one)");
  } else {
    logger.info({ adapters }, "platform adapters active");
  }
  logger.info({ port: server.port }, `Accord listening on http://127.0.0.1:${server.port} (/healthz, /readyz)`);
  return {
    config,
    db,
    server,
    logger,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}

