import { randomUUID } from "node:crypto";
import type { ComplaintStatus, Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { loadLadders } from "./escalation.js";
import { ladderOf } from "./ladder.js";
import { sweepComplaintSla, SWEEP_CHUNK, type SlaEscalation } from "./sweep.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const T0 = "2026-11-23T01:00:00.000Z";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (base: string | Date, ms: number) => new Date(new Date(base).getTime() + ms);
const NOW = at(T0, 10 * HOUR);

type ExpectedStep = Omit<SlaEscalation, "tenantId" | "complaintId" | "number">;

interface SeededComplaint {
  id: string;
  tenantId: string;
  number: number;
  /** Empty for a complaint the sweep must leave alone. */
  steps: ExpectedStep[];
}

/**
 * A tenant with a department and `count` complaints straight in the table, cycling through the
 * shapes a sweep meets: ack missed (level 1 to the supervisor), both missed after an outage
 * (levels 1 and 2), resolve missed after an acknowledgement (level 2 to the manager), a breach
 * at the top level (recorded, not climbed), and complaints not due (at the deadline instant
 * itself, or resolved long ago).
 */
async function seedTenant(count: number) {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const customer = await tdb.prisma.customer.create({ data: { tenantId: tenant.id, name: "宝钢 Baosteel", nameKey: "宝钢 baosteel", ownerId: d.a1.id } });
  const reps = [d.a1, d.a2, d.b1];
  const supervisorOf = new Map([
    [d.a1.id, d.s1.id],
    [d.a2.id, d.s1.id],
    [d.b1.id, d.s2.id],
  ]);
  const seeded: SeededComplaint[] = [];
  const rows: Prisma.ComplaintCreateManyInput[] = [];
  for (let i = 0; i < count; i++) {
    const rep = reps[i % reps.length]!;
    const supervisor = supervisorOf.get(rep.id)!;
    const id = randomUUID();
    const number = i + 1;
    const row = {
      id,
      tenantId: tenant.id,
      number,
      customerId: customer.id,
      reporterId: rep.id,
      severity: "HIGH" as const,
      category: "SERVICE" as const,
      description: `投诉 ${number}`,
      createdAt: at(NOW, -30 * HOUR),
    };
    const past = at(NOW, -MINUTE);
    const future = at(NOW, 24 * HOUR);
    let status: ComplaintStatus = "OPEN";
    let level = 0;
    let assigneeId = rep.id;
    let ackDueAt = past;
    let resolveDueAt = future;
    let steps: ExpectedStep[] = [];
    switch (i % 5) {
      case 0:
        steps = [{ breach: "ack", fromLevel: 0, toLevel: 1, newAssigneeId: supervisor, escalated: true }];
        break;
      case 1:
        resolveDueAt = at(NOW, -2 * HOUR);
        steps = [
          { breach: "ack", fromLevel: 0, toLevel: 1, newAssigneeId: supervisor, escalated: true },
          { breach: "resolve", fromLevel: 1, toLevel: 2, newAssigneeId: d.manager.id, escalated: true },
        ];
        break;
      case 2:
        status = "ACKNOWLEDGED";
        level = 1;
        assigneeId = supervisor;
        resolveDueAt = past;
        steps = [{ breach: "resolve", fromLevel: 1, toLevel: 2, newAssigneeId: d.manager.id, escalated: true }];
        break;
      case 3:
        level = 2;
        assigneeId = d.manager.id;
        steps = [{ breach: "ack", fromLevel: 2, toLevel: 2, newAssigneeId: d.manager.id, escalated: false }];
        break;
      default:
        if (i % 2 === 0) {
          ackDueAt = NOW;
        } else {
          status = "RESOLVED";
          resolveDueAt = past;
        }
    }
    rows.push({
      ...row,
      status,
      escalationLevel: level,
      assigneeId,
      ackDueAt,
      resolveDueAt,
      acknowledgedAt: status === "OPEN" ? null : at(NOW, -20 * HOUR),
      resolvedAt: status === "RESOLVED" ? at(NOW, -10 * HOUR) : null,
    });
    seeded.push({ id, tenantId: tenant.id, number, steps });
  }
  await tdb.prisma.complaint.createMany({ data: rows });
  return { tenant, d, seeded };
}

/** Two tenants, 300 due complaints (240 + 60, so the larger tenant needs two transactions). */
async function seedTwoTenants() {
  const big = await seedTenant(300);
  const small = await seedTenant(75);
  const seeded = [...big.seeded, ...small.seeded];
  expect(seeded.filter((s) => s.steps.length > 0)).toHaveLength(300);
  expect(big.seeded.filter((s) => s.steps.length > 0).length).toBeGreaterThan(SWEEP_CHUNK);
  return { tenantIds: [big.tenant.id, small.tenant.id], seeded };
}

/** The sweep's results, the complaints' state and their whole trail match the plan: every due complaint escalated once. */
async function expectEscalatedExactlyOnce(set: { tenantIds: string[]; seeded: SeededComplaint[] }, results: SlaEscalation[]) {
  const ours = results.filter((r) => set.tenantIds.includes(r.tenantId));
  const key = (r: SlaEscalation) => `${r.complaintId} ${r.breach} ${r.fromLevel}->${r.toLevel} ${r.newAssigneeId} ${r.escalated}`;
  const expected = set.seeded.flatMap((s) => s.steps.map((step) => ({ ...step, tenantId: s.tenantId, complaintId: s.id, number: s.number })));
  expect(ours.map(key).sort()).toEqual(expected.map(key).sort());
  expect(new Set(ours.map(key)).size).toBe(ours.length);
  // Results carry the complaint's number and tenant, and a complaint's steps come ack first.
  const byId = new Map(set.seeded.map((s) => [s.id, s]));
  for (const r of ours) expect(r).toMatchObject({ tenantId: byId.get(r.complaintId)!.tenantId, number: byId.get(r.complaintId)!.number });
  for (const s of set.seeded.filter((x) => x.steps.length === 2)) {
    expect(ours.filter((r) => r.complaintId === s.id).map((r) => r.breach)).toEqual(["ack", "resolve"]);
  }

  const stored = new Map((await tdb.prisma.complaint.findMany({ where: { tenantId: { in: set.tenantIds } } })).map((c) => [c.id, c]));
  for (const s of set.seeded) {
    const c = stored.get(s.id)!;
    const last = s.steps[s.steps.length - 1];
    if (!last) {
      expect(c.ackBreachedAt).toBeNull();
      expect(c.escalationLevel).toBe(0);
      continue;
    }
    expect(c.escalationLevel).toBe(last.toLevel);
    expect(c.assigneeId).toBe(last.newAssigneeId);
    expect(c.ackBreachedAt).toEqual(s.steps.some((x) => x.breach === "ack") ? NOW : null);
    expect(c.resolveBreachedAt).toEqual(s.steps.some((x) => x.breach === "resolve") ? NOW : null);
  }

  const events = await tdb.prisma.complaintEvent.findMany({ where: { tenantId: { in: set.tenantIds } } });
  expect(events.every((e) => e.actorId === null && e.at.getTime() === NOW.getTime())).toBe(true);
  expect(events.map((e) => `${e.complaintId} ${e.kind} ${e.fromLevel}->${e.toLevel} ${e.assigneeId} ${e.note}`).sort()).toEqual(
    expected.map((x) => `${x.complaintId} ${x.escalated ? "ESCALATED" : "NOTE"} ${x.fromLevel}->${x.toLevel} ${x.newAssigneeId} sla:${x.breach}`).sort(),
  );

  const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: { in: set.tenantIds }, action: "complaint.escalated" } });
  const due = set.seeded.filter((s) => s.steps.length > 0);
  expect(audits.map((a) => a.entityId).sort()).toEqual(due.map((s) => s.id).sort());
  for (const a of audits) {
    const s = byId.get(a.entityId)!;
    const last = s.steps[s.steps.length - 1]!;
    expect(a).toMatchObject({ actorId: null, platform: null, entityType: "Complaint" });
    expect(a.after).toMatchObject({ escalationLevel: last.toLevel, assigneeId: last.newAssigneeId, triggers: s.steps.map((x) => x.breach), by: "system" });
    expect(a.before).toMatchObject({ escalationLevel: s.steps[0]!.fromLevel, ackBreachedAt: null, resolveBreachedAt: null });
  }

  const outbox = await tdb.prisma.outboxMessage.findMany({ where: { tenantId: { in: set.tenantIds }, entityType: "Complaint" } });
  expect(outbox.map((m) => `${m.dedupeKey} ${m.target}`).sort()).toEqual(
    expected
      .flatMap((x) => {
        const k = x.escalated ? `complaint:${x.complaintId}:escalated:L${x.toLevel}` : `complaint:${x.complaintId}:breach:${x.breach}:cycle0`;
        return [`${k}:member member:${x.newAssigneeId}`, `${k}:channel channel:complaints`];
      })
      .sort(),
  );
  for (const m of outbox) {
    expect(m.payload).toMatchObject({ kind: (m.dedupeKey.includes(":escalated:") ? "complaint.escalated" : "complaint.sla_breached"), complaintId: m.entityId });
  }
}

