// People named in notifications are Feishu mentions in the card's markdown (<at id=ou_…></at>;
// a text message would use <at user_id="ou_…"></at>, but Accord sends cards): a new complaint's reporter, the
// previous assignee of an escalated one, a customer's previous manager, the account manager of a
// low survey score, the members of a lead's team digest. The department's digest channel keeps
// plain names: mentions there would notify the whole department every morning. Delivered through
// the adapter's sender to the fake Slack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateComplaint, registerComplaint } from "../../src/core/complaints/complaints.js";
import { handOverCustomer } from "../../src/core/customers/handover.js";
import { enqueueNotifications } from "../../src/core/outbox/outbox.js";
import type { Actor } from "../../src/core/shared/context.js";
import { cardText } from "../fakes/feishu.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { COMPLAINTS_CHAT, seedDepartment, startHarness, type FeishuMember, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let acmeId: string;

const actor = (m: FeishuMember): Actor => ({ tenantId: team.tenant.id, memberId: m.memberId, role: m.role, platform: "FEISHU" });
const latestDmText = (m: FeishuMember) => {
  const card = h.fake.latestCardIn(h.fake.dmOf(m.openId));
  return card ? cardText(card.content) : "";
};
const at = (m: FeishuMember) => `<at id=${m.openId}></at>`;

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
    expect(latestDmText(team.alice)).toContain(at(team.amy));

    await escalateComplaint(h.deps, actor(team.alice), { complaintId: complaint.id, reason: "Needs a lead" });
    await h.deliverAll();
    const escalated = latestDmText(team.supervisor);
    expect(escalated).toContain("escalated to you");
    expect(escalated).toContain(at(team.alice));
  });

  it("names the old and new managers (and who handed over) in the handover notices", async () => {
    await handOverCustomer(h.deps, actor(team.supervisor), acmeId, team.amy.memberId, "Rebalancing");
    await h.deliverAll();
    const toNew = latestDmText(team.amy);
    expect(toNew).toContain("to you (previously managed by");
    expect(toNew).toContain(at(team.alice));
    expect(toNew).toContain(at(team.supervisor));
    const toOld = latestDmText(team.alice);
    expect(toOld).toContain(at(team.amy));
    // Back to Alice for the digests below.
    await handOverCustomer(h.deps, actor(team.supervisor), acmeId, team.alice.memberId, "Back");
    await h.deliverAll();
  });

  it("names the account manager in a low survey score alert", async () => {
    await h.db.prisma.$transaction((tx) =>
      enqueueNotifications(tx, [
        {
          tenantId: team.tenant.id,
          platform: "FEISHU",
          target: `member:${team.supervisor.memberId}`,
          intent: { kind: "survey.low_score", customerId: acmeId, assigneeId: team.alice.memberId, dimension: "Delivery", score: 2 },
          dedupeKey: "test:low-score",
        },
      ]),
    );
    await h.deliverAll();
    const alert = latestDmText(team.supervisor);
    expect(alert).toContain("2/5");
    expect(alert).toContain(at(team.alice));
  });

  it("names the team in the lead's digest, not in the department's digest channel", async () => {
    await h.db.prisma.tenant.update({ where: { id: team.tenant.id }, data: { settings: { channels: { complaints: COMPLAINTS_CHAT, digests: "oc_digests" } } } });
    const localDate = localDateInDays(h.deps, 0);
    const digest = (target: `member:${string}` | "channel:digests", kind: string) => ({
      tenantId: team.tenant.id,
      platform: "FEISHU" as const,
      target,
      intent: { kind, localDate },
      dedupeKey: `test:${kind}:${target}`,
    });
    await h.db.prisma.$transaction((tx) =>
      enqueueNotifications(tx, [digest(`member:${team.supervisor.memberId}`, "digest.callbacks.team"), digest("channel:digests", "digest.callbacks.team")]),
    );
    await h.deliverAll();
    const dm = latestDmText(team.supervisor);
    expect(dm).toContain(at(team.alice));
    const post = h.fake.latestCardIn("oc_digests");
    expect(post).toBeDefined();
    const posted = cardText(post!.content);
    expect(posted).toContain("Alice Zhang");
    expect(posted).not.toContain("<at ");
  });
});
