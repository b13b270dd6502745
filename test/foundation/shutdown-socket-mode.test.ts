// SIGTERM with Slack in Socket Mode. Every envelope acknowledged before the signal must be carried
// out once and answered; the connection closes at once so that Slack sends new envelopes to the
// app's other connections; an Events API envelope that reaches the process while it drains is
// left unacknowledged (Slack re-sends those, never commands), a command is answered "busy" — none
// is acknowledged and then dropped. Real `npm start` against the fake Slack's Socket Mode
// (hello, envelope_id, acks), on PostgreSQL when TEST_DATABASE_URL is set, else embedded.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeSlack, SlackClientSide, sleep, waitFor } from "../fakes/slack.js";
import { BUSY_TEXT, expectCleanExit, finalAnswers, shutdownScene } from "../support/shutdown.js";

const SECRET = "socket-drain-signing-secret-0001";
const GRACE_SECONDS = 20;
const COMMANDS = 40;

const scene = shutdownScene({ startFake: () => FakeSlack.start({ teamId: "TSOCKET" }), dataDirPrefix: "accord-socket-drain-" });

describe("SIGTERM in Socket Mode", () => {
  const users = Array.from({ length: COMMANDS }, (_, i) => ({ id: `USOCK${i}`, name: `sock.${i}` }));

  beforeAll(async () => {
    await scene.seedWorkspace(
      { platform: "SLACK", externalId: "TSOCKET", name: "Socket" },
      users.map((u) => ({ userId: u.id, name: `Sock ${u.name}` })),
    );
  });

  it(`carries out every one of ${COMMANDS} acknowledged envelopes once, closes the connection at once, and never acknowledges an envelope it drops`, async () => {
    const fake = scene.fake;
    const accord = scene.start(GRACE_SECONDS, {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: "xapp-1-A0ACCORD-drain",
      SLACK_API_URL: fake.apiUrl,
    });
    await accord.listening(90_000);
    await waitFor(() => fake.socketConnections === 1, "the Socket Mode connection");
    const slack = new SlackClientSide(fake, "http://127.0.0.1:1/unused", SECRET, { id: "TSOCKET", domain: "socket" });
    // users.info is slow: every command is still in hand (acknowledged, not yet carried out) at the signal.
    for (const u of users) fake.addUser({ id: u.id, name: u.name, realName: `Sock ${u.name}`, locale: "en-US", infoDelayMs: 3_000 });

    const sent = users.map((u, i) => {
      const responseUrl = fake.newResponseUrl();
      const payload = Object.fromEntries(new URLSearchParams(slack.commandBody(u, `customer add Sock Customer ${i}`, { responseUrl })));
      const envelopeId = `env-cmd-${i}`;
      fake.sendEnvelope({ envelope_id: envelopeId, type: "slash_commands", accepts_response_payload: true, payload });
      return { envelopeId, responseUrl, name: `Sock Customer ${i}` };
    });
    const ackOf = (envelopeId: string) => fake.socketAcks.filter((a) => a.envelope_id === envelopeId);
    await waitFor(() => sent.every((s) => ackOf(s.envelopeId).length === 1), "every command envelope acknowledged");
    const answersTo = (responseUrl: string) => finalAnswers(fake, responseUrl);
    expect(sent.filter((s) => answersTo(s.responseUrl).length > 0).length, "the commands must still be in hand at the signal").toBe(0);

    const signalled = Date.now();
    accord.child.kill("SIGTERM");
    // Envelopes keep coming while the process drains, until its connection is gone.
    const late: Array<{ envelopeId: string; kind: "event" | "command"; name: string; responseUrl?: string }> = [];
    for (let i = 0; fake.socketConnections > 0 && Date.now() - signalled < 10_000; i++) {
      const user = users[i % users.length]!;
      const eventName = `Late Event ${i}`;
      const eventEnvelope = `env-late-event-${i}`;
      const reachedEvent = fake.sendEnvelope({
        envelope_id: eventEnvelope,
        type: "events_api",
        accepts_response_payload: false,
        payload: slack.eventPayload({ type: "message", channel_type: "im", channel: fake.dmOf(user.id), user: user.id, text: `customer add ${eventName}`, ts: `${Date.now() / 1000}` }),
      });
      if (reachedEvent > 0) late.push({ envelopeId: eventEnvelope, kind: "event", name: eventName });
      const commandName = `Late Command ${i}`;
      const responseUrl = fake.newResponseUrl();
      const commandEnvelope = `env-late-cmd-${i}`;
      const reachedCommand = fake.sendEnvelope({
        envelope_id: commandEnvelope,
        type: "slash_commands",
        accepts_response_payload: true,
        payload: Object.fromEntries(new URLSearchParams(slack.commandBody(user, `customer add ${commandName}`, { responseUrl }))),
      });
      if (reachedCommand > 0) late.push({ envelopeId: commandEnvelope, kind: "command", name: commandName, responseUrl });
      await sleep(20);
    }
    const closedAfterMs = Date.now() - signalled;
    expect(fake.socketConnections, "the connection closes while the work goes on").toBe(0);
    expect(closedAfterMs).toBeLessThan(5_000);

    await expectCleanExit(accord, signalled, GRACE_SECONDS);
    expect(accord.output()).toContain("socket mode connection closed for shutdown");

    for (const s of sent) {
      const answers = answersTo(s.responseUrl);
      expect(answers, s.name).toHaveLength(1);
      expect(answers[0], s.name).toContain(s.name);
    }
    const stored = await scene.withDb((db) => db.customer.findMany({ select: { name: true } }));
    const storedNames = new Set(stored.map((c) => c.name));
    for (const s of sent) expect(storedNames.has(s.name), s.name).toBe(true);

    // Whatever reached the draining process: carried out (and acknowledged), or told "busy" /
    // left unacknowledged — never acknowledged and then dropped. An unacknowledged event is
    // re-sent by Slack; an unacknowledged command (one that arrived as the connection closed)
    // shows its user Slack's own "did not respond" error.
    for (const l of late) {
      const acks = ackOf(l.envelopeId);
      const carriedOut = storedNames.has(l.name);
      if (l.kind === "event") {
        if (!carriedOut) expect(acks, `${l.name}: dropped, so it must be left for Slack to re-send`).toHaveLength(0);
        else expect(acks, l.name).toHaveLength(1);
      } else {
        if (carriedOut) expect(acks, l.name).toHaveLength(1);
        else if (acks.length > 0) expect(JSON.stringify(acks[0]!.payload ?? {}) + JSON.stringify(fake.responsesTo(l.responseUrl!).map((r) => r.body)), l.name).toContain(BUSY_TEXT);
      }
    }
    expect(stored.filter((c) => !c.name.startsWith("Sock Customer") && !c.name.startsWith("Late ")).length).toBe(0);
  }, 180_000);
});
