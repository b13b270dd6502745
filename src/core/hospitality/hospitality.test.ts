import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { ConflictError } from "../shared/errors.js";
import { yuanToFen } from "../shared/money.js";
import { decideApproval, myPendingApprovals } from "./approvals.js";
import { cancelHospitality, getHospitality, requestHospitality, settleHospitality } from "./hospitality.js";
import { sweepApprovalReminders } from "./reminders.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

// 2026-11-23 09:00 in Shanghai.
const NOW = "2026-11-23T01:00:00Z";
const HOUR = 3_600_000;

async function scene(options: { settings?: object; tier?: Tier; tierOverride?: Tier } = {}) {
  const tenant = await makeTenant(tdb.prisma, { settings: options.settings ?? {} });
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const name = `客户-${Math.random().toString(36).slice(2, 8)}`;
  const customer = await tdb.prisma.customer.create({
    data: {
      tenantId: tenant.id,
      name,
      nameKey: name.toLowerCase(),
      ownerId: d.a1.id,
      tier: options.tier ?? "B",
      tierOverride: options.tierOverride ?? null,
      status: "ACTIVE",
    },
  });
  const deps = depsAt(tdb.prisma, NOW);
  const request = (who: { id: string; tenantId: string; role: "SPECIALIST" | "SUPERVISOR" | "MANAGER" | "ADMIN" }, yuan: string, extra: object = {}) =>
    requestHospitality(deps, actor(who), {
      customerId: customer.id,
      eventDate: "2026-11-25",
      kind: "MEAL",
      guests: 3,
      staff: 1,
      estimatedFen: yuanToFen(yuan),
      venue: "静安香格里拉",
      purpose: "年度合作答谢",
      ...extra,
    });
  return { tenant, d, customer, deps, request };
}

async function outboxFor(requestId: string) {
  return tdb.prisma.outboxMessage.findMany({ where: { entityId: requestId }, orderBy: { createdAt: "asc" } });
}

async function auditFor(requestId: string) {
  return tdb.prisma.auditLog.findMany({ where: { entityType: "HospitalityRequest", entityId: requestId }, orderBy: { id: "asc" } });
}

