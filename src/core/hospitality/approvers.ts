// Loads the people who could approve a member's request, in two queries (the supervisor chain
// and one lookup of chain members, managers and admins), for rules.resolveApprovers.
import type { Tx } from "../shared/context.js";
import { supervisorChain } from "../members/members.js";
import type { ApproverCandidate, ApproverPool } from "./rules.js";

export async function loadApproverPool(
  tx: Tx,
  tenantId: string,
  requesterId: string,
  finalApproverId: string | null,
): Promise<ApproverPool> {
  const chain = await supervisorChain(tx, tenantId, requesterId);
  const chainIds = chain.map((m) => m.id);
  const rows = await tx.member.findMany({
    where: {
      tenantId,
      OR: [
        { id: { in: finalApproverId ? [...chainIds, finalApproverId] : chainIds } },
        { role: { in: ["MANAGER", "ADMIN"] }, active: true },
      ],
    },
    select: { id: true, role: true, active: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const byId = new Map<string, ApproverCandidate>(rows.map((r) => [r.id, r]));
  return {
    requesterId,
    supervisors: chainIds.map((id) => byId.get(id)).filter((c): c is ApproverCandidate => !!c),
    managers: rows.filter((r) => r.role === "MANAGER"),
    admins: rows.filter((r) => r.role === "ADMIN"),
    finalApprover: finalApproverId ? (byId.get(finalApproverId) ?? null) : null,
  };
}

/** The member's nearest active supervisor (overspend goes to them), or null. */
export async function nearestActiveSupervisor(tx: Tx, tenantId: string, memberId: string): Promise<string | null> {
  const chain = await supervisorChain(tx, tenantId, memberId);
  if (chain.length === 0) return null;
  const active = await tx.member.findMany({
    where: { tenantId, active: true, id: { in: chain.map((m) => m.id) } },
    select: { id: true },
  });
  const activeIds = new Set(active.map((m) => m.id));
  return chain.find((m) => activeIds.has(m.id) && m.id !== memberId)?.id ?? null;
}
