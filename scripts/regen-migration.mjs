#!/usr/bin/env node
// Pre-release only (nothing deployed yet): rewrites the single init migration from the schema
// and regenerates the client. Once a release ships, add new migrations with `npm run db:diff`.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const url = process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/test";
const run = (args, capture) =>
  spawnSync(process.execPath, ["scripts/prisma.mjs", ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
  });
const diff = run(["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], true);
if (diff.status !== 0) process.exit(diff.status ?? 1);
writeFileSync("prisma/migrations/20261123000000_init/migration.sql", diff.stdout);
const gen = run(["generate"], false);
process.exit(gen.status ?? 1);
