// Dependencies point inward (CONVENTIONS.md): the core and the conversation layer never know
// which platform they serve, and the core never reaches out to conversation or adapters.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./support/process.js";

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (full.endsWith(".ts")) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
}

const platformSdk = /^@slack\/|^@larksuiteoapi\//;

describe("architecture", () => {
  it("keeps Slack and Feishu SDKs out of src/core and src/conversation", () => {
    const offenders = ["core", "conversation"]
      .flatMap((d) => sourceFiles(path.join(projectRoot, "src", d)))
      .flatMap((f) => importsOf(f).filter((i) => platformSdk.test(i)).map((i) => `${path.relative(projectRoot, f)} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it("keeps src/core free of conversation and adapter imports", () => {
    const offenders = sourceFiles(path.join(projectRoot, "src", "core"))
      .filter((f) => !f.endsWith(".test.ts"))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => /\/(conversation|adapters|scheduler)\//.test(i))
          .map((i) => `${path.relative(projectRoot, f)} imports ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it("lets only src/config read process.env", () => {
    const offenders = sourceFiles(path.join(projectRoot, "src"))
      .filter((f) => !f.includes(`${path.sep}config${path.sep}`) && !f.endsWith(".test.ts") && !f.endsWith("cli.ts"))
      .filter((f) => /process\.env\b/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, "")))
      .map((f) => path.relative(projectRoot, f));
    expect(offenders).toEqual(["src/db/migrate.ts"]);
  });
});
