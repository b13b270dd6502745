// People named in notifications are Slack mentions (<@U…>: the current name, a link, a
// notification where the person is in the conversation): a new complaint's reporter, the
// previous assignee of an escalated one, a customer's previous manager, the account manager of a
// low survey score, the members of a lead's team digest. The department's digest channel keeps
// plain names: mentions there would notify the whole department every morning. Delivered through
// the adapter's sender to the fake Slack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateComplaint, registerComplaint } from "../../src/core/complaints/complaints.js";
import { handOverCustomer } from "../../src/core/customers/handover.js";
import { enqueueNotifications } from "../../src/core/outbox/outbox.js";
import type { Actor } from "../../src/core/shared/context.js";
import { textOf } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { latestIn, seedDepartment, startHarness, type Harness, type SlackMember } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let acmeId: string;

const actor = (m: SlackMember): Actor => ({ tenantId: team.tenant.id, memberId: m.memberId, role: m.role, platform: "SLACK" });
const latestDmText = (m: SlackMember) => {
  const message = latestIn(h, h.fake.dmOf(m.id));
  return message ? `${message.text}\n${textOf(message.blocks)}` : "";
};

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  acmeId = (await createAcmeTrading(h.deps, team)).id;
});

afterAll(async () => {
  await h?.close();
});

describe("mentions in notifications", () => {
  it("names a new complaint's reporter to its assignee, and the previous assignee to whoever it is escalated to", async () => {
    const complaint = await registerComplaint(h.deps, actor(team.amy), { customerId: acmeId, severity: "MEDIUM", description: "Late delivery" });
    await h.deliverAll();
    expect(latestDmText(team.alice)).toContain("reported by");
    expect(latestDmText(team.alice)).toContain(`<@${team.amy.id}>`);

    await escalateComplaint(h.deps, actor(team.alice), { complaintId: complaint.id, reason: "Needs a lead" });
    await h.deliverAll();
    const escalated = latestDmText(team.supervisor);
    expect(escalated).toContain("escalated to you");
    expect(escalated).toContain(`<@${team.alice.id}>`);
  });

  it("names the old and new managers (and who handed over) in the handover notices", async () => {
    await handOverCustomer(h.deps, actor(team.supervisor), acmeId, team.amy.memberId, "Rebalancing");
    await h.deliverAll();
    const toNew = latestDmText(team.amy);
    expect(toNew).toContain("to you (previously managed by");
    expect(toNew).toContain(`<@${team.alice.id}>`);
    expect(toNew).toContain(`<@${team.supervisor.id}>`);
    const toOld = latestDmText(team.alice);
    expect(toOld).toContain(`<@${team.amy.id}>`);
    // Back to Alice for the digests below.
    await handOverCustomer(h.deps, actor(team.supervisor), acmeId, team.alice.memberId, "Back");
    await h.deliverAll();
  });

  it("names the account manager in a low survey score alert", async () => {
    await h.db.prisma.$transaction((tx) =>
      enqueueNotifications(tx, [
        {
          tenantId: team.tenant.id,
          platform: "SLACK",
          target: `member:${team.supervisor.memberId}`,
          intent: { kind: "survey.low_score", customerId: acmeId, assigneeId: team.alice.memberId, dimension: "Delivery", score: 2 },
          dedupeKey: "test:low-score",
        },
      ]),
    );
    await h.deliverAll();
    const alert = latestDmText(team.supervisor);
    expect(alert).toContain("2/5");
    expect(alert).toContain(`<@${team.alice.id}>`);
  });

  it("names the team in the lead's digest, not in the department's digest channel", async () => {
    await h.db.prisma.tenant.update({ where: { id: team.tenant.id }, data: { settings: { channels: { complaints: "C0COMPLAINTS", digests: "C0DIGESTS" } } } });
    const localDate = localDateInDays(h.deps, 0);
    const digest = (target: `member:${string}` | "channel:digests", kind: string) => ({
      tenantId: team.tenant.id,
      platform: "SLACK" as const,
      target,
      intent: { kind, localDate },
      dedupeKey: `test:${kind}:${target}`,
    });
    await h.db.prisma.$transaction((tx) =>
      enqueueNotifications(tx, [digest(`member:${team.supervisor.memberId}`, "digest.callbacks.team"), digest("channel:digests", "digest.callbacks.team")]),
    );
    await h.deliverAll();
    const dm = latestDmText(team.supervisor);
    expect(dm).toContain(`<@${team.alice.id}>`);
    const post = latestIn(h, "C0DIGESTS");
    expect(post).toBeDefined();
    const posted = `${post!.text}\n${textOf(post!.blocks)}`;
    expect(posted).toContain("Alice Zhang");
    expect(posted).not.toMatch(/<@U/);
  });
});
