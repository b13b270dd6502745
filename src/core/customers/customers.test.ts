import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { fromDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { getCustomerCard } from "./card.js";
import { addContact, customerContacts } from "./contacts.js";
import {
  clearTierOverride,
  createCustomer,
  overrideTier,
  recomputeTiersByCooperation,
  recordPurchaseOrder,
  updateCustomer,
} from "./customers.js";
import { addRegion } from "../regions/regions.js";
import { AmbiguousCustomerError } from "./errors.js";
import { handOverCustomer } from "./handover.js";
import { findCustomer, lookupCustomerInTenant } from "./lookup.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

// depsAt's default instant, 2026-11-23T01:00Z, is 09:00 on 2026-11-23 in Asia/Shanghai.
const TODAY = "2026-11-23";
const yuan = (n: number) => BigInt(n) * 100n;

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  return { tenant, d, deps: depsAt(tdb.prisma) };
}

async function openCadence(customerId: string) {
  return tdb.prisma.callback.findMany({ where: { customerId, reason: "CADENCE", status: "PENDING" } });
}

describe("createCustomer", () => {
  it("creates a customer owned by the caller, computes its tier and opens one cadence callback, audited", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "  Acme   Trading ", annualPurchaseFen: yuan(1_000_000), industry: "retail" });
    expect(c).toMatchObject({ name: "Acme Trading", ownerId: d.a1.id, tier: "A", tierOverridden: false, status: "ACTIVE" });
    const stored = await tdb.prisma.customer.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored.nameKey).toBe("acme trading");
    const cadence = await openCadence(c.id);
    expect(cadence).toHaveLength(1);
    expect(cadence[0]!.assigneeId).toBe(d.a1.id);
    expect(fromDateColumn(cadence[0]!.dueOn)).toBe("2026-12-23");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: "customer.created" } });
    expect(audit.actorId).toBe(d.a1.id);
    expect(audit.after).toMatchObject({ name: "Acme Trading", tier: "A", annualPurchaseFen: "100000000" });
  });

  it("creates a prospect as tier C without a cadence callback", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Prospect Ltd" });
    expect(c).toMatchObject({ tier: "C", status: "PROSPECT" });
    expect(await openCadence(c.id)).toHaveLength(0);
  });

  it("refuses a name that exists in another case with customer.duplicate_name and writes nothing", async () => {
    const { tenant, d, deps } = await scene();
    await createCustomer(deps, actor(d.a1), { name: "Globex" });
    await expect(createCustomer(deps, actor(d.a2), { name: "GLOBEX " })).rejects.toMatchObject({
      code: "customer.duplicate_name",
      params: { name: "Globex" },
    });
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it("lets exactly one of two simultaneous creations of a name win", async () => {
    const { tenant, d, deps } = await scene();
    const results = await Promise.allSettled([
      createCustomer(deps, actor(d.a1), { name: "Race Co", annualPurchaseFen: yuan(100) }),
      createCustomer(deps, actor(d.a2), { name: "race co", annualPurchaseFen: yuan(100) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: "customer.duplicate_name" });
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await tdb.prisma.callback.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it("lets the same name exist in two tenants", async () => {
    const a = await scene();
    const b = await scene();
    await createCustomer(a.deps, actor(a.d.a1), { name: "Shared Name Co" });
    await expect(createCustomer(b.deps, actor(b.d.a1), { name: "Shared Name Co" })).resolves.toMatchObject({ name: "Shared Name Co" });
  });

  it("treats an explicit tier that differs from the computed one as an override needing SUPERVISOR", async () => {
    const { d, deps } = await scene();
    await expect(createCustomer(deps, actor(d.a1), { name: "Wants VIP", tier: "VIP" })).rejects.toMatchObject({
      code: "auth.role_required",
    });
    // The same tier as computed is no override, so a specialist may state it.
    await expect(createCustomer(deps, actor(d.a1), { name: "Plain C", tier: "C" })).resolves.toMatchObject({ tierOverridden: false });
    const c = await createCustomer(deps, actor(d.s1), { name: "Pinned VIP", tier: "VIP" });
    expect(c).toMatchObject({ tier: "VIP", tierOverridden: true, tierOverrideReason: "set at creation" });
    const cadence = await openCadence(c.id);
    expect(fromDateColumn(cadence[0]!.dueOn)).toBe("2026-12-07");
  });

  it("assigns another owner only when the actor may act for them", async () => {
    const { d, deps } = await scene();
    await expect(createCustomer(deps, actor(d.a1), { name: "For Amy", ownerId: d.a2.id })).rejects.toMatchObject({
      code: "auth.not_yours",
    });
    await expect(createCustomer(deps, actor(d.s1), { name: "For Bob", ownerId: d.b1.id })).rejects.toMatchObject({
      code: "auth.not_yours",
    });
    const c = await createCustomer(deps, actor(d.s1), { name: "For Alice", ownerId: d.a1.id });
    expect(c.ownerId).toBe(d.a1.id);
  });

  it("refuses bad input with customer.invalid_input naming the field", async () => {
    const { d, deps } = await scene();
    await expect(createCustomer(deps, actor(d.a1), { name: "   " })).rejects.toMatchObject({
      code: "customer.invalid_input",
      params: { field: "name" },
    });
    await expect(createCustomer(deps, actor(d.a1), { name: "Neg", annualPurchaseFen: -1n })).rejects.toMatchObject({
      params: { field: "annualPurchaseFen" },
    });
    await expect(createCustomer(deps, actor(d.a1), { name: "Bad date", cooperationStart: "2026-02-30" })).rejects.toMatchObject({
      params: { field: "cooperationStart" },
    });
  });
});

describe("findCustomer", () => {
  it("finds by exact name in any case, and prefers an exact match over longer names", async () => {
    const { d, deps } = await scene();
    const acme = await createCustomer(deps, actor(d.a1), { name: "ACME Corp" });
    await createCustomer(deps, actor(d.a1), { name: "ACME Corp Holdings" });
    expect((await findCustomer(deps, actor(d.a1), "acme corp")).id).toBe(acme.id);
  });

  it("finds a Chinese name by an unambiguous prefix", async () => {
    const { d, deps } = await scene();
    const huawei = await createCustomer(deps, actor(d.a1), { name: "华为技术有限公司" });
    await createCustomer(deps, actor(d.a1), { name: "中兴通讯" });
    expect((await findCustomer(deps, actor(d.a1), "华为")).id).toBe(huawei.id);
  });

  it("refuses an ambiguous prefix with the candidate names", async () => {
    const { d, deps } = await scene();
    await createCustomer(deps, actor(d.a1), { name: "腾讯科技" });
    await createCustomer(deps, actor(d.a1), { name: "腾讯音乐" });
    const err = await findCustomer(deps, actor(d.a1), "腾讯").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousCustomerError);
    const ambiguous = err as AmbiguousCustomerError;
    expect(ambiguous.code).toBe("customer.ambiguous");
    expect(ambiguous.candidates.map((c) => c.name)).toEqual(["腾讯科技", "腾讯音乐"]);
    expect(ambiguous.params.names).toBe("腾讯科技, 腾讯音乐");
  });

  it("answers customer.not_found for no match, and treats % and _ literally", async () => {
    const { d, deps } = await scene();
    await createCustomer(deps, actor(d.a1), { name: "Initech" });
    await expect(findCustomer(deps, actor(d.a1), "Initrode")).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(findCustomer(deps, actor(d.a1), "%")).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(findCustomer(deps, actor(d.a1), "Init_ch")).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(findCustomer(deps, actor(d.a1), "  ")).rejects.toMatchObject({ code: "customer.name_required" });
  });

  it("refuses a specialist another specialist's customer, but lets the supervisor and anyone's lookup see it", async () => {
    const { tenant, d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a2), { name: "Amy's Account" });
    await expect(findCustomer(deps, actor(d.a1), "amy's account")).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(getCustomerCard(deps, actor(d.a1), c.id)).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(findCustomer(deps, actor(d.s2), "amy's")).rejects.toMatchObject({ code: "auth.not_yours" });
    expect((await findCustomer(deps, actor(d.s1), "amy's")).id).toBe(c.id);
    expect((await findCustomer(deps, actor(d.manager), "amy's")).id).toBe(c.id);
    expect((await lookupCustomerInTenant(tdb.prisma, tenant.id, "AMY'S")).id).toBe(c.id);
  });

  it("never finds another tenant's customer, by name or by id", async () => {
    const x = await scene();
    const y = await scene();
    const c = await createCustomer(x.deps, actor(x.d.a1), { name: "Tenant X Only" });
    await expect(findCustomer(y.deps, actor(y.d.admin), "Tenant X Only")).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(getCustomerCard(y.deps, actor(y.d.admin), c.id)).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(overrideTier(y.deps, actor(y.d.admin), c.id, "VIP", "x")).rejects.toMatchObject({ code: "customer.not_found" });
    await expect(lookupCustomerInTenant(tdb.prisma, y.tenant.id, "Tenant X")).rejects.toMatchObject({ code: "customer.not_found" });
  });
});

describe("tier overrides and updates", () => {
  it("needs SUPERVISOR and a reason to override, and pulls the cadence due date in", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Retier Co", annualPurchaseFen: yuan(10_000) });
    expect(c.tier).toBe("B");
    expect(fromDateColumn((await openCadence(c.id))[0]!.dueOn)).toBe("2027-02-22"); // Sunday 2-21 rolls to a working day
    await expect(overrideTier(deps, actor(d.a1), c.id, "VIP", "big deal")).rejects.toMatchObject({ code: "auth.role_required" });
    await expect(overrideTier(deps, actor(d.s1), c.id, "VIP", "   ")).rejects.toMatchObject({ code: "customer.tier_reason_required" });
    await expect(overrideTier(deps, actor(d.s1), c.id, "Z", "why")).rejects.toMatchObject({ params: { field: "tier" } });
    await expect(overrideTier(deps, actor(d.s2), c.id, "VIP", "not my team")).rejects.toMatchObject({ code: "auth.not_yours" });

    const v = await overrideTier(deps, actor(d.s1), c.id, "VIP", "group-level strategic account");
    expect(v).toMatchObject({ tier: "VIP", tierOverridden: true, tierOverrideReason: "group-level strategic account" });
    const cadence = await openCadence(c.id);
    expect(cadence).toHaveLength(1);
    expect(fromDateColumn(cadence[0]!.dueOn)).toBe("2026-12-07");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: "customer.tier_overridden" } });
    expect(audit.before).toMatchObject({ tier: "B", tierOverride: null });
    expect(audit.after).toMatchObject({ tier: "VIP", tierOverride: "VIP", tierOverrideReason: "group-level strategic account" });

    // Updates keep the override in force.
    const updated = await updateCustomer(deps, actor(d.a1), c.id, { annualPurchaseFen: yuan(20_000) });
    expect(updated.tier).toBe("VIP");

    const cleared = await clearTierOverride(deps, actor(d.s1), c.id);
    expect(cleared).toMatchObject({ tier: "B", tierOverridden: false, tierOverrideReason: null });
    expect(await openCadence(c.id)).toHaveLength(1);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: c.id, action: "customer.tier_override_cleared" } })).toBe(1);
  });

  it("recomputes the tier on update, keeps one cadence callback, and drops it when churned", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Grower", annualPurchaseFen: yuan(500) });
    const vip = await updateCustomer(deps, actor(d.a1), c.id, { annualPurchaseFen: yuan(5_000_000), region: "华东" });
    expect(vip).toMatchObject({ tier: "VIP", region: "华东" });
    let cadence = await openCadence(c.id);
    expect(cadence).toHaveLength(1);
    expect(fromDateColumn(cadence[0]!.dueOn)).toBe("2026-12-07");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: "customer.updated" } });
    expect(audit.before).toEqual({ tier: "B", region: null, annualPurchaseFen: "50000" });
    expect(audit.after).toEqual({ tier: "VIP", region: "华东", annualPurchaseFen: "500000000" });

    const churned = await updateCustomer(deps, actor(d.a1), c.id, { status: "CHURNED" });
    expect(churned.tier).toBe("C");
    cadence = await openCadence(c.id);
    expect(cadence).toHaveLength(0);
  });

  it("writes nothing for an update that changes nothing", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Steady", region: "华北" });
    await updateCustomer(deps, actor(d.a1), c.id, { region: "华北" });
    expect(await tdb.prisma.auditLog.count({ where: { entityId: c.id, action: "customer.updated" } })).toBe(0);
  });

  it("lets only a supervisor mark a customer strategic (it makes VIP)", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Strategic Co", annualPurchaseFen: yuan(100) });
    await expect(updateCustomer(deps, actor(d.a1), c.id, { strategic: true })).rejects.toMatchObject({ code: "auth.role_required" });
    expect((await updateCustomer(deps, actor(d.s1), c.id, { strategic: true })).tier).toBe("VIP");
  });

  it("refuses a specialist updating another's customer", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a2), { name: "Not Alice's" });
    await expect(updateCustomer(deps, actor(d.a1), c.id, { region: "x" })).rejects.toMatchObject({ code: "auth.not_yours" });
  });
});

