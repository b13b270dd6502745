// When digests run (DESIGN.md §2 Digests): pure functions of the tenants' settings and `now`.
import type { DigestKind } from "@prisma/client";
import { instantAt, localDateOf, type LocalDate } from "../core/shared/time.js";
import type { TenantSettings } from "../core/tenants/settings.js";

export const DIGEST_KINDS: readonly DigestKind[] = ["CALLBACKS", "CHURN"];

/**
 * A run fired by its schedule may start this late whatever the catch-up cutoff says (a replica
 * busy for a moment, a digest time configured after the cutoff).
 */
export const ON_TIME_WINDOW_MS = 15 * 60_000;

export interface ScheduledTenant {
  id: string;
  timeZone: string;
  settings: TenantSettings;
}

/** The local time ('HH:mm') of a tenant's digest of `kind`. */
export function digestTime(settings: TenantSettings, kind: DigestKind): string {
  return kind === "CALLBACKS" ? settings.digests.callbacksAt : settings.digests.churnAt;
}

/** Whether the runtime knows an IANA time zone (node-cron and Intl throw on an unknown one). */
export function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The node-cron expression firing every day at the local time `at` ('HH:mm'). */
export function dailyCron(at: string): string {
  const [hour, minute] = at.split(":").map(Number);
  return `${minute} ${hour} * * *`;
}

export interface DigestDue {
  localDate: LocalDate;
  scheduledAt: Date;
  due: boolean;
}

/**
 * Whether today's digest (in the tenant's time zone) is due at `now`: its time has passed, and
 * it is either before the tenant's catch-up cutoff or within ON_TIME_WINDOW_MS of its time. A
 * missed day is never caught up the next day: each day has its own run.
 */
export function digestDue(now: Date, timeZone: string, settings: TenantSettings, kind: DigestKind): DigestDue {
  const localDate = localDateOf(now, timeZone);
  const scheduledAt = instantAt(localDate, digestTime(settings, kind), timeZone);
  const cutoff = instantAt(localDate, settings.digests.catchUpUntil, timeZone);
  const t = now.getTime();
  const due = t >= scheduledAt.getTime() && (t < cutoff.getTime() || t - scheduledAt.getTime() < ON_TIME_WINDOW_MS);
  return { localDate, scheduledAt, due };
}

export interface DueRun {
  tenantId: string;
  kind: DigestKind;
  localDate: LocalDate;
}

/** Every (tenant, kind) whose run is due at `now` (completed or not: the caller checks). */
export function dueRuns(now: Date, tenants: readonly ScheduledTenant[]): DueRun[] {
  const due: DueRun[] = [];
  for (const t of tenants) {
    for (const kind of DIGEST_KINDS) {
      const d = digestDue(now, t.timeZone, t.settings, kind);
      if (d.due) due.push({ tenantId: t.id, kind, localDate: d.localDate });
    }
  }
  return due;
}

export interface DigestTaskSpec {
  /** Stable name: the node-cron task name and the coordination key's prefix. */
  key: string;
  kind: DigestKind;
  timeZone: string;
  at: string;
  cron: string;
}

/** One node-cron task per (kind, time zone, local time) in use, whatever the number of tenants. */
export function digestTaskSpecs(tenants: readonly ScheduledTenant[]): DigestTaskSpec[] {
  const specs = new Map<string, DigestTaskSpec>();
  for (const t of tenants) {
    for (const kind of DIGEST_KINDS) {
      const at = digestTime(t.settings, kind);
      const key = `accord:digest:${kind}:${t.timeZone}:${at}`;
      if (!specs.has(key)) specs.set(key, { key, kind, timeZone: t.timeZone, at, cron: dailyCron(at) });
    }
  }
  return [...specs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
