// The hospitality approval flow over Slack, three users end to end: a requester's /crm command,
// the outbox delivering the approver's DM with buttons, clicks and modals going back through the
// adapter into the real conversation layer and core, and every posted copy of the card updated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonsOf, findButton, textOf, waitFor, type PostedMessage } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays, newestHospitalityRequest } from "../support/platform.js";
import { latestIn, seedDepartment, startHarness, type Harness, type SlackMember } from "./harness.js";

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

const approveButton = (m: PostedMessage) => findButton(m.blocks, /^hospitality\.approve/);
const rejectButton = (m: PostedMessage) => findButton(m.blocks, /^hospitality\.reject/);
const hasButtons = (m: PostedMessage) => buttonsOf(m.blocks).length > 0;

/** The request behind the newest card. */
const newestRequest = () => newestHospitalityRequest(h.db.prisma, team.tenant.id);

/** `/crm hospitality …` with everything given: the request is filed straight from the command. */
async function requestByCommand(user: SlackMember, amount: number, purpose: string) {
  const answer = await h.slack.command(user, `hospitality acme ${amount} ${eventDate} banquet 6guests ${purpose}`);
  expect(answer.status).toBe(200);
  expect(answer.ms).toBeLessThan(3_000);
  expect(answer.json.response_type).toBe("ephemeral");
  return { answer, request: await newestRequest() };
}

/** Everything the user was told after clicking: ephemerals and modals opened for them. */
function answersFor(user: SlackMember, since: number): string[] {
  const ephemerals = h.fake.ephemeralsFor(user.id).filter((e) => e.at >= since).map((e) => textOf(e.blocks) || e.text);
  const modals = [...h.fake.views.values()]
    .filter((v) => h.fake.calls.some((c) => c.at >= since && c.method === "views.open" && c.args.trigger_id === v.triggerId))
    .map((v) => textOf(v.view.blocks));
  return [...ephemerals, ...modals];
}