describe("visit cadence at once", () => {
  async function openVisitPlans(customerId: string) {
    return tdb.prisma.visitPlan.findMany({ where: { customerId, status: "PLANNED", reason: "CADENCE" } });
  }

  it("plans a new customer's next visit in the creating transaction, follows re-tiers and owners, and drops it when churned", async () => {
    const { d, deps } = await scene();
    const prospect = await createCustomer(deps, actor(d.a1), { name: "Visit Prospect", status: "PROSPECT" });
    expect(prospect.tier).toBe("C");
    expect(await openVisitPlans(prospect.id)).toHaveLength(0);

    const c = await createCustomer(deps, actor(d.a1), { name: "Visit Grower", annualPurchaseFen: yuan(10_000) });
    expect(c.tier).toBe("B");
    let plans = await openVisitPlans(c.id);
    expect(plans).toHaveLength(1);
    // tiers.visitEveryDays.B = 365 days from today, no sweep run.
    expect(plans[0]).toMatchObject({ assigneeId: d.a1.id, openCadenceKey: c.id });
    expect(fromDateColumn(plans[0]!.plannedOn)).toBe("2027-11-23");

    // Re-tiered to VIP (30 days): the plan is pulled in at once, still one plan.
    await updateCustomer(deps, actor(d.a1), c.id, { annualPurchaseFen: yuan(5_000_000) });
    plans = await openVisitPlans(c.id);
    expect(plans).toHaveLength(1);
    expect(fromDateColumn(plans[0]!.plannedOn)).toBe("2026-12-23");

    // Handed over (`customer assign`): the planned visits go with the callbacks, not at the next sweep.
    const manual = await tdb.prisma.visitPlan.create({
      data: { tenantId: c.tenantId, customerId: c.id, assigneeId: d.a1.id, plannedOn: new Date("2026-12-01T00:00:00Z"), reason: "MANUAL" },
    });
    await handOverCustomer(deps, actor(d.s1), c.id, d.a2.id, "team change");
    plans = await openVisitPlans(c.id);
    expect(plans.map((p) => p.assigneeId)).toEqual([d.a2.id]);
    expect((await tdb.prisma.visitPlan.findUniqueOrThrow({ where: { id: manual.id } })).assigneeId).toBe(d.a2.id);

    await updateCustomer(deps, actor(d.s1), c.id, { status: "CHURNED" });
    expect(await openVisitPlans(c.id)).toHaveLength(0);
    expect(await tdb.prisma.visitPlan.count({ where: { customerId: c.id, status: "CANCELLED" } })).toBe(1);
  });

  it("counts a re-tier from the last face-to-face visit", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Visited Co", annualPurchaseFen: yuan(10_000) });
    await tdb.prisma.visit.create({
      data: { tenantId: c.tenantId, customerId: c.id, visitorId: d.a1.id, kind: "ON_SITE", occurredAt: new Date("2026-11-10T02:00:00Z"), summary: "met" },
    });
    await overrideTier(deps, actor(d.s1), c.id, "VIP", "strategic");
    const plans = await openVisitPlans(c.id);
    expect(plans).toHaveLength(1);
    // 2026-11-10 + 30 = 2026-12-10 (a Thursday).
    expect(fromDateColumn(plans[0]!.plannedOn)).toBe("2026-12-10");
  });
});

