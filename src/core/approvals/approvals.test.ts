// The approval engine on the real database: separation of duties, absence and delegation,
// deactivated approvers, stale requests, and exactly one decision under 10 parallel clicks for
// each kind of request (hospitality, credit).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { decideCreditRequest, requestCreditLimit } from "../credit/requests.js";
import { decideApproval } from "../hospitality/approvals.js";
import { getHospitality, requestHospitality } from "../hospitality/hospitality.js";
import { ConflictError } from "../shared/errors.js";
import { yuanToFen } from "../shared/money.js";
import { setAway } from "./absence.js";
import { sweepApprovalReminders } from "./reminders.js";
import { rerouteStepsOfMember } from "./reroute.js";
import { markStaleRequests } from "./stale.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

// 2026-11-23 09:00 in Shanghai.
const NOW = "2026-11-23T01:00:00Z";
const DAY = 86_400_000;

type Who = { id: string; tenantId: string; role: "SPECIALIST" | "SUPERVISOR" | "MANAGER" | "ADMIN" };

async function scene(ownerSeat: "a1" | "s1" = "a1") {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const name = `客户-${Math.random().toString(36).slice(2, 8)}`;
  const customer = await tdb.prisma.customer.create({
    data: { tenantId: tenant.id, name, nameKey: name.toLowerCase(), ownerId: d[ownerSeat].id, tier: "B", status: "ACTIVE" },
  });
  const deps = depsAt(tdb.prisma, NOW);
  const hospitality = (who: Who, yuan: string, eventDate = "2026-11-25") =>
    requestHospitality(deps, actor(who), {
      customerId: customer.id,
      eventDate,
      kind: "MEAL",
      guests: 3,
      staff: 1,
      estimatedFen: yuanToFen(yuan),
      purpose: "年度合作答谢",
    });
  const credit = (who: Who, yuan: string) => requestCreditLimit(deps, actor(who), { customerId: customer.id, newLimitFen: yuanToFen(yuan), reason: "订单增长" });
  return { tenant, d, customer, deps, hospitality, credit };
}

const outboxTo = (memberId: string, entityId: string) =>
  tdb.prisma.outboxMessage.findMany({ where: { entityId, target: `member:${memberId}` }, orderBy: { createdAt: "asc" } });

