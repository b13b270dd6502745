// Who may see and edit what (DESIGN.md §2, enforced here and never in adapters):
// a SPECIALIST their own customers; a SUPERVISOR those of everyone below them, transitively;
// MANAGER and ADMIN the whole tenant. Tenants never see each other's data (every query is
// scoped by actor.tenantId).
import type { Role } from "@prisma/client";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { ForbiddenError } from "../shared/errors.js";

type Queryable = Tx | CoreDeps["db"];

const RANK: Record<Role, number> = { SPECIALIST: 0, SUPERVISOR: 1, MANAGER: 2, ADMIN: 3 };

export function hasRoleAtLeast(actor: Pick<Actor, "role">, role: Role): boolean {
  return RANK[actor.role] >= RANK[role];
}

export function requireRoleAtLeast(actor: Actor, role: Role): void {
  if (!hasRoleAtLeast(actor, role)) throw new ForbiddenError("auth.role_required", { role });
}

export function seesWholeTenant(actor: Pick<Actor, "role">): boolean {
  return actor.role === "MANAGER" || actor.role === "ADMIN";
}

/** Everyone below `memberId` in the supervisor tree, transitively (not including them). */
export async function subordinateIds(db: Queryable, tenantId: string, memberId: string): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE team(id, depth) AS (
      SELECT m.id, 1 FROM "Member" m WHERE m."supervisorId" = ${memberId} AND m."tenantId" = ${tenantId}
      UNION
      SELECT m.id, t.depth + 1 FROM "Member" m JOIN team t ON m."supervisorId" = t.id
      WHERE m."tenantId" = ${tenantId} AND t.depth < 50
    )
    SELECT DISTINCT id FROM team`;
  return rows.map((r) => r.id).filter((id) => id !== memberId);
}

/**
 * The member ids whose customers and work `actor` may see, or null for "the whole tenant".
 * Always includes the actor.
 */
export async function visibleMemberIds(db: Queryable, actor: Actor): Promise<string[] | null> {
  if (seesWholeTenant(actor)) return null;
  if (actor.role === "SUPERVISOR") return [actor.memberId, ...(await subordinateIds(db, actor.tenantId, actor.memberId))];
  return [actor.memberId];
}

/** Whether `actor` may see / edit things owned by `ownerId`. */
export async function canActFor(db: Queryable, actor: Actor, ownerId: string): Promise<boolean> {
  if (ownerId === actor.memberId) return true;
  const visible = await visibleMemberIds(db, actor);
  return visible === null || visible.includes(ownerId);
}

export async function requireCanActFor(db: Queryable, actor: Actor, ownerId: string, what = "customer"): Promise<void> {
  if (!(await canActFor(db, actor, ownerId))) throw new ForbiddenError("auth.not_yours", { what });
}