describe("handOverCustomer (customer assign)", () => {
  it("moves the customer, its cadence callback and the old owner's pending callbacks, audited; tells both owners and their supervisors", async () => {
    const { tenant, d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Handover Co", annualPurchaseFen: yuan(2_000_000) });
    await tdb.prisma.callback.create({
      data: { tenantId: tenant.id, customerId: c.id, assigneeId: d.a1.id, dueOn: new Date("2026-11-30T00:00:00Z"), reason: "MANUAL" },
    });
    await expect(handOverCustomer(deps, actor(d.a1), c.id, d.a2.id, "leave")).rejects.toMatchObject({ code: "auth.role_required" });
    await expect(handOverCustomer(deps, actor(d.s1), c.id, d.b1.id, "leave")).rejects.toMatchObject({ code: "auth.not_yours" });
    await expect(handOverCustomer(deps, actor(d.s1), c.id, d.a2.id, " ")).rejects.toMatchObject({ code: "customer.handover_reason_required" });

    const moved = await handOverCustomer(deps, actor(d.s1), c.id, d.a2.id, "leave");
    expect(moved.ownerId).toBe(d.a2.id);
    const pending = await tdb.prisma.callback.findMany({ where: { customerId: c.id, status: "PENDING" } });
    expect(pending).toHaveLength(2);
    expect(pending.every((cb) => cb.assigneeId === d.a2.id)).toBe(true);
    expect(await openCadence(c.id)).toHaveLength(1);
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: "customer.handed_over" } });
    expect(audit.before).toEqual({ ownerId: d.a1.id });
    expect(audit.after).toEqual({ ownerId: d.a2.id, reason: "leave" });
    const outbox = await tdb.prisma.outboxMessage.findMany({ where: { tenantId: tenant.id, entityId: c.id } });
    // The actor (S1, both owners' supervisor) is not told what they did.
    expect(outbox.map((m) => m.target).sort()).toEqual([`member:${d.a1.id}`, `member:${d.a2.id}`].sort());
    expect(outbox.every((m) => (m.payload as { kind: string }).kind === "customer.handover")).toBe(true);
  });

  it("refuses an owner from another tenant as not found", async () => {
    const x = await scene();
    const y = await scene();
    const c = await createCustomer(x.deps, actor(x.d.a1), { name: "Stay Home" });
    await expect(handOverCustomer(x.deps, actor(x.d.manager), c.id, y.d.a1.id, "move")).rejects.toMatchObject({ code: "member.not_found" });
  });
});

