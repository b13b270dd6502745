#!/usr/bin/env node
// Runs the Prisma CLI offline. The 6.x CLI looks for engines to download unless a datasource
// URL is present, even for `generate` (DESIGN.md §4); any syntactically valid URL will do there.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const args = process.argv.slice(2);
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL || "postgresql://offline@127.0.0.1:1/offline",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_GENERATE_SKIP_AUTOINSTALL: "1",
};
if (args[0] === "migrate" && args[1] === "diff" && args.length === 2) {
  // npm run db:diff: the SQL that takes the committed migrations to the current schema.
  args.push("--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script");
}
const preload = new URL("./prisma-exit-on-idle.cjs", import.meta.url).pathname;
const r = spawnSync(process.execPath, ["-r", preload, cli, ...args], { stdio: "inherit", env });
process.exit(r.status ?? 1);