describe("hospitality approvals over Slack", () => {
  it("runs request → supervisor DM → approve → manager DM → approve → requester told, updating every card", async () => {
    const { answer, request } = await requestByCommand(team.alice, 5000, "annual thanks dinner");
    expect(textOf(answer.json.blocks)).toContain("Acme Trading");
    expect(request.status).toBe("PENDING");
    expect(request.steps.map((s) => [s.role, s.approverId, s.status])).toEqual([
      ["SUPERVISOR", team.supervisor.memberId, "PENDING"],
      ["MANAGER", team.manager.memberId, "WAITING"],
    ]);

    // The outbox delivers the supervisor's DM through conversations.open + chat.postMessage.
    await h.deliverAll();
    const supervisorDm = h.fake.dmOf(team.supervisor.id);
    expect(h.fake.callsTo("conversations.open").some((c) => c.args.users === team.supervisor.id)).toBe(true);
    const supervisorCard = latestIn(h, supervisorDm)!;
    expect(approveButton(supervisorCard)).toBeDefined();
    expect(rejectButton(supervisorCard)).toBeDefined();
    // The requester is a live mention (Slack shows her current name and links her profile), in
    // the blocks and in the notification fallback text; no reference delimiter leaks.
    expect(textOf(supervisorCard.blocks)).toContain(`<@${team.alice.id}> asks you to approve`);
    expect(supervisorCard.text).toContain(`<@${team.alice.id}>`);
    expect(supervisorCard.text).not.toMatch(/[\uE000\uE001]/);
    expect(await h.db.prisma.messageRef.count({ where: { entityId: request.id, channel: supervisorDm, messageId: supervisorCard.ts } })).toBe(1);

    const clickedAt = Date.now();
    const click = await h.slack.click(team.supervisor, approveButton(supervisorCard)!, { message: supervisorCard });
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(3_000);
    await waitFor(() => supervisorCard.history.length >= 1 && !hasButtons(supervisorCard), "the supervisor's card to lose its buttons");
    await waitFor(() => answersFor(team.supervisor, clickedAt).length > 0, "the supervisor's confirmation");
    expect(answersFor(team.supervisor, clickedAt).join("\n")).toContain("Wang Manager");

    await h.deliverAll();
    const managerDm = h.fake.dmOf(team.manager.id);
    const managerCard = latestIn(h, managerDm)!;
    expect(approveButton(managerCard)).toBeDefined();
    await h.slack.click(team.manager, approveButton(managerCard)!, { message: managerCard });
    await waitFor(() => managerCard.history.length >= 1 && supervisorCard.history.length >= 2, "both cards to be updated");

    await h.deliverAll();
    const aliceDm = h.fake.dmOf(team.alice.id);
    const told = latestIn(h, aliceDm)!;
    expect(told.text).toContain("is approved");
    // The final approver is named as a mention.
    expect(textOf(told.blocks)).toContain(`final approval by <@${team.manager.id}>`);

    const final = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(final.status).toBe("APPROVED");
    expect(final.steps.every((s) => s.status === "APPROVED")).toBe(true);
    // Every copy shows the outcome and no copy keeps a button.
    for (const card of [supervisorCard, managerCard]) {
      expect(hasButtons(card)).toBe(false);
      expect(card.text).toContain("· approved");
    }
    // The requester's own copy (her ephemeral answer) is replaced through its response_url.
    const requesterCopy = await waitFor(
      () => h.fake.responsesTo(answer.responseUrl).find((r) => r.body.replace_original === true && String(r.body.text).includes("· approved")),
      "the requester's copy to be replaced",
    );
    expect(buttonsOf(requesterCopy.body.blocks)).toHaveLength(0);
    const audits = await h.db.prisma.auditLog.findMany({ where: { entityId: request.id }, orderBy: { at: "asc" } });
    expect(audits.map((a) => [a.action, a.actorId, a.platform])).toEqual([
      ["hospitality.requested", team.alice.memberId, "SLACK"],
      ["hospitality.step_approved", team.supervisor.memberId, "SLACK"],
      ["hospitality.step_approved", team.manager.memberId, "SLACK"],
    ]);
  });

  it("asks for a rejection reason in a modal, shows a missing reason next to the field, then rejects", async () => {
    // kind and guests left out: the request form opens prefilled with what was typed.
    const command = await h.slack.command(team.alice, `hospitality acme 1500 ${eventDate} client lunch`);
    expect(command.status).toBe(200);
    const form = await waitFor(() => h.fake.viewOpenedBy(command.triggerId), "the request form");
    expect(form.view.callback_id).toBe("hospitality.request");
    const filed = await h.slack.submit(team.alice, form, { kind: "MEAL", guests: "3" });
    expect(filed.json.response_action).toBe("update");
    const request = await newestRequest();
    expect(request.estimatedFen).toBe(150_000n);
    expect(request.steps).toHaveLength(1);

    await h.deliverAll();
    const card = latestIn(h, h.fake.dmOf(team.supervisor.id))!;
    const click = await h.slack.click(team.supervisor, rejectButton(card)!, { message: card });
    expect(click.status).toBe(200);
    const modal = await waitFor(() => h.fake.viewOpenedBy(click.triggerId), "the reason modal");
    expect(modal.view.callback_id).toBe("hospitality.reject");
    const reasonBlock = modal.view.blocks.find((b: { type: string }) => b.type === "input");

    const empty = await h.slack.submit(team.supervisor, modal, { [reasonBlock.block_id]: "" });
    expect(empty.json.response_action).toBe("errors");
    expect(Object.keys(empty.json.errors)).toEqual([reasonBlock.block_id]);
    expect((await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING");

    const done = await h.slack.submit(team.supervisor, modal, { [reasonBlock.block_id]: "Over the lunch budget for B-tier visits" });
    expect(done.status).toBe(200);
    expect(done.json.response_action).toBe("update");
    const rejected = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.steps[0]!.reason).toBe("Over the lunch budget for B-tier visits");
    await waitFor(() => !hasButtons(card), "the supervisor's card to lose its buttons");
    expect(textOf(card.blocks)).toContain("Over the lunch budget");

    await h.deliverAll();
    const told = latestIn(h, h.fake.dmOf(team.alice.id))!;
    expect(textOf(told.blocks)).toContain("Over the lunch budget for B-tier visits");
    expect(textOf(told.blocks)).toContain(`rejected by <@${team.supervisor.id}>`);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { entityId: request.id, action: "hospitality.step_rejected" } });
    expect(audit.actorId).toBe(team.supervisor.memberId);
  });

  it("refuses self-approval with a message and changes nothing", async () => {
    const { request } = await requestByCommand(team.alice, 1200, "team lunch with Acme buyers");
    await h.deliverAll();
    const card = latestIn(h, h.fake.dmOf(team.supervisor.id))!;
    const button = approveButton(card)!;

    // The supervisor's button, clicked by the requester (a forwarded card): not hers to press.
    let since = Date.now();
    await h.slack.click(team.alice, button, { message: card });
    await waitFor(() => answersFor(team.alice, since).length > 0, "the refusal");
    expect(answersFor(team.alice, since)).toEqual(["This button is meant for someone else."]);

    // A forged button naming the requester herself gets past the edge; the core refuses it.
    const forged = { ...button, value: JSON.stringify({ ...JSON.parse(button.value), m: team.alice.memberId }) };
    since = Date.now();
    await h.slack.click(team.alice, forged, { message: card });
    await waitFor(() => answersFor(team.alice, since).length > 0, "the self-approval refusal");
    expect(answersFor(team.alice, since)).toEqual(["You cannot decide on your own hospitality request."]);

    const after = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(after.status).toBe("PENDING");
    expect(after.steps[0]!.status).toBe("PENDING");
    expect(await h.db.prisma.auditLog.count({ where: { entityId: request.id, action: { startsWith: "hospitality.step_" } } })).toBe(0);
    expect(approveButton(card)).toBeDefined();
  });

  it("records one decision when the same button is clicked 10 times at once", async () => {
    const { request } = await requestByCommand(team.alice, 1800, "quarterly review dinner");
    await h.deliverAll();
    const card = latestIn(h, h.fake.dmOf(team.supervisor.id))!;
    const button = approveButton(card)!;
    const since = Date.now();

    const clicks = await Promise.all(Array.from({ length: 10 }, () => h.slack.click(team.supervisor, button, { message: card })));
    expect(clicks.map((c) => c.status)).toEqual(Array(10).fill(200));
    expect(Math.max(...clicks.map((c) => c.ms))).toBeLessThan(3_000);
    // Under load a slow click first gets the loading modal ("Working on it…"), later updated to
    // its answer: wait for the answers themselves.
    await waitFor(() => answersFor(team.supervisor, since).filter((a) => a !== "Working on it…").length >= 10, "an answer to every click", 30_000);

    const answers = answersFor(team.supervisor, since);
    expect(answers.filter((a) => a.startsWith("You approved"))).toHaveLength(1);
    // Every other click was the supervisor's own: "by you", not by their own name.
    expect(answers.filter((a) => a.startsWith("Already decided: you approved it at"))).toHaveLength(9);
    const after = await h.db.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: true } });
    expect(after.status).toBe("APPROVED");
    expect(after.version).toBe(request.version + 1);
    expect(await h.db.prisma.auditLog.count({ where: { entityId: request.id, action: "hospitality.step_approved" } })).toBe(1);
    expect(await h.db.prisma.outboxMessage.count({ where: { entityId: request.id, payload: { path: ["kind"], equals: "hospitality.approved" } } })).toBe(1);
    expect(hasButtons(card)).toBe(false);
  });
});
