// The demo tenant the local console opens on first run: three teams with their supervisors and
// a manager, 200 customers across every tier, visits, due and overdue callbacks, open and
// escalated complaints, pending and decided hospitality requests, a few customers drifting away,
// and a few weeks of finished work (history.ts) so every report has figures. All of it in the
// department's language (text.ts). Everything goes through the real use cases (with the clock
// moved into the past where history is needed), so the data obeys every rule.
import type { Member, Role } from "@prisma/client";
import { scheduleCallback } from "../core/callbacks/callbacks.js";
import { acknowledgeComplaint, registerComplaint, resolveComplaint } from "../core/complaints/complaints.js";
import { sweepComplaintSla } from "../core/complaints/sweep.js";
import { decideApproval } from "../core/hospitality/approvals.js";
import { requestHospitality } from "../core/hospitality/hospitality.js";
import { systemActor } from "../core/imports/actor.js";
import { importCustomersCsv } from "../core/imports/customers-import.js";
import { actorOf } from "../core/members/members.js";
import type { CoreDeps } from "../core/shared/context.js";
import { seededRandom } from "../core/shared/random.js";
import { addDays, localDateOf } from "../core/shared/time.js";
import { ensureTenant, type TenantView } from "../core/tenants/tenants.js";
import { logVisit } from "../core/visits/visits.js";
import { normalizeLocale } from "../conversation/i18n/index.js";
import { ShiftedClock } from "./clock.js";
import { addHistory } from "./history.js";
import { demoText } from "./text.js";

export const DEMO_TENANT_EXTERNAL_ID = "demo";

interface DemoMember {
  key: string;
  role: Role;
  supervisor?: string;
}

const MEMBERS: DemoMember[] = [
  { key: "admin", role: "ADMIN" },
  { key: "wang", role: "MANAGER" },
  { key: "lina", role: "SUPERVISOR", supervisor: "wang" },
  { key: "zhangwei", role: "SUPERVISOR", supervisor: "wang" },
  { key: "emily", role: "SUPERVISOR", supervisor: "wang" },
  { key: "liuyang", role: "SPECIALIST", supervisor: "lina" },
  { key: "chenjing", role: "SPECIALIST", supervisor: "lina" },
  { key: "yangfan", role: "SPECIALIST", supervisor: "lina" },
  { key: "zhaolei", role: "SPECIALIST", supervisor: "zhangwei" },
  { key: "huangli", role: "SPECIALIST", supervisor: "zhangwei" },
  { key: "zhoujie", role: "SPECIALIST", supervisor: "zhangwei" },
  { key: "tom", role: "SPECIALIST", supervisor: "emily" },
  { key: "sarah", role: "SPECIALIST", supervisor: "emily" },
  { key: "wuhao", role: "SPECIALIST", supervisor: "emily" },
];
const SPECIALISTS = MEMBERS.filter((m) => m.role === "SPECIALIST").map((m) => m.key);

