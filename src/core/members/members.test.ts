import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { canActFor, subordinateIds, visibleMemberIds } from "./authorization.js";
import { memberForPlatformUser, setMemberLocale, setRole, setSupervisor, supervisorChain } from "./members.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

describe("members", () => {
  it("registers a user seen for the first time as SPECIALIST, once, with an audit row", async () => {
    const deps = depsAt(tdb.prisma);
    const tenant = await makeTenant(tdb.prisma);
    const seen = { tenantId: tenant.id, platform: "SLACK" as const, platformUserId: "U777", displayName: "Zhang San" };
    const [a, b] = await Promise.all([memberForPlatformUser(deps, seen), memberForPlatformUser(deps, seen)]);
    expect(a.id).toBe(b.id);
    expect(a.role).toBe("SPECIALIST");
    expect(await tdb.prisma.member.count({ where: { tenantId: tenant.id } })).toBe(1);
    const audits = await tdb.prisma.auditLog.findMany({ where: { tenantId: tenant.id, action: "member.registered" } });
    expect(audits).toHaveLength(1);
  });

  it("bootstraps ACCORD_ADMINS users as ADMIN", async () => {
    const deps = depsAt(tdb.prisma);
    const tenant = await makeTenant(tdb.prisma);
    const m = await memberForPlatformUser(deps, {
      tenantId: tenant.id,
      platform: "SLACK",
      platformUserId: "UADMIN",
      displayName: "Boss",
      admins: ["UADMIN"],
    });
    expect(m.role).toBe("ADMIN");
  });

  it("lets only an ADMIN set roles, and audits the change", async () => {
    const deps = depsAt(tdb.prisma);
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    await expect(setRole(deps, actor(d.manager), d.a1.id, "SUPERVISOR")).rejects.toMatchObject({ code: "auth.admin_only" });
    const updated = await setRole(deps, actor(d.admin), d.a1.id, "SUPERVISOR");
    expect(updated.role).toBe("SUPERVISOR");
    const audit = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: d.a1.id, action: "member.role_set" } });
    expect(audit.before).toEqual({ role: "SPECIALIST" });
    expect(audit.after).toEqual({ role: "SUPERVISOR" });
  });

  it("refuses a supervisor cycle with member.supervisor_cycle and writes nothing", async () => {
    const deps = depsAt(tdb.prisma);
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    await expect(setSupervisor(deps, actor(d.admin), d.manager.id, d.a1.id)).rejects.toMatchObject({
      code: "member.supervisor_cycle",
    });
    await expect(setSupervisor(deps, actor(d.admin), d.a1.id, d.a1.id)).rejects.toMatchObject({ code: "member.supervisor_cycle" });
    const manager = await tdb.prisma.member.findUniqueOrThrow({ where: { id: d.manager.id } });
    expect(manager.supervisorId).toBeNull();
  });

  it("moves a member to another supervisor and sets a member's language, auditing each change", async () => {
    const deps = depsAt(tdb.prisma);
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    expect((await setSupervisor(deps, actor(d.admin), d.a1.id, d.s2.id)).supervisorId).toBe(d.s2.id);
    expect((await setMemberLocale(deps, actor(d.a1), "en")).locale).toBe("en");
    expect(await tdb.prisma.member.findUniqueOrThrow({ where: { id: d.a1.id } })).toMatchObject({ supervisorId: d.s2.id, locale: "en" });
    const audits = await tdb.prisma.auditLog.findMany({ where: { entityId: d.a1.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, a.actorId, a.entityType, a.before, a.after])).toEqual([
      ["member.supervisor_set", d.admin.id, "Member", { supervisorId: d.s1.id }, { supervisorId: d.s2.id }],
      ["member.locale_set", d.a1.id, "Member", { locale: null }, { locale: "en" }],
    ]);
  });

  it("walks the supervisor chain nearest first", async () => {
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    const chain = await supervisorChain(tdb.prisma, tenant.id, d.a1.id);
    expect(chain.map((m) => m.id)).toEqual([d.s1.id, d.manager.id]);
  });

  it("scopes visibility: specialist self, supervisor team transitively, manager everything", async () => {
    const tenant = await makeTenant(tdb.prisma);
    const d = await makeDepartment(tdb.prisma, tenant.id);
    expect(await visibleMemberIds(tdb.prisma, actor(d.a1))).toEqual([d.a1.id]);
    expect(new Set(await visibleMemberIds(tdb.prisma, actor(d.s1)))).toEqual(new Set([d.s1.id, d.a1.id, d.a2.id]));
    expect(await visibleMemberIds(tdb.prisma, actor(d.manager))).toBeNull();
    expect(new Set(await subordinateIds(tdb.prisma, tenant.id, d.manager.id))).toEqual(
      new Set([d.s1.id, d.s2.id, d.a1.id, d.a2.id, d.b1.id]),
    );
    expect(await canActFor(tdb.prisma, actor(d.s1), d.b1.id)).toBe(false);
    expect(await canActFor(tdb.prisma, actor(d.a1), d.a2.id)).toBe(false);
  });
});
