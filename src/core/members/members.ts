// Members and roles (客户经理制): registered on first sight as SPECIALIST, bootstrapped ADMINs
// from ACCORD_ADMINS, roles and supervisors set by an ADMIN. The supervisor chain is the
// escalation and approval ladder, so it must never contain a cycle.
import { Prisma, type Member, type Platform, type Role } from "@prisma/client";
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { toTenantView, type TenantView } from "../tenants/tenants.js";
import { directQuery } from "../../db/direct.js";

export interface SeenUser {
  tenantId: string;
  platform: Platform;
  platformUserId: string;
  displayName: string;
  /**
   * The name is someone else's mention of the user (Slack's legacy <@U…|name>), not the
   * platform's profile: stored, but replaced by the real name when the platform tells it.
   */
  nameIsHint?: boolean;
  /** Platform user ids from ACCORD_ADMINS. */
  admins?: readonly string[];
}

export interface MemberRef {
  id: string;
  displayName: string;
  role: Role;
  supervisorId: string | null;
  locale: string | null;
  /** False once deactivated (a leaver): Accord refuses their commands politely. */
  active?: boolean;
}

function toRef(m: Member): MemberRef {
  return { id: m.id, displayName: m.displayName, role: m.role, supervisorId: m.supervisorId, locale: m.locale, active: m.active };
}

export function actorOf(member: Pick<Member, "id" | "tenantId" | "role">, platform: Platform): Actor {
  return { tenantId: member.tenantId, memberId: member.id, role: member.role, platform };
}

/**
 * A member first seen before the platform told us their name is stored under their platform id,
 * or under the name someone else's mention gave (nameIsHint); the platform's name replaces either
 * once it is known (and never a name someone set). A hint replaces only the bare id.
 */
function placeholderNameToReplace(
  stored: { displayName: string; nameIsHint: boolean },
  user: { platformUserId: string; displayName?: string; nameIsHint?: boolean },
): boolean {
  if (!user.displayName || stored.displayName === user.displayName) return false;
  if (stored.displayName === user.platformUserId) return true;
  return stored.nameIsHint && !user.nameIsHint;
}

export interface KnownSpeaker {
  tenant: TenantView;
  member: MemberRef;
}

interface KnownSpeakerRow {
  tenantId: string;
  platform: Platform;
  externalId: string;
  tenantName: string;
  timeZone: string;
  tenantLocale: string;
  settings: Prisma.JsonValue;
  memberId: string;
  displayName: string;
  nameIsHint: boolean;
  role: Role;
  supervisorId: string | null;
  memberLocale: string | null;
  memberActive: boolean;
}

/**
 * The tenant and member behind a platform user seen before, in one query: every request starts
 * here, so it is one round trip instead of ensureTenant + memberForPlatformUser's two or three.
 * Null on first sight, and when the stored name is still the placeholder and `displayName` would
 * replace it: the slow path does both.
 */
export async function findKnownSpeaker(
  db: CoreDeps["db"],
  user: { platform: Platform; tenantExternalId: string; platformUserId: string; displayName?: string },
): Promise<KnownSpeaker | null> {
  const rows = await directQuery<KnownSpeakerRow>(db, Prisma.sql`
    SELECT t.id AS "tenantId", t.platform, t."externalId", t.name AS "tenantName", t."timeZone",
           t.locale AS "tenantLocale", t.settings,
           m.id AS "memberId", m."displayName", m."nameIsHint", m.role, m."supervisorId", m.locale AS "memberLocale",
           m.active AS "memberActive"
    FROM "Tenant" t
    JOIN "MemberIdentity" i ON i."tenantId" = t.id AND i.platform = t.platform AND i."platformUserId" = ${user.platformUserId}
    JOIN "Member" m ON m.id = i."memberId" AND m."tenantId" = t.id
    WHERE t.platform = ${user.platform}::"Platform" AND t."externalId" = ${user.tenantExternalId}`);
  const row = rows[0];
  if (!row) return null;
  if (placeholderNameToReplace(row, user)) return null;
  return {
    tenant: toTenantView({
      id: row.tenantId,
      platform: row.platform,
      externalId: row.externalId,
      name: row.tenantName,
      timeZone: row.timeZone,
      locale: row.tenantLocale,
      settings: row.settings,
    }),
    member: {
      id: row.memberId,
      displayName: row.displayName,
      role: row.role,
      supervisorId: row.supervisorId,
      locale: row.memberLocale,
      active: row.memberActive,
    },
  };
}

/** The member behind a platform user, registering them on first sight. */
export async function memberForPlatformUser(deps: CoreDeps, user: SeenUser): Promise<MemberRef> {
  const key = { tenantId: user.tenantId, platform: user.platform, platformUserId: user.platformUserId };
  const identity = await deps.db.memberIdentity.findUnique({
    where: { tenantId_platform_platformUserId: key },
    include: { member: true },
  });
  if (identity) {
    if (placeholderNameToReplace(identity.member, user)) {
      // First sight may have happened before the platform told us the name.
      const before = identity.member;
      return inTransaction(deps, async (tx) => {
        const updated = await tx.member.update({
          where: { id: before.id },
          data: { displayName: user.displayName, nameIsHint: Boolean(user.nameIsHint) },
        });
        await recordAudit(tx, {
          tenantId: user.tenantId,
          actorId: null,
          platform: user.platform,
          action: "member.name_from_platform",
          entityType: "Member",
          entityId: before.id,
          before: { displayName: before.displayName },
          after: { displayName: updated.displayName },
        });
        return toRef(updated);
      });
    }
    return toRef(identity.member);
  }
  const isAdmin = (user.admins ?? []).includes(user.platformUserId);
  try {
    return await inTransaction(deps, async (tx) => {
      const member = await tx.member.create({
        data: {
          tenantId: user.tenantId,
          displayName: user.displayName || user.platformUserId,
          nameIsHint: Boolean(user.nameIsHint && user.displayName && user.displayName !== user.platformUserId),
          role: isAdmin ? "ADMIN" : "SPECIALIST",
          identities: { create: { tenantId: user.tenantId, platform: user.platform, platformUserId: user.platformUserId } },
        },
      });
      await recordAudit(tx, {
        tenantId: user.tenantId,
        actorId: member.id,
        platform: user.platform,
        action: "member.registered",
        entityType: "Member",
        entityId: member.id,
        after: { displayName: member.displayName, role: member.role, platformUserId: user.platformUserId },
      });
      return toRef(member);
    });
  } catch (err) {
    // Two first messages from one user raced: the other registration won, use it.
    const again = await deps.db.memberIdentity.findUnique({
      where: { tenantId_platform_platformUserId: key },
      include: { member: true },
    });
    if (again) return toRef(again.member);
    throw err;
  }
}

