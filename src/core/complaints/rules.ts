// Complaint rules (DESIGN.md §2, 客户投诉处理): SLA deadlines, the status machine, which missed
// deadlines still need an escalation, and who the next rung of the ladder is. Pure functions of
// data and `now`; the use cases load, call these, and write.
import type { ComplaintStatus, Severity } from "@prisma/client";
import { addBusinessMinutes, type WorkCalendar } from "../calendar/calendar.js";
import { ConflictError } from "../shared/errors.js";
import type { TenantSettings } from "../tenants/settings.js";

export const MAX_ESCALATION_LEVEL = 2;

export interface SlaDeadlines {
  ackDueAt: Date;
  resolveDueAt: Date;
}

/**
 * Deadlines are absolute instants counted in minutes from `from` (registration or reopen): an
 * SLA of "1 hour" means 60 minutes of wall time whatever the local calendar says.
 */
export function slaDeadlines(sla: TenantSettings["sla"], severity: Severity, from: Date): SlaDeadlines {
  const entry = sla[severity];
  return {
    ackDueAt: new Date(from.getTime() + entry.ackMinutes * 60_000),
    resolveDueAt: new Date(from.getTime() + entry.resolveMinutes * 60_000),
  };
}

export interface SlaSchedule extends SlaDeadlines {
  /** When the holder is warned of each deadline (slaClock.warnAtPercent of it); null: no warning. */
  ackWarnAt: Date | null;
  resolveWarnAt: Date | null;
}

/**
 * The deadlines and warning instants of a clock started at `from`, in the severity's clock
 * (slaClock): calendar time counts every minute; business time counts only the working hours of
 * working days (src/core/calendar), so a HIGH complaint registered on the Friday evening before
 * the Spring Festival is due after the holiday, and a 调休 Saturday counts as a working day.
 */
export function slaSchedule(
  settings: Pick<TenantSettings, "sla" | "slaClock">,
  calendar: WorkCalendar,
  severity: Severity,
  from: Date,
): SlaSchedule {
  const entry = settings.sla[severity];
  const business = settings.slaClock[severity] === "business";
  const after = (minutes: number) => (business ? addBusinessMinutes(calendar, from, minutes) : new Date(from.getTime() + minutes * 60_000));
  const share = settings.slaClock.warnAtPercent / 100;
  const warn = (minutes: number) => (share > 0 ? after(minutes * share) : null);
  return {
    ackDueAt: after(entry.ackMinutes),
    resolveDueAt: after(entry.resolveMinutes),
    ackWarnAt: warn(entry.ackMinutes),
    resolveWarnAt: warn(entry.resolveMinutes),
  };
}

export interface WarningState {
  status: ComplaintStatus;
  ackDueAt: Date;
  resolveDueAt: Date;
  ackWarnAt: Date | null;
  resolveWarnAt: Date | null;
  ackWarnedAt: Date | null;
  resolveWarnedAt: Date | null;
}

/**
 * The deadlines whose warning is due at `now` and not yet sent: the warning instant has come
 * and the deadline itself has not passed (a missed deadline escalates instead of warning).
 */
export function dueWarnings(c: WarningState, now: Date): Breach[] {
  const due: Breach[] = [];
  const t = now.getTime();
  if (c.status === "OPEN" && c.ackWarnAt && c.ackWarnedAt === null && t >= c.ackWarnAt.getTime() && t <= c.ackDueAt.getTime()) due.push("ack");
  if (isActive(c.status) && c.resolveWarnAt && c.resolveWarnedAt === null && t >= c.resolveWarnAt.getTime() && t <= c.resolveDueAt.getTime()) {
    due.push("resolve");
  }
  return due;
}

export type ComplaintAction = "acknowledge" | "resolve" | "close" | "reopen";

const TARGET: Record<ComplaintAction, ComplaintStatus> = {
  acknowledge: "ACKNOWLEDGED",
  resolve: "RESOLVED",
  close: "CLOSED",
  reopen: "OPEN",
};

const ALLOWED_FROM: Record<ComplaintAction, readonly ComplaintStatus[]> = {
  acknowledge: ["OPEN"],
  resolve: ["ACKNOWLEDGED"],
  close: ["RESOLVED"],
  // Reopening goes back to OPEN (not ACKNOWLEDGED): the customer says the problem is not
  // solved, so someone must pick it up again, and the fresh acknowledge SLA makes sure they do.
  reopen: ["RESOLVED", "CLOSED"],
};

