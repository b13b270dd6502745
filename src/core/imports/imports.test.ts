import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeMember, makeTenant } from "../../../test/support/fixtures.js";
import { createCustomer } from "../customers/customers.js";
import { fromDateColumn } from "../shared/time.js";
import { systemActor } from "./actor.js";
import { decodeCsvBytes, type ImportProblem } from "./csv.js";
import { exportCustomersCsv } from "./customers-export.js";
import { importCustomersCsv, type ImportFailure } from "./customers-import.js";
import { importMembersCsv } from "./members-import.js";
import { t } from "../../conversation/i18n/index.js";
import { addRegion } from "../regions/regions.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const HEADER =
  "name,owner,tier,annual_purchase,industry,region,status,cooperation_start,credit_rating,credit_limit,strategic,contact_name,contact_title,contact_phone,contact_email";

async function scene() {
  const tenant = await makeTenant(tdb.prisma);
  const d = await makeDepartment(tdb.prisma, tenant.id);
  const owner = await makeMember(tdb.prisma, tenant.id, { supervisorId: d.s1.id, name: "王芳", platformUserId: "U_WANG" });
  return { tenant, d, owner, deps: depsAt(tdb.prisma) };
}

function problemsOf(result: Awaited<ReturnType<typeof importCustomersCsv>>): ImportProblem[] {
  expect(result.ok).toBe(false);
  return (result as ImportFailure).problems;
}

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

