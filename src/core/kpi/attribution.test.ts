// Attribution and summing invariants of the KPI report over generated departments (a seeded
// PRNG, so a failure names its seed): several hundred supervisor trees checked in memory for the
// partition the rows rely on, and a dozen departments written to the database with complaints,
// escalations, callbacks, orders and visits, whose report must add up member → team → total and
// charge every missed deadline to whoever held the complaint when it passed.
import type { Role } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeTenant } from "../../../test/support/fixtures.js";
import { seededRandom } from "../shared/random.js";
import { kpiReport, type KpiMetrics, type KpiReport, type KpiRow } from "./kpi.js";
import { kpiGroups, type TreeView } from "./rules.js";

interface GenMember {
  id: string;
  role: Role;
  supervisorId: string | null;
  active: boolean;
}

/** A random department: a head or two, supervisors (some under supervisors), specialists, admins, drifters. */
function randomDepartment(rand: () => number, prefix: string): GenMember[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const members: GenMember[] = [];
  const add = (role: Role, supervisorId: string | null) => {
    const m = { id: `${prefix}-${members.length}`, role, supervisorId, active: rand() > 0.1 };
    members.push(m);
    return m;
  };
  const heads = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => add("MANAGER", null));
  const supervisors: GenMember[] = [];
  const nSup = Math.floor(rand() * 5);
  for (let i = 0; i < nSup; i++) {
    const above = supervisors.length > 0 && rand() < 0.3 ? pick(supervisors) : rand() < 0.85 ? pick(heads) : null;
    supervisors.push(add("SUPERVISOR", above?.id ?? null));
  }
  const nSpec = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < nSpec; i++) {
    const r = rand();
    const above = r < 0.75 && supervisors.length > 0 ? pick(supervisors) : r < 0.9 ? pick(heads) : null;
    add("SPECIALIST", above?.id ?? null);
  }
  if (rand() < 0.5) add("ADMIN", null);
  return members;
}

function treeOf(members: readonly GenMember[]): TreeView {
  const byId = new Map(members.map((m) => [m.id, m]));
  const ancestors = new Map<string, string[]>();
  const subordinates = new Map<string, string[]>();
  for (const m of members) {
    const chain: string[] = [];
    for (let up = m.supervisorId; up; up = byId.get(up)!.supervisorId) chain.push(up);
    ancestors.set(m.id, chain);
    for (const a of chain) subordinates.set(a, [...(subordinates.get(a) ?? []), m.id]);
  }
  return {
    memberIds: members.map((m) => m.id),
    isActive: (id) => byId.get(id)!.active,
    subordinatesOf: (id) => subordinates.get(id) ?? [],
    ancestorsOf: (id) => ancestors.get(id) ?? [],
    role: (id) => byId.get(id)!.role,
  };
}

