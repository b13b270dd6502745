// The mentions suite every adapter passes (test/slack/mentions.test.ts, test/feishu/...): people
// named in notifications are the platform's mentions — a new complaint's reporter, the previous
// assignee of an escalated one, a customer's previous manager, the account manager of a low
// survey score, the members of a lead's team digest — while the department's digest channel keeps
// plain names (mentions there would notify the whole department every morning). Each platform
// gives its harness, how it writes a mention and how it reads what was delivered.
import type { Platform, Role } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateComplaint, registerComplaint } from "../../src/core/complaints/complaints.js";
import { handOverCustomer } from "../../src/core/customers/handover.js";
import { enqueueNotifications } from "../../src/core/outbox/outbox.js";
import type { Actor, CoreDeps } from "../../src/core/shared/context.js";
import type { Db } from "../../src/db/client.js";
import { createAcmeTrading, localDateInDays } from "./platform.js";

interface Member {
  memberId: string;
  role: Role;
}

export interface MentionsScene<M extends Member> {
  platform: Platform;
  db: Db;
  deps: CoreDeps;
  team: { tenant: { id: string; platform: Platform }; alice: M; amy: M; supervisor: M };
  deliverAll(): Promise<void>;
  /** The latest direct message the member received, as text (mentions as the platform writes them). */
  latestDmText(m: M): string;
  /** The latest post in a channel, as text; undefined when there is none. */
  latestPostText(channelId: string): string | undefined;
  /** How the platform writes a mention of `m` in a message Accord sends. */
  mention(m: M): string;
  /** Text that gives away any mention at all. */
  anyMention: RegExp;
  channels: { complaints: string; digests: string };
  close(): Promise<void>;
}

export function describeMentions<M extends Member>(start: () => Promise<MentionsScene<M>>): void {
  let s: MentionsScene<M>;
  let acmeId: string;
  const actor = (m: M): Actor => ({ tenantId: s.team.tenant.id, memberId: m.memberId, role: m.role, platform: s.platform });

  beforeAll(async () => {
    s = await start();
    acmeId = (await createAcmeTrading(s.deps, s.team)).id;
  });

  afterAll(async () => {
    await s?.close();
  });

  describe("mentions in notifications", () => {
    it("names a new complaint's reporter to its assignee, and the previous assignee to whoever it is escalated to", async () => {
      const { team } = s;
      const complaint = await registerComplaint(s.deps, actor(team.amy), { customerId: acmeId, severity: "MEDIUM", description: "Late delivery" });
      await s.deliverAll();
      expect(s.latestDmText(team.alice)).toContain("reported by");
      expect(s.latestDmText(team.alice)).toContain(s.mention(team.amy));

      await escalateComplaint(s.deps, actor(team.alice), { complaintId: complaint.id, reason: "Needs a lead" });
      await s.deliverAll();
      const escalated = s.latestDmText(team.supervisor);
      expect(escalated).toContain("escalated to you");
      expect(escalated).toContain(s.mention(team.alice));
    });

    it("names the old and new managers (and who handed over) in the handover notices", async () => {
      const { team } = s;
      await handOverCustomer(s.deps, actor(team.supervisor), acmeId, team.amy.memberId, "Rebalancing");
      await s.deliverAll();
      const toNew = s.latestDmText(team.amy);
      expect(toNew).toContain("to you (previously managed by");
      expect(toNew).toContain(s.mention(team.alice));
      expect(toNew).toContain(s.mention(team.supervisor));
      expect(s.latestDmText(team.alice)).toContain(s.mention(team.amy));
      // Back to Alice for the digests below.
      await handOverCustomer(s.deps, actor(team.supervisor), acmeId, team.alice.memberId, "Back");
      await s.deliverAll();
    });

    it("names the account manager in a low survey score alert", async () => {
      const { team } = s;
      await s.db.$transaction((tx) =>
        enqueueNotifications(tx, [
          {
            tenantId: team.tenant.id,
            platform: s.platform,
            target: `member:${team.supervisor.memberId}`,
            intent: { kind: "survey.low_score", customerId: acmeId, assigneeId: team.alice.memberId, dimension: "Delivery", score: 2 },
            dedupeKey: "test:low-score",
          },
        ]),
      );
      await s.deliverAll();
      const alert = s.latestDmText(team.supervisor);
      expect(alert).toContain("2/5");
      expect(alert).toContain(s.mention(team.alice));
    });

    it("names the team in the lead's digest, not in the department's digest channel", async () => {
      const { team } = s;
      await s.db.tenant.update({ where: { id: team.tenant.id }, data: { settings: { channels: s.channels } } });
      const localDate = localDateInDays(s.deps, 0);
      const digest = (target: `member:${string}` | "channel:digests", kind: string) => ({
        tenantId: team.tenant.id,
        platform: s.platform,
        target,
        intent: { kind, localDate },
        dedupeKey: `test:${kind}:${target}`,
      });
      await s.db.$transaction((tx) =>
        enqueueNotifications(tx, [digest(`member:${team.supervisor.memberId}`, "digest.callbacks.team"), digest("channel:digests", "digest.callbacks.team")]),
      );
      await s.deliverAll();
      expect(s.latestDmText(team.supervisor)).toContain(s.mention(team.alice));
      const posted = s.latestPostText(s.channels.digests);
      expect(posted).toBeDefined();
      expect(posted).toContain("Alice Zhang");
      expect(posted).not.toMatch(s.anyMention);
    });
  });
}
