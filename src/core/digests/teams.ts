// The supervisor tree of a tenant, loaded once (one query) and walked in memory, so digests and
// KPIs can give every supervisor their transitive team without a query per member. A tenant
// has at most a few thousand members; the closure is members × depth.
import type { Role } from "@prisma/client";
import type { CoreDeps, Tx } from "../shared/context.js";

type Queryable = Tx | CoreDeps["db"];

/** Guards the walk against a cycle that setSupervisor refuses but old data could hold. */
const MAX_DEPTH = 50;

export interface TeamMember {
  id: string;
  name: string;
  role: Role;
  supervisorId: string | null;
  active: boolean;
}

export interface Teams {
  members: Map<string, TeamMember>;
  /**
   * Members below each member, transitively (never the member itself). Deactivated members stay
   * in: the customers and callbacks they still hold are their supervisor's concern.
   */
  subordinates: Map<string, string[]>;
  /** Everyone above each member, nearest first (active or not: an inactive link still leads up). */
  ancestors: Map<string, string[]>;
}

export async function loadTeams(db: Queryable, tenantId: string): Promise<Teams> {
  const rows = await db.member.findMany({
    where: { tenantId },
    select: { id: true, displayName: true, role: true, supervisorId: true, active: true },
    orderBy: { displayName: "asc" },
  });
  const members = new Map<string, TeamMember>(
    rows.map((r) => [r.id, { id: r.id, name: r.displayName, role: r.role, supervisorId: r.supervisorId, active: r.active }]),
  );
  const ancestors = new Map<string, string[]>();
  const subordinates = new Map<string, string[]>();
  for (const m of members.values()) {
    const chain: string[] = [];
    let up = m.supervisorId;
    while (up && up !== m.id && !chain.includes(up) && chain.length < MAX_DEPTH && members.has(up)) {
      chain.push(up);
      up = members.get(up)!.supervisorId;
    }
    ancestors.set(m.id, chain);
    for (const a of chain) {
      const list = subordinates.get(a);
      if (list) list.push(m.id);
      else subordinates.set(a, [m.id]);
    }
  }
  return { members, subordinates, ancestors };
}

/**
 * Whom a member's team digest and team KPIs cover: a MANAGER the whole tenant (the department
 * head), anyone else their transitive subordinates. Never the member themself. ADMINs are
 * treated like anyone else here: configuring Accord does not make one a department head.
 */
export function teamOf(teams: Teams, memberId: string): string[] {
  const m = teams.members.get(memberId);
  if (m?.role === "MANAGER") {
    return [...teams.members.keys()].filter((id) => id !== memberId);
  }
  return teams.subordinates.get(memberId) ?? [];
}

/** Whether a member's team is the whole tenant. */
export function leadsWholeTenant(teams: Teams, memberId: string): boolean {
  return teams.members.get(memberId)?.role === "MANAGER";
}

/** Active members who receive a team digest: MANAGERs and anyone with someone below them. */
export function teamLeads(teams: Teams): string[] {
  return [...teams.members.values()]
    .filter((m) => m.active && (m.role === "MANAGER" || (teams.subordinates.get(m.id)?.length ?? 0) > 0))
    .map((m) => m.id);
}
