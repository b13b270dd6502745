// The hospitality approval flow over Feishu, three users end to end, driven by card callbacks: a
// requester's text command, the outbox delivering the approver's card with buttons, clicks and
// form cards going back through the adapter into the real conversation layer and core, every
// posted copy of the card updated (PATCH) and stripped of its buttons; a click answered within
// 3 s while the database is slow; outbox deliveries under a frequency limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feishuUuid } from "../../src/adapters/feishu/adapter.js";
import { buttonsOf, cardText, findButton, formFieldsOf, RATE_LIMIT_PER_CHAT, sleep, waitFor, type FakeMessage } from "../fakes/feishu.js";
import { createAcmeTrading, localDateInDays, newestHospitalityRequest } from "../support/platform.js";
import { seedDepartment, startHarness, type FeishuMember, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let eventDate: string;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await createAcmeTrading(h.deps, team);
  eventDate = localDateInDays(h.deps, 10);
});

afterAll(async () => {
  await h?.close();
});

const approveButton = (m: FakeMessage) => findButton(m.content, /^hospitality\.approve/);
const rejectButton = (m: FakeMessage) => findButton(m.content, /^hospitality\.reject/);
const hasButtons = (m: FakeMessage) => buttonsOf(m.content).length > 0;

/** The request behind the newest card. */
const newestRequest = () => newestHospitalityRequest(h.db.prisma, team.tenant.id);

/** A direct-chat command with everything given: the request is filed straight away. */
async function requestByCommand(user: FeishuMember, amount: number, purpose: string) {
  const { answer, message } = await h.feishu.message(user, `hospitality acme ${amount} ${eventDate} banquet 6guests ${purpose}`);
  expect(answer.status).toBe(200);
  const reply = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the request card");
  return { reply, request: await newestRequest() };
}

/** The approver's card, delivered by the outbox to their direct chat. */
async function cardFor(user: FeishuMember): Promise<FakeMessage> {
  await h.deliverAll();
  return (await waitFor(() => h.fake.latestCardIn(h.fake.dmOf(user.openId)), `${user.name}'s card`))!;
}

