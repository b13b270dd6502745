// `complaints closed [period]`: resolved and closed complaints the viewer may see (assigned to
// their scope, or about customers their scope owns), most recent first.
import type { ComplaintStatus, Severity } from "@prisma/client";
import { visibleMemberIds } from "../members/authorization.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { addDays, startOfLocalDay, type LocalDate } from "../shared/time.js";

export interface ClosedComplaint {
  id: string;
  number: number;
  customerName: string;
  severity: Severity;
  status: ComplaintStatus;
  assigneeName: string;
  resolvedAt: Date | null;
  closedAt: Date | null;
  resolution: string | null;
}

export async function listClosedComplaints(
  deps: CoreDeps,
  actor: Actor,
  period: { from: LocalDate; to: LocalDate; timeZone: string },
  limit = 30,
): Promise<{ items: ClosedComplaint[]; total: number }> {
  const visible = await visibleMemberIds(deps.db, actor);
  const where = {
    tenantId: actor.tenantId,
    status: { in: ["RESOLVED", "CLOSED"] as ComplaintStatus[] },
    resolvedAt: { gte: startOfLocalDay(period.from, period.timeZone), lt: startOfLocalDay(addDays(period.to, 1), period.timeZone) },
    ...(visible === null ? {} : { OR: [{ assigneeId: { in: visible } }, { customer: { ownerId: { in: visible } } }] }),
  };
  const [rows, total] = await Promise.all([
    deps.db.complaint.findMany({ where, include: { customer: { select: { name: true } } }, orderBy: [{ resolvedAt: "desc" }, { number: "desc" }], take: limit }),
    deps.db.complaint.count({ where }),
  ]);
  const names = new Map(
    (await deps.db.member.findMany({ where: { tenantId: actor.tenantId, id: { in: [...new Set(rows.map((r) => r.assigneeId))] } }, select: { id: true, displayName: true } })).map((m) => [m.id, m.displayName]),
  );
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      number: r.number,
      customerName: r.customer.name,
      severity: r.severity,
      status: r.status,
      assigneeName: names.get(r.assigneeId) ?? "",
      resolvedAt: r.resolvedAt,
      closedAt: r.closedAt,
      resolution: r.resolution,
    })),
  };
}
