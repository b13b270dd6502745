// What every part of the Slack benchmarks (bench/ack.ts, bench/soak.ts) agrees on: where the
// repository and PostgreSQL are, and the one seeded Slack workspace (team, time zone, bot token,
// and the signing secret the load generator signs with and the servers check).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TZ = "Asia/Shanghai";
export const TEAM_ID = "T0BENCHACK";
export const BOT_TOKEN = "xoxb-bench";
/** New each run: nothing outside this run can sign a request the servers accept. */
export const SIGNING_SECRET = randomBytes(16).toString("hex");

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
