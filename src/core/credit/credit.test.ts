// Credit status, reviews and the receivables import on the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { systemActor } from "../imports/actor.js";
import { importReceivablesCsv } from "../imports/receivables-import.js";
import { riskForCustomer } from "../risk/risk.js";
import { getCreditStatus, recordCreditReview } from "./credit.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const NOW = "2026-11-23T01:00:00Z";

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const customer = await tdb.prisma.customer.create({
    data: { tenantId: tenant.id, name: "华为技术", nameKey: "华为技术", ownerId: d.a1.id, tier: "VIP", status: "ACTIVE", creditLimitFen: 10_000_000n, creditRating: "A" },
  });
  return { tenant, d, customer, deps: depsAt(tdb.prisma, NOW) };
}

const csv = (...rows: string[]) => ["客户,发票号,金额,到期日,已付金额", ...rows].join("\n");

describe("credit status and reviews", () => {
  it("shows rating, limit, outstanding, overdue and available credit, and schedules a VIP review a year on", async () => {
    const { tenant, d, customer, deps } = await scene();
    const imported = await importReceivablesCsv(deps, systemActor(tenant.id), csv("华为技术,FP-1,60000,2026-12-31,0", "华为技术,FP-2,30000,2026-11-01,10000"));
    expect(imported).toMatchObject({ ok: true, created: 2, alerts: { overLimit: 0, overdue: 1 } });
    const status = await getCreditStatus(deps, actor(d.a1), customer.id);
    expect(status).toMatchObject({
      rating: "A",
      limitFen: 10_000_000n,
      outstandingFen: 8_000_000n,
      overdueFen: 2_000_000n,
      availableFen: 2_000_000n,
      overLimit: false,
      lastReview: null,
      nextReviewOn: null,
    });
    await expect(getCreditStatus(deps, actor(d.b1), customer.id)).rejects.toMatchObject({ code: "auth.not_yours" });

    const reviewed = await recordCreditReview(deps, actor(d.s1), { customerId: customer.id, rating: "aa-", summary: "回款及时，现金流充足" });
    expect(reviewed).toMatchObject({ rating: "AA-", lastReview: { reviewedOn: "2026-11-23", rating: "AA-", reviewer: { id: d.s1.id } }, nextReviewOn: "2027-11-23" });
    await expect(recordCreditReview(deps, actor(d.s1), { customerId: customer.id, rating: "Z", summary: "x" })).rejects.toMatchObject({
      code: "credit.invalid_input",
      params: { field: "rating" },
    });
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: customer.id, action: "customer.credit_reviewed" } });
    expect(audit).toMatchObject({ actorId: d.s1.id, before: { creditRating: "A" } });

    // The overdue invoice adds a credit reason to the churn score.
    const risk = await riskForCustomer(deps, actor(d.a1), customer.id);
    expect(risk?.reasons).toContainEqual({ signal: "credit", points: 10, overdueFen: 2_000_000, overLimit: false });
  });
});

describe("importReceivablesCsv", () => {
  it("writes nothing when any row is bad, naming each problem by line", async () => {
    const { tenant, deps } = await scene();
    const result = await importReceivablesCsv(
      deps,
      systemActor(tenant.id),
      csv("华为技术,FP-1,60000,2026-12-31,0", "不存在公司,FP-2,100,2026-12-31,", "华为技术,FP-1,abc,2026-13-01,"),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "import.unknown_customer"],
      [4, "import.invalid_amount"],
      [4, "import.invalid_date"],
    ]);
    expect(await tdb.prisma.receivable.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("alerts over-limit once per limit and each overdue invoice once, to the account manager and supervisor", async () => {
    const { tenant, d, customer, deps } = await scene();
    const file = csv("华为技术,FP-1,120000,2026-12-31,0");
    expect(await importReceivablesCsv(deps, systemActor(tenant.id), file)).toMatchObject({ ok: true, alerts: { overLimit: 1, overdue: 0 } });
    expect(await importReceivablesCsv(deps, systemActor(tenant.id), file)).toMatchObject({ ok: true, alerts: { overLimit: 0, overdue: 0 } });
    const alerts = await tdb.prisma.outboxMessage.findMany({ where: { entityId: customer.id }, orderBy: { target: "asc" } });
    expect(alerts.map((a) => [a.target, (a.payload as { kind: string }).kind]).sort()).toEqual(
      [
        [`member:${d.a1.id}`, "credit.over_limit"],
        [`member:${d.s1.id}`, "credit.over_limit"],
      ].sort(),
    );
  });
});
