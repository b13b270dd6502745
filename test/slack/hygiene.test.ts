// Hostile input over Slack: a customer name with NUL, ESC, a lone surrogate and U+202E is stored
// clean; a burst of 100,000-character commands is answered "too long" while /healthz stays
// responsive (parsing them used to take ~19 s each, synchronously).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned, textOf, waitFor } from "../fakes/slack.js";
import { SIGNING_SECRET, seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
});

afterAll(async () => {
  await h?.close();
});

describe("input hygiene over Slack", () => {
  it("stores a customer name sent with NUL, ESC, a lone surrogate and U+202E clean", async () => {
    // URL-encoding cannot carry a lone surrogate (Slack sends UTF-8); the bytes of one (ED A0 80)
    // arrive and decode as U+FFFD, so the body is written by hand to send exactly those bytes.
    const responseUrl = h.fake.newResponseUrl();
    const body = h.slack
      .commandBody(team.alice, 'customer add "Evil\u0000 \u001b[2JCorp\u202Etxt.exe LONE"', { responseUrl })
      .replace("LONE", "%ED%A0%80");
    const answer = await postSigned(h.slack.appUrl, body, { secret: SIGNING_SECRET });
    expect(answer.status).toBe(200);
    // The first time Alice is seen her profile is fetched, so "working…" may come first.
    const reply = await waitFor(() => h.fake.responsesTo(responseUrl).find((r) => textOf(r.body.blocks).includes("Evil"))?.body, "the card");
    expect(textOf(reply.blocks)).toContain("Evil [2JCorptxt.exe");
    const stored = await h.db.prisma.customer.findFirstOrThrow({ where: { name: { startsWith: "Evil" } } });
    expect(stored.name).toMatch(/^Evil \[2JCorptxt\.exe \ufffd+$/);
    expect(stored.name).not.toMatch(/[\u0000\u001b\u202e]/);
  });

  it("answers a burst of 100,000-character commands with 'too long' while /healthz stays responsive", async () => {
    const before = await h.db.prisma.customer.count();
    const text = "customer add " + "x".repeat(100_000);
    const health = async () => {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${h.server.port}/healthz`);
      await res.text();
      return { status: res.status, ms: performance.now() - started };
    };
    const burst = Promise.all(Array.from({ length: 20 }, () => h.slack.command(team.alice, text)));
    const probes: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < 5; i++) probes.push(await health());
    const answers = await burst;
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(textOf(answer.json.blocks)).toContain("too long: at most 4000 characters");
    }
    expect(probes.every((p) => p.status === 200)).toBe(true);
    // A stalled event loop (the old parse) would hold every probe for seconds.
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(1_000);
    expect(await h.db.prisma.customer.count()).toBe(before);
  });
});