describe("importCustomersCsv", () => {
  it("imports a spreadsheet export (BOM, CRLF, quotes) with owners, tiers, contacts, cadence callbacks and audit rows", async () => {
    const { tenant, d, owner, deps } = await scene();
    const csv =
      "\uFEFF" +
      [
        HEADER,
        `华为技术有限公司,U_WANG,,"5,000,000",通信,华南,,2015-03-01,AAA,"200,000.00",no,张三,采购经理,13812345678,zs@example.com`,
        `"Acme, Inc.",Alice,,"999,999.99",retail,,,,,,,,,,`,
        `Pinned Co,王芳,VIP,100,,,,,,,,,,,`,
        `Strategic Prospect,U_WANG,,,,,PROSPECT,,,,是,,,,`,
        `Lead Only,王芳,,,,,,,,,,,,,`,
      ].join("\r\n") +
      "\r\n";
    const result = await importCustomersCsv(deps, systemActor(tenant.id), csv);
    expect(result).toMatchObject({ ok: true, imported: 5, contacts: 1, cadenceCallbacks: 4, overrides: 1, byTier: { VIP: 3, A: 0, B: 1, C: 1 } });

    const rows = await tdb.prisma.customer.findMany({ where: { tenantId: tenant.id }, orderBy: { nameKey: "asc" } });
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("华为技术有限公司")).toMatchObject({
      ownerId: owner.id,
      tier: "VIP",
      tierOverride: null,
      annualPurchaseFen: 500_000_000n,
      status: "ACTIVE",
      creditLimitFen: 20_000_000n,
      region: "华南",
    });
    expect(fromDateColumn(byName.get("华为技术有限公司")!.cooperationStart!)).toBe("2015-03-01");
    expect(byName.get("Acme, Inc.")).toMatchObject({ ownerId: d.a1.id, tier: "B", annualPurchaseFen: 99_999_999n, nameKey: "acme, inc." });
    expect(byName.get("Pinned Co")).toMatchObject({ tier: "VIP", tierOverride: "VIP", tierOverrideReason: "set by import" });
    expect(byName.get("Strategic Prospect")).toMatchObject({ tier: "VIP", strategic: true, status: "PROSPECT" });
    expect(byName.get("Lead Only")).toMatchObject({ tier: "C", status: "PROSPECT" });

    const contact = await tdb.prisma.contact.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(contact).toMatchObject({ name: "张三", title: "采购经理", phone: "13812345678", customerId: byName.get("华为技术有限公司")!.id });
    const cadence = await tdb.prisma.callback.findMany({ where: { tenantId: tenant.id, reason: "CADENCE", status: "PENDING" } });
    expect(cadence).toHaveLength(4);
    const huaweiCall = cadence.find((c) => c.customerId === byName.get("华为技术有限公司")!.id)!;
    expect(huaweiCall.assigneeId).toBe(owner.id);
    expect(fromDateColumn(huaweiCall.dueOn)).toBe("2026-12-07");
    expect(huaweiCall.openCadenceKey).toBe(huaweiCall.customerId);
    // B's 91 days end on Sunday 2027-02-21: the call rolls to the working Monday, as syncCadenceCallback does.
    const acmeCall = cadence.find((c) => c.customerId === byName.get("Acme, Inc.")!.id)!;
    expect(fromDateColumn(acmeCall.dueOn)).toBe("2027-02-22");
    // Every customer of a tier with a visit cadence has its next planned visit without waiting for the sweep.
    const plans = await tdb.prisma.visitPlan.findMany({ where: { tenantId: tenant.id, reason: "CADENCE", status: "PLANNED" } });
    expect(plans).toHaveLength(4);
    const huaweiPlan = plans.find((p) => p.customerId === byName.get("华为技术有限公司")!.id)!;
    expect(huaweiPlan).toMatchObject({ assigneeId: owner.id, openCadenceKey: huaweiPlan.customerId });
    expect(fromDateColumn(huaweiPlan.plannedOn)).toBe("2026-12-23");
    expect(plans.some((p) => p.customerId === byName.get("Lead Only")!.id)).toBe(false);

    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id, action: "customer.imported" } })).toBe(5);
    const summary = await tdb.prisma.auditLog.findFirstOrThrow({ where: { tenantId: tenant.id, action: "import.customers" } });
    expect(summary.actorId).toBeNull();
    expect(summary.after).toMatchObject({ customers: 5, contacts: 1 });
  });

  it("rolls cadence due dates over the National Day holiday to the first working day, like a customer created by command", async () => {
    const { tenant } = await scene();
    // 2026-09-17 + 14 days = 2026-10-01, the first day of the 2026 National Day holiday (10-01 to 10-07).
    const deps = depsAt(tdb.prisma, "2026-09-17T02:00:00Z");
    const result = await importCustomersCsv(deps, systemActor(tenant.id), [HEADER, `Holiday Co,王芳,VIP,,,,,,,,,,,,`].join("\n"));
    expect(result).toMatchObject({ ok: true, imported: 1, cadenceCallbacks: 1 });
    const call = await tdb.prisma.callback.findFirstOrThrow({ where: { tenantId: tenant.id, reason: "CADENCE" } });
    expect(fromDateColumn(call.dueOn)).toBe("2026-10-08");
  });

  it("refuses a region not on the tenant's list per row, naming the column as the file writes it and the known regions", async () => {
    const { tenant, d, deps } = await scene();
    const legacy = await createCustomer(deps, actor(d.a1), { name: "旧区域客户", region: "老区域" });
    await addRegion(deps, actor(d.admin), "华东");
    await addRegion(deps, actor(d.admin), "华南");
    const csv = ["客户名称,客户经理,区域", "甲公司,U_WANG,西北", "乙公司,U_WANG,华东", "丙公司,U_WANG,"].join("\n");
    const problems = problemsOf(await importCustomersCsv(deps, systemActor(tenant.id), csv));
    expect(problems).toEqual([{ line: 2, field: "region", code: "import.unknown_region", params: { field: "区域", value: "西北", known: ["华东", "华南"] } }]);
    expect(t("zh-CN", problems[0]!.code, problems[0]!.params)).toBe("“区域”：“西北”不在本工作区的区域列表中（华东、华南）。");
    expect(t("en", problems[0]!.code, problems[0]!.params)).toBe("“区域”: “西北” is not one of the workspace's regions (华东, 华南).");
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(1);

    // With --update, a region the customer already has stays even when the list lacks it.
    const update = ["客户名称,客户经理,区域", "旧区域客户,Alice,老区域", "乙公司,U_WANG,华东"].join("\n");
    expect(await importCustomersCsv(deps, systemActor(tenant.id), update, { update: true })).toMatchObject({ ok: true, imported: 1, unchanged: 1 });
    expect((await tdb.prisma.customer.findUniqueOrThrow({ where: { id: legacy.id } })).region).toBe("老区域");
  });

  it("writes nothing when one row is bad, and reports every bad row with its spreadsheet line and reason", async () => {
    const { tenant, d, deps } = await scene();
    await createCustomer(deps, actor(d.a1), { name: "Existing Co" });
    const csv = [
      HEADER,
      `Good One,U_WANG,,100,,,,,,,,,,,`,
      `"Multi-line\nName Co",U_WANG,,abc,,,,,,,,,,,`,
      `Bad Date,U_WANG,,,,,,2026-13-01,,,,,,,`,
      `Nobody Owns,U_NOBODY,,,,,,,,,,,,,`,
      `good one,U_WANG,,,,,,,,,,,,,`,
      `EXISTING co,U_WANG,,,,,,,,,,,,,`,
      `Bad Tier,U_WANG,Z,,,,,,,,maybe,,,,`,
      ``,
      `Contactless,U_WANG,,,,,,,,,,,,139,x@`,
      `Too,U_WANG,,,,,,,,,,,,,,extra`,
    ].join("\n");
    const problems = problemsOf(await importCustomersCsv(deps, systemActor(tenant.id), csv));
    const summary = problems.map((p) => `${p.line}:${p.field ?? "-"}:${p.code}`);
    expect(summary).toEqual([
      "3:annual_purchase:import.invalid_amount",
      "4:cooperation_start:import.invalid_date",
      "5:owner:import.unknown_owner",
      "6:name:import.duplicate_in_file",
      "7:name:import.duplicate_in_db",
      "8:tier:import.invalid_tier",
      "8:strategic:import.invalid_boolean",
      "10:contact_phone:import.invalid_phone",
      "10:contact_email:import.invalid_email",
      "10:contact_name:import.contact_name_required",
      "11:-:import.too_many_cells",
    ]);
    expect(problems[0]!.params).toMatchObject({ value: "abc", field: "annual_purchase" });
    expect(problems.find((p) => p.code === "import.duplicate_in_file")!.params).toMatchObject({ first: 2 });
    expect(problems.find((p) => p.code === "import.duplicate_in_db")!.params).toMatchObject({ name: "Existing Co" });
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await tdb.prisma.callback.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id, action: { startsWith: "import" } } })).toBe(0);
  });

  it("reports header problems and malformed CSV before looking at rows", async () => {
    const { tenant, deps } = await scene();
    const sys = systemActor(tenant.id);
    expect(problemsOf(await importCustomersCsv(deps, sys, "owner,anual_purchase\nU_WANG,1\n")).map((p) => p.code)).toEqual([
      "import.unknown_column",
      "import.missing_column",
    ]);
    // Broken quoting is the row's problem (the report goes on), not the whole file's.
    expect(problemsOf(await importCustomersCsv(deps, sys, `name,owner\n"Unclosed,U_WANG\n`))[0]).toMatchObject({
      line: 2,
      code: "import.malformed_row",
    });
    expect(problemsOf(await importCustomersCsv(deps, sys, "\n\n"))[0]!.code).toBe("import.empty_file");
    expect(problemsOf(await importCustomersCsv(deps, sys, "name,owner\n"))[0]!.code).toBe("import.no_rows");
    expect(problemsOf(await importCustomersCsv(deps, sys, "name\nNo Owner\n"))[0]).toMatchObject({ line: 2, code: "import.required", field: "owner" });
  });

  it("accepts Chinese headers, tab-separated text and GB18030 bytes", async () => {
    const { tenant, deps } = await scene();
    const tsv = "客户名称\t客户经理\t年采购额\n比亚迪股份\tU_WANG\t1000000\n";
    const bytes = new Uint8Array(Buffer.from("b1c8d1c7b5cfb9c9b7dd", "hex")); // "比亚迪股份" in GB18030
    expect(decodeCsvBytes(bytes)).toBe("比亚迪股份");
    const result = await importCustomersCsv(deps, systemActor(tenant.id), tsv);
    expect(result).toMatchObject({ ok: true, imported: 1, byTier: { A: 1 } });
  });

  it("lets a MANAGER import (owner defaulting to them) but not a SPECIALIST", async () => {
    const { tenant, d, deps } = await scene();
    await expect(importCustomersCsv(deps, actor(d.a1), "name\nX\n")).rejects.toMatchObject({ code: "auth.role_required" });
    const result = await importCustomersCsv(deps, actor(d.manager), "name,annual_purchase\nManaged Co,10\n");
    expect(result.ok).toBe(true);
    const c = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: tenant.id, name: "Managed Co" } });
    expect(c.ownerId).toBe(d.manager.id);
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id } });
    expect(audit).toMatchObject({ actorId: d.manager.id, action: "customer.imported" });
  });

  it("imports 10,000 rows in one go", async () => {
    const { tenant, deps } = await scene();
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      const annual = i % 10 === 0 ? "6,000,000" : i % 3 === 0 ? "1,500,000.50" : i % 7 === 0 ? "" : "20,000";
      lines.push(`客户${i} 有限公司,U_WANG,,"${annual}",制造,华东,,,,,,联系人${i},,1380000${String(i).padStart(4, "0")},c${i}@example.com`);
    }
    const started = Date.now();
    const result = await importCustomersCsv(deps, systemActor(tenant.id), lines.join("\n"));
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ ok: true, imported: 10_000, contacts: 10_000 });
    expect(await tdb.prisma.customer.count({ where: { tenantId: tenant.id } })).toBe(10_000);
    const tiered = await tdb.prisma.customer.count({ where: { tenantId: tenant.id, tier: { not: "C" } } });
    expect(await tdb.prisma.callback.count({ where: { tenantId: tenant.id, reason: "CADENCE", status: "PENDING" } })).toBe(tiered);
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id, action: "customer.imported" } })).toBe(10_000);
    // A guard against a pathological import (per-row round trips), not the performance figure:
    // that is bench:import's. Pinyin search keys and visit plans are computed per row since.
    expect(elapsed).toBeLessThan(45_000);
  }, 90_000);
});