describe("SLA sweep at volume", () => {
  it("escalates 300 due complaints of two tenants exactly once each, with event, audit and outbox rows, and does nothing the second time", async () => {
    const set = await seedTwoTenants();
    const deps = depsAt(tdb.prisma, NOW);
    const results = await sweepComplaintSla(deps, NOW);
    await expectEscalatedExactlyOnce(set, results);
    expect((await sweepComplaintSla(deps, NOW)).filter((r) => set.tenantIds.includes(r.tenantId))).toEqual([]);
    // The whole trail is still exactly one escalation per breach.
    await expectEscalatedExactlyOnce(set, results);
  });

  it("escalates each of 300 due complaints once when two sweeps run at the same time", async () => {
    const set = await seedTwoTenants();
    const deps = depsAt(tdb.prisma, NOW);
    const [x, y] = await Promise.all([sweepComplaintSla(deps, NOW), sweepComplaintSla(deps, NOW)]);
    await expectEscalatedExactlyOnce(set, [...x, ...y]);
  });

  it("reports the results in the order the deadlines were missed, across tenants", async () => {
    const first = await seedTenant(2);
    const second = await seedTenant(1);
    // The second tenant's breach is the oldest: it comes first although its tenant was seeded last.
    const ackDue = [
      [second.seeded[0]!.id, 5],
      [first.seeded[0]!.id, 4],
      [first.seeded[1]!.id, 3],
    ] as const;
    for (const [id, hours] of ackDue) await tdb.prisma.complaint.update({ where: { id }, data: { ackDueAt: at(NOW, -hours * HOUR) } });
    const results = (await sweepComplaintSla(depsAt(tdb.prisma, NOW), NOW)).filter((r) => [first.tenant.id, second.tenant.id].includes(r.tenantId));
    expect(results.map((r) => `${r.complaintId} ${r.breach}`)).toEqual([
      `${second.seeded[0]!.id} ack`,
      `${first.seeded[0]!.id} ack`,
      `${first.seeded[1]!.id} ack`,
      `${first.seeded[1]!.id} resolve`,
    ]);
  });
});

