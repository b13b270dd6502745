// FEISHU_MODE=ws: node-sdk's WSClient asks the fake Feishu for a long-connection endpoint, connects
// to its WebSocket, and receives events and card callbacks as pbbp2 frames; the adapter answers
// through the same dispatcher as over HTTP — commands, re-deliveries acting once, and a card
// callback whose answer (toast and updated card) travels back over the connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonsOf, cardText, findButton, sleep, waitFor } from "../fakes/feishu.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness({ mode: "ws" });
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
});

afterAll(async () => {
  await h?.close();
});

describe("long connection", () => {
  it("connects with the app credentials", async () => {
    expect(h.adapter.mode).toBe("ws");
    const endpoint = h.fake.callsTo("ws.endpoint");
    expect(endpoint).toHaveLength(1);
    expect(endpoint[0]!.body).toMatchObject({ AppID: h.fake.appId, AppSecret: h.fake.appSecret });
    expect(h.fake.ws.connections).toBe(1);
  });

  it("answers a direct-chat command received over the connection, once per event", async () => {
    const { envelope, message } = h.feishu.messageEvent(team.alice, "customer acme");
    const answer = await h.fake.ws.send(envelope);
    expect(answer.code).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the reply card");
    expect(reply.content.header.title.content).toBe("Acme Trading");
    const again = await h.fake.ws.send(envelope);
    expect(again.code).toBe(200);
    await sleep(300);
    expect(h.fake.repliesTo(message.messageId)).toHaveLength(1);
  });

  it("answers a card callback over the connection with a toast and the updated card", async () => {
    const eventDate = localDateInDays(h.deps, 7);
    const { envelope, message } = h.feishu.messageEvent(team.alice, `hospitality acme 900 ${eventDate} meal 2guests lunch with buyer`);
    await h.fake.ws.send(envelope);
    await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the request card");
    await h.deliverAll();
    const card = await waitFor(() => h.fake.latestCardIn(h.fake.dmOf(team.supervisor.openId)), "the approver's card");
    const approve = findButton(card.content, /^hospitality\.approve/)!;
    expect(approve).toBeDefined();

    const answer = await h.fake.ws.send(h.feishu.clickEvent(team.supervisor, card, approve));
    expect(answer.code).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    expect(answer.data.toast.content).toMatch(/^You approved/);
    expect(answer.data.card.type).toBe("raw");
    expect(buttonsOf(answer.data.card.data)).toHaveLength(0);
    expect(cardText(answer.data.card.data)).toContain("Approved");
    const request = await h.db.prisma.hospitalityRequest.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { number: "desc" } });
    expect(request.status).toBe("APPROVED");
  });
});