describe("requestHospitality", () => {
  it("builds the chain by amount at 2,000 / 2,000.01 / 10,000 / 10,000.01 CNY, numbering requests", async () => {
    const { d, request } = await scene();
    const cases = [
      ["2000.00", ["SUPERVISOR"]],
      ["2000.01", ["SUPERVISOR", "MANAGER"]],
      ["10000.00", ["SUPERVISOR", "MANAGER"]],
      ["10000.01", ["SUPERVISOR", "MANAGER", "FINAL"]],
    ] as const;
    const numbers: number[] = [];
    for (const [yuan, roles] of cases) {
      const view = await request(d.a1, yuan);
      numbers.push(view.number);
      expect(view.status).toBe("PENDING");
      expect(view.steps.map((s) => s.role)).toEqual(roles);
      const stored = await tdb.prisma.approvalStep.findMany({ where: { requestId: view.id }, orderBy: { position: "asc" } });
      // No final approver set: the department manager holds the final step (collapsed into their
      // manager step), not the admin.
      expect(stored.map((s) => s.approverId)).toEqual([d.s1.id, d.manager.id, d.manager.id].slice(0, roles.length));
      expect(stored.map((s) => s.status)).toEqual(["PENDING", "WAITING", "SKIPPED"].slice(0, roles.length));
      expect(stored[0]!.pendingSince).toEqual(new Date(NOW));
      expect((await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id } })).estimatedFen).toBe(yuanToFen(yuan));
    }
    expect(numbers).toEqual([1, 2, 3, 4]);
  });

  it("stores the request, audits it and asks the first approver once", async () => {
    const { d, customer, request } = await scene();
    const view = await request(d.a1, "1500");
    expect(view).toMatchObject({
      customer: { id: customer.id, tier: "B" },
      requester: { id: d.a1.id, name: "Alice" },
      eventDate: "2026-11-25",
      guests: 3,
      staff: 1,
      perHeadFen: 37_500n,
      perHeadGuidelineFen: 20_000n,
      perHeadFlagged: true,
      version: 1,
    });
    const audit = await auditFor(view.id);
    expect(audit.map((a) => a.action)).toEqual(["hospitality.requested"]);
    expect(audit[0]!.actorId).toBe(d.a1.id);
    expect(audit[0]!.after).toMatchObject({ estimatedFen: "150000", perHeadFlagged: true });
    const out = await outboxFor(view.id);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      target: `member:${d.s1.id}`,
      dedupeKey: `hospitality:${view.id}:step:${view.steps[0]!.id}:requested`,
    });
    expect(out[0]!.payload).toMatchObject({ kind: "hospitality.approval_requested", requestId: view.id, version: 1 });
  });

  it("flags the per-head amount against the customer's effective tier guideline, equal is within it", async () => {
    // Tier B overridden to VIP: the VIP guideline (500 CNY) applies. 2 people.
    const { d, request } = await scene({ tier: "B", tierOverride: "VIP" });
    const within = await request(d.a1, "1000.00", { guests: 1, staff: 1 });
    const over = await request(d.a1, "1000.01", { guests: 1, staff: 1 });
    expect([within.perHeadFlagged, over.perHeadFlagged]).toEqual([false, true]);
    expect(within.perHeadGuidelineFen).toBe(50_000n);
    const stored = await tdb.prisma.hospitalityRequest.findMany({ where: { id: { in: [within.id, over.id] } }, orderBy: { number: "asc" } });
    expect(stored.map((r) => r.perHeadFlagged)).toEqual([false, true]);
  });

  it("refuses a date in the past and bad input, writing nothing; today is fine", async () => {
    const { tenant, d, request } = await scene();
    await expect(request(d.a1, "100", { eventDate: "2026-11-22" })).rejects.toMatchObject({
      code: "hospitality.date_in_past",
      params: { date: "2026-11-22", today: "2026-11-23" },
    });
    await expect(request(d.a1, "100", { guests: 0 })).rejects.toMatchObject({ code: "hospitality.invalid_input", params: { field: "guests" } });
    await expect(request(d.a1, "100", { purpose: "  " })).rejects.toMatchObject({ code: "hospitality.invalid_input", params: { field: "purpose" } });
    await expect(request(d.a1, "0")).rejects.toMatchObject({ code: "hospitality.invalid_input", params: { field: "estimatedFen" } });
    await expect(request(d.a1, "100", { kind: "PARTY" })).rejects.toMatchObject({ code: "hospitality.invalid_input", params: { field: "kind" } });
    expect(await tdb.prisma.hospitalityRequest.count({ where: { tenantId: tenant.id } })).toBe(0);
    const today = await request(d.a1, "100", { eventDate: "2026-11-23" });
    expect(today.eventDate).toBe("2026-11-23");
    expect(today.number).toBe(1);
  });

  it("lets only members who may act for the customer's owner request, and unknown customers are not found", async () => {
    const { d, deps, request, customer } = await scene();
    await expect(request(d.b1, "100")).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(request(d.a1, "100", { customerId: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({
      code: "hospitality.customer_not_found",
    });
    // The other tenant's member does not see this customer at all.
    const other = await scene();
    await expect(
      requestHospitality(deps, actor(other.d.a1), {
        customerId: customer.id,
        eventDate: "2026-11-25",
        kind: "MEAL",
        guests: 1,
        estimatedFen: 100n,
        purpose: "x",
      }),
    ).rejects.toMatchObject({ code: "hospitality.customer_not_found" });
    // The supervisor requests for their specialist's customer: approved by their own supervisor.
    const bySupervisor = await request(d.s1, "100");
    expect(bySupervisor.requester.id).toBe(d.s1.id);
    expect(bySupervisor.steps.map((s) => s.approver.id)).toEqual([d.manager.id]);
  });

  it("refuses with hospitality.no_approver when a step has nobody, consuming no number", async () => {
    const { tenant, d, request } = await scene();
    await tdb.prisma.member.update({ where: { id: d.a1.id }, data: { supervisorId: null } });
    await expect(request(d.a1, "100")).rejects.toMatchObject({ code: "hospitality.no_approver", params: { step: "SUPERVISOR" } });
    await tdb.prisma.member.update({ where: { id: d.a1.id }, data: { supervisorId: d.s1.id } });
    // Without a final approver the manager would take the final step too: with no manager left,
    // the manager step is the one that has nobody.
    await tdb.prisma.member.update({ where: { id: d.manager.id }, data: { active: false } });
    await expect(request(d.a1, "20000")).rejects.toMatchObject({ code: "hospitality.no_approver", params: { step: "MANAGER" } });
    expect(await tdb.prisma.hospitalityRequest.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect((await tdb.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).nextHospitalityNo).toBe(1);
  });

  it("collapses a repeated approver into one step, records it, and never asks the requester", async () => {
    const { d, deps, request } = await scene();
    // S1 reports to the manager, who is also the designated final approver.
    await tdb.prisma.tenant.update({
      where: { id: d.s1.tenantId },
      data: { settings: { hospitality: { finalApproverId: d.manager.id } } },
    });
    const view = await request(d.s1, "12000");
    expect(view.steps.map((s) => [s.role, s.approver.id, s.status, s.collapsedInto])).toEqual([
      ["SUPERVISOR", d.manager.id, "PENDING", null],
      ["MANAGER", d.manager.id, "SKIPPED", 1],
      ["FINAL", d.manager.id, "SKIPPED", 1],
    ]);
    const audit = await auditFor(view.id);
    expect((audit[0]!.after as { steps: Array<{ collapsedInto: number | null }> }).steps.map((s) => s.collapsedInto)).toEqual([
      null,
      1,
      1,
    ]);
    const decided = await decideApproval(deps, actor(d.manager), { requestId: view.id, decision: "APPROVE" });
    expect(decided.status).toBe("APPROVED");

    // A manager's own request: the MANAGER step goes to another manager, not to themselves.
    const m2 = await makeMember(tdb.prisma, d.manager.tenantId, { role: "MANAGER", name: "经理 Sun" });
    await tdb.prisma.member.update({ where: { id: d.manager.id }, data: { supervisorId: d.admin.id } });
    const own = await request(d.manager, "5000");
    expect(own.steps.map((s) => s.approver.id)).toEqual([d.admin.id, m2.id]);
  });
});

describe("decideApproval", () => {
  it("refuses self-approval with hospitality.self_approval, also for an ADMIN requester", async () => {
    const { d, deps, request } = await scene();
    const mine = await request(d.a1, "100");
    await expect(decideApproval(deps, actor(d.a1), { requestId: mine.id, decision: "APPROVE" })).rejects.toMatchObject({
      code: "hospitality.self_approval",
    });
    await tdb.prisma.member.update({ where: { id: d.admin.id }, data: { supervisorId: d.manager.id } });
    const adminOwn = await request(d.admin, "100");
    expect(adminOwn.steps.map((s) => s.approver.id)).toEqual([d.manager.id]);
    await expect(
      decideApproval(deps, actor(d.admin), { requestId: adminOwn.id, stepId: adminOwn.steps[0]!.id, decision: "APPROVE", cardVersion: 1 }),
    ).rejects.toMatchObject({ code: "hospitality.self_approval" });
    const stored = await tdb.prisma.approvalStep.findMany({ where: { requestId: { in: [mine.id, adminOwn.id] } } });
    expect(stored.every((s) => s.status === "PENDING" && s.decidedById === null)).toBe(true);
  });

  it("refuses anyone but the step's approver or an ADMIN with hospitality.not_your_step", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "5000");
    for (const who of [d.a2, d.s2, d.manager]) {
      await expect(decideApproval(deps, actor(who), { requestId: view.id, decision: "APPROVE" })).rejects.toMatchObject({
        code: "hospitality.not_your_step",
      });
    }
    // The manager's step is not open yet, even with its id.
    await expect(
      decideApproval(deps, actor(d.manager), { requestId: view.id, stepId: view.steps[1]!.id, decision: "APPROVE" }),
    ).rejects.toMatchObject({ code: "hospitality.not_your_step" });
    expect((await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id } })).version).toBe(1);
  });

  it("refuses a rejection without a reason with hospitality.reason_required, then rejects with one", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "12000");
    for (const reason of [undefined, "", "   "]) {
      await expect(decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "REJECT", reason })).rejects.toMatchObject({
        code: "hospitality.reason_required",
      });
    }
    const rejected = await decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "REJECT", reason: "预算不足" });
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.steps.map((s) => s.status)).toEqual(["REJECTED", "SKIPPED", "SKIPPED"]);
    expect(rejected.steps[0]).toMatchObject({ reason: "预算不足", decidedBy: { id: d.s1.id } });
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id } });
    expect(stored).toMatchObject({ status: "REJECTED", version: 2, decidedAt: new Date(NOW) });
    expect((await auditFor(view.id)).map((a) => a.action)).toEqual(["hospitality.requested", "hospitality.step_rejected"]);
    const out = await outboxFor(view.id);
    expect(out.map((m) => [m.target, (m.payload as { kind: string }).kind])).toEqual([
      [`member:${d.s1.id}`, "hospitality.approval_requested"],
      [`member:${d.a1.id}`, "hospitality.rejected"],
    ]);
  });

  it("runs the full 3-step flow to APPROVED, notifying each next approver and finally the requester", async () => {
    const { d, deps, request } = await scene();
    const cfo = await makeMember(tdb.prisma, d.a1.tenantId, { name: "CFO Qian" });
    await tdb.prisma.tenant.update({ where: { id: d.a1.tenantId }, data: { settings: { hospitality: { finalApproverId: cfo.id } } } });
    const view = await request(d.a1, "10000.01");
    expect(view.steps.map((s) => s.approver.id)).toEqual([d.s1.id, d.manager.id, cfo.id]);

    deps.clock.advance(HOUR);
    const afterS1 = await decideApproval(deps, actor(d.s1), { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE", cardVersion: 1 });
    expect(afterS1.status).toBe("PENDING");
    expect(afterS1.version).toBe(2);
    expect(afterS1.steps.map((s) => s.status)).toEqual(["APPROVED", "PENDING", "WAITING"]);
    expect(afterS1.steps[1]!.pendingSince).toEqual(deps.clock.now());
    expect(await myPendingApprovals(deps, actor(d.s1))).toEqual([]);
    const managerQueue = await myPendingApprovals(deps, actor(d.manager));
    expect(managerQueue).toHaveLength(1);
    expect(managerQueue[0]).toMatchObject({ requestId: view.id, role: "MANAGER", version: 2, estimatedFen: 1_000_001n });

    deps.clock.advance(HOUR);
    const afterM = await decideApproval(deps, actor(d.manager), { requestId: view.id, stepId: view.steps[1]!.id, decision: "APPROVE", cardVersion: 2 });
    expect(afterM.steps.map((s) => s.status)).toEqual(["APPROVED", "APPROVED", "PENDING"]);

    deps.clock.advance(HOUR);
    const done = await decideApproval(deps, actor(cfo), { requestId: view.id, stepId: view.steps[2]!.id, decision: "APPROVE", cardVersion: 3 });
    expect(done.status).toBe("APPROVED");
    expect(done.version).toBe(4);
    expect(done.decidedAt).toEqual(deps.clock.now());
    expect(done.steps.map((s) => s.decidedBy?.id)).toEqual([d.s1.id, d.manager.id, cfo.id]);

    const out = await outboxFor(view.id);
    expect(out.map((m) => [m.target, (m.payload as { kind: string; version?: number }).kind, (m.payload as { version?: number }).version])).toEqual([
      [`member:${d.s1.id}`, "hospitality.approval_requested", 1],
      [`member:${d.manager.id}`, "hospitality.approval_requested", 2],
      [`member:${cfo.id}`, "hospitality.approval_requested", 3],
      [`member:${d.a1.id}`, "hospitality.approved", undefined],
    ]);
    const audit = await auditFor(view.id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["hospitality.requested", d.a1.id],
      ["hospitality.step_approved", d.s1.id],
      ["hospitality.step_approved", d.manager.id],
      ["hospitality.step_approved", cfo.id],
    ]);
    expect(audit[3]!.after).toMatchObject({ status: "APPROVED", version: 4 });

    // Anything after the final decision is told who decided.
    await expect(decideApproval(deps, actor(d.admin), { requestId: view.id, decision: "REJECT", reason: "x" })).rejects.toMatchObject({
      code: "hospitality.already_decided",
      params: { by: "CFO Qian", decision: "APPROVED" },
    });
  });

  it("lets an ADMIN decide the pending step on the approver's behalf, recorded as such", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "100");
    const done = await decideApproval(deps, actor(d.admin), { requestId: view.id, decision: "APPROVE" });
    expect(done.status).toBe("APPROVED");
    expect(done.steps[0]).toMatchObject({ approver: { id: d.s1.id }, decidedBy: { id: d.admin.id } });
    const audit = await auditFor(view.id);
    expect(audit[1]).toMatchObject({ action: "hospitality.step_approved", actorId: d.admin.id });
    expect(audit[1]!.after).toMatchObject({ onBehalf: true, approverId: d.s1.id });
  });

  it("answers a stale card or a second click with hospitality.already_decided naming the decider", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "5000");
    const first = { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE" as const, cardVersion: 1 };
    await decideApproval(deps, actor(d.s1), first);
    const err = await decideApproval(deps, actor(d.s1), first).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({
      code: "hospitality.already_decided",
      params: { by: "主管 Li", byId: d.s1.id, decision: "APPROVED", at: new Date(NOW).toISOString() },
    });
    // A repeated text command (no card) by the same approver is a double click too.
    await expect(decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" })).rejects.toMatchObject({
      code: "hospitality.already_decided",
    });
    // An ADMIN clicking the old card must not decide the manager's step by accident.
    await expect(decideApproval(deps, actor(d.admin), { requestId: view.id, decision: "REJECT", reason: "late", cardVersion: 1 })).rejects.toMatchObject({
      code: "hospitality.already_decided",
      params: { by: "主管 Li" },
    });
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(stored.version).toBe(2);
    expect(stored.steps.map((s) => s.status)).toEqual(["APPROVED", "PENDING"]);
  });

  it("makes exactly one decision when the same approver clicks 10 times at once", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "5000");
    const click = { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE" as const, cardVersion: 1 };
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => decideApproval(deps, actor(d.s1), click)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(ConflictError);
      expect(l.reason).toMatchObject({ code: "hospitality.already_decided", params: { by: "主管 Li", decision: "APPROVED" } });
    }
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(stored.version).toBe(2);
    expect(stored.steps.map((s) => s.status)).toEqual(["APPROVED", "PENDING"]);
    expect((await auditFor(view.id)).filter((a) => a.action === "hospitality.step_approved")).toHaveLength(1);
    expect((await outboxFor(view.id)).filter((m) => m.target === `member:${d.manager.id}`)).toHaveLength(1);
  });

  it("makes exactly one decision when the approver and an ADMIN race", async () => {
    const { d, deps, request } = await scene();
    for (let round = 0; round < 3; round++) {
      const view = await request(d.a1, "100");
      const results = await Promise.allSettled([
        decideApproval(deps, actor(d.s1), { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE", cardVersion: 1 }),
        decideApproval(deps, actor(d.admin), { requestId: view.id, stepId: view.steps[0]!.id, decision: "REJECT", reason: "no", cardVersion: 1 }),
      ]);
      const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof decideApproval>>> => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = won[0]!.value;
      const winnerName = winner.status === "APPROVED" ? "主管 Li" : "Admin";
      expect(lost[0]!.reason).toMatchObject({ code: "hospitality.already_decided", params: { by: winnerName, decision: winner.status } });
      const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: true } });
      expect(stored.status).toBe(winner.status);
      expect(stored.version).toBe(2);
      expect(stored.steps[0]!.decidedById).toBe(winner.status === "APPROVED" ? d.s1.id : d.admin.id);
      expect((await auditFor(view.id)).filter((a) => a.action.startsWith("hospitality.step_"))).toHaveLength(1);
    }
  });

  it("does not decide a cancelled request: hospitality.not_pending", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "100");
    await cancelHospitality(deps, actor(d.a1), { requestId: view.id });
    await expect(decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" })).rejects.toMatchObject({
      code: "hospitality.not_pending",
      params: { status: "CANCELLED" },
    });
  });
});