describe("card, contacts and orders", () => {
  it("shows owner, open callbacks, complaints, contacts and the last five visits", async () => {
    const { tenant, d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Card Co", annualPurchaseFen: yuan(6_000_000) });
    await addContact(deps, actor(d.a1), c.id, { name: "张三", title: "采购经理", phone: "13812345678", email: "zs@example.com" });
    await expect(addContact(deps, actor(d.a1), c.id, { name: "Bad", email: "nope" })).rejects.toMatchObject({
      params: { field: "email" },
    });
    for (let i = 0; i < 6; i++) {
      await tdb.prisma.visit.create({
        data: {
          tenantId: tenant.id,
          customerId: c.id,
          visitorId: d.a1.id,
          occurredAt: new Date(Date.UTC(2026, 10, 10 + i)),
          kind: "ON_SITE",
          summary: `visit ${i}`,
        },
      });
    }
    const base = { tenantId: tenant.id, customerId: c.id, reporterId: d.a1.id, assigneeId: d.a1.id, category: "SERVICE" as const };
    const due = { ackDueAt: new Date("2026-11-24T00:00:00Z"), resolveDueAt: new Date("2026-11-30T00:00:00Z") };
    await tdb.prisma.complaint.create({ data: { ...base, ...due, number: 1, severity: "LOW", description: "old", createdAt: new Date("2026-11-01T00:00:00Z") } });
    await tdb.prisma.complaint.create({ data: { ...base, ...due, number: 2, severity: "HIGH", description: "new", createdAt: new Date("2026-11-20T00:00:00Z") } });
    await tdb.prisma.complaint.create({ data: { ...base, ...due, number: 3, severity: "LOW", description: "closed", status: "CLOSED" } });

    const card = await getCustomerCard(deps, actor(d.s1), c.id);
    expect(card).toMatchObject({ name: "Card Co", tier: "VIP", owner: { id: d.a1.id, name: "Alice" }, lastContactOn: null });
    expect(card.openCallbacks.total).toBe(1);
    expect(card.openCallbacks.next[0]).toMatchObject({ reason: "CADENCE", dueOn: "2026-12-07", overdue: false });
    expect(card.complaints.openCount).toBe(2);
    expect(card.complaints.latestOpen).toMatchObject({ number: 2, severity: "HIGH" });
    expect(card.contacts).toEqual([expect.objectContaining({ name: "张三", phone: "13812345678" })]);
    expect(card.recentVisits.map((v) => v.summary)).toEqual(["visit 5", "visit 4", "visit 3", "visit 2", "visit 1"]);
    expect(card.recentVisits[0]!.visitorName).toBe("Alice");

    const contacts = await customerContacts(deps, actor(d.a1), c.id);
    expect(contacts).toEqual([expect.objectContaining({ name: "张三", primary: true })]);
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: "customer.contact_added" } });
    expect(audit.after).toMatchObject({ phone: "138****5678", email: "z***@example.com" });
  });

  it("records an order; a prospect's first order makes it an ACTIVE tier B customer with a cadence callback", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "First Order Co" });
    expect(await openCadence(c.id)).toHaveLength(0);
    await expect(recordPurchaseOrder(deps, actor(d.a1), c.id, { orderedOn: "2026-11-24", amountFen: 100n })).rejects.toMatchObject({
      code: "customer.order_in_future",
    });
    await expect(recordPurchaseOrder(deps, actor(d.a1), c.id, { orderedOn: TODAY, amountFen: 0n })).rejects.toMatchObject({
      params: { field: "amountFen" },
    });
    const { order, customer } = await recordPurchaseOrder(deps, actor(d.a1), c.id, { orderedOn: TODAY, amountFen: yuan(800) });
    expect(order).toMatchObject({ orderedOn: TODAY, amountFen: 80_000n });
    expect(customer).toMatchObject({ status: "ACTIVE", tier: "B" });
    expect(await openCadence(c.id)).toHaveLength(1);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: order.id, action: "purchase_order.recorded" } })).toBe(1);
  });

  it("keeps the cadence invariant across a department's worth of changes", async () => {
    const { tenant, d, deps } = await scene();
    const extra = await makeMember(tdb.prisma, tenant.id, { supervisorId: d.s1.id, name: "Extra" });
    const c = await createCustomer(deps, actor(d.s1), { name: "Invariant Co", annualPurchaseFen: yuan(100) });
    await overrideTier(deps, actor(d.s1), c.id, "A", "exchange meetings");
    await handOverCustomer(deps, actor(d.s1), c.id, extra.id, "new hire");
    await updateCustomer(deps, actor(d.s1), c.id, { annualPurchaseFen: yuan(7_000_000) });
    await clearTierOverride(deps, actor(d.s1), c.id);
    const open = await openCadence(c.id);
    expect(open).toHaveLength(1);
    expect(open[0]!.assigneeId).toBe(extra.id);
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).tier).toBe("VIP");
  });
});

