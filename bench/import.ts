// Customer import benchmark (npm run bench:import). Writes a CSV of ROWS customers (default
// 1,000,000; `-- --rows 100000` for fewer) to a temporary file — Chinese and English names,
// amounts with thousands separators, dates, contacts — builds a fresh PostgreSQL database
// `accord_bench_import` at BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
// with one tenant and 50 owners, then imports the file the way `accord import customers` does:
// streamed from disk, validated row by row into a staging table, written in one transaction.
// Prints the time and the process's peak RSS. Targets: peak RSS ≤ 300 MB. Not part of `npm test`.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createPrisma } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { systemActor } from "../src/core/imports/actor.js";
import { CUSTOMER_CSV, importCustomersFromSource } from "../src/core/imports/customers-import.js";
import { systemClock } from "../src/core/shared/clock.js";
import { ADMIN_URL, recreateDatabase, withDatabase } from "./seed.js";

const DB_NAME = "accord_bench_import";
const TARGET_RSS_MB = 300;
const OWNERS = 50;

function rowsOption(): number {
  const at = process.argv.indexOf("--rows");
  const n = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error("--rows takes a positive number");
  return n;
}

/** The file, written in blocks so writing it does not count against the import's memory. */
async function writeCsv(file: string, rows: number): Promise<void> {
  await writeFile(file, "\uFEFF" + CUSTOMER_CSV.columns.join(",") + "\r\n");
  const industries = ["通信设备", "汽车", "制造", "Retail", "能源", "金融"];
  const regions = ["华南", "华东", "华北", "西南", "东北"];
  for (let start = 0; start < rows; start += 50_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 50_000); i++) {
      const name = i % 2 === 0 ? `客户${i}有限公司` : `Customer ${i} Ltd`;
      const annual = i % 10 === 0 ? "6,000,000" : i % 3 === 0 ? "1,500,000.50" : i % 7 === 0 ? "" : "20,000";
      const coop = i % 4 === 0 ? `20${String(10 + (i % 15)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}` : "";
      const contact = i % 3 === 0 ? `联系人${i},采购经理,1380000${String(i % 10_000).padStart(4, "0")},c${i}@example.com` : ",,,";
      lines.push(`${name},U_OWNER_${i % OWNERS},,"${annual}",${industries[i % industries.length]},${regions[i % regions.length]},,${coop},,,no,${contact}`);
    }
    await writeFile(file, lines.join("\r\n") + "\r\n", { flag: "a" });
  }
}

async function main(): Promise<void> {
  const rows = rowsOption();
  const dir = await mkdtemp(path.join(tmpdir(), "accord-bench-import-"));
  const file = path.join(dir, "customers.csv");
  try {
    await writeCsv(file, rows);
    const bytes = (await stat(file)).size;

    await recreateDatabase(DB_NAME);
    const url = withDatabase(ADMIN_URL, DB_NAME);
    await migrateDatabase(url);
    const db = createPrisma(url, { poolSize: 2 });
    const tenant = await db.tenant.create({ data: { platform: "CONSOLE", externalId: `bench-${randomUUID()}`, name: "Bench" } });
    for (let i = 0; i < OWNERS; i++) {
      await db.member.create({
        data: {
          tenantId: tenant.id,
          displayName: `Owner ${i}`,
          identities: { create: { tenantId: tenant.id, platform: "CONSOLE", platformUserId: `U_OWNER_${i}` } },
        },
      });
    }
    // Measured from here: the file, the database and the tenant are the setting, not the work.
    const rssBefore = process.resourceUsage().maxRSS / 1024;
    const trace = process.env.BENCH_TRACE
      ? setInterval(() => {
          const m = process.memoryUsage();
          process.stderr.write(`rss ${(m.rss / 1048576).toFixed(0)} MB, heap ${(m.heapUsed / 1048576).toFixed(0)}/${(m.heapTotal / 1048576).toFixed(0)} MB, external ${(m.external / 1048576).toFixed(0)} MB, buffers ${(m.arrayBuffers / 1048576).toFixed(0)} MB\n`);
        }, 2_000)
      : undefined;
    const started = process.hrtime.bigint();
    const result = await importCustomersFromSource(
      { db, clock: systemClock },
      systemActor(tenant.id),
      () => createReadStream(file, { highWaterMark: 1 << 20 }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (trace) clearInterval(trace);
    const peak = process.resourceUsage().maxRSS / 1024;
    await db.$disconnect();

    console.log(`Accord import benchmark — ${rows.toLocaleString("en")} customers, ${(bytes / 1048576).toFixed(0)} MB of CSV, PostgreSQL`);
    console.log("");
    if (!result.ok) {
      console.log(`import refused: ${result.problems.length} problem(s), first: ${JSON.stringify(result.problems[0])}`);
      process.exitCode = 1;
      return;
    }
    console.log(`imported      ${result.imported.toLocaleString("en")} customers, ${result.contacts.toLocaleString("en")} contacts, ${result.cadenceCallbacks.toLocaleString("en")} cadence callbacks`);
    console.log(`time          ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString("en")} rows/s)`);
    console.log(`peak RSS      ${peak.toFixed(0)} MB (before the import: ${rssBefore.toFixed(0)} MB; target ≤ ${TARGET_RSS_MB} MB) ${peak <= TARGET_RSS_MB ? "✓" : "✗"}`);
    if (peak > TARGET_RSS_MB) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
