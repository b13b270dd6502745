// Overload over Slack: the command is acknowledged at once as always, and when Accord cannot get to
// it in time the user is told "busy" on the response_url instead of waiting without an answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmission } from "../../src/conversation/admission.js";
import { createAcmeTrading } from "../support/platform.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

const admission = createAdmission({ maxInFlight: 1, maxWaitMs: 300, maxQueued: 10 });
let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness({ admission });
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
});

afterAll(async () => {
  await h?.close();
});

describe("overload", () => {
  it("answers 'busy' on response_url when the command waited too long for its turn, and writes nothing", async () => {
    // Every slot is taken by work that does not finish (standing in for a saturated process).
    let release!: () => void;
    const held = admission.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const customersBefore = await h.db.prisma.customer.count();
      const answer = await h.slack.command(team.alice, "customer add Overload Ltd");
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(1_000);
      expect(answer.json).toMatchObject({
        response_type: "ephemeral",
        text: "Accord is very busy right now and could not get to this in time. Please try again in a moment.",
      });
      expect(await h.db.prisma.customer.count()).toBe(customersBefore);
    } finally {
      release();
      await held;
    }
    // With the slot free again the same command goes through.
    const again = await h.slack.command(team.alice, "customer add Overload Ltd");
    expect(JSON.stringify(again.json)).toContain("Overload Ltd");
    expect(await h.db.prisma.customer.count({ where: { name: "Overload Ltd" } })).toBe(1);
  });
});
