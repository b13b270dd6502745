// SIGTERM is how Docker, Kubernetes and systemd stop Accord. Slack has already been told "200 OK"
// for every command it sent, so it will not send them again: each must still be carried out once
// and answered, and the process must be gone within the grace period. Real `npm start` against
// the fake Slack, on PostgreSQL when TEST_DATABASE_URL is set, else on an embedded data directory.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeSlack, postSigned, SlackClientSide, waitFor } from "../fakes/slack.js";
import { BUSY_TEXT, expectCleanExit, finalAnswers, shutdownScene } from "../support/shutdown.js";

const SECRET = "shutdown-test-signing-secret-0001";
const GRACE_SECONDS = 20;
const COMMANDS = 40;

const scene = shutdownScene({ startFake: () => FakeSlack.start({ teamId: "TDRAIN" }), dataDirPrefix: "accord-drain-" });

describe("SIGTERM with commands in hand", () => {
  const users = Array.from({ length: COMMANDS }, (_, i) => ({ id: `UDRAIN${i}`, name: `drain.${i}` }));

  beforeAll(async () => {
    // A workspace already in use: the commands' cost is their own work, not first registrations.
    await scene.seedWorkspace(
      { platform: "SLACK", externalId: "TDRAIN", name: "Drain" },
      users.map((u) => ({ userId: u.id, name: `Drain ${u.name}` })),
    );
  });

  it(`carries out and answers every one of ${COMMANDS} acknowledged commands once, turns new ones away, and exits within the grace period`, async () => {
    const fake = scene.fake;
    const accord = scene.start(GRACE_SECONDS, { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl });
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
    const answersTo = (responseUrl: string) => finalAnswers(fake, responseUrl);
    const answeredBeforeSignal = sent.filter((s) => answersTo(s.responseUrl).length > 0).length;
    expect(answeredBeforeSignal, "the commands must still be in hand at the signal").toBe(0);

    const signalled = Date.now();
    accord.child.kill("SIGTERM");
    await waitFor(() => accord.output().includes("shutting down"), "the signal to be handled");
    // A command arriving now is answered "busy" in its ack and never carried out.
    const late = await postSigned(slack.appUrl, slack.commandBody(users[0]!, "customer add Too Late Ltd"), { secret: SECRET });
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ response_type: "ephemeral", text: BUSY_TEXT });

    await expectCleanExit(accord, signalled, GRACE_SECONDS);

    for (const s of sent) {
      const answers = answersTo(s.responseUrl);
      expect(answers, s.name).toHaveLength(1);
      expect(answers[0], s.name).toContain(s.name);
    }
    const stored = await scene.withDb((db) =>
      db.customer.findMany({ where: { name: { startsWith: "Drain Customer" } }, select: { name: true } }),
    );
    expect(stored.map((c) => c.name).sort()).toEqual(sent.map((s) => s.name).sort());
    expect(await scene.withDb((db) => db.customer.count({ where: { name: "Too Late Ltd" } }))).toBe(0);
  }, 180_000);
});
