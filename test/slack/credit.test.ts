// Credit control over Slack through the real Bolt app and the fake Slack: a credit-limit request
// filed by command, two approvals clicked in DMs, the new limit on the credit card and in the
// audit log — in English and in Chinese — and a receivables import alerting over-limit once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/core/imports/actor.js";
import { importReceivablesCsv } from "../../src/core/imports/receivables-import.js";
import { buttonsOf, findButton, textOf, waitFor, type PostedMessage } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { latestIn, seedDepartment, startHarness, type Harness, type SlackMember } from "./harness.js";

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

const approveButton = (m: PostedMessage) => findButton(m.blocks, /^credit\.approve/);
const hasButtons = (m: PostedMessage) => buttonsOf(m.blocks).length > 0;
const newestCreditRequest = () =>
  h.db.prisma.creditRequest.findFirstOrThrow({ where: { tenantId: team.tenant.id }, orderBy: { number: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });

/** The approver's newest DM card, approved by a click; waits until the card lost its buttons. */
async function approveInDm(approver: SlackMember) {
  await h.deliverAll();
  const card = latestIn(h, h.fake.dmOf(approver.id))!;
  expect(approveButton(card), `${approver.name}'s card has an Approve button`).toBeDefined();
  const click = await h.slack.click(approver, approveButton(card)!, { message: card });
  expect(click.status).toBe(200);
  expect(click.ms).toBeLessThan(3_000);
  await waitFor(() => !hasButtons(card), `${approver.name}'s card to lose its buttons`);
  return card;
}

/**
 * The command's answer matching `expected`: a slow command is first acknowledged with a
 * "working on it" message on the response_url, and the answer follows.
 */
async function answerTo(user: SlackMember, text: string, expected: RegExp): Promise<string> {
  const answer = await h.slack.command(user, text);
  expect(answer.status).toBe(200);
  expect(answer.json.response_type).toBe("ephemeral");
  return waitFor(
    () => h.fake.responsesTo(answer.responseUrl).map((r) => textOf((r.body as { blocks?: [] }).blocks) || String((r.body as { text?: string }).text)).find((t) => expected.test(t)),
    `an answer to ${text} matching ${expected}`,
  );
}

async function runFlow(command: string, expected: { limitFen: bigint; cardText: RegExp; approvedText: RegExp; creditCommand: string; limitText: RegExp }) {
  await answerTo(team.alice, command, expected.cardText);
  const request = await newestCreditRequest();
  expect(request.requestedLimitFen).toBe(expected.limitFen);
  expect(request.steps.map((s) => [s.role, s.approverId, s.status])).toEqual([
    ["SUPERVISOR", team.supervisor.memberId, "PENDING"],
    ["MANAGER", team.manager.memberId, "WAITING"],
  ]);

  const supervisorCard = await approveInDm(team.supervisor);
  const managerCard = await approveInDm(team.manager);
  await waitFor(() => supervisorCard.history.length >= 2, "the supervisor's copy to be updated after the final approval");

  await h.deliverAll();
  const told = latestIn(h, h.fake.dmOf(team.alice.id))!;
  expect(textOf(told.blocks)).toMatch(expected.approvedText);
  expect(textOf(told.blocks)).toContain(`<@${team.manager.id}>`);

  const stored = await h.db.prisma.creditRequest.findUniqueOrThrow({ where: { id: request.id } });
  expect(stored.status).toBe("APPROVED");
  expect((await h.db.prisma.customer.findUniqueOrThrow({ where: { id: acmeId } })).creditLimitFen).toBe(expected.limitFen);
  const audits = await h.db.prisma.auditLog.findMany({ where: { entityId: { in: [request.id, acmeId] }, action: { startsWith: "c" } }, orderBy: { id: "asc" } });
  expect(audits.filter((a) => a.entityId === request.id).map((a) => [a.action, a.actorId, a.platform])).toEqual([
    ["credit.requested", team.alice.memberId, "SLACK"],
    ["credit.step_approved", team.supervisor.memberId, "SLACK"],
    ["credit.step_approved", team.manager.memberId, "SLACK"],
  ]);
  const change = audits.filter((a) => a.action === "customer.credit_limit_changed").at(-1)!;
  expect(change).toMatchObject({ actorId: team.manager.memberId, platform: "SLACK" });
  expect(change.after).toMatchObject({ creditLimitFen: expected.limitFen.toString(), creditRequestId: request.id });
  for (const card of [supervisorCard, managerCard]) expect(hasButtons(card)).toBe(false);

  expect(await answerTo(team.alice, expected.creditCommand, expected.limitText)).toBeDefined();
}

describe("credit over Slack", () => {
  it("runs request → supervisor → manager → new limit on the card, audited, in English", async () => {
    await runFlow("credit request acme 500,000 Orders doubled this year", {
      limitFen: 50_000_000n,
      cardText: /Credit request #1[\s\S]*Waiting for Li Supervisor/,
      approvedText: /credit request #1 is approved \(final approval by [^)]+\): Acme Trading's limit is now ¥500,000.00/,
      creditCommand: "credit acme",
      limitText: /Credit limit\*?\n¥500,000.00/,
    });
  });

  it("runs the same flow in Chinese", async () => {
    for (const m of [team.alice, team.supervisor, team.manager]) {
      const lang = await h.slack.command(m, "语言 中文");
      expect(lang.status).toBe(200);
    }
    await runFlow("信用 申请 acme 80万 业务扩大", {
      limitFen: 80_000_000n,
      cardText: /信用额度申请 #2[\s\S]*等待 Li Supervisor（主管）审批/,
      approvedText: /信用额度申请 #2 已批准（终审：[^）]+）：Acme Trading 的额度现为 ¥800,000.00/,
      creditCommand: "信用 acme",
      limitText: /信用额度\*?\n¥800,000.00/,
    });
  });

  it("alerts the account manager and supervisor once when imported receivables exceed the limit", async () => {
    // The limit the Chinese flow approved, set here too so this case stands alone.
    await h.db.prisma.customer.update({ where: { id: acmeId }, data: { creditLimitFen: 80_000_000n } });
    const csv = [
      "customer,invoice,amount,due_date,paid",
      `Acme Trading,INV-001,"600,000",${localDateInDays(h.deps, 20)},0`,
      `Acme Trading,INV-002,300000,${localDateInDays(h.deps, -5)},50000`,
    ].join("\n");
    const first = await importReceivablesCsv(h.deps, systemActor(team.tenant.id), csv);
    expect(first).toMatchObject({ ok: true, created: 2, updated: 0, alerts: { overLimit: 1, overdue: 1 } });
    await h.deliverAll();
    // The alert's lead is the line under the card's title.
    const alertsIn = (member: SlackMember) =>
      h.fake.messagesIn(h.fake.dmOf(member.id)).filter((m) => /^⚠ .*(超过信用额度|above its credit limit)/.test(textOf(m.blocks).split("\n")[1] ?? ""));
    await waitFor(() => alertsIn(team.alice).length === 1 && alertsIn(team.supervisor).length === 1, "one over-limit alert each");
    expect(textOf(alertsIn(team.alice)[0]!.blocks)).toContain("¥850,000.00");

    // The same file again (finance re-exports daily): nothing new to say.
    const again = await importReceivablesCsv(h.deps, systemActor(team.tenant.id), csv);
    expect(again).toMatchObject({ ok: true, created: 0, updated: 2, alerts: { overLimit: 0, overdue: 0 } });
    await h.deliverAll();
    expect(alertsIn(team.alice)).toHaveLength(1);
    expect(alertsIn(team.supervisor)).toHaveLength(1);
    expect(alertsIn(team.manager)).toHaveLength(0);

    expect(await answerTo(team.alice, "信用 acme", /(应收未收|Receivables outstanding)[\s\S]*¥850,000.00/)).toBeDefined();
    // The customer card carries the credit in one line, flagged.
    expect(await answerTo(team.alice, "customer acme", /(额度|limit) ¥800,000.00 · (应收|owed) ¥850,000.00 · (可用|available) -¥50,000.00 ⚠/)).toBeDefined();
  });
});