describe("recomputeTiersByCooperation (the daily sweep)", () => {
  it("moves a customer to A on the day it reaches five years of cooperation, re-syncs its cadence and audits it as the system's", async () => {
    const { tenant, d } = await scene();
    const deps = depsAt(tdb.prisma, "2026-11-23T01:00:00Z");
    const me = actor(d.s1);
    // Created a day earlier: 4 years and 364 days of cooperation then, B, cadence every 90 days.
    const created = async (name: string, cooperationStart: string, extra: Record<string, unknown> = {}) =>
      createCustomer(depsAt(tdb.prisma, "2026-11-22T01:00:00Z"), me, { name, ownerId: d.a1.id, cooperationStart, ...extra });
    const today = await created("Five Years Today", "2021-11-23");
    const tomorrow = await created("Five Years Tomorrow", "2021-11-24");
    const overridden = await created("Held At B", "2019-01-01");
    await overrideTier(deps, me, overridden.id, "B", "kept at B by the supervisor");
    const churned = await created("Gone Ltd", "2015-06-01", { status: "CHURNED" });
    expect([today.tier, tomorrow.tier, churned.tier]).toEqual(["B", "B", "C"]);
    const cadenceBefore = await openCadence(today.id);
    expect(cadenceBefore).toHaveLength(1);

    expect(await recomputeTiersByCooperation(deps, await loadTenant(tdb.prisma, tenant.id))).toBe(1);

    const rows = await tdb.prisma.customer.findMany({ where: { tenantId: tenant.id }, select: { name: true, tier: true } });
    expect(Object.fromEntries(rows.map((r) => [r.name, r.tier]))).toEqual({
      "Five Years Today": "A",
      "Five Years Tomorrow": "B",
      "Held At B": "B",
      "Gone Ltd": "C",
    });
    // A's cadence is 30 days: the open cadence callback now falls due within a month, still one.
    const cadenceAfter = await openCadence(today.id);
    expect(cadenceAfter).toHaveLength(1);
    expect(fromDateColumn(cadenceAfter[0]!.dueOn) <= "2026-12-23").toBe(true);
    expect(fromDateColumn(cadenceAfter[0]!.dueOn) < fromDateColumn(cadenceBefore[0]!.dueOn)).toBe(true);
    const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: today.id, action: "customer.tier_recomputed" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: null, before: { tier: "B" }, after: { tier: "A", reason: "cooperation_years", years: 5 } });

    // Idempotent the same day; the next day the other customer's turn comes.
    expect(await recomputeTiersByCooperation(deps, await loadTenant(tdb.prisma, tenant.id))).toBe(0);
    const nextDay = depsAt(tdb.prisma, "2026-11-24T01:00:00Z");
    expect(await recomputeTiersByCooperation(nextDay, await loadTenant(tdb.prisma, tenant.id))).toBe(1);
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: tomorrow.id } })).tier).toBe("A");
  });
});

