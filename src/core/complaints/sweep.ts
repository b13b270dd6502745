// The complaint SLA sweep (every few minutes, every replica): one indexed query finds the missed
// deadlines of all tenants, then each complaint is escalated in its own small transaction with a
// conditional update, so replicas sweeping at once escalate each breach exactly once and one
// complaint's failure never holds back the others.
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { toTenantView, type TenantView } from "../tenants/tenants.js";
import { writeEscalation } from "./escalation.js";
import { dueEscalations, escalationSteps, type Breach } from "./rules.js";

export interface SlaEscalation {
  tenantId: string;
  complaintId: string;
  number: number;
  fromLevel: number;
  toLevel: number;
  newAssigneeId: string;
  breach: Breach;
  /** False when the complaint was already at the top level: the breach was recorded and announced. */
  escalated: boolean;
}

export interface SweepOptions {
  /** Upper bound per sweep; the rest waits for the next one (default 500). */
  limit?: number;
  /** Called for a complaint whose escalation failed; without it the first failure is rethrown after the others ran. */
  onError?: (err: unknown, complaintId: string) => void;
}

export async function sweepComplaintSla(deps: CoreDeps, now: Date, options: SweepOptions = {}): Promise<SlaEscalation[]> {
  const candidates = await deps.db.complaint.findMany({
    where: {
      OR: [
        { status: "OPEN", ackBreachedAt: null, ackDueAt: { lt: now } },
        { status: { in: ["OPEN", "ACKNOWLEDGED"] }, resolveBreachedAt: null, resolveDueAt: { lt: now } },
      ],
    },
    select: { id: true, tenantId: true },
    orderBy: [{ ackDueAt: "asc" }, { id: "asc" }],
    take: options.limit ?? 500,
  });
  if (candidates.length === 0) return [];

  const tenantIds = [...new Set(candidates.map((c) => c.tenantId))];
  const tenants = new Map<string, TenantView>(
    (await deps.db.tenant.findMany({ where: { id: { in: tenantIds } } })).map((t) => [t.id, toTenantView(t)]),
  );

  const done: SlaEscalation[] = [];
  let firstError: unknown = null;
  for (const candidate of candidates) {
    const tenant = tenants.get(candidate.tenantId);
    if (!tenant) continue;
    try {
      const written = await inTransaction(deps, async (tx) => {
        // Re-read inside the transaction: another sweep or a click may have got there first.
        const c = await tx.complaint.findFirst({ where: { id: candidate.id, tenantId: candidate.tenantId } });
        if (!c) return null;
        const breaches = dueEscalations(c, now);
        if (breaches.length === 0) return null;
        const steps = escalationSteps(c.escalationLevel, breaches).map(({ breach, ...s }) => ({ ...s, trigger: breach }));
        const result = await writeEscalation(tx, { tenant, complaint: c, steps, actor: null, reason: null, now });
        return result && { c, result };
      });
      if (!written) continue;
      for (const s of written.result) {
        done.push({
          tenantId: written.c.tenantId,
          complaintId: written.c.id,
          number: written.c.number,
          fromLevel: s.fromLevel,
          toLevel: s.toLevel,
          newAssigneeId: s.assigneeId,
          breach: s.trigger as Breach,
          escalated: s.escalates,
        });
      }
    } catch (err) {
      if (options.onError) options.onError(err, candidate.id);
      else firstError ??= err;
    }
  }
  if (firstError !== null) throw firstError;
  return done;
}