describe("cancel and settle", () => {
  it("lets only the requester cancel a pending request, skipping its steps and telling the approver", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "5000");
    await expect(cancelHospitality(deps, actor(d.s1), { requestId: view.id })).rejects.toMatchObject({ code: "hospitality.not_requester" });
    const cancelled = await cancelHospitality(deps, actor(d.a1), { requestId: view.id, reason: "客户改期" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancelReason: "客户改期", version: 2 });
    expect(cancelled.steps.map((s) => s.status)).toEqual(["SKIPPED", "SKIPPED"]);
    await expect(cancelHospitality(deps, actor(d.a1), { requestId: view.id })).rejects.toMatchObject({
      code: "hospitality.not_pending",
      params: { status: "CANCELLED" },
    });
    expect((await auditFor(view.id)).map((a) => a.action)).toEqual(["hospitality.requested", "hospitality.cancelled"]);
    const out = await outboxFor(view.id);
    expect(out.at(-1)).toMatchObject({ target: `member:${d.s1.id}`, dedupeKey: `hospitality:${view.id}:cancelled` });
    expect(await myPendingApprovals(deps, actor(d.s1))).toEqual([]);
  });

  it("ends a cancel-versus-approve race with one outcome", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "100");
    const results = await Promise.allSettled([
      cancelHospitality(deps, actor(d.a1), { requestId: view.id }),
      decideApproval(deps, actor(d.s1), { requestId: view.id, stepId: view.steps[0]!.id, decision: "APPROVE", cardVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id }, include: { steps: true } });
    expect(["CANCELLED", "APPROVED"]).toContain(stored.status);
    expect(stored.steps[0]!.status).toBe(stored.status === "CANCELLED" ? "SKIPPED" : "APPROVED");
    const loser = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(loser.reason).toMatchObject({ code: "hospitality.not_pending" });
  });

  it("settles an approved request and flags overspend above 10% to the requester's supervisor", async () => {
    const { d, deps, request } = await scene();
    const within = await request(d.a1, "2000");
    const over = await request(d.a1, "2000");
    await expect(settleHospitality(deps, actor(d.a1), { requestId: within.id, actualFen: 1n })).rejects.toMatchObject({
      code: "hospitality.not_approved",
      params: { status: "PENDING" },
    });
    for (const r of [within, over]) await decideApproval(deps, actor(d.s1), { requestId: r.id, decision: "APPROVE" });
    await expect(settleHospitality(deps, actor(d.s1), { requestId: within.id, actualFen: 1n })).rejects.toMatchObject({
      code: "hospitality.not_requester",
    });

    // Settled on the event day (2026-11-25): what was spent is known only then.
    const eventDay = new Date("2026-11-25T01:00:00Z");
    deps.clock.set(eventDay.toISOString());
    const ok = await settleHospitality(deps, actor(d.a1), { requestId: within.id, actualFen: yuanToFen("2200.00") });
    expect(ok).toMatchObject({ status: "SETTLED", actualFen: 220_000n, overspendFlagged: false, settledAt: eventDay });
    const flagged = await settleHospitality(deps, actor(d.a1), { requestId: over.id, actualFen: "220001" });
    expect(flagged).toMatchObject({ status: "SETTLED", actualFen: 220_001n, overspendFlagged: true });

    expect((await outboxFor(within.id)).some((m) => (m.payload as { kind: string }).kind === "hospitality.overspent")).toBe(false);
    const overspent = (await outboxFor(over.id)).filter((m) => (m.payload as { kind: string }).kind === "hospitality.overspent");
    expect(overspent).toEqual([expect.objectContaining({ target: `member:${d.s1.id}`, dedupeKey: `hospitality:${over.id}:overspent` })]);
    const audit = (await auditFor(over.id)).at(-1)!;
    expect(audit).toMatchObject({ action: "hospitality.settled", actorId: d.a1.id });
    expect(audit.after).toMatchObject({ actualFen: "220001", overByFen: "20001", overspendFlagged: true });
    await expect(settleHospitality(deps, actor(d.a1), { requestId: over.id, actualFen: 1n })).rejects.toMatchObject({
      code: "hospitality.not_approved",
      params: { status: "SETTLED" },
    });
  });
});