describe("separation of duties", () => {
  it("passes over the customer's own account manager: the step moves up and says why", async () => {
    // The admin sits in S1's team and asks for credit for S1's own customer.
    const { d, credit } = await scene("s1");
    await tdb.prisma.member.update({ where: { id: d.admin.id }, data: { supervisorId: d.s1.id } });
    const view = await credit(d.admin, "50000");
    expect(view.steps.map((s) => [s.role, s.approver.id, s.status, s.routedFrom?.id ?? null, s.routedReason])).toEqual([
      ["SUPERVISOR", d.manager.id, "PENDING", d.s1.id, "OWNER"],
    ]);
    // The same request about A1's customer goes to S1 as usual.
    const other = await scene("a1");
    await tdb.prisma.member.update({ where: { id: other.d.admin.id }, data: { supervisorId: other.d.s1.id } });
    expect((await other.credit(other.d.admin, "50000")).steps.map((s) => s.approver.id)).toEqual([other.d.s1.id]);
  });

  it("refuses the owner's decision even as an ADMIN-less approver: not their step", async () => {
    const { d, deps, credit } = await scene("s1");
    await tdb.prisma.member.update({ where: { id: d.admin.id }, data: { supervisorId: d.s1.id } });
    const view = await credit(d.admin, "50000");
    await expect(decideCreditRequest(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" })).rejects.toMatchObject({ code: "credit.not_your_step" });
  });
});

describe("absence", () => {
  it("sends new steps to the delegate while the approver is away, and to the next level without one", async () => {
    const { d, deps, hospitality } = await scene();
    await setAway(deps, actor(d.s1), { from: "2026-11-23", to: "2026-11-27", delegateId: d.s2.id });
    const delegated = await hospitality(d.a1, "1500");
    expect(delegated.steps.map((s) => [s.approver.id, s.routedFrom?.id, s.routedReason])).toEqual([[d.s2.id, d.s1.id, "AWAY_DELEGATE"]]);
    const decided = await decideApproval(deps, actor(d.s2), { requestId: delegated.id, decision: "APPROVE" });
    expect(decided.status).toBe("APPROVED");

    // Another member away without a delegate: the step goes one level up.
    const other = await scene();
    await setAway(other.deps, actor(other.d.s1), { from: "2026-11-22", to: "2026-11-24" });
    const upward = await other.hospitality(other.d.a1, "1500");
    expect(upward.steps.map((s) => [s.approver.id, s.routedReason])).toEqual([[other.d.manager.id, "AWAY"]]);
    // After the absence the supervisor is asked again.
    other.deps.clock.advance(2 * DAY);
    const back = await other.hospitality(other.d.a1, "1500", "2026-11-30");
    expect(back.steps.map((s) => s.approver.id)).toEqual([other.d.s1.id]);
  });

  it("moves a step already waiting for the approver to the delegate when they go away, asking the delegate", async () => {
    const { d, deps, hospitality } = await scene();
    const view = await hospitality(d.a1, "1500");
    expect(view.steps[0]!.approver.id).toBe(d.s1.id);
    const away = await setAway(deps, actor(d.s1), { from: "2026-11-23", to: "2026-11-24", delegateId: d.a2.id });
    expect(away.rerouted).toEqual({ rerouted: 1, stuck: 0 });
    const moved = await getHospitality(deps, actor(d.a1), view.id);
    expect(moved.steps.map((s) => [s.status, s.approver.id, s.routedFrom?.id])).toEqual([["PENDING", d.a2.id, d.s1.id]]);
    expect(await outboxTo(d.a2.id, view.id)).toEqual([
      expect.objectContaining({ dedupeKey: `hospitality:${view.id}:step:${view.steps[0]!.id}:requested:${d.a2.id}` }),
    ]);
    await expect(decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" })).rejects.toMatchObject({ code: "hospitality.not_your_step" });
    expect((await decideApproval(deps, actor(d.a2), { requestId: view.id, decision: "APPROVE" })).status).toBe("APPROVED");
  });

  it("routes the next step when it opens while its approver is away", async () => {
    const { d, deps, hospitality } = await scene();
    const m2 = await makeMember(tdb.prisma, d.a1.tenantId, { role: "MANAGER", name: "经理 Sun" });
    const view = await hospitality(d.a1, "5000");
    await setAway(deps, actor(d.manager), { from: "2026-11-23", to: "2026-11-30", delegateId: m2.id });
    const afterS1 = await decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" });
    expect(afterS1.steps[1]).toMatchObject({ status: "PENDING", approver: { id: m2.id }, routedFrom: { id: d.manager.id }, routedReason: "AWAY_DELEGATE" });
    expect((await outboxTo(m2.id, view.id)).map((m) => (m.payload as { kind: string }).kind)).toEqual(["hospitality.approval_requested"]);
  });

  it("refuses a bad absence and writes nothing", async () => {
    const { d, deps } = await scene();
    await expect(setAway(deps, actor(d.s1), { from: "2026-11-25", to: "2026-11-24" })).rejects.toMatchObject({ code: "approval.away_range_inverted" });
    await expect(setAway(deps, actor(d.s1), { from: "2026-11-20", to: "2026-11-22" })).rejects.toMatchObject({ code: "approval.away_in_past" });
    await expect(setAway(deps, actor(d.s1), { from: "2026-11-23", to: "2026-11-24", delegateId: d.s1.id })).rejects.toMatchObject({
      code: "approval.away_self_delegate",
    });
    expect(await tdb.prisma.memberAbsence.count({ where: { tenantId: d.s1.tenantId } })).toBe(0);
  });
});

describe("deactivated approvers", () => {
  it("re-resolves the open and waiting steps of a deactivated member, asking the new approver once", async () => {
    const { d, deps, hospitality } = await scene();
    const m2 = await makeMember(tdb.prisma, d.a1.tenantId, { role: "MANAGER", name: "经理 Sun" });
    const small = await hospitality(d.a1, "1500");
    const large = await hospitality(d.a1, "5000");
    await tdb.prisma.member.update({ where: { id: d.s1.id }, data: { active: false } });
    await tdb.prisma.member.update({ where: { id: d.manager.id }, data: { active: false } });
    expect(await rerouteStepsOfMember(deps, d.s1.tenantId, d.s1.id, "INACTIVE")).toEqual({ rerouted: 2, stuck: 0 });
    expect(await rerouteStepsOfMember(deps, d.s1.tenantId, d.manager.id, "INACTIVE")).toEqual({ rerouted: 1, stuck: 0 });

    const s = await getHospitality(deps, actor(d.a1), small.id);
    // S1 gone: the supervisor step goes up the chain, past the inactive manager, to a manager.
    expect(s.steps.map((x) => [x.status, x.approver.id, x.routedReason])).toEqual([["PENDING", m2.id, "INACTIVE"]]);
    const l = await getHospitality(deps, actor(d.a1), large.id);
    expect(l.steps.map((x) => [x.status, x.approver.id])).toEqual([
      ["PENDING", m2.id],
      ["WAITING", expect.not.stringMatching(new RegExp(`^(${d.manager.id}|${m2.id})$`))],
    ]);
    expect((await outboxTo(m2.id, small.id)).map((m) => (m.payload as { kind: string }).kind)).toEqual(["hospitality.approval_requested"]);
    const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: small.id, action: "hospitality.step_rerouted" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toMatchObject({ reason: "INACTIVE", step: { approverId: m2.id } });
    // Running it again changes nothing.
    expect(await rerouteStepsOfMember(deps, d.s1.tenantId, d.s1.id, "INACTIVE")).toEqual({ rerouted: 0, stuck: 0 });
  });
});

describe("stale requests", () => {
  it("marks a request whose date passed while pending as after-the-fact, once, and keeps the mark", async () => {
    const { d, deps, hospitality } = await scene();
    const view = await hospitality(d.a1, "1500", "2026-11-24");
    const future = await hospitality(d.a1, "1500", "2026-11-30");
    expect(await markStaleRequests(deps, deps.clock.now(), { tenantId: d.a1.tenantId })).toEqual([]);
    deps.clock.advance(2 * DAY); // 2026-11-25 in Shanghai
    expect(await markStaleRequests(deps, deps.clock.now(), { tenantId: d.a1.tenantId })).toEqual([view.id]);
    expect(await markStaleRequests(deps, deps.clock.now(), { tenantId: d.a1.tenantId })).toEqual([]);
    const approved = await decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" });
    expect(approved).toMatchObject({ status: "APPROVED", afterTheFact: true });
    expect((await getHospitality(deps, actor(d.a1), future.id)).afterTheFact).toBe(false);
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: view.id, action: "hospitality.after_the_fact" } });
    expect(audit.after).toMatchObject({ afterTheFact: true, eventDate: "2026-11-24" });
  });
});

