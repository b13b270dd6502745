// SIGTERM is how Docker, Kubernetes and systemd stop Accord. Slack has already been told "200 OK"
// for every command it sent, so it will not send them again: each must still be carried out once
// and answered, and the process must be gone within the grace period. Real `npm start` against
// the fake Slack, on PostgreSQL when TEST_DATABASE_URL is set, else on an embedded data directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { FakeSlack, postSigned, SlackClientSide, waitFor } from "../fakes/slack.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { spawnAccord, withChildDatabase, type AccordProcess } from "../support/process.js";

const SECRET = "shutdown-test-signing-secret-0001";
const GRACE_SECONDS = 20;
const COMMANDS = 40;
const BUSY = "Accord is very busy right now and could not get to this in time. Please try again in a moment.";

let tdb: TestDatabase;
let fake: FakeSlack;
let dataDir: string | undefined;
let accord: AccordProcess | undefined;

beforeAll(async () => {
  tdb = await openTestDatabase();
  fake = await FakeSlack.start({ teamId: "TDRAIN" });
  if (tdb.mode === "pglite") dataDir = mkdtempSync(path.join(tmpdir(), "accord-drain-"));
});

afterAll(async () => {
  if (accord && accord.child.exitCode === null && accord.child.signalCode === null) accord.child.kill("SIGKILL");
  await fake?.close();
  await tdb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The child's database: the test's PostgreSQL, or the embedded data directory (while no server runs on it). */
const withDb = <T>(work: (db: Db) => Promise<T>) => withChildDatabase({ dataDir, tdb }, work);

describe("SIGTERM with commands in hand", () => {
  const users = Array.from({ length: COMMANDS }, (_, i) => ({ id: `UDRAIN${i}`, name: `drain.${i}` }));

  beforeAll(async () => {
    // A workspace already in use: the commands' cost is their own work, not first registrations.
    await withDb(async (db) => {
      const tenant = await db.tenant.create({ data: { platform: "SLACK", externalId: "TDRAIN", name: "Drain", locale: "en" } });
      for (const u of users) {
        await db.member.create({
          data: { tenantId: tenant.id, displayName: `Drain ${u.name}`, identities: { create: { tenantId: tenant.id, platform: "SLACK", platformUserId: u.id } } },
        });
      }
    });
  });

  it(`carries out and answers every one of ${COMMANDS} acknowledged commands once, turns new ones away, and exits within the grace period`, async () => {
    accord = spawnAccord({
      ...(dataDir ? { ACCORD_DATA_DIR: dataDir } : { DATABASE_URL: tdb.url }),
      PORT: "0",
      ACCORD_LOCALE: "en",
      ACCORD_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    const port = await accord.listening(90_000);
    const slack = new SlackClientSide(fake, `http://127.0.0.1:${port}/slack/events`, SECRET, { id: "TDRAIN", domain: "drain" });
    // Slack takes a while to say who each user is: every command is still in hand (waiting for
    // users.info, then queued for the database) when the signal arrives.
    for (const u of users) fake.addUser({ id: u.id, name: u.name, realName: `Drain ${u.name}`, locale: "en-US", infoDelayMs: 3_000 });
    const sent = await Promise.all(
      users.map(async (u, i) => {
        const responseUrl = fake.newResponseUrl();
        const ack = await postSigned(slack.appUrl, slack.commandBody(u, `customer add Drain Customer ${i}`, { responseUrl }), { secret: SECRET });
        return { ack, responseUrl, name: `Drain Customer ${i}` };
      }),
    );
    expect(sent.map((s) => s.ack.status)).toEqual(sent.map(() => 200));
    const answersTo = (responseUrl: string) =>
      fake
        .responsesTo(responseUrl)
        .map((r) => JSON.stringify(r.body))
        .filter((body) => !body.includes("Working on it"));
    const answeredBeforeSignal = sent.filter((s) => answersTo(s.responseUrl).length > 0).length;
    expect(answeredBeforeSignal, "the commands must still be in hand at the signal").toBe(0);

    const signalled = Date.now();
    accord.child.kill("SIGTERM");
    await waitFor(() => accord!.output().includes("shutting down"), "the signal to be handled");
    // A command arriving now is answered "busy" in its ack and never carried out.
    const late = await postSigned(slack.appUrl, slack.commandBody(users[0]!, "customer add Too Late Ltd"), { secret: SECRET });
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ response_type: "ephemeral", text: BUSY });

    const { code } = await accord.exited((GRACE_SECONDS + 10) * 1_000);
    const tookMs = Date.now() - signalled;
    expect(code, accord.output()).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_SECONDS * 1_000);
    expect(accord.output()).toContain("every accepted request answered");

    for (const s of sent) {
      const answers = answersTo(s.responseUrl);
      expect(answers, s.name).toHaveLength(1);
      expect(answers[0], s.name).toContain(s.name);
    }
    const stored = await withDb((db) =>
      db.customer.findMany({ where: { name: { startsWith: "Drain Customer" } }, select: { name: true } }),
    );
    expect(stored.map((c) => c.name).sort()).toEqual(sent.map((s) => s.name).sort());
    expect(await withDb((db) => db.customer.count({ where: { name: "Too Late Ltd" } }))).toBe(0);
  }, 180_000);
});
