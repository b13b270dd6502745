// Reading complaints: the "complaints" command (open ones I own or supervise, most urgent
// first) and one complaint with its timeline. Invisible complaints read as not found, so the
// answer never tells whether a number exists in someone else's team.
import type { ComplaintEventKind } from "@prisma/client";
import { canActFor, visibleMemberIds } from "../members/authorization.js";
import type { Actor, CoreDeps } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";
import { isInvolved, toComplaintData, type ComplaintData } from "./complaints.js";
import { compareUrgency, isPast, nextDeadline, type Breach } from "./rules.js";

export interface ComplaintListItem extends ComplaintData {
  customer: { id: string; name: string; ownerId: string };
  assignee: { id: string; displayName: string };
  nextDeadline: { kind: Breach; at: Date } | null;
  overdue: boolean;
}

export interface ComplaintList {
  items: ComplaintListItem[];
  /** All matching open complaints, also those beyond `limit`. */
  total: number;
}

async function memberNames(deps: CoreDeps, tenantId: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await deps.db.member.findMany({ where: { tenantId, id: { in: unique } }, select: { id: true, displayName: true } });
  return new Map(rows.map((m) => [m.id, m.displayName]));
}

/**
 * Open (OPEN or ACKNOWLEDGED) complaints assigned to me or my team, or about customers owned by
 * me or my team (an escalated complaint stays on its account manager's list); MANAGER and ADMIN
 * see the whole tenant.
 */
export async function listOpenComplaints(deps: CoreDeps, actor: Actor, options: { limit?: number } = {}): Promise<ComplaintList> {
  const now = deps.clock.now();
  const visible = await visibleMemberIds(deps.db, actor);
  const rows = await deps.db.complaint.findMany({
    where: {
      tenantId: actor.tenantId,
      status: { in: ["OPEN", "ACKNOWLEDGED"] },
      ...(visible === null ? {} : { OR: [{ assigneeId: { in: visible } }, { customer: { ownerId: { in: visible } } }] }),
    },
    include: { customer: { select: { id: true, name: true, ownerId: true } } },
  });
  rows.sort(compareUrgency);
  const page = rows.slice(0, options.limit ?? 50);
  const names = await memberNames(deps, actor.tenantId, page.map((c) => c.assigneeId));
  return {
    total: rows.length,
    items: page.map((c) => {
      const deadline = nextDeadline(c);
      return {
        ...toComplaintData(c),
        customer: c.customer,
        assignee: { id: c.assigneeId, displayName: names.get(c.assigneeId) ?? "" },
        nextDeadline: deadline,
        overdue: deadline !== null && isPast(deadline.at, now),
      };
    }),
  };
}

export interface ComplaintTimelineEntry {
  kind: ComplaintEventKind;
  at: Date;
  actor: { id: string; displayName: string } | null;
  fromLevel: number | null;
  toLevel: number | null;
  assignee: { id: string; displayName: string } | null;
  note: string | null;
}

export interface ComplaintDetail extends ComplaintData {
  customer: { id: string; name: string; ownerId: string };
  reporter: { id: string; displayName: string };
  assignee: { id: string; displayName: string };
  timeline: ComplaintTimelineEntry[];
}

const EVENT_ORDER: Record<ComplaintEventKind, number> = {
  REGISTERED: 0,
  ACKNOWLEDGED: 1,
  ESCALATED: 2,
  REASSIGNED: 2,
  NOTE: 3,
  RESOLVED: 4,
  CLOSED: 5,
  REOPENED: 6,
};

/** One complaint by id or by its tenant number, with its timeline (oldest first). */
export async function getComplaint(deps: CoreDeps, actor: Actor, ref: string | number): Promise<ComplaintDetail> {
  const c = await deps.db.complaint.findFirst({
    where: { tenantId: actor.tenantId, ...(typeof ref === "number" ? { number: ref } : { id: ref }) },
    include: {
      customer: { select: { id: true, name: true, ownerId: true } },
      events: true,
    },
  });
  const visible = c && ((await isInvolved(deps.db, actor, c)) || (await canActFor(deps.db, actor, c.customer.ownerId)));
  if (!c || !visible) throw new NotFoundError("complaint.not_found", { complaint: String(ref) });
  const names = await memberNames(deps, c.tenantId, [
    c.reporterId,
    c.assigneeId,
    ...c.events.flatMap((e) => [e.actorId, e.assigneeId].filter((id): id is string => id !== null)),
  ]);
  const person = (id: string | null) => (id === null ? null : { id, displayName: names.get(id) ?? "" });
  // Events of one use case share an instant (the clock is read once); order those by lifecycle.
  const events = [...c.events].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind] || (a.toLevel ?? 0) - (b.toLevel ?? 0),
  );
  return {
    ...toComplaintData(c),
    customer: c.customer,
    reporter: { id: c.reporterId, displayName: names.get(c.reporterId) ?? "" },
    assignee: { id: c.assigneeId, displayName: names.get(c.assigneeId) ?? "" },
    timeline: events.map((e) => ({
      kind: e.kind,
      at: e.at,
      actor: person(e.actorId),
      fromLevel: e.fromLevel,
      toLevel: e.toLevel,
      assignee: person(e.assigneeId),
      note: e.note,
    })),
  };
}