describe("exactly one decision", () => {
  async function tenClicks<T>(click: () => Promise<T>) {
    const results = await Promise.allSettled(Array.from({ length: 10 }, click));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    return { won, lost };
  }

  it("decides a hospitality step once under 10 parallel clicks", async () => {
    const { d, deps, hospitality } = await scene();
    const view = await hospitality(d.a1, "5000");
    const { won, lost } = await tenClicks(() =>
      decideApproval(deps, actor(d.s1), { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE", cardVersion: 1 }),
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const l of lost) expect(l.reason).toBeInstanceOf(ConflictError);
    for (const l of lost) expect(l.reason).toMatchObject({ code: "hospitality.already_decided" });
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(stored.version).toBe(2);
    expect(stored.steps.map((s) => s.status)).toEqual(["APPROVED", "PENDING"]);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: view.id, action: "hospitality.step_approved" } })).toBe(1);
    expect(await outboxTo(d.manager.id, view.id)).toHaveLength(1);
  });

  it("decides each credit step once under 10 parallel clicks, and sets the limit once", async () => {
    const { d, deps, credit, customer } = await scene();
    const view = await credit(d.a1, "500000");
    expect(view.steps.map((s) => [s.role, s.approver.id])).toEqual([
      ["SUPERVISOR", d.s1.id],
      ["MANAGER", d.manager.id],
    ]);
    for (const [who, position] of [[d.s1, 0], [d.manager, 1]] as const) {
      const { won, lost } = await tenClicks(() =>
        decideCreditRequest(deps, actor(who), { requestId: view.id, stepId: view.steps[position]!.id, decision: "APPROVE", cardVersion: position + 1 }),
      );
      expect(won).toHaveLength(1);
      for (const l of lost) expect(l.reason).toMatchObject({ code: "credit.already_decided" });
    }
    const stored = await tdb.prisma.creditRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: true } });
    expect(stored).toMatchObject({ status: "APPROVED", version: 3 });
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).creditLimitFen).toBe(50_000_000n);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: view.id, action: "credit.step_approved" } })).toBe(2);
    const changes = await tdb.prisma.auditLog.findMany({ where: { entityId: customer.id, action: "customer.credit_limit_changed" } });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.after).toMatchObject({ creditLimitFen: "50000000", creditRequestId: view.id });
    expect(await outboxTo(d.a1.id, view.id)).toEqual([expect.objectContaining({ dedupeKey: `credit:${view.id}:credit.approved` })]);
  });
});

describe("credit chains and reminders", () => {
  it("takes the chain from settings.credit bands at ¥100,000 / ¥1,000,000", async () => {
    const { d, deps, credit } = await scene();
    const cases = [
      ["100000", ["SUPERVISOR"]],
      ["100000.01", ["SUPERVISOR", "MANAGER"]],
      ["1000000", ["SUPERVISOR", "MANAGER"]],
      ["1000000.01", ["SUPERVISOR", "MANAGER", "FINAL"]],
    ] as const;
    for (const [yuan, roles] of cases) {
      const view = await credit(d.a1, yuan);
      expect(view.steps.map((s) => s.role)).toEqual(roles);
      await decideCreditRequest(deps, actor(d.s1), { requestId: view.id, decision: "REJECT", reason: "再议" });
    }
    // One open request per customer.
    await credit(d.a1, "1000");
    await expect(credit(d.a1, "2000")).rejects.toMatchObject({ code: "credit.request_open" });
  });

  it("reminds credit approvers like hospitality ones", async () => {
    const { d, deps, credit } = await scene();
    const view = await credit(d.a1, "5000");
    deps.clock.advance(DAY + 1);
    const swept = await sweepApprovalReminders(deps, deps.clock.now(), { tenantId: d.a1.tenantId });
    expect(swept.reminded).toBe(1);
    expect((await outboxTo(d.s1.id, view.id)).map((m) => (m.payload as { kind: string }).kind)).toEqual(["credit.approval_requested", "credit.approval_reminder"]);
  });
});
