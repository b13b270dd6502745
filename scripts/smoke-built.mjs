#!/usr/bin/env node
// Starts the built output exactly as the container image does (`node dist/src/main.js`) on a
// fresh embedded database and waits for /readyz. Run after `npm run build`; used by CI.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const dataDir = mkdtempSync(path.join(tmpdir(), "accord-smoke-"));
const env = { ...process.env, ACCORD_DATA_DIR: dataDir, PORT: "0" };
for (const k of Object.keys(env)) if (/^(SLACK_|FEISHU_|DATABASE_URL$)/.test(k)) delete env[k];
const child = spawn(process.execPath, ["dist/src/main.js"], { env, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
const deadline = setTimeout(() => fail("no /readyz within 60 s"), 60_000);

function fail(why) {
  console.error(`smoke test failed: ${why}\n${out}`);
  child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}

child.stdout.on("data", async (d) => {
  out += d.toString();
  const m = /"port":(\d+)[^\n]*Accord listening/.exec(out);
  if (!m || child.readyChecked) return;
  child.readyChecked = true;
  const res = await fetch(`http://127.0.0.1:${m[1]}/readyz`).catch((e) => fail(String(e)));
  if (!res || res.status !== 200) fail(`/readyz answered ${res?.status}`);
  child.kill("SIGTERM");
});
child.on("exit", (code) => {
  clearTimeout(deadline);
  rmSync(dataDir, { recursive: true, force: true });
  if (!child.readyChecked) fail(`exited with ${code} before /readyz`);
  if (code !== 0) fail(`stopped with exit code ${code}`);
  console.log("smoke test passed: node dist/src/main.js served /readyz and stopped cleanly");
});