describe("importMembersCsv", () => {
  it("creates a department with supervisors named further down the file, and updates known members", async () => {
    const tenant = await makeTenant(tdb.prisma, { platform: "SLACK" });
    const deps = depsAt(tdb.prisma);
    const csv = [
      "platform,platform_user_id,name,role,supervisor",
      "slack,U_A1,Alice,specialist,U_S1",
      ",U_S1,主管 Li,主管,U_M",
      "slack,U_M,经理 Wang,manager,",
      "slack,U_ADMIN,Admin,admin,",
    ].join("\n");
    const first = await importMembersCsv(deps, systemActor(tenant.id), csv);
    expect(first).toMatchObject({ ok: true, created: 4, updated: 0, unchanged: 0 });
    const members = await tdb.prisma.member.findMany({ where: { tenantId: tenant.id }, include: { identities: true } });
    const byUser = new Map(members.map((m) => [m.identities[0]!.platformUserId, m]));
    expect(byUser.get("U_A1")).toMatchObject({ role: "SPECIALIST", supervisorId: byUser.get("U_S1")!.id });
    expect(byUser.get("U_S1")).toMatchObject({ role: "SUPERVISOR", supervisorId: byUser.get("U_M")!.id, displayName: "主管 Li" });
    expect(byUser.get("U_S1")!.identities[0]!.platform).toBe("SLACK");
    expect(await tdb.prisma.auditLog.count({ where: { tenantId: tenant.id, action: "member.imported" } })).toBe(4);

    const second = await importMembersCsv(deps, systemActor(tenant.id), "platform_user_id,role,supervisor\nU_A1,supervisor,U_M\nU_M,,\n");
    expect(second).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: 1 });
    const alice = await tdb.prisma.member.findUniqueOrThrow({ where: { id: byUser.get("U_A1")!.id } });
    expect(alice).toMatchObject({ role: "SUPERVISOR", supervisorId: byUser.get("U_M")!.id, displayName: "Alice" });
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: alice.id, action: "member.updated_by_import" } });
    expect(audit.before).toMatchObject({ role: "SPECIALIST", supervisorId: byUser.get("U_S1")!.id });
  });

  it("refuses cycles, unknown supervisors, duplicates, bad roles and losing the last admin, writing nothing", async () => {
    const tenant = await makeTenant(tdb.prisma, { platform: "SLACK" });
    const deps = depsAt(tdb.prisma);
    const admin = await makeMember(tdb.prisma, tenant.id, { role: "ADMIN", name: "Only Admin" });
    const adminUserId = (await tdb.prisma.memberIdentity.findFirstOrThrow({ where: { memberId: admin.id } })).platformUserId;
    const csv = [
      "platform,platform_user_id,name,role,supervisor",
      "slack,U_X,X,,U_Y",
      "slack,U_Y,Y,,U_X",
      "slack,U_Z,Z,boss,U_NOBODY",
      "slack,U_X,X again,,",
      "slack,U_NEW,,,",
      `console,${adminUserId},,specialist,`,
      "myspace,U_Q,Q,,",
    ].join("\n");
    const result = await importMembersCsv(deps, systemActor(tenant.id), csv);
    expect(result.ok).toBe(false);
    const codes = (result as ImportFailure).problems.map((p) => `${p.line}:${p.code}`);
    expect(codes).toEqual([
      "2:import.supervisor_cycle",
      "3:import.supervisor_cycle",
      "4:import.invalid_role",
      "5:import.duplicate_in_file",
      "6:import.required",
      "7:import.last_admin",
      "8:import.invalid_platform",
    ]);
    expect(await tdb.prisma.member.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
  });

  it("is for admins only when run by a member", async () => {
    const { tenant, d, deps } = await scene();
    await expect(importMembersCsv(deps, actor(d.manager), "platform_user_id,name\nU_1,One\n")).rejects.toMatchObject({ code: "auth.admin_only" });
    expect(await importMembersCsv(deps, actor(d.admin), "platform_user_id,name\nU_1,One\n")).toMatchObject({ ok: true, created: 1 });
    expect(await tdb.prisma.member.count({ where: { tenantId: tenant.id, displayName: "One" } })).toBe(1);
  });
});