describe("SLA sweep failures", () => {
  it("keeps a tenant whose settings do not parse from stopping another tenant's sweep", async () => {
    const good = await seedTenant(1);
    const bad = await seedTenant(1);
    await tdb.prisma.tenant.update({ where: { id: bad.tenant.id }, data: { settings: { sla: { CRITICAL: { ackMinutes: -1, resolveMinutes: 1 } } } } });
    const deps = depsAt(tdb.prisma, NOW);
    try {
      const failed: string[] = [];
      const results = await sweepComplaintSla(deps, NOW, { onError: (_err, complaintId) => failed.push(complaintId) });
      expect(failed).toEqual([bad.seeded[0]!.id]);
      expect(results.filter((r) => r.tenantId === good.tenant.id).map((r) => r.complaintId)).toEqual([good.seeded[0]!.id]);
      expect(results.filter((r) => r.tenantId === bad.tenant.id)).toEqual([]);
      expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: bad.seeded[0]!.id } })).toMatchObject({ escalationLevel: 0, ackBreachedAt: null });
      expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: good.seeded[0]!.id } })).toMatchObject({ escalationLevel: 1 });

      // Without onError the failure is rethrown, after the other tenants were swept.
      const later = await seedTenant(1);
      await expect(sweepComplaintSla(deps, NOW)).rejects.toThrow();
      expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: later.seeded[0]!.id } })).toMatchObject({ escalationLevel: 1 });
    } finally {
      await tdb.prisma.tenant.update({ where: { id: bad.tenant.id }, data: { settings: {} } });
    }
  });

  it("retries a failed transaction one complaint at a time, so one complaint that cannot be written holds back no other", async () => {
    const { tenant, seeded } = await seedTenant(20);
    const poisoned = seeded.find((s) => s.steps.length > 0)!;
    // A trigger stands in for whatever might make one complaint's write fail.
    await tdb.prisma.$executeRawUnsafe(`
      CREATE FUNCTION sweep_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."complaintId" = '${poisoned.id}' THEN RAISE EXCEPTION 'poisoned complaint'; END IF;
        RETURN NEW;
      END $$`);
    await tdb.prisma.$executeRawUnsafe(
      `CREATE TRIGGER sweep_test_poison BEFORE INSERT ON "ComplaintEvent" FOR EACH ROW EXECUTE FUNCTION sweep_test_poison()`,
    );
    const deps = depsAt(tdb.prisma, NOW);
    try {
      const failed: Array<[string, string]> = [];
      const results = (await sweepComplaintSla(deps, NOW, { onError: (err, id) => failed.push([id, (err as Error).message]) })).filter(
        (r) => r.tenantId === tenant.id,
      );
      expect(failed).toHaveLength(1);
      expect(failed[0]![0]).toBe(poisoned.id);
      expect(failed[0]![1]).toContain("poisoned complaint");
      const others = seeded.filter((s) => s.steps.length > 0 && s.id !== poisoned.id);
      expect([...new Set(results.map((r) => r.complaintId))].sort()).toEqual(others.map((s) => s.id).sort());
      expect(await tdb.prisma.complaint.findUniqueOrThrow({ where: { id: poisoned.id } })).toMatchObject({ escalationLevel: 0, ackBreachedAt: null });
      expect(await tdb.prisma.auditLog.count({ where: { entityId: poisoned.id } })).toBe(0);
      expect(await tdb.prisma.outboxMessage.count({ where: { entityId: poisoned.id } })).toBe(0);
      expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id, action: "complaint.escalated" } })).toBe(others.length);
    } finally {
      await tdb.prisma.$executeRawUnsafe(`DROP TRIGGER sweep_test_poison ON "ComplaintEvent"`);
      await tdb.prisma.$executeRawUnsafe(`DROP FUNCTION sweep_test_poison()`);
    }
    // Once it can be written, the next sweep picks it up.
    const next = (await sweepComplaintSla(deps, NOW)).filter((r) => r.tenantId === tenant.id);
    expect(next.map((r) => r.complaintId)).toEqual(poisoned.steps.map(() => poisoned.id));
  });
});

