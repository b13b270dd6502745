// A new Slack workspace's first commands arrive together (a team trying Accord at once): every one
// must be carried out, however the tenant and member registrations race.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned, SlackClientSide, waitFor, type SlackUserRef } from "../fakes/slack.js";
import { SIGNING_SECRET, startHarness, type Harness } from "./harness.js";

let h: Harness;

/** Posts `/crm <text>` as Slack would (acknowledged at once; the answer comes on the response_url). */
async function send(client: SlackClientSide, user: SlackUserRef, text: string) {
  const responseUrl = h.fake.newResponseUrl();
  const ack = await postSigned(client.appUrl, client.commandBody(user, text, { responseUrl }), { secret: SIGNING_SECRET });
  return { status: ack.status, responseUrl };
}

/** The command's answer (after a "working…" placeholder when the machine is slow). */
function finalAnswer(responseUrl: string): Promise<string> {
  return waitFor(
    () => h.fake.responsesTo(responseUrl).map((r) => String(r.body?.text)).find((text) => text !== "Working on it…"),
    "the final answer",
    30_000,
  );
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe("first contact from a new workspace", () => {
  it("answers 10 simultaneous first commands from 10 new users of a new workspace, with one tenant and one member each", async () => {
    const team = { id: "TNEWTEAM", domain: "new-team" };
    const client = new SlackClientSide(h.fake, h.slack.appUrl, SIGNING_SECRET, team);
    const users = Array.from({ length: 10 }, (_, i) => ({ id: `UNEW${i}`, name: `new.${i}` }));
    for (const u of users) h.fake.addUser({ id: u.id, name: u.name, realName: `New ${u.name}`, locale: "en-US" });

    const answers = await Promise.all(users.map((u) => send(client, u, "help")));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(await finalAnswer(answer.responseUrl)).toBe("Accord commands");
    }
    const tenants = await h.db.prisma.tenant.findMany({ where: { platform: "SLACK", externalId: team.id } });
    expect(tenants).toHaveLength(1);
    expect(await h.db.prisma.member.count({ where: { tenantId: tenants[0]!.id } })).toBe(10);
    expect(await h.db.prisma.auditLog.count({ where: { tenantId: tenants[0]!.id, action: "tenant.created" } })).toBe(1);
  });

  it("answers 10 simultaneous first commands of one new user in a new workspace, registering them once", async () => {
    const team = { id: "TNEWSOLO", domain: "new-solo" };
    const client = new SlackClientSide(h.fake, h.slack.appUrl, SIGNING_SECRET, team);
    const user = { id: "USOLO", name: "solo" };
    h.fake.addUser({ id: user.id, name: user.name, realName: "Solo User", locale: "en-US" });

    const answers = await Promise.all(Array.from({ length: 10 }, () => send(client, user, "help")));
    for (const answer of answers) expect(await finalAnswer(answer.responseUrl)).toBe("Accord commands");
    const tenant = await h.db.prisma.tenant.findUniqueOrThrow({ where: { platform_externalId: { platform: "SLACK", externalId: team.id } } });
    expect(await h.db.prisma.member.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await h.db.prisma.auditLog.count({ where: { tenantId: tenant.id, action: "member.registered" } })).toBe(1);
  });
});
