// Loads the people who could approve a member's request — the supervisor chain, managers,
// admins, the designated final approver, and who is away today with their delegates — for
// rules.resolveChain.
import type { Tx } from "../shared/context.js";
import type { CoreDeps } from "../shared/context.js";
import { supervisorChain } from "../members/members.js";
import { toDateColumn, type LocalDate } from "../shared/time.js";
import type { ApproverCandidate, ApproverPool } from "./rules.js";

type Queryable = Tx | CoreDeps["db"];

export interface PoolOptions {
  /** The customer's account manager, passed over by separation of duties. */
  customerOwnerId?: string | null;
  /** Tenant-local today: absences covering it route steps to delegates. */
  today?: LocalDate;
}

export async function loadApproverPool(
  tx: Queryable,
  tenantId: string,
  requesterId: string,
  finalApproverId: string | null,
  options: PoolOptions = {},
): Promise<ApproverPool> {
  const chain = await supervisorChain(tx, tenantId, requesterId);
  const chainIds = chain.map((m) => m.id);
  const absences = options.today ? await absencesOn(tx, tenantId, options.today) : new Map<string, string | null>();
  const delegateIds = [...absences.values()].filter((id): id is string => !!id);
  const wanted = [...chainIds, ...delegateIds, ...(finalApproverId ? [finalApproverId] : [])];
  const rows = await tx.member.findMany({
    where: {
      tenantId,
      OR: [{ id: { in: wanted } }, { role: { in: ["MANAGER", "ADMIN"] }, active: true }],
    },
    select: { id: true, role: true, active: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const byId = new Map<string, ApproverCandidate>(rows.map((r) => [r.id, r]));
  return {
    requesterId,
    supervisors: chainIds.map((id) => byId.get(id)).filter((c): c is ApproverCandidate => !!c),
    managers: rows.filter((r) => r.role === "MANAGER" && r.active),
    admins: rows.filter((r) => r.role === "ADMIN" && r.active),
    finalApprover: finalApproverId ? (byId.get(finalApproverId) ?? null) : null,
    customerOwnerId: options.customerOwnerId ?? null,
    absent: absences,
    delegates: new Map(delegateIds.map((id) => [id, byId.get(id)]).filter((e): e is [string, ApproverCandidate] => !!e[1])),
  };
}

/** Members away on `date` → the delegate they named (the latest absence wins), or null. */
export async function absencesOn(db: Queryable, tenantId: string, date: LocalDate): Promise<Map<string, string | null>> {
  const day = toDateColumn(date);
  const rows = await db.memberAbsence.findMany({
    where: { tenantId, fromDate: { lte: day }, toDate: { gte: day } },
    orderBy: { createdAt: "asc" },
    select: { memberId: true, delegateId: true },
  });
  return new Map(rows.map((r) => [r.memberId, r.delegateId]));
}

/** The member's nearest active supervisor (overspend and credit alerts go to them), or null. */
export async function nearestActiveSupervisor(tx: Queryable, tenantId: string, memberId: string): Promise<string | null> {
  const chain = await supervisorChain(tx, tenantId, memberId);
  if (chain.length === 0) return null;
  const active = await tx.member.findMany({
    where: { tenantId, active: true, id: { in: chain.map((m) => m.id) } },
    select: { id: true },
  });
  const activeIds = new Set(active.map((m) => m.id));
  return chain.find((m) => activeIds.has(m.id) && m.id !== memberId)?.id ?? null;
}
