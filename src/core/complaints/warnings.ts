// Pre-breach warnings: at slaClock.warnAtPercent of a deadline (80% by default, counted in the
// severity's clock), the complaint's holder hears that the deadline is near — one message per
// complaint, deadline and cycle. Exactly once across replicas by the same means as the
// escalation sweep: the rows are claimed FOR UPDATE SKIP LOCKED, marked with a conditional
// update (…WarnedAt IS NULL), and the message's outbox dedupe key is unique per
// (complaint, deadline, cycle), so even two writers that both got through would enqueue one.
import { Prisma, type ComplaintStatus, type Severity } from "@prisma/client";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { toTenantView } from "../tenants/tenants.js";
import { dueWarnings, type Breach } from "./rules.js";

export interface SlaWarning {
  tenantId: string;
  complaintId: string;
  number: number;
  deadline: Breach;
  holderId: string;
  dueAt: Date;
}

interface ClaimedForWarning {
  id: string;
  tenantId: string;
  number: number;
  customerId: string;
  severity: Severity;
  status: ComplaintStatus;
  assigneeId: string;
  reopenCount: number;
  ackDueAt: Date;
  resolveDueAt: Date;
  ackWarnAt: Date | null;
  resolveWarnAt: Date | null;
  ackWarnedAt: Date | null;
  resolveWarnedAt: Date | null;
}

const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

export function warningDedupeKey(complaintId: string, deadline: Breach, cycle: number): string {
  return `complaint:${complaintId}:warning:${deadline}:cycle${cycle}:member`;
}

export async function sweepSlaWarnings(deps: CoreDeps, now: Date, options: { limit?: number } = {}): Promise<SlaWarning[]> {
  const candidates = await deps.db.complaint.findMany({
    where: {
      OR: [
        { status: "OPEN", ackWarnedAt: null, ackWarnAt: { lte: now }, ackDueAt: { gte: now } },
        { status: { in: ["OPEN", "ACKNOWLEDGED"] }, resolveWarnedAt: null, resolveWarnAt: { lte: now }, resolveDueAt: { gte: now } },
      ],
    },
    select: { id: true, tenantId: true },
    orderBy: { id: "asc" },
    take: options.limit ?? 500,
  });
  const byTenant = new Map<string, string[]>();
  for (const c of candidates) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c.id]);
  const tenants = await deps.db.tenant.findMany({ where: { id: { in: [...byTenant.keys()] } } });
  const done: SlaWarning[] = [];
  for (const row of tenants) {
    let platform;
    try {
      platform = toTenantView(row).platform;
    } catch {
      continue;
    }
    const ids = byTenant.get(row.id)!;
    const warned = await inTransaction(deps, async (tx) => {
      const claimed = await tx.$queryRaw<ClaimedForWarning[]>`
        SELECT id, "tenantId", number, "customerId", severity::text AS severity, status::text AS status, "assigneeId", "reopenCount",
          "ackDueAt", "resolveDueAt", "ackWarnAt", "resolveWarnAt", "ackWarnedAt", "resolveWarnedAt"
        FROM "Complaint"
        WHERE "tenantId" = ${row.id} AND id = ANY(${ids}::text[])
        ORDER BY id
        FOR UPDATE SKIP LOCKED`;
      const due = claimed.flatMap((c) => dueWarnings(c, now).map((deadline) => ({ c, deadline })));
      // One conditional update per deadline kind for the whole batch: a row another writer marked
      // meanwhile is not returned, so it gets no second message.
      const mark = async (deadline: Breach) => {
        const ids = due.filter((d) => d.deadline === deadline).map((d) => d.c.id);
        if (ids.length === 0) return new Set<string>();
        const column = deadline === "ack" ? Prisma.raw(`"ackWarnedAt"`) : Prisma.raw(`"resolveWarnedAt"`);
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE "Complaint" SET ${column} = ${utc(now)} WHERE id = ANY(${ids}::text[]) AND ${column} IS NULL RETURNING id`;
        return new Set(rows.map((r) => r.id));
      };
      const marked = { ack: await mark("ack"), resolve: await mark("resolve") };
      const out: SlaWarning[] = [];
      const messages: EnqueueInput[] = [];
      for (const { c, deadline } of due) {
        if (!marked[deadline].has(c.id)) continue;
        const dueAt = deadline === "ack" ? c.ackDueAt : c.resolveDueAt;
        out.push({ tenantId: c.tenantId, complaintId: c.id, number: c.number, deadline, holderId: c.assigneeId, dueAt });
        messages.push({
          tenantId: c.tenantId,
          platform,
          target: `member:${c.assigneeId}`,
          intent: {
            kind: "complaint.sla_warning",
            complaintId: c.id,
            number: c.number,
            customerId: c.customerId,
            severity: c.severity,
            deadline,
            // The renderers' shared field for "which deadline" (deadlineLabel).
            trigger: deadline,
            dueAt: dueAt.toISOString(),
            assigneeId: c.assigneeId,
          },
          dedupeKey: warningDedupeKey(c.id, deadline, c.reopenCount),
          entityType: "Complaint",
          entityId: c.id,
        });
      }
      await enqueueNotifications(tx, messages);
      return out;
    });
    done.push(...warned);
  }
  return done;
}