describe("loadLadders", () => {
  it("loads every chain a batch can climb in one query, managers included, never following a link into another tenant", async () => {
    const { tenant, d } = await seedTenant(0);
    const other = await makeTenant(tdb.prisma);
    const foreignBoss = await makeMember(tdb.prisma, other.id, { role: "MANAGER" });
    // A manager reporting to an admin: level 2 above a manager-held complaint needs the manager's own chain.
    await tdb.prisma.member.update({ where: { id: d.manager.id }, data: { supervisorId: d.admin.id } });
    const stray = await makeMember(tdb.prisma, tenant.id, { supervisorId: foreignBoss.id });

    const book = await loadLadders(tdb.prisma, tenant.id, [d.a1.id, d.b1.id, stray.id]);
    expect(ladderOf(book, d.a1.id).chain.map((m) => m.id)).toEqual([d.s1.id, d.manager.id, d.admin.id]);
    expect(ladderOf(book, d.b1.id).chain.map((m) => m.id)).toEqual([d.s2.id, d.manager.id, d.admin.id]);
    expect(ladderOf(book, d.manager.id).chain.map((m) => m.id)).toEqual([d.admin.id]);
    expect(ladderOf(book, stray.id).chain).toEqual([]);
    expect(ladderOf(book, d.a1.id).managers).toEqual([{ id: d.manager.id, active: true }]);
    expect(book.members.has(foreignBoss.id)).toBe(false);
    expect(book.members.has(d.a2.id)).toBe(false);
  });
});