describe("hospitality approvals over Feishu", () => {
  it("runs request → supervisor card → approve → manager card → approve → requester told, updating every card", async () => {
    const { reply, request } = await requestByCommand(team.alice, 5000, "annual thanks dinner");
    expect(cardText(reply.content)).toContain("Acme Trading");
    expect(request.status).toBe("PENDING");
    expect(request.steps.map((s) => [s.role, s.approverId, s.status])).toEqual([
      ["SUPERVISOR", team.supervisor.memberId, "PENDING"],
      ["MANAGER", team.manager.memberId, "WAITING"],
    ]);

    const supervisorCard = await cardFor(team.supervisor);
    const created = h.fake.callsTo("message.create").find((c) => c.body.receive_id === team.supervisor.openId)!;
    expect(created.query.receive_id_type).toBe("open_id");
    const outbox = await h.db.prisma.outboxMessage.findFirstOrThrow({ where: { entityId: request.id, target: `member:${team.supervisor.memberId}` } });
    expect(created.body.uuid).toBe(feishuUuid(outbox.dedupeKey));
    expect(created.body.uuid.length).toBeLessThanOrEqual(50);
    expect(outbox.platformMessageId).toBe(supervisorCard.messageId);
    expect(approveButton(supervisorCard)).toBeDefined();
    expect(rejectButton(supervisorCard)).toBeDefined();
    // The requester is a mention in the card's markdown, which notifies her and shows her current name.
    expect(cardText(supervisorCard.content)).toContain(`<at id=${team.alice.openId}></at> asks you to approve`);
    expect(JSON.stringify(supervisorCard.content)).not.toMatch(/[\uE000\uE001]/);
    expect(await h.db.prisma.messageRef.count({ where: { entityId: request.id, messageId: supervisorCard.messageId, channel: supervisorCard.chatId } })).toBe(1);

    const click = await h.feishu.click(team.supervisor, supervisorCard, approveButton(supervisorCard)!);
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(3_000);
    expect(click.json.toast.content).toContain("Wang Manager");
    expect(click.json.card.type).toBe("raw");
    expect(hasButtons(supervisorCard)).toBe(false);

    const managerCard = await cardFor(team.manager);
    expect(approveButton(managerCard)).toBeDefined();
    const second = await h.feishu.click(team.manager, managerCard, approveButton(managerCard)!);
    expect(second.status).toBe(200);
    expect(second.ms).toBeLessThan(3_000);
    // The manager's copy changed with the answer; the supervisor's copy by PATCH.
    await waitFor(() => supervisorCard.history.length >= 2, "the supervisor's copy to be patched");
    expect(h.fake.callsTo("message.patch").some((c) => c.path.endsWith(supervisorCard.messageId))).toBe(true);

    const told = await cardFor(team.alice);
    expect(cardText(told.content)).toContain("Approved");
    expect(cardText(told.content)).toContain(`final approval by <at id=${team.manager.openId}></at>`);

    const final = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(final.status).toBe("APPROVED");
    expect(final.steps.every((s) => s.status === "APPROVED")).toBe(true);
    for (const card of [supervisorCard, managerCard]) {
      expect(hasButtons(card)).toBe(false);
      expect(cardText(card.content)).toContain("Approved");
    }
    // The requester's own copy (the reply to her command) too: no live Cancel button left.
    await waitFor(() => (reply.history.length >= 1 && cardText(reply.content).includes("Approved") ? true : undefined), "the requester's copy to be patched");
    expect(hasButtons(reply)).toBe(false);
    expect(await h.db.prisma.messageRef.count({ where: { entityId: request.id, messageId: reply.messageId } })).toBe(1);
    const audits = await h.db.prisma.auditLog.findMany({ where: { entityId: request.id }, orderBy: { at: "asc" } });
    expect(audits.map((a) => [a.action, a.actorId, a.platform])).toEqual([
      ["hospitality.requested", team.alice.memberId, "FEISHU"],
      ["hospitality.step_approved", team.supervisor.memberId, "FEISHU"],
      ["hospitality.step_approved", team.manager.memberId, "FEISHU"],
    ]);
  });

  it("asks for a rejection reason in a form card, shows a missing reason on the form, then rejects", async () => {
    const { request } = await requestByCommand(team.alice, 1500, "client lunch");
    expect(request.steps).toHaveLength(1);
    const card = await cardFor(team.supervisor);

    const click = await h.feishu.click(team.supervisor, card, rejectButton(card)!);
    expect(click.status).toBe(200);
    expect(click.json.card).toBeUndefined();
    expect(hasButtons(card)).toBe(true);
    const form = await waitFor(() => h.fake.repliesTo(card.messageId)[0], "the reason form");
    expect(formFieldsOf(form.content)).toEqual(["reason"]);
    const submit = buttonsOf(form.content).find((b) => b.submit)!;
    expect(submit.value.form).toBe("hospitality.reject");

    const empty = await h.feishu.click(team.supervisor, form, submit, { formValue: { reason: "" } });
    expect(empty.status).toBe(200);
    expect(empty.json.toast.type).toBe("error");
    expect(formFieldsOf(empty.json.card.data)).toEqual(["reason"]);
    expect(cardText(empty.json.card.data).toLowerCase()).toMatch(/required|reason/);
    expect((await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING");

    const done = await h.feishu.click(team.supervisor, form, submit, { formValue: { reason: "Over the lunch budget for B-tier visits" } });
    expect(done.status).toBe(200);
    expect(done.ms).toBeLessThan(3_000);
    expect(formFieldsOf(done.json.card.data)).toEqual([]);
    const rejected = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.steps[0]!.reason).toBe("Over the lunch budget for B-tier visits");
    await waitFor(() => !hasButtons(card), "the approval card to lose its buttons");
    expect(cardText(card.content)).toContain("Over the lunch budget");

    const told = await cardFor(team.alice);
    expect(cardText(told.content)).toContain("Over the lunch budget for B-tier visits");
    expect(cardText(told.content)).toContain(`rejected by <at id=${team.supervisor.openId}></at>`);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { entityId: request.id, action: "hospitality.step_rejected" } });
    expect(audit.actorId).toBe(team.supervisor.memberId);
  });

  it("refuses a click by someone other than the approver and changes nothing", async () => {
    const { request } = await requestByCommand(team.alice, 1200, "team lunch with Acme buyers");
    const card = await cardFor(team.supervisor);
    const answer = await h.feishu.click(team.alice, card, approveButton(card)!);
    expect(answer.status).toBe(200);
    expect(answer.json.toast.content).toBe("This button is meant for someone else.");
    expect(answer.json.card).toBeUndefined();
    const after = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(after.status).toBe("PENDING");
    expect(await h.db.prisma.auditLog.count({ where: { entityId: request.id, action: { startsWith: "hospitality.step_" } } })).toBe(0);
    expect(approveButton(card)).toBeDefined();
    // The approver then decides; a second click on the now stale copy is told who decided.
    await h.feishu.click(team.supervisor, card, approveButton(card)!);
    const stale = await h.feishu.click(team.supervisor, { ...card, content: card.history.at(-1) }, approveButton({ ...card, content: card.history.at(-1) })!);
    expect(stale.json.toast.content).toMatch(/^Already decided/);
    expect(await h.db.prisma.auditLog.count({ where: { entityId: request.id, action: "hospitality.step_approved" } })).toBe(1);
  });

  it("records one decision when the same button is clicked 8 times at once", async () => {
    const { request } = await requestByCommand(team.alice, 1800, "quarterly review dinner");
    const card = await cardFor(team.supervisor);
    const button = approveButton(card)!;
    const clicks = await Promise.all(Array.from({ length: 8 }, () => h.feishu.click(team.supervisor, card, button)));
    expect(clicks.map((c) => c.status)).toEqual(Array(8).fill(200));
    expect(Math.max(...clicks.map((c) => c.ms))).toBeLessThan(3_000);
    const toasts = clicks.map((c) => String(c.json.toast?.content ?? ""));
    expect(toasts.filter((t) => t.startsWith("You approved"))).toHaveLength(1);
    expect(toasts.filter((t) => t.startsWith("Already decided"))).toHaveLength(7);
    const after = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(after.status).toBe("APPROVED");
    expect(await h.db.prisma.auditLog.count({ where: { entityId: request.id, action: "hospitality.step_approved" } })).toBe(1);
    expect(hasButtons(card)).toBe(false);
  });

  it("answers a click within 3 s while the database is slow, then updates the card", async () => {
    const { request } = await requestByCommand(team.alice, 1600, "supplier dinner");
    const card = await cardFor(team.supervisor);
    const button = approveButton(card)!;
    // A slow database: another transaction holds the request's row (and on PGlite, the only
    // pooled connection) for 4 s, longer than Feishu waits for a callback answer. The wait is in
    // JavaScript, not pg_sleep, because PGlite runs in this process and would freeze it.
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const held = h.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "HospitalityRequest" WHERE id = ${request.id} FOR UPDATE`;
        locked();
        await sleep(4_000);
      },
      { timeout: 20_000 },
    );
    await lockHeld;
    const click = await h.feishu.click(team.supervisor, card, button);
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(3_000);
    expect(click.json.toast.content).toMatch(/^Working on it/);
    expect(click.json.card).toBeUndefined();
    await held;
    await waitFor(() => !hasButtons(card), "the card to be patched once the decision is in", 15_000);
    expect(cardText(card.content)).toContain("Approved");
    expect(h.fake.callsTo("message.patch").some((c) => c.path.endsWith(card.messageId))).toBe(true);
    const after = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(after.status).toBe("APPROVED");
  }, 30_000);

  it("delivers an outbox card refused by the frequency limit once, with the outbox key as uuid", async () => {
    await h.deliverAll();
    const { request } = await requestByCommand(team.alice, 1100, "working lunch");
    h.fake.script("message.create", RATE_LIMIT_PER_CHAT);
    const card = await cardFor(team.supervisor);
    const outbox = await h.db.prisma.outboxMessage.findFirstOrThrow({ where: { entityId: request.id, target: `member:${team.supervisor.memberId}` } });
    expect(outbox.status).toBe("SENT");
    expect(outbox.platformMessageId).toBe(card.messageId);
    expect(card.uuid).toBe(feishuUuid(outbox.dedupeKey));
    const refused = h.fake.callsTo("message.create").filter((c) => c.code === 230020);
    expect(refused).toHaveLength(1);
    const uuid = refused[0]!.body.uuid as string;
    const sameKey = h.fake.callsTo("message.create").filter((c) => c.body.uuid === uuid);
    expect(sameKey.map((c) => c.code)).toEqual([230020, 0]);
    expect([...h.fake.messages.values()].filter((m) => m.uuid === uuid)).toHaveLength(1);
    const row = (await h.db.prisma.outboxMessage.findMany({ where: { tenantId: team.tenant.id } })).find((r) => feishuUuid(r.dedupeKey) === uuid)!;
    expect(row.status).toBe("SENT");
    expect(row.attempts).toBe(1);
  });
});
