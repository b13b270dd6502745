// Command-parsing benchmark (npm run bench:parse). Parses the worst command texts we could
// construct at the maximum command length (TEXT_LIMITS.command characters) — long runs that
// every typed-value probe looks at, thousands of tokens, unclosed quotes and brackets, near-miss
// keywords — and the 100,000-character text that must be refused as too long. Prints the median
// and the slowest of RUNS parses per case. Target: every case ≤ 5 ms. Not part of `npm test`.
import { performance } from "node:perf_hooks";
import { TEXT_LIMITS } from "../src/core/shared/hygiene.js";
import { parseCommand } from "../src/conversation/grammar/index.js";
import { worstCaseCommands } from "../src/conversation/grammar/testing/worst-cases.js";

const RUNS = 200;
const TARGET_MS = 5;

const ctx = { now: new Date("2026-12-03T02:00:00Z"), timeZone: "Asia/Shanghai", locale: "en" };

const cases: [string, string][] = [...worstCaseCommands(TEXT_LIMITS.command), ["100,000 characters (refused)", "customer " + "x".repeat(100_000)]];

// Warm the JIT and the usage tables once so the first case is not charged for them.
for (const [, text] of cases) parseCommand(text, ctx);

const rows = cases.map(([name, text]) => {
  const times: number[] = [];
  let outcome = "";
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = parseCommand(text, ctx);
    times.push(performance.now() - started);
    outcome = result.ok ? result.command.kind : result.error.key;
  }
  times.sort((a, b) => a - b);
  return { name, length: [...text].length, median: times[Math.floor(RUNS / 2)]!, max: times[RUNS - 1]!, outcome };
});

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`Accord parse benchmark — ${RUNS} parses per case, max command length ${TEXT_LIMITS.command} characters`);
console.log("");
console.log(`${"case".padEnd(width)} |  chars | median ms | max ms | ok | outcome`);
console.log(`${"-".repeat(width)}-|--------|-----------|--------|----|--------`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(width)} | ${String(r.length).padStart(6)} | ${r.median.toFixed(3).padStart(9)} | ${r.max.toFixed(2).padStart(6)} | ${r.median <= TARGET_MS ? "✓ " : "✗ "} | ${r.outcome}`,
  );
}
const worst = rows.reduce((a, b) => (b.median > a.median ? b : a));
console.log("");
console.log(`worst case: ${worst.name}, median ${worst.median.toFixed(3)} ms (target ≤ ${TARGET_MS} ms)`);
if (rows.some((r) => r.median > TARGET_MS)) process.exitCode = 1;