/** The status `action` leads to from `from`; repeating the last action or an illegal move is a conflict. */
export function nextStatus(from: ComplaintStatus, action: ComplaintAction, lastBy = ""): ComplaintStatus {
  const to = TARGET[action];
  if (ALLOWED_FROM[action].includes(from)) return to;
  // A second click on the same button: say who already did it rather than "invalid".
  if (from === to && action !== "reopen") throw new ConflictError(`complaint.already_${to.toLowerCase()}`, { by: lastBy });
  throw new ConflictError("complaint.invalid_transition", { from, to });
}

/** Complaints still being worked on: the only ones the SLA and manual escalation apply to. */
export function isActive(status: ComplaintStatus): boolean {
  return status === "OPEN" || status === "ACKNOWLEDGED";
}

export type Breach = "ack" | "resolve";

export interface SlaState {
  status: ComplaintStatus;
  ackDueAt: Date;
  resolveDueAt: Date;
  ackBreachedAt: Date | null;
  resolveBreachedAt: Date | null;
}

/** A deadline is missed once `now` is past it (at the deadline instant itself it is still met). */
export function isPast(deadline: Date, now: Date): boolean {
  return now.getTime() > deadline.getTime();
}

/**
 * The deadlines missed and not yet escalated, ack first. Acknowledging stops the ack clock and
 * resolving stops both, so a complaint acknowledged late (before a sweep saw it) owes no ack escalation.
 */
export function dueEscalations(c: SlaState, now: Date): Breach[] {
  const due: Breach[] = [];
  if (c.status === "OPEN" && c.ackBreachedAt === null && isPast(c.ackDueAt, now)) due.push("ack");
  if (isActive(c.status) && c.resolveBreachedAt === null && isPast(c.resolveDueAt, now)) due.push("resolve");
  return due;
}

export interface EscalationStep {
  breach: Breach;
  fromLevel: number;
  toLevel: number;
  /** False when the complaint is already at the top level: the breach is recorded and announced only. */
  escalates: boolean;
}

/** One level per missed deadline, capped at the top of the ladder. */
export function escalationSteps(level: number, breaches: readonly Breach[]): EscalationStep[] {
  let current = level;
  return breaches.map((breach) => {
    const fromLevel = current;
    const escalates = current < MAX_ESCALATION_LEVEL;
    if (escalates) current += 1;
    return { breach, fromLevel, toLevel: current, escalates };
  });
}

export interface LadderCandidate {
  id: string;
  active: boolean;
}

/**
 * Who takes a complaint one rung up from `currentAssigneeId`: the nearest active member up their
 * supervisor chain (nearest first); with nobody above, an active MANAGER other than them; with
 * no such manager either, it stays where it is (the level still rises and the channel hears of it).
 */
export function nextAssignee(currentAssigneeId: string, chain: readonly LadderCandidate[], managers: readonly LadderCandidate[]): string {
  const supervisor = chain.find((m) => m.active && m.id !== currentAssigneeId);
  if (supervisor) return supervisor.id;
  const manager = managers.find((m) => m.active && m.id !== currentAssigneeId);
  return manager?.id ?? currentAssigneeId;
}

const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

export interface UrgencyFields {
  severity: Severity;
  status: ComplaintStatus;
  ackDueAt: Date;
  resolveDueAt: Date;
  createdAt: Date;
}

/** The deadline the complaint is racing now: acknowledge while OPEN, resolve after that. */
export function nextDeadline(c: Pick<UrgencyFields, "status" | "ackDueAt" | "resolveDueAt">): { kind: Breach; at: Date } | null {
  if (c.status === "OPEN") return { kind: "ack", at: c.ackDueAt };
  if (c.status === "ACKNOWLEDGED") return { kind: "resolve", at: c.resolveDueAt };
  return null;
}

/** Most urgent first: severity, then the nearest pending deadline, then the newest. */
export function compareUrgency(a: UrgencyFields, b: UrgencyFields): number {
  const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (bySeverity !== 0) return bySeverity;
  const da = nextDeadline(a)?.at.getTime() ?? Number.POSITIVE_INFINITY;
  const db = nextDeadline(b)?.at.getTime() ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da - db;
  return b.createdAt.getTime() - a.createdAt.getTime();
}