/** 200 names: every prefix with the first eight suffixes, then with the last two. */
function customerNames(text: ReturnType<typeof demoText>): string[] {
  const names: string[] = [];
  const suffixes = text.companySuffixes;
  for (const p of text.companyPrefixes) for (const x of suffixes.slice(0, 8)) names.push(`${p}${text.joiner}${x}`);
  for (const p of text.companyPrefixes) for (const x of suffixes.slice(8)) names.push(`${p}${text.joiner}${x}`);
  return names.slice(0, 200);
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface DemoTenant {
  tenant: TenantView;
  /** Platform user ids of the demo members, by key (e.g. "liuyang" → "demo-liuyang"). */
  users: Record<string, string>;
  created: boolean;
}

export async function seedDemoTenant(deps: CoreDeps, defaults: { timeZone: string; locale: string }): Promise<DemoTenant> {
  const text = demoText(normalizeLocale(defaults.locale) ?? "zh-CN");
  const tenant = await ensureTenant(deps, {
    platform: "CONSOLE",
    externalId: DEMO_TENANT_EXTERNAL_ID,
    name: text.tenantName,
    defaults,
  });
  const users = Object.fromEntries(MEMBERS.map((m) => [m.key, `demo-${m.key}`]));
  if ((await deps.db.member.count({ where: { tenantId: tenant.id } })) > 0) return { tenant, users, created: false };

  const db = deps.db;
  const byKey = new Map<string, Member>();
  for (const m of MEMBERS) {
    const member = await db.member.create({
      data: {
        tenantId: tenant.id,
        displayName: text.members[m.key]!,
        role: m.role,
        supervisorId: m.supervisor ? byKey.get(m.supervisor)!.id : null,
        identities: { create: { tenantId: tenant.id, platform: "CONSOLE", platformUserId: users[m.key]! } },
      },
    });
    byKey.set(m.key, member);
  }
  await db.auditLog.create({
    data: { tenantId: tenant.id, action: "demo.seeded", entityType: "Tenant", entityId: tenant.id, after: { members: MEMBERS.length } },
  });
  const actor = (key: string) => actorOf(byKey.get(key)!, "CONSOLE");
  // Deterministic, so every demo tenant looks the same.
  const rand = seededRandom(20261123);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);

  // Customers through the CSV importer: tiers follow from purchases and years of cooperation.
  const names = customerNames(text);
  const rows = names.map((name, i) => {
    const owner = text.members[SPECIALISTS[i % SPECIALISTS.length]!]!;
    const band = i % 20;
    const annual = band < 1 ? 6_000_000 + Math.round(rand() * 4_000_000) : band < 5 ? 1_000_000 + Math.round(rand() * 3_000_000) : band < 15 ? 80_000 + Math.round(rand() * 800_000) : 0;
    const years = annual > 0 ? 1 + Math.floor(rand() * 8) : 0;
    const start = annual > 0 ? addDays(today, -365 * years - Math.floor(rand() * 200)) : "";
    const phone = `13${Math.floor(100_000_000 + rand() * 899_999_999)}`;
    return [
      name,
      owner,
      "",
      annual > 0 ? String(annual) : "",
      text.industries[i % text.industries.length]!,
      text.regions[i % text.regions.length]!,
      annual > 0 ? "ACTIVE" : "PROSPECT",
      start,
      annual > 0 ? ["AAA", "AA", "A", "BBB"][i % 4]! : "",
      annual > 0 ? String(Math.round(annual / 10)) : "",
      i === 3 ? "yes" : "no",
      i % 3 === 0 ? text.contacts[i % 4]! : "",
      i % 3 === 0 ? text.contactTitles[i % 4]! : "",
      i % 3 === 0 ? phone : "",
      "",
    ]
      .map(csvCell)
      .join(",");
  });
  const header = "name,owner,tier,annual_purchase,industry,region,status,cooperation_start,credit_rating,credit_limit,strategic,contact_name,contact_title,contact_phone,contact_email";
  const imported = await importCustomersCsv(deps, systemActor(tenant.id), [header, ...rows].join("\n"));
  if (!imported.ok) throw new Error(`demo customers did not import: ${JSON.stringify(imported.problems.slice(0, 3))}`);

  const customers = await db.customer.findMany({ where: { tenantId: tenant.id }, orderBy: { name: "asc" } });
  const ownerKey = (ownerId: string) => [...byKey.entries()].find(([, m]) => m.id === ownerId)![0];
  const clock = new ShiftedClock(deps.clock);
  const past: CoreDeps = { db, clock };

  // Purchase history: most buying customers growing a little month on month, every 12th one
  // falling off a cliff, every 15th not buying at all this month (so retention is not 100%).
  const orders: Array<{ tenantId: string; customerId: string; orderedOn: Date; amountFen: bigint }> = [];
  customers.forEach((c, i) => {
    if (c.annualPurchaseFen === 0n) return;
    const monthly = c.annualPurchaseFen / 12n;
    for (let month = 0; month < 6; month++) {
      if (i % 15 === 7 && month === 0) continue;
      const declining = i % 12 === 0 && month < 3;
      const amount = declining ? monthly / 10n : (monthly * BigInt(100 + 3 * (5 - month) + (i % 7))) / 100n;
      orders.push({ tenantId: tenant.id, customerId: c.id, orderedOn: new Date(`${addDays(today, -15 - month * 30)}T00:00:00Z`), amountFen: amount });
    }
  });
  await db.purchaseOrder.createMany({ data: orders });

  // Visits over the last 90 days: most customers recently, some (every 7th) not for months.
  const kinds = ["ON_SITE", "PHONE", "VIDEO", "RECEPTION", "EMAIL"] as const;
  for (let i = 0; i < customers.length; i += 1) {
    const c = customers[i]!;
    if (c.tier === "C" && i % 2 === 0) continue;
    const daysAgo = i % 7 === 0 ? 120 + (i % 40) : 3 + Math.floor(rand() * 60);
    clock.at(daysAgo);
    await logVisit(past, actor(ownerKey(c.ownerId)), {
      customerId: c.id,
      kind: kinds[i % kinds.length]!,
      purpose: text.visitPurpose[i % text.visitPurpose.length]!,
      summary: text.visitSummaries[i % text.visitSummaries.length]!,
      feedback: i % 5 === 0 ? text.visitFeedback : null,
    });
  }

  // Callbacks due today and overdue for every specialist.
  let n = 0;
  for (const c of customers.filter((x) => x.tier !== "C").slice(0, 45)) {
    const overdueBy = n % 3 === 0 ? 0 : 1 + (n % 9);
    clock.at(overdueBy + 5);
    await scheduleCallback(past, actor(ownerKey(c.ownerId)), {
      customerId: c.id,
      dueOn: addDays(today, -overdueBy),
      note: text.callbackNotes[n % text.callbackNotes.length]!,
    });
    n += 1;
  }

  // Complaints: some fresh, some acknowledged, one resolved, and old ones the SLA sweep escalates.
  const complaintSpecs = [
    { i: 5, severity: "CRITICAL", category: "DELIVERY", daysAgo: 2, ack: false },
    { i: 17, severity: "HIGH", category: "PRODUCT", daysAgo: 6, ack: false },
    { i: 29, severity: "MEDIUM", category: "SERVICE", daysAgo: 1, ack: true },
    { i: 41, severity: "LOW", category: "BILLING", daysAgo: 0, ack: false },
    { i: 53, severity: "HIGH", category: "SERVICE", daysAgo: 3, ack: true, resolve: true },
    { i: 65, severity: "MEDIUM", category: "DELIVERY", daysAgo: 10, ack: false },
  ] as const;
  for (const [k, spec] of complaintSpecs.entries()) {
    const c = customers[spec.i]!;
    clock.at(spec.daysAgo, 9);
    const complaint = await registerComplaint(past, actor(ownerKey(c.ownerId)), {
      customerId: c.id,
      severity: spec.severity,
      category: spec.category,
      description: text.complaints[k]!,
    });
    if (spec.ack) {
      clock.at(spec.daysAgo, 10);
      await acknowledgeComplaint(past, actor(ownerKey(c.ownerId)), { complaintId: complaint.id });
      if ("resolve" in spec && spec.resolve) {
        clock.at(Math.max(0, spec.daysAgo - 1), 15);
        await resolveComplaint(past, actor(ownerKey(c.ownerId)), { complaintId: complaint.id, resolution: text.resolutions[3]! });
      }
    }
  }
  // A few weeks of finished work: completed callbacks, resolved complaints, settled
  // hospitality and a survey, so every report shows figures.
  await addHistory({ deps, clock, actor, ownerKey, customers, today, text });
  clock.reset();
  await sweepComplaintSla(deps, deps.clock.now());

  // Hospitality: pending at the supervisor, pending at the manager, approved, rejected.
  const vip = customers.filter((c) => c.tier === "VIP" || c.tier === "A");
  const hospitalitySpecs = [
    { c: vip[0]!, amount: 1_800_00n, guests: 4, staff: 2, kind: "MEAL", decide: [] as string[] },
    { c: vip[1]!, amount: 6_000_00n, guests: 10, staff: 4, kind: "BANQUET", decide: ["APPROVE"] },
    { c: vip[2]!, amount: 1_200_00n, guests: 3, staff: 1, kind: "MEAL", decide: ["APPROVE"] },
    { c: vip[3]!, amount: 2_500_00n, guests: 2, staff: 1, kind: "GIFT", decide: ["REJECT"] },
  ] as const;
  for (const spec of hospitalitySpecs) {
    const requester = ownerKey(spec.c.ownerId);
    const request = await requestHospitality(deps, actor(requester), {
      customerId: spec.c.id,
      eventDate: addDays(today, 5),
      kind: spec.kind,
      guests: spec.guests,
      staff: spec.staff,
      estimatedFen: spec.amount,
      venue: text.venue,
      purpose: spec.kind === "GIFT" ? text.giftPurpose : text.hospitalityPurpose,
    });
    for (const decision of spec.decide) {
      const step = request.steps.find((s) => s.status === "PENDING")!;
      const approverKey = [...byKey.entries()].find(([, m]) => m.id === step.approver.id)![0];
      await decideApproval(deps, actor(approverKey), {
        requestId: request.id,
        decision,
        ...(decision === "REJECT" ? { reason: text.rejectReason } : {}),
      });
    }
  }
  // The seed's own notifications describe the past; the console starts with a quiet inbox.
  await db.outboxMessage.updateMany({ where: { tenantId: tenant.id, status: "PENDING" }, data: { status: "SENT", sentAt: deps.clock.now() } });
  return { tenant, users, created: true };
}