describe("settlement date", () => {
  it("refuses to settle before the event date, writing nothing, and accepts it from the event day on", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "1000");
    await decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" });
    // 2026-11-24 23:59 in Shanghai: still the day before the event.
    deps.clock.set("2026-11-24T15:59:00Z");
    await expect(settleHospitality(deps, actor(d.a1), { requestId: view.id, actualFen: 90_000n })).rejects.toMatchObject({
      code: "hospitality.settle_before_event",
      params: { date: "2026-11-25", today: "2026-11-24" },
    });
    const stored = await tdb.prisma.hospitalityRequest.findUniqueOrThrow({ where: { id: view.id } });
    expect(stored).toMatchObject({ status: "APPROVED", actualFen: null, settledAt: null });
    expect((await auditFor(view.id)).map((a) => a.action)).not.toContain("hospitality.settled");
    // 2026-11-25 00:00 in Shanghai: the event day.
    deps.clock.set("2026-11-24T16:00:00Z");
    expect(await settleHospitality(deps, actor(d.a1), { requestId: view.id, actualFen: 90_000n })).toMatchObject({ status: "SETTLED" });
  });
});

describe("queries", () => {
  it("lists my pending approval steps with customer and requester, oldest first", async () => {
    const { d, deps, request, customer } = await scene();
    const older = await request(d.a1, "100");
    deps.clock.advance(HOUR);
    const newer = await request(d.s1, "100");
    deps.clock.advance(HOUR);
    const third = await request(d.a1, "300");
    await decideApproval(deps, actor(d.s1), { requestId: third.id, decision: "APPROVE" });
    const mine = await myPendingApprovals(deps, actor(d.s1));
    expect(mine.map((p) => p.requestId)).toEqual([older.id]);
    expect(mine[0]).toMatchObject({
      number: older.number,
      role: "SUPERVISOR",
      version: 1,
      eventDate: "2026-11-25",
      kind: "MEAL",
      estimatedFen: 10_000n,
      customer: { id: customer.id, name: customer.name, tier: "B" },
      requester: { id: d.a1.id, name: "Alice" },
      pendingSince: new Date(NOW),
    });
    const managers = await myPendingApprovals(deps, actor(d.manager));
    expect(managers.map((p) => p.requestId)).toEqual([newer.id]);
    expect(await myPendingApprovals(deps, actor(d.admin))).toEqual([]);
  });

  it("shows a request to its requester, approvers and their superiors only", async () => {
    const { d, deps, request } = await scene();
    const view = await request(d.a1, "5000");
    for (const who of [d.a1, d.s1, d.manager, d.admin]) {
      expect((await getHospitality(deps, actor(who), view.id)).id).toBe(view.id);
    }
    for (const who of [d.a2, d.s2, d.b1]) {
      await expect(getHospitality(deps, actor(who), view.id)).rejects.toMatchObject({ code: "hospitality.not_found" });
    }
    const other = await scene();
    await expect(getHospitality(deps, actor(other.d.admin), view.id)).rejects.toMatchObject({ code: "hospitality.not_found" });
  });
});