export async function getMember(db: Tx | CoreDeps["db"], tenantId: string, memberId: string): Promise<Member> {
  const m = await db.member.findFirst({ where: { id: memberId, tenantId } });
  if (!m) throw new NotFoundError("member.not_found", { member: memberId });
  return m;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== "ADMIN") throw new ForbiddenError("auth.admin_only");
}

/** Sets one field of a member and audits it as `action`, with that field before and after. */
async function setMemberField<F extends "role" | "supervisorId" | "locale">(
  tx: Tx,
  actor: Actor,
  before: Member,
  field: F,
  value: Member[F],
  action: string,
): Promise<MemberRef> {
  // A computed key widens to an index signature; it is one of the three columns above.
  const data = { [field]: value } as Prisma.MemberUncheckedUpdateInput;
  const after = await tx.member.update({ where: { id: before.id }, data });
  await recordAudit(tx, {
    tenantId: actor.tenantId,
    actorId: actor.memberId,
    platform: actor.platform,
    action,
    entityType: "Member",
    entityId: before.id,
    before: { [field]: before[field] },
    after: { [field]: after[field] },
  });
  return toRef(after);
}

const roleSchema = z.enum(["SPECIALIST", "SUPERVISOR", "MANAGER", "ADMIN"]);

export async function setRole(deps: CoreDeps, actor: Actor, memberId: string, role: Role): Promise<MemberRef> {
  requireAdmin(actor);
  const parsed = roleSchema.safeParse(role);
  if (!parsed.success) throw new InvalidInputError("member.invalid_role", { role: String(role) });
  return inTransaction(deps, async (tx) => {
    const before = await getMember(tx, actor.tenantId, memberId);
    if (before.id === actor.memberId && parsed.data !== "ADMIN") {
      const otherAdmins = await tx.member.count({ where: { tenantId: actor.tenantId, role: "ADMIN", active: true, id: { not: before.id } } });
      if (otherAdmins === 0) throw new InvalidInputError("member.last_admin");
    }
    return setMemberField(tx, actor, before, "role", parsed.data, "member.role_set");
  });
}

/** Ids from `memberId` up the chain: supervisor, their supervisor, … (nearest first). */
export async function supervisorChain(db: Tx | CoreDeps["db"], tenantId: string, memberId: string): Promise<MemberRef[]> {
  const rows = await db.$queryRaw<Array<{ id: string; depth: number }>>`
    WITH RECURSIVE chain(id, supervisor_id, depth) AS (
      SELECT m.id, m."supervisorId", 0 FROM "Member" m WHERE m.id = ${memberId} AND m."tenantId" = ${tenantId}
      UNION ALL
      SELECT s.id, s."supervisorId", c.depth + 1
      FROM chain c JOIN "Member" s ON s.id = c.supervisor_id AND s."tenantId" = ${tenantId}
      WHERE c.depth < 50
    )
    SELECT id, depth FROM chain WHERE depth > 0 ORDER BY depth`;
  if (rows.length === 0) return [];
  const members = await db.member.findMany({ where: { tenantId, id: { in: rows.map((r) => r.id) } } });
  const byId = new Map(members.map((m) => [m.id, m]));
  return rows.map((r) => byId.get(r.id)).filter((m): m is Member => !!m).map(toRef);
}

export async function setSupervisor(
  deps: CoreDeps,
  actor: Actor,
  memberId: string,
  supervisorId: string | null,
): Promise<MemberRef> {
  requireAdmin(actor);
  return inTransaction(deps, async (tx) => {
    const member = await getMember(tx, actor.tenantId, memberId);
    if (supervisorId !== null) {
      await getMember(tx, actor.tenantId, supervisorId);
      if (supervisorId === memberId) throw new InvalidInputError("member.supervisor_cycle", { member: member.displayName });
      const chainAbove = await supervisorChain(tx, actor.tenantId, supervisorId);
      if (chainAbove.some((m) => m.id === memberId)) {
        throw new InvalidInputError("member.supervisor_cycle", { member: member.displayName });
      }
    }
    return setMemberField(tx, actor, member, "supervisorId", supervisorId, "member.supervisor_set");
  });
}

export async function setMemberLocale(deps: CoreDeps, actor: Actor, locale: "zh-CN" | "en" | null): Promise<MemberRef> {
  return inTransaction(deps, async (tx) => {
    const before = await getMember(tx, actor.tenantId, actor.memberId);
    return setMemberField(tx, actor, before, "locale", locale, "member.locale_set");
  });
}

export async function listMembers(deps: CoreDeps, tenantId: string): Promise<MemberRef[]> {
  const rows = await deps.db.member.findMany({ where: { tenantId, active: true }, orderBy: { displayName: "asc" } });
  return rows.map(toRef);
}
