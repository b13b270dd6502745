// Credit control over Feishu through the real node-sdk and the fake Feishu: a credit-limit
// request sent as a text command, two approvals clicked on cards (card callbacks), the new limit
// on the credit card and in the audit log — in English and in Chinese — and a receivables import
// alerting over-limit once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/core/imports/actor.js";
import { importReceivablesCsv } from "../../src/core/imports/receivables-import.js";
import { buttonsOf, cardText, findButton, waitFor, type FakeMessage } from "../fakes/feishu.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { seedDepartment, startHarness, type FeishuMember, type Harness } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let acmeId: string;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  acmeId = (await createAcmeTrading(h.deps, team)).id;
});

afterAll(async () => {
  await h?.close();
});

const approveButton = (m: FakeMessage) => findButton(m.content, /^credit\.approve/);
const hasButtons = (m: FakeMessage) => buttonsOf(m.content).length > 0;
const newestCreditRequest = () =>
  h.db.prisma.creditRequest.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { number: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });

/** The bot's reply to a direct-chat command, once it matches `expected`. */
async function answerTo(user: FeishuMember, text: string, expected: RegExp): Promise<string> {
  const { answer, message } = await h.feishu.message(user, text);
  expect(answer.status).toBe(200);
  return waitFor(() => h.fake.repliesTo(message.messageId).map((r) => cardText(r.content)).find((t) => expected.test(t)), `an answer to ${text} matching ${expected}`);
}

/** The approver's newest card in their direct chat, approved by a click. */
async function approveOnCard(approver: FeishuMember) {
  await h.deliverAll();
  const card = (await waitFor(() => {
    const latest = h.fake.latestCardIn(h.fake.dmOf(approver.openId));
    return latest && approveButton(latest) ? latest : undefined;
  }, `${approver.name}'s card with an Approve button`))!;
  const click = await h.feishu.click(approver, card, approveButton(card)!);
  expect(click.status).toBe(200);
  expect(click.ms).toBeLessThan(3_000);
  expect(hasButtons(card)).toBe(false);
  return card;
}

async function runFlow(command: string, expected: { limitFen: bigint; cardText: RegExp; approvedText: RegExp; creditCommand: string; limitText: RegExp }) {
  await answerTo(team.alice, command, expected.cardText);
  const request = await newestCreditRequest();
  expect(request.requestedLimitFen).toBe(expected.limitFen);
  expect(request.steps.map((s) => [s.role, s.approverId, s.status])).toEqual([
    ["SUPERVISOR", team.supervisor.memberId, "PENDING"],
    ["MANAGER", team.manager.memberId, "WAITING"],
  ]);
  const supervisorCard = await approveOnCard(team.supervisor);
  const managerCard = await approveOnCard(team.manager);
  await waitFor(() => supervisorCard.history.length >= 2, "the supervisor's copy to be patched");

  await h.deliverAll();
  await waitFor(() => h.fake.messagesIn(h.fake.dmOf(team.alice.openId)).some((m) => expected.approvedText.test(cardText(m.content))), "Alice told of the approval");
  const told = h.fake.messagesIn(h.fake.dmOf(team.alice.openId)).find((m) => expected.approvedText.test(cardText(m.content)))!;
  expect(cardText(told.content)).toContain(`<at id=${team.manager.openId}></at>`);

  expect((await h.db.prisma.creditRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("APPROVED");
  expect((await h.db.prisma.customer.findUniqueOrThrow({ where: { id: acmeId } })).creditLimitFen).toBe(expected.limitFen);
  const audits = await h.db.prisma.auditLog.findMany({ where: { entityId: request.id }, orderBy: { id: "asc" } });
  expect(audits.map((a) => [a.action, a.actorId, a.platform])).toEqual([
    ["credit.requested", team.alice.memberId, "FEISHU"],
    ["credit.step_approved", team.supervisor.memberId, "FEISHU"],
    ["credit.step_approved", team.manager.memberId, "FEISHU"],
  ]);
  const change = await h.db.prisma.auditLog.findFirstOrThrow({ where: { entityId: acmeId, action: "customer.credit_limit_changed" }, orderBy: { id: "desc" } });
  expect(change).toMatchObject({ actorId: team.manager.memberId, platform: "FEISHU" });
  expect(change.after).toMatchObject({ creditLimitFen: expected.limitFen.toString(), creditRequestId: request.id });
  for (const card of [supervisorCard, managerCard]) expect(hasButtons(card)).toBe(false);

  await answerTo(team.alice, expected.creditCommand, expected.limitText);
}

describe("credit over Feishu", () => {
  it("runs request → supervisor → manager → new limit on the card, audited, in English", async () => {
    await runFlow("credit request acme 500,000 Orders doubled this year", {
      limitFen: 50_000_000n,
      cardText: /Credit request #1[\s\S]*Waiting for Li Supervisor/,
      approvedText: /credit request #1 is approved \(final approval by [^)]+\): Acme Trading's limit is now ¥500,000.00/,
      creditCommand: "credit acme",
      limitText: /Credit limit[\s\S]{0,8}¥500,000.00/,
    });
  });

  it("runs the same flow in Chinese", async () => {
    for (const m of [team.alice, team.supervisor, team.manager]) await answerTo(m, "语言 中文", /中文|语言/);
    await runFlow("信用 申请 acme 80万 业务扩大", {
      limitFen: 80_000_000n,
      cardText: /信用额度申请 #2[\s\S]*等待 Li Supervisor（主管）审批/,
      approvedText: /信用额度申请 #2 已批准（终审：[^）]+）：Acme Trading 的额度现为 ¥800,000.00/,
      creditCommand: "信用 acme",
      limitText: /信用额度[\s\S]{0,8}¥800,000.00/,
    });
  });

  it("alerts the account manager and supervisor once when imported receivables exceed the limit", async () => {
    await h.db.prisma.customer.update({ where: { id: acmeId }, data: { creditLimitFen: 80_000_000n } });
    const csv = [
      "客户,发票号,金额,到期日,已付金额",
      `Acme Trading,FP-001,"600,000",${localDateInDays(h.deps, 20)},0`,
      `Acme Trading,FP-002,300000,${localDateInDays(h.deps, -5)},50000`,
    ].join("\n");
    expect(await importReceivablesCsv(h.deps, systemActor(team.tenant.id), csv)).toMatchObject({ ok: true, created: 2, alerts: { overLimit: 1, overdue: 1 } });
    await h.deliverAll();
    const alertsIn = (member: FeishuMember) =>
      h.fake.messagesIn(h.fake.dmOf(member.openId)).filter((m) => /(超过信用额度|above its credit limit)/.test(cardText(m.content).split("\n").find((l) => l.startsWith("⚠")) ?? ""));
    await waitFor(() => alertsIn(team.alice).length === 1 && alertsIn(team.supervisor).length === 1, "one over-limit alert each");

    expect(await importReceivablesCsv(h.deps, systemActor(team.tenant.id), csv)).toMatchObject({ ok: true, created: 0, updated: 2, alerts: { overLimit: 0, overdue: 0 } });
    await h.deliverAll();
    expect(alertsIn(team.alice)).toHaveLength(1);
    expect(alertsIn(team.supervisor)).toHaveLength(1);
    expect(alertsIn(team.manager)).toHaveLength(0);
  });
});
