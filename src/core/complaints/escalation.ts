// Writing escalations, shared by the manual "escalate" button and the SLA sweep so both climb
// the same ladder, leave the same trail (event, audit, outbox) and lose a race the same way. The
// writer takes a batch: the sweep escalates a few hundred complaints with one conditional update,
// one insert per table and one ladder query, instead of ~10 round trips per complaint.
import { Prisma, type Complaint } from "@prisma/client";
import { toAuditJson } from "../audit/audit.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import type { TenantView } from "../tenants/tenants.js";
import { climb, ladderBook, ladderOf, rungAboveIn, type Ladder, type LadderBook, type LadderMember } from "./ladder.js";
import type { Breach, EscalationStep } from "./rules.js";

export type { Ladder } from "./ladder.js";

/**
 * Everyone a climb from `memberIds` can reach, in one query: the members themselves, the
 * MANAGERs (the fallback rung), and everyone up their supervisor chains. UNION (not UNION ALL)
 * stops at a cycle in the data.
 */
export async function loadLadders(db: Tx | CoreDeps["db"], tenantId: string, memberIds: readonly string[]): Promise<LadderBook> {
  const ids = [...new Set(memberIds)];
  const rows = await db.$queryRaw<LadderMember[]>`
    WITH RECURSIVE reach(id, supervisor_id) AS (
      SELECT m.id, m."supervisorId" FROM "Member" m
      WHERE m."tenantId" = ${tenantId} AND (m.id = ANY(${ids}::text[]) OR m.role = 'MANAGER')
      UNION
      SELECT s.id, s."supervisorId" FROM reach r JOIN "Member" s ON s.id = r.supervisor_id AND s."tenantId" = ${tenantId}
    )
    SELECT m.id, m."supervisorId" AS "supervisorId", m.active, (m.role = 'MANAGER') AS manager
    FROM "Member" m
    WHERE m."tenantId" = ${tenantId} AND m.id IN (SELECT id FROM reach)
    ORDER BY m."createdAt", m.id`;
  return ladderBook(rows);
}

export async function loadLadder(tx: Tx, tenantId: string, memberId: string): Promise<Ladder> {
  return ladderOf(await loadLadders(tx, tenantId, [memberId]), memberId);
}

/** Who sits one rung above `memberId` (see nextAssignee). */
export async function rungAbove(tx: Tx, tenantId: string, memberId: string): Promise<string> {
  return rungAboveIn(await loadLadders(tx, tenantId, [memberId]), memberId);
}

export type EscalationTrigger = Breach | "manual";

export interface PlannedStep extends Omit<EscalationStep, "breach"> {
  trigger: EscalationTrigger;
}

export interface WrittenStep extends PlannedStep {
  previousAssigneeId: string;
  assigneeId: string;
}

/** The complaint fields an escalation checks, changes and reports (as read by the caller). */
export type EscalationSubject = Pick<
  Complaint,
  "id" | "tenantId" | "number" | "customerId" | "severity" | "status" | "escalationLevel" | "assigneeId" | "ackBreachedAt" | "resolveBreachedAt" | "reopenCount"
>;

export interface EscalationPlan {
  complaint: EscalationSubject;
  /** Already climbed (see climb): who holds the complaint after each step. */
  steps: WrittenStep[];
}

// Timestamps travel as ISO text and become UTC wall time in SQL, because Prisma's DateTime
// columns are `timestamp without time zone` holding UTC.
const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Applies every plan with one conditional update: a complaint that another transaction
 * escalated, acknowledged, resolved or reassigned since the caller read it is left alone (it is
 * not in the returned set and gets no event, audit row or message), so two sweeps or two clicks
 * never escalate twice. All plans must belong to `tenant`.
 */