describe("exportCustomersCsv", () => {
  it("writes the import's columns, quoted where needed, and re-imports into another tenant unchanged", async () => {
    const { tenant, deps } = await scene();
    await tdb.prisma.tenant.update({ where: { id: tenant.id }, data: { locale: "en" } });
    const csv = [
      HEADER,
      `"Acme, Inc.",U_WANG,,"1,200.50",retail,,,,B+,,no,"Li ""Lucy"" Na",CFO,13812345678,lucy@example.com`,
      `华为技术有限公司,U_WANG,A,100,,,,,,,,,,,`,
    ].join("\n");
    expect((await importCustomersCsv(deps, systemActor(tenant.id), csv)).ok).toBe(true);

    const out = await collect(exportCustomersCsv(deps, systemActor(tenant.id)));
    expect(out.startsWith("\uFEFF" + HEADER + ",external_id,tier_override_reason,lost_reason\r\n")).toBe(true);
    expect(out).toContain(`"Acme, Inc.",U_WANG,B,1200.50,retail,,ACTIVE,,B+,,no,"Li ""Lucy"" Na",CFO,13812345678,lucy@example.com,,,\r\n`);
    expect(out).toContain(`华为技术有限公司,U_WANG,A,100.00,,,ACTIVE,,,,no,,,,,,set by import,\r\n`);

    const other = await makeTenant(tdb.prisma, { locale: "en" });
    await makeMember(tdb.prisma, other.id, { name: "王芳", platformUserId: "U_WANG" });
    const again = await importCustomersCsv(deps, systemActor(other.id), out);
    expect(again).toMatchObject({ ok: true, imported: 2, overrides: 1, contacts: 1 });
    const out2 = await collect(exportCustomersCsv(deps, systemActor(other.id)));
    expect(out2).toBe(out);
  });

  it("exports only what a member may see", async () => {
    const { d, deps } = await scene();
    await createCustomer(deps, actor(d.a1), { name: "Alice Co" });
    await createCustomer(deps, actor(d.b1), { name: "Bob Co" });
    const out = await collect(exportCustomersCsv(deps, actor(d.s1)));
    expect(out).toContain("Alice Co");
    expect(out).not.toContain("Bob Co");
  });
});