describe("report groups over generated departments", () => {
  it("put every member in one member row and one team or 'others' row, in 500 random departments", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const members = randomDepartment(seededRandom(seed), `d${seed}`);
      const head = members.find((m) => m.role === "MANAGER")!;
      const { scope, groups } = kpiGroups("MANAGER", head.id, treeOf(members));
      expect(scope).toBe("tenant");
      const memberRows = groups.filter((g) => g.kind === "member");
      const teamRows = groups.filter((g) => g.kind === "team" || g.kind === "others");
      const total = groups.find((g) => g.kind === "total")!;
      const all = members.map((m) => m.id).sort();
      expect([...total.memberIds].sort(), `seed ${seed}`).toEqual(all);
      expect(memberRows.flatMap((g) => g.memberIds).sort(), `seed ${seed}`).toEqual(all);
      expect(teamRows.flatMap((g) => g.memberIds).sort(), `seed ${seed}`).toEqual(all);
      for (const t of teamRows) {
        const inTeam = memberRows.filter((g) => g.teamKey === t.key).flatMap((g) => g.memberIds).sort();
        expect(inTeam, `seed ${seed} team ${t.key}`).toEqual([...t.memberIds].sort());
      }
      // No department head leads a team row; every team's lead is in it.
      for (const t of teamRows.filter((g) => g.kind === "team")) {
        expect(members.find((m) => m.id === t.id)!.role).not.toBe("MANAGER");
        expect(t.memberIds).toContain(t.id);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Database-backed departments

const NOW = "2026-12-05T02:00:00Z";
const RANGE = { from: "2026-11-01", to: "2026-11-30" };
const DEPARTMENTS = 12;

let tdb: TestDatabase;
afterAll(async () => {
  await tdb?.close();
});

interface Expected {
  tenantId: string;
  headId: string;
  /** Missed deadlines charged per member by the reference rule. */
  breaches: Map<string, number>;
  escalations: Map<string, number>;
}

const expected: Expected[] = [];
const minutes = (base: Date, m: number) => new Date(base.getTime() + m * 60_000);

beforeAll(async () => {
  tdb = await openTestDatabase();
  const db = tdb.prisma;
  for (let d = 0; d < DEPARTMENTS; d++) {
    const rand = seededRandom(10_000 + d);
    const tenant = await makeTenant(db);
    const gen = randomDepartment(rand, `x${d}`);
    const idOf = new Map<string, string>();
    for (const m of gen) {
      const row = await db.member.create({
        data: { tenantId: tenant.id, displayName: m.id, role: m.role, active: m.active, supervisorId: m.supervisorId ? idOf.get(m.supervisorId)! : null },
      });
      idOf.set(m.id, row.id);
    }
    const ids = gen.map((m) => idOf.get(m.id)!);
    const supervisorOf = new Map(gen.map((m) => [idOf.get(m.id)!, m.supervisorId ? idOf.get(m.supervisorId)! : null]));
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const customers: Array<{ id: string }> = [];
    for (let c = 0; c < 6; c++) {
      customers.push(
        await db.customer.create({
          data: { tenantId: tenant.id, name: `C${c}`, nameKey: `c${c}`, ownerId: pick(ids), tier: "B", status: "ACTIVE", createdAt: new Date("2025-01-01T00:00:00Z") },
        }),
      );
    }
    const breaches = new Map<string, number>();
    const escalations = new Map<string, number>();
    const charge = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
    const now = new Date(NOW);
    for (let n = 1; n <= 8; n++) {
      const createdAt = new Date(Date.UTC(2026, 10, 1 + Math.floor(rand() * 29), Math.floor(rand() * 24)));
      const ackDueAt = minutes(createdAt, 60 + Math.floor(rand() * 2000));
      const resolveDueAt = minutes(ackDueAt, 600 + Math.floor(rand() * 8000));
      // A timeline: registered with a holder, then escalations up the chain at random moments.
      let holder = pick(ids);
      const events: Array<{ kind: "REGISTERED" | "ESCALATED"; assigneeId: string; at: Date }> = [{ kind: "REGISTERED", assigneeId: holder, at: createdAt }];
      let at = createdAt;
      for (let e = 0; e < 2 && rand() < 0.6; e++) {
        const up = supervisorOf.get(holder);
        if (!up) break;
        at = minutes(at, 30 + Math.floor(rand() * 6000));
        holder = up;
        events.push({ kind: "ESCALATED", assigneeId: holder, at });
      }
      const ackAt = rand() < 0.6 ? minutes(createdAt, Math.floor(rand() * 3000)) : null;
      const resolvedAt = ackAt && rand() < 0.6 ? minutes(ackAt, Math.floor(rand() * 9000)) : null;
      const complaint = await db.complaint.create({
        data: {
          tenantId: tenant.id, number: n, customerId: pick(customers).id, reporterId: ids[0]!, assigneeId: holder, severity: "HIGH",
          category: "SERVICE", description: "x", status: resolvedAt ? "RESOLVED" : ackAt ? "ACKNOWLEDGED" : "OPEN",
          createdAt, ackDueAt, resolveDueAt, acknowledgedAt: ackAt, resolvedAt,
        },
      });
      await db.complaintEvent.createMany({
        data: events.map((e) => ({ tenantId: tenant.id, complaintId: complaint.id, kind: e.kind, assigneeId: e.assigneeId, at: e.at })),
      });
      const holderAt = (t: Date) => [...events].reverse().find((e) => e.at <= t)!.assigneeId;
      const metAck = ackAt ?? resolvedAt;
      if ((metAck ?? now) > ackDueAt) charge(breaches, holderAt(ackDueAt));
      if ((resolvedAt ?? now) > resolveDueAt) charge(breaches, holderAt(resolveDueAt));
      for (const e of events) if (e.kind === "ESCALATED" && e.at < new Date("2026-11-30T16:00:00Z")) charge(escalations, e.assigneeId);
    }
    // Callbacks (some postponed), orders over two months, visits.
    await db.callback.createMany({
      data: Array.from({ length: 15 }, () => {
        const due = `2026-11-${String(1 + Math.floor(rand() * 30)).padStart(2, "0")}`;
        const status = pick(["PENDING", "DONE", "SKIPPED"] as const);
        const postponed = status === "PENDING" && rand() < 0.4;
        return {
          tenantId: tenant.id, customerId: pick(customers).id, assigneeId: pick(ids), reason: "MANUAL" as const, status,
          dueOn: postponed ? new Date("2026-12-20T00:00:00Z") : new Date(`${due}T00:00:00Z`),
          originalDueOn: postponed ? new Date(`${due}T00:00:00Z`) : null, snoozeCount: postponed ? 2 : 0,
          completedAt: status === "PENDING" ? null : new Date(`${due}T03:00:00Z`),
          result: status === "DONE" ? pick(["REACHED", "NO_ANSWER", "CALL_LATER"] as const) : null,
        };
      }),
    });
    await db.purchaseOrder.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({
        tenantId: tenant.id, customerId: pick(customers).id, reference: `SO-${d}-${i}`, amountFen: BigInt(1000 + Math.floor(rand() * 100_000)),
        orderedOn: new Date(Date.UTC(2026, 9 + Math.floor(rand() * 2), 1 + Math.floor(rand() * 30))),
      })),
    });
    await db.visit.createMany({
      data: Array.from({ length: 6 }, () => ({
        tenantId: tenant.id, customerId: pick(customers).id, visitorId: pick(ids), kind: "PHONE" as const, summary: "x",
        occurredAt: new Date(Date.UTC(2026, 10, 1 + Math.floor(rand() * 29), 4)),
      })),
    });
    expected.push({ tenantId: tenant.id, headId: idOf.get(gen[0]!.id)!, breaches, escalations });
  }
}, 60_000);

/** The additive figures of a row (medians and distinct counts do not add up by nature). */
function additive(m: KpiMetrics): Record<string, number | bigint> {
  return {
    customers: m.customers,
    due: m.callbacks.due,
    done: m.callbacks.done,
    onTime: m.callbacks.onTime,
    postponed: m.callbacks.postponed,
    postponedOverdue: m.callbacks.postponedOverdue,
    reached: m.callbacks.outcomes.reached,
    noAnswer: m.callbacks.outcomes.noAnswer,
    callLater: m.callbacks.outcomes.callLater,
    registered: m.complaints.registered,
    breached: m.complaints.breachedSla,
    escalations: m.complaints.escalationsReceived,
    sales: m.sales.salesFen,
    previous: m.sales.previousFen,
    activeBefore: m.sales.activeBefore,
    retained: m.sales.retained,
    visits: m.visits.logged,
    churned: m.churn.churned,
    spend: m.hospitality.spendFen,
  };
}

function sum(rows: readonly KpiRow[]): Record<string, number | bigint> {
  const out: Record<string, number | bigint> = additive(rows[0]?.metrics ?? emptyLike());
  for (const k of Object.keys(out)) out[k] = typeof out[k] === "bigint" ? 0n : 0;
  for (const r of rows) {
    for (const [k, v] of Object.entries(additive(r.metrics))) out[k] = typeof v === "bigint" ? (out[k] as bigint) + v : (out[k] as number) + v;
  }
  return out;
}

function emptyLike(): KpiMetrics {
  return {
    customers: 0,
    callbacks: { due: 0, done: 0, completionRate: null, onTime: 0, onTimeRate: null, postponed: 0, postponedOverdue: 0, outcomes: { reached: 0, noAnswer: 0, callLater: 0 } },
    complaints: { registered: 0, acknowledged: 0, resolved: 0, medianAckMinutes: null, medianResolveMinutes: null, medianAckWorkingMinutes: null, medianResolveWorkingMinutes: null, breachedSla: 0, escalationsReceived: 0 },
    churn: { activeAtStart: 0, churned: 0, rate: null },
    satisfaction: { responses: 0, average: null },
    sales: { salesFen: 0n, previousFen: 0n, growth: null, activeBefore: 0, retained: 0, retention: null },
    visits: { logged: 0 },
    hospitality: { requests: 0, customers: 0, spendFen: 0n, perCustomerFen: null, byTier: {} as KpiMetrics["hospitality"]["byTier"] },
  };
}

describe("report attribution on generated departments in the database", () => {
  it("adds member rows up to their team, teams up to the department, and charges each missed deadline to its holder", async () => {
    let charged = 0;
    for (const e of expected) {
      const head = { id: e.headId, tenantId: e.tenantId, role: "MANAGER" as const };
      const report: KpiReport = await kpiReport(depsAt(tdb.prisma, NOW), actor(head), RANGE);
      const label = `tenant ${e.tenantId}`;
      expect(sum(report.members), label).toEqual(additive(report.total.metrics));
      expect(sum(report.teams), label).toEqual(additive(report.total.metrics));
      for (const team of report.teams) {
        const key = team.kind === "others" ? "others" : `t:${team.id}`;
        expect(sum(report.members.filter((m) => m.teamKey === key)), `${label} ${key}`).toEqual(additive(team.metrics));
      }
      for (const row of report.members) {
        expect(row.metrics.complaints.breachedSla, `${label} breaches of ${row.name}`).toBe(e.breaches.get(row.id!) ?? 0);
        expect(row.metrics.complaints.escalationsReceived, `${label} escalations of ${row.name}`).toBe(e.escalations.get(row.id!) ?? 0);
        charged += row.metrics.complaints.breachedSla;
      }
    }
    // The generated data must exercise the rule (breaches exist, some held by an escalation target).
    expect(charged).toBeGreaterThan(20);
  }, 60_000);
});