describe("customer regions and the tenant's region list", () => {
  it("takes any region as free text while the tenant keeps no list", async () => {
    const { d, deps } = await scene();
    await expect(createCustomer(deps, actor(d.a1), { name: "Free Text Co", region: "Somewhere" })).resolves.toMatchObject({ region: "Somewhere" });
  });

  it("refuses a region not on the list with customer.unknown_region naming it and the known ones, and writes nothing", async () => {
    const { tenant, d, deps } = await scene();
    await addRegion(deps, actor(d.admin), "华东");
    await addRegion(deps, actor(d.admin), "East China");
    const refused = await createCustomer(deps, actor(d.a1), { name: "Nowhere Co", region: "西北" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "customer.unknown_region", params: { field: "region", region: "西北" } });
    expect([...(refused as { params: { known: string[] } }).params.known].sort()).toEqual(["East China", "华东"]);
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(0);

    // Matched case-insensitively and stored as the list spells it.
    const c = await createCustomer(deps, actor(d.a1), { name: "Listed Co", region: "east china" });
    expect(c.region).toBe("East China");
    await expect(updateCustomer(deps, actor(d.a1), c.id, { region: "Mars" })).rejects.toMatchObject({ code: "customer.unknown_region" });
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).region).toBe("East China");
    await expect(updateCustomer(deps, actor(d.a1), c.id, { region: "华东" })).resolves.toMatchObject({ region: "华东" });
    await expect(updateCustomer(deps, actor(d.a1), c.id, { region: null })).resolves.toMatchObject({ region: null });
  });

  it("keeps a region from before the list when an edit leaves it alone", async () => {
    const { d, deps } = await scene();
    const c = await createCustomer(deps, actor(d.a1), { name: "Legacy Region Co", region: "老区域" });
    await addRegion(deps, actor(d.admin), "华东");
    // The edit form sends the whole file back, the old region with it.
    await expect(updateCustomer(deps, actor(d.a1), c.id, { region: "老区域", industry: "retail" })).resolves.toMatchObject({
      region: "老区域",
      industry: "retail",
    });
  });
});
