// SIGTERM with Feishu on the long connection (FEISHU_MODE=ws). The connection closes first, so
// Feishu hands new events to another connection (or re-sends them: an event the app did not answer
// is not lost); every event already answered over it is carried out once and replied to through
// the open API before the process exits within the grace period. Real `npm start` against the fake
// Feishu's long connection, on PostgreSQL when TEST_DATABASE_URL is set, else embedded.
import { beforeAll, describe, expect, it } from "vitest";
import { FakeFeishu, FeishuClientSide, sleep, waitFor } from "../fakes/feishu.js";
import { expectCleanExit, shutdownScene } from "../support/shutdown.js";

// Generous: 40 commands on the embedded database of a loaded 2-core machine take ~20 s.
const GRACE_SECONDS = 30;
const MESSAGES = 40;
const VERIFICATION_TOKEN = "ws-drain-verification-token";

const scene = shutdownScene({ startFake: () => FakeFeishu.start({ tenantKey: "tk_ws_drain" }), dataDirPrefix: "accord-ws-drain-" });

describe("SIGTERM on the Feishu long connection", () => {
  const users = Array.from({ length: MESSAGES }, (_, i) => ({ openId: `ou_wsdrain${i}`, name: `WS ${i}` }));

  beforeAll(async () => {
    await scene.seedWorkspace(
      { platform: "FEISHU", externalId: "tk_ws_drain", name: "WS Drain" },
      users.map((u) => ({ userId: u.openId, name: u.name })),
    );
    for (const u of users) scene.fake.addUser(u);
  });

  it(`closes the connection first, then replies to every one of ${MESSAGES} answered events once and exits within the grace period`, async () => {
    const fake = scene.fake;
    const accord = scene.start(GRACE_SECONDS, {
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_DOMAIN: fake.baseUrl,
      FEISHU_MODE: "ws",
    });
    await accord.listening(90_000);
    await waitFor(() => fake.ws.connections === 1, "the long connection");
    const feishu = new FeishuClientSide(fake, "http://127.0.0.1:1", VERIFICATION_TOKEN);

    // Feishu is slow to take replies: every command is carried out or under way, its reply not
    // yet posted, when the signal arrives.
    fake.script("message.reply", ...users.map(() => ({ delayMs: 4_000 })));
    const sent = await Promise.all(
      users.map(async (u, i) => {
        const name = `WS Customer ${i}`;
        const { envelope, message } = feishu.messageEvent(u, `customer add ${name}`);
        const answer = await fake.ws.send(envelope, 10_000);
        return { answer, message, name };
      }),
    );
    expect(sent.map((s) => s.answer.code)).toEqual(sent.map(() => 200));
    expect(sent.filter((s) => fake.repliesTo(s.message.messageId).length > 0).length, "the replies must still be in hand at the signal").toBe(0);

    const signalled = Date.now();
    accord.child.kill("SIGTERM");
    // Events keep coming until the connection is gone; one that got no answer is Feishu's to re-send.
    const sending: Array<Promise<{ name: string; answered: boolean }>> = [];
    for (let i = 0; fake.ws.connections > 0 && Date.now() - signalled < 10_000; i++) {
      const name = `Late WS ${i}`;
      const { envelope } = feishu.messageEvent(users[i % users.length]!, `customer add ${name}`);
      sending.push(
        fake.ws.send(envelope, 3_000).then(
          (a) => ({ name, answered: a.code === 200 }),
          () => ({ name, answered: false }),
        ),
      );
      await sleep(20);
    }
    expect(fake.ws.connections, "the connection closes first").toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    const late = await Promise.all(sending);

    // Within the grace period plus the last steps (scheduler, pool, files).
    await expectCleanExit(accord, signalled, GRACE_SECONDS, GRACE_SECONDS * 1_000 + 5_000);
    // The SDK's reconnect loop must not open a new connection while the process drains.
    expect(fake.ws.connections).toBe(0);
    expect(fake.callsTo("ws.endpoint")).toHaveLength(1);

    for (const s of sent) {
      const replies = fake.repliesTo(s.message.messageId);
      expect(replies, s.name).toHaveLength(1);
      expect(JSON.stringify(replies[0]!.content), s.name).toContain(s.name);
    }
    const stored = new Set((await scene.withDb((db) => db.customer.findMany({ select: { name: true } }))).map((c) => c.name));
    for (const s of sent) expect(stored.has(s.name), s.name).toBe(true);
    // An event answered over the connection was taken on and carried out; one that was not is
    // left to Feishu's re-sending — never answered and then dropped.
    for (const l of late) if (l.answered) expect(stored.has(l.name), l.name).toBe(true);
  }, 180_000);
});
