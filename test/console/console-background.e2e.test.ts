// A first `npm start` with the demo, in a real pseudo-terminal, and nobody typing: what falls due
// (here the morning digests the scheduler catches up on start) is delivered and printed in the
// background, above the prompt, as soon as it is committed — not only once someone types. Embedded database,
// the time zone chosen so that the demo's local time is midday: both digests are due.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRunsElsewhere } from "../support/db.js";
import { openDatabase } from "../../src/db/database.js";
import { sleep } from "../fakes/http-server.js";
import { projectRoot } from "../support/process.js";
import { spawnInPty, type PtySession } from "../support/pty.js";

const WITHIN_MS = 30_000;
let dataDir: string;
let pty: PtySession | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "accord-console-bg-"));
});
afterAll(() => {
  pty?.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** An Etc/GMT zone where it is about noon now (Etc/GMT-N is N hours ahead of UTC). */
function middayZone(now = new Date()): { zone: string; weekday: number } {
  const ahead = 12 - now.getUTCHours();
  const zone = ahead === 0 ? "Etc/GMT" : `Etc/GMT${ahead > 0 ? "-" : "+"}${Math.abs(ahead)}`;
  const local = new Date(now.getTime() + ahead * 3_600_000);
  return { zone, weekday: local.getUTCDay() };
}

describe.skipIf(embeddedRunsElsewhere)("the console demo in the background", () => {
  it("delivers every due message in the background with nobody typing, the first within 30 s, above the prompt", async () => {
    const { zone, weekday } = middayZone();
    const env: NodeJS.ProcessEnv = { ...process.env, ACCORD_DATA_DIR: dataDir, PORT: "0", ACCORD_LOCALE: "zh-CN", ACCORD_TIMEZONE: zone };
    for (const k of Object.keys(env)) if (/^(SLACK_|FEISHU_|DATABASE_URL)/.test(k)) delete env[k];
    const session = spawnInPty(`${process.execPath} --import tsx src/main.ts`, env, projectRoot);
    pty = session;
    await session.waitFor(/accord（刘洋）> $/, 120_000);
    const promptAt = Date.now();
    session.mark();
    // Nobody types. The catch-up's runs commit their digests one run at a time (on a loaded
    // machine the churn run alone took ~35 s): wait until the printing has stopped for 10 s.
    const headings = () => (session.output().match(/── 📨 发给 [^\n]+? 的消息 ──/g) ?? []).length;
    let seen = headings();
    let quietSince = Date.now();
    const expectSome = weekday !== 0 && weekday !== 6;
    while ((seen === 0 && expectSome ? true : Date.now() - quietSince < 10_000) && Date.now() - promptAt < 150_000) {
      await sleep(500);
      if (headings() !== seen) {
        seen = headings();
        quietSince = Date.now();
      }
    }
    const printed = session.sinceMark();
    const quitAt = Date.now();
    session.type("/quit");
    expect(await session.exited(30_000)).toBe(0);

    const db = await openDatabase({ dataDir });
    try {
      // Due by the end of the wait, with a few seconds' margin for a row that fell due at its very end.
      const stillDue = await db.prisma.outboxMessage.count({
        where: { status: { in: ["PENDING", "SENDING"] }, nextAttemptAt: { lte: new Date(quitAt - 5_000) } },
      });
      expect(stillDue).toBe(0);
      // Delivered by this process (the seed marks its own, older notifications sent, without a message id).
      const delivered = await db.prisma.outboxMessage.findMany({ where: { status: "SENT", platformMessageId: { startsWith: "console-" } } });
      // None waited for the /quit line to be delivered.
      const timeline = delivered.map((m) => `${m.target}: created ${m.createdAt.getTime() - promptAt} ms, sent ${m.sentAt!.getTime() - promptAt} ms after the prompt`).join("\n");
      for (const m of delivered) expect(m.sentAt!.getTime(), timeline).toBeLessThan(quitAt);
      if (expectSome) expect(delivered.length, "the caught-up digests").toBeGreaterThan(0);
      // Each was printed, and the prompt was drawn again below the last one.
      // The first of them within 30 s of the prompt; each one within a few seconds of its run committing it.
      if (delivered.length > 0) expect(Math.min(...delivered.map((m) => m.sentAt!.getTime())) - promptAt, timeline).toBeLessThan(WITHIN_MS);
      expect(seen).toBe(delivered.filter((m) => m.target.startsWith("member:")).length);
      if (seen > 0) expect(printed).toMatch(/发给 [\s\S]*accord（刘洋）> $/);
    } finally {
      await db.close();
    }
  }, 330_000);
});