describe("sweepApprovalReminders", () => {
  it("reminds an approver after 24 h pending, at most once per local day", async () => {
    const { tenant, d, deps, request } = await scene();
    const view = await request(d.a1, "5000"); // pending since 2026-11-23 09:00 Shanghai
    const at = (iso: string) => sweepApprovalReminders(deps, new Date(iso), { tenantId: tenant.id });
    const reminders = async () =>
      (await outboxFor(view.id)).filter((m) => (m.payload as { kind: string }).kind === "hospitality.approval_reminder");

    expect((await at("2026-11-24T00:59:00Z")).reminded).toBe(0); // 23 h 59 min
    expect((await at("2026-11-24T01:00:00Z")).reminded).toBe(1); // 24 h: 11-24 09:00 local
    expect((await at("2026-11-24T09:00:00Z")).reminded).toBe(0); // same local day, 17:00
    // 11-25 00:05 local: a new day, but only 15 h after the last reminder.
    expect((await at("2026-11-24T16:05:00Z")).reminded).toBe(0);
    expect((await at("2026-11-25T01:05:00Z")).reminded).toBe(1); // 11-25 09:05 local
    expect((await at("2026-11-25T01:10:00Z")).reminded).toBe(0);

    const sent = await reminders();
    expect(sent.map((m) => [m.target, m.dedupeKey])).toEqual([
      [`member:${d.s1.id}`, `hospitality:${view.id}:step:${view.steps[0]!.id}:reminder:2026-11-24`],
      [`member:${d.s1.id}`, `hospitality:${view.id}:step:${view.steps[0]!.id}:reminder:2026-11-25`],
    ]);
    const step = await tdb.prisma.approvalStep.findUniqueOrThrow({ where: { id: view.steps[0]!.id } });
    expect(step.lastRemindedAt).toEqual(new Date("2026-11-25T01:05:00Z"));

    // Decided: the next step starts its own 24 h; the decided one is never reminded again.
    deps.clock.set("2026-11-25T02:00:00Z");
    await decideApproval(deps, actor(d.s1), { requestId: view.id, decision: "APPROVE" });
    expect((await at("2026-11-26T01:59:00Z")).reminded).toBe(0);
    expect((await at("2026-11-26T02:00:00Z")).reminded).toBe(1);
    expect((await reminders()).at(-1)!.target).toBe(`member:${d.manager.id}`);
  });

  it("claims each reminder once when two sweeps run at the same time, and skips a tenant with broken settings", async () => {
    const { tenant, d, deps, request } = await scene();
    await request(d.a1, "100");
    await request(d.s1, "100");
    const broken = await scene();
    await broken.request(broken.d.a1, "100");
    await tdb.prisma.tenant.update({ where: { id: broken.tenant.id }, data: { settings: { hospitality: { reminderAfterHours: -1 } } } });
    const now = new Date("2026-11-24T02:00:00Z");
    const [one, two] = await Promise.all([sweepApprovalReminders(deps, now), sweepApprovalReminders(deps, now)]);
    const ours = await tdb.prisma.outboxMessage.findMany({
      where: { tenantId: tenant.id, dedupeKey: { contains: ":reminder:" } },
    });
    expect(ours).toHaveLength(2);
    expect(one.failedTenantIds).toContain(broken.tenant.id);
    expect(two.failedTenantIds).toContain(broken.tenant.id);
    expect(await tdb.prisma.outboxMessage.count({ where: { tenantId: broken.tenant.id, dedupeKey: { contains: ":reminder:" } } })).toBe(0);
  });
});
