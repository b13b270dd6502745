// The complaint SLA sweep (every few minutes, every replica): one indexed query finds the missed
// deadlines of all tenants, then each tenant's breaches are escalated in transactions of at most
// CHUNK complaints. A transaction claims its complaints with FOR UPDATE SKIP LOCKED and re-reads
// them (another sweep or a click may have got there first), loads the ladder of every affected
// assignee in one query and writes the whole chunk with one conditional update and one insert
// per table, so replicas sweeping at once escalate each breach exactly once (one of them holds
// the rows, the other skips them) and never wait on each other. A failed chunk is retried one
// complaint per transaction, so one bad complaint or tenant never holds back the others.
import type { ComplaintStatus, Severity } from "@prisma/client";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { toTenantView, type TenantView } from "../tenants/tenants.js";
import { climb } from "./ladder.js";
import { loadLadders, writeEscalations, type EscalationPlan, type EscalationSubject } from "./escalation.js";
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

/** Complaints per transaction: bounds lock time and statement size while keeping round trips few. */
export const SWEEP_CHUNK = 200;

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

  const byTenant = new Map<string, string[]>();
  for (const c of candidates) {
    const ids = byTenant.get(c.tenantId);
    if (ids) ids.push(c.id);
    else byTenant.set(c.tenantId, [c.id]);
  }

  let firstError: unknown = null;
  const fail = (err: unknown, complaintIds: readonly string[]) => {
    if (options.onError) for (const id of complaintIds) options.onError(err, id);
    else firstError ??= err;
  };

  const tenantRows = await deps.db.tenant.findMany({ where: { id: { in: [...byTenant.keys()] } } });
  const done: SlaEscalation[] = [];
  for (const row of tenantRows) {
    const ids = byTenant.get(row.id)!;
    let tenant: TenantView;
    try {
      // A tenant whose stored settings no longer parse must not stop the other tenants' sweep.
      tenant = toTenantView(row);
    } catch (err) {
      fail(err, ids);
      continue;
    }
    for (let i = 0; i < ids.length; i += SWEEP_CHUNK) {
      const chunk = ids.slice(i, i + SWEEP_CHUNK);
      try {
        done.push(...(await sweepChunk(deps, tenant, chunk, now)));
      } catch (err) {
        if (chunk.length === 1) {
          fail(err, chunk);
          continue;
        }
        for (const id of chunk) {
          try {
            done.push(...(await sweepChunk(deps, tenant, [id], now)));
          } catch (single) {
            fail(single, [id]);
          }
        }
      }
    }
  }
  if (firstError !== null) throw firstError;

  // In the order the breaches were found (oldest deadline first), whatever the tenant grouping.
  const rank = new Map(candidates.map((c, i) => [c.id, i]));
  return done.sort((a, b) => rank.get(a.complaintId)! - rank.get(b.complaintId)!);
}

interface ClaimedComplaint extends Omit<EscalationSubject, "status" | "severity"> {
  status: ComplaintStatus;
  severity: Severity;
  ackDueAt: Date;
  resolveDueAt: Date;
}

/** Escalates the still-due complaints among `ids` (all of `tenant`) in one transaction. */
async function sweepChunk(deps: CoreDeps, tenant: TenantView, ids: readonly string[], now: Date): Promise<SlaEscalation[]> {
  return inTransaction(deps, async (tx) => {
    // Rows another sweep (or a click) holds are skipped: whoever holds them decides, and a
    // breach still due after they commit is found by the next sweep.
    const claimed = await tx.$queryRaw<ClaimedComplaint[]>`
      SELECT id, "tenantId", number, "customerId", severity::text AS severity, status::text AS status,
        "escalationLevel", "assigneeId", "ackDueAt", "resolveDueAt", "ackBreachedAt", "resolveBreachedAt", "reopenCount"
      FROM "Complaint"
      WHERE "tenantId" = ${tenant.id} AND id = ANY(${[...ids]}::text[])
      ORDER BY id
      FOR UPDATE SKIP LOCKED`;
    const due = claimed
      .map((c) => ({ c, steps: escalationSteps(c.escalationLevel, dueEscalations(c, now)) }))
      .filter((d) => d.steps.length > 0);
    if (due.length === 0) return [];

    const book = await loadLadders(tx, tenant.id, due.map((d) => d.c.assigneeId));
    const plans: EscalationPlan[] = due.map(({ c, steps }) => ({
      complaint: c,
      steps: climb(book, c.assigneeId, steps.map(({ breach, ...s }) => ({ ...s, trigger: breach }))),
    }));
    const written = await writeEscalations(tx, { tenant, plans, actor: null, reason: null, now });
    return plans
      .filter((p) => written.has(p.complaint.id))
      .flatMap(({ complaint: c, steps }) =>
        steps.map((s) => ({
          tenantId: c.tenantId,
          complaintId: c.id,
          number: c.number,
          fromLevel: s.fromLevel,
          toLevel: s.toLevel,
          newAssigneeId: s.assigneeId,
          breach: s.trigger as Breach,
          escalated: s.escalates,
        })),
      );
  });
}