export async function writeEscalations(
  tx: Tx,
  args: { tenant: TenantView; plans: readonly EscalationPlan[]; actor: Actor | null; reason: string | null; now: Date },
): Promise<Set<string>> {
  const { tenant, actor, now } = args;
  const plans = args.plans.filter((p) => p.steps.length > 0 && p.complaint.tenantId === tenant.id);
  if (plans.length === 0) return new Set();
  const last = (p: EscalationPlan) => p.steps[p.steps.length - 1]!;
  const breaches = (p: EscalationPlan) => new Set(p.steps.map((s) => s.trigger));
  const col = <T>(f: (p: EscalationPlan) => T) => plans.map(f);

  const updated = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE "Complaint" c SET
      "escalationLevel" = p.to_level,
      "assigneeId" = p.to_assignee,
      "ackBreachedAt" = CASE WHEN p.ack THEN ${utc(now)} ELSE c."ackBreachedAt" END,
      "resolveBreachedAt" = CASE WHEN p.resolve THEN ${utc(now)} ELSE c."resolveBreachedAt" END,
      "updatedAt" = (now() AT TIME ZONE 'UTC')
    FROM unnest(
      ${col((p) => p.complaint.id)}::text[], ${col((p) => p.complaint.status)}::text[],
      ${col((p) => p.complaint.escalationLevel)}::int[], ${col((p) => p.complaint.assigneeId)}::text[],
      ${col((p) => last(p).toLevel)}::int[], ${col((p) => last(p).assigneeId)}::text[],
      ${col((p) => breaches(p).has("ack"))}::boolean[], ${col((p) => breaches(p).has("resolve"))}::boolean[]
    ) AS p(id, status, level, assignee, to_level, to_assignee, ack, resolve)
    WHERE c.id = p.id AND c."tenantId" = ${tenant.id}
      AND c.status = p.status::"ComplaintStatus" AND c."escalationLevel" = p.level AND c."assigneeId" = p.assignee
      AND (NOT p.ack OR c."ackBreachedAt" IS NULL)
      AND (NOT p.resolve OR c."resolveBreachedAt" IS NULL)
    RETURNING c.id`;
  const written = new Set(updated.map((r) => r.id));
  const done = plans.filter((p) => written.has(p.complaint.id));
  if (done.length === 0) return written;

  // Events and audit rows travel as one array per column (unnest): a handful of parameters per
  // statement, several times cheaper than createMany's per-cell parameters for a few hundred rows.
  const events = done.flatMap(({ complaint: c, steps }) => steps.map((s) => ({ c, s })));
  const ev = <T>(f: (e: (typeof events)[number]) => T) => events.map(f);
  await tx.$executeRaw`
    INSERT INTO "ComplaintEvent" (id, "tenantId", "complaintId", kind, "actorId", "fromLevel", "toLevel", "assigneeId", note, at)
    SELECT gen_random_uuid()::text, ${tenant.id}, e.complaint, e.kind::"ComplaintEventKind", ${actor?.memberId ?? null}::text,
      e.from_level, e.to_level, e.assignee, e.note, ${utc(now)}
    FROM unnest(
      ${ev((e) => e.c.id)}::text[], ${ev((e) => (e.s.escalates ? "ESCALATED" : "NOTE"))}::text[],
      ${ev((e) => e.s.fromLevel)}::int[], ${ev((e) => e.s.toLevel)}::int[], ${ev((e) => e.s.assigneeId)}::text[],
      ${ev((e) => (e.s.trigger === "manual" ? args.reason : `sla:${e.s.trigger}`))}::text[]
    ) WITH ORDINALITY AS e(complaint, kind, from_level, to_level, assignee, note, n)
    ORDER BY e.n`;

  // The rows recordAudit writes, one per escalated complaint.
  const audits = done.map((p) => {
    const c = p.complaint;
    const to = last(p);
    const triggers = breaches(p);
    return {
      entityId: c.id,
      before: JSON.stringify(toAuditJson({ escalationLevel: c.escalationLevel, assigneeId: c.assigneeId, ackBreachedAt: c.ackBreachedAt, resolveBreachedAt: c.resolveBreachedAt })),
      after: JSON.stringify(
        toAuditJson({
          escalationLevel: to.toLevel,
          assigneeId: to.assigneeId,
          ...(triggers.has("ack") ? { ackBreachedAt: now } : {}),
          ...(triggers.has("resolve") ? { resolveBreachedAt: now } : {}),
          triggers: p.steps.map((s) => s.trigger),
          by: actor ? "member" : "system",
          ...(args.reason ? { reason: args.reason } : {}),
        }),
      ),
    };
  });
  await tx.$executeRaw`
    INSERT INTO "AuditLog" ("tenantId", "actorId", platform, action, "entityType", "entityId", before, after)
    SELECT ${tenant.id}, ${actor?.memberId ?? null}::text, ${actor?.platform ?? null}::text::"Platform", 'complaint.escalated', 'Complaint',
      a.entity, a.before::jsonb, a.after::jsonb
    FROM unnest(${audits.map((a) => a.entityId)}::text[], ${audits.map((a) => a.before)}::text[], ${audits.map((a) => a.after)}::text[])
      WITH ORDINALITY AS a(entity, before, after, n)
    ORDER BY a.n`;

  const messages: EnqueueInput[] = [];
  for (const { complaint: c, steps } of done) {
    for (const s of steps) {
      const base = {
        complaintId: c.id,
        number: c.number,
        customerId: c.customerId,
        severity: c.severity,
        fromLevel: s.fromLevel,
        toLevel: s.toLevel,
        trigger: s.trigger,
        assigneeId: s.assigneeId,
        previousAssigneeId: s.previousAssigneeId,
        byId: actor?.memberId ?? null,
      };
      // Levels only ever rise (a reopen keeps the level), so the level makes an escalation's key
      // unique; a breach recorded at the top level is keyed by its cycle instead.
      const key = s.escalates
        ? `complaint:${c.id}:escalated:L${s.toLevel}`
        : `complaint:${c.id}:breach:${s.trigger}:cycle${c.reopenCount}`;
      const kind = s.escalates ? "complaint.escalated" : "complaint.sla_breached";
      const common = { tenantId: c.tenantId, platform: tenant.platform, entityType: "Complaint", entityId: c.id } as const;
      messages.push(
        { ...common, target: `member:${s.assigneeId}`, intent: { kind, audience: "assignee", ...base }, dedupeKey: `${key}:member` },
        { ...common, target: "channel:complaints", intent: { kind, audience: "channel", ...base }, dedupeKey: `${key}:channel` },
      );
    }
  }
  await enqueueNotifications(tx, messages);
  return written;
}

/**
 * Applies `steps` to `complaint` (as read in this transaction) with one conditional update: if
 * another transaction escalated, acknowledged or resolved it meanwhile, nothing is written and
 * null is returned, so two sweeps or two clicks never escalate twice.
 */
export async function writeEscalation(
  tx: Tx,
  args: { tenant: TenantView; complaint: EscalationSubject; steps: PlannedStep[]; actor: Actor | null; reason: string | null; now: Date },
): Promise<WrittenStep[] | null> {
  const { complaint: c } = args;
  if (args.steps.length === 0) return [];
  const steps = climb(await loadLadders(tx, c.tenantId, [c.assigneeId]), c.assigneeId, args.steps);
  const written = await writeEscalations(tx, { tenant: args.tenant, plans: [{ complaint: c, steps }], actor: args.actor, reason: args.reason, now: args.now });
  return written.has(c.id) ? steps : null;
}
