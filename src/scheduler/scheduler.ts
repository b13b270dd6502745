// The scheduler (DESIGN.md §2 Digests): node-cron jobs in each tenant's time zone —
// - one job per (digest kind, time zone, local time) in use (09:00 callbacks and 09:30 churn by
//   default), re-synced every minute from the tenants' settings, so an admin's new digest time
//   takes effect without a restart;
// - the 5-minute sweep: complaint SLA escalations, approval reminders, and a catch-up of any
//   digest that is due and not completed (a run whose process died, a time changed at the last
//   minute, a tenant created after 09:00);
// - on start, the same catch-up: a run missed while the service was down runs now, unless the
//   tenant's catch-up cutoff (default 18:00 local) has passed.
// Every replica schedules everything. node-cron's distributed hook, backed by a lease row
// (coordination.ts), lets one replica run each fire; the digest run's own lease and unique rows
// (core/digests/runs.ts) make each recipient's digest exactly once even when two runs race or one
// dies half-way. Each tenant runs with its own error handling: one tenant's failure never stops
// another's.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DigestKind } from "@prisma/client";
import { createTask, type Logger as CronLogger, type ScheduledTask } from "node-cron";
import { isWorkingDay } from "../core/calendar/calendar.js";
import { loadWorkCalendar, reportUncoveredYears } from "../core/calendar/store.js";
import { sweepComplaintSla } from "../core/complaints/sweep.js";
import { sweepSlaWarnings } from "../core/complaints/warnings.js";
import { ensureVisitCadence } from "../core/plans/visit-plans.js";
import { recomputeTiersByCooperation } from "../core/customers/customers.js";
import { completedRuns, runDigest, type RunDigestOptions, type RunDigestOutcome } from "../core/digests/runs.js";
import { sweepApprovalReminders } from "../core/hospitality/reminders.js";
import { markStaleRequests } from "../core/approvals/stale.js";
import { sweepCreditAlerts } from "../core/credit/alerts.js";
import type { CoreDeps } from "../core/shared/context.js";
import { localDateOf, type LocalDate } from "../core/shared/time.js";
import { toTenantView, type TenantView } from "../core/tenants/tenants.js";
import type { Logger } from "../logger.js";
import { leaseCoordinator, pruneDeliveryClaims, pruneLeases } from "./coordination.js";
import { digestDue, digestTaskSpecs, digestTime, dueRuns, knownTimeZone } from "./rules.js";

export interface SchedulerOptions {
  deps: CoreDeps;
  logger: Logger;
  /** This process in leases and logs (default host:pid:random). */
  holder?: string;
  /** Catch up due, uncompleted digests right away (default true). */
  catchUpOnStart?: boolean;
  /**
   * Register the node-cron jobs (default true). False leaves firing to the caller (fireDigest,
   * sweep, catchUp): tests driving a controlled clock.
   */
  cron?: boolean;
  /** The sweep's schedule (default every 5 minutes). */
  sweepCron?: string;
  /** How often the digest jobs are re-synced with the tenants' settings (default every minute). */
  resyncCron?: string;
  /** Passed to runDigest (lease length, chunk size, progress callback). */
  run?: Omit<RunDigestOptions, "holder">;
  /** Which sweeps run (default both). */
  sweeps?: { complaints?: boolean; approvals?: boolean };
  /** Called when a job wrote outbox messages: lets the outbox worker start at once. */
  onEnqueued?: () => void;
  /** Called after each attempt at a due run (metrics), with how long it took. */
  onRunFinished?: (result: TenantRunResult, seconds: number) => void;
}

export type TenantRunOutcome =
  | RunDigestOutcome
  | { status: "not_due" }
  /** A holiday or weekend in the tenant's work calendar, with digests.workingDaysOnly on. */
  | { status: "non_working_day" }
  | { status: "failed"; error: string };

export interface TenantRunResult {
  tenantId: string;
  kind: DigestKind;
  localDate: LocalDate;
  outcome: TenantRunOutcome;
}

export interface SweepResult {
  escalations: number;
  /** Pre-breach warnings enqueued to complaint holders. */
  warnings: number;
  /** Messages to admins that next year's holiday data is missing (December). */
  calendarNotices: number;
  reminders: number;
  digests: TenantRunResult[];
  prunedLeases: number;
  /** De-duplication claims older than CLAIM_RETENTION_MS, deleted. */
  prunedClaims: number;
  /** Customers re-tiered because they reached the cooperation years for tier A today. */
  retiered: number;
  failures: string[];
}

export interface ScheduledJob {
  key: string;
  cron: string;
  timeZone: string | null;
  nextRun: Date | null;
}

export interface Scheduler {
  holder: string;
  /** The catch-up started with the scheduler (empty when catchUpOnStart is false). */
  initialCatchUp: Promise<TenantRunResult[]>;
  jobs(): ScheduledJob[];
  /** What the node-cron job of (kind, time zone, local time) does when it fires. */
  fireDigest(kind: DigestKind, timeZone: string, at: string): Promise<TenantRunResult[]>;
  /** Runs every due digest that has not completed today. */
  catchUp(): Promise<TenantRunResult[]>;
  /** What the 5-minute job does. */
  sweep(): Promise<SweepResult>;
  /** Re-reads the tenants and adds or drops digest jobs. */
  resync(): Promise<void>;
  /** Stops the jobs and waits for work in progress. */
  stop(): Promise<void>;
}

const SWEEP_KEY = "accord:sweep";
const RESYNC_KEY = "accord:resync";
/** A fire's coordination lease: longer than any run, shorter than the gap between two fires. */
const DIGEST_FIRE_LEASE_MS = 10 * 60_000;
const SWEEP_FIRE_LEASE_MS = 4 * 60_000;
/** After a busy run's lease expires, wait this much longer before checking on it. */
const FOLLOW_UP_MARGIN_MS = 1_000;

class SchedulerStopping extends Error {
  constructor() {
    super("the scheduler is stopping");
    this.name = "SchedulerStopping";
  }
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { deps, logger } = options;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const coordinator = leaseCoordinator(deps.db, deps.clock, holder);
  const log = logger.child({ component: "scheduler" });
  const cronLogger: CronLogger = {
    info: (message) => log.debug({ cron: message }, "node-cron"),
    // A fire missed while the event loop was busy (a first start compiling and seeding) is made up
    // by the sweep's catch-up: expected, not worth a warning on the console's terminal.
    warn: (message) => (message.startsWith("missed execution") ? log.info({ cron: message }, "node-cron") : log.warn({ cron: message }, "node-cron")),
    error: (message, err) => log.error({ err: err ?? message }, "node-cron"),
    debug: (message) => log.debug({ cron: String(message) }, "node-cron"),
  };
  const jobs = new Map<string, { cron: string; timeZone: string | null; task: ScheduledTask }>();
  const followUps = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    const done = () => inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  async function loadTenants(): Promise<TenantView[]> {
    const rows = await deps.db.tenant.findMany({ orderBy: { createdAt: "asc" } });
    const views: TenantView[] = [];
    for (const row of rows) {
      try {
        views.push(toTenantView(row));
      } catch (err) {
        log.error({ err, tenantId: row.id }, "tenant settings do not parse; its digests are skipped");
      }
    }
    return views;
  }

  function armFollowUp(tenantId: string, kind: DigestKind, localDate: LocalDate, leaseUntil: Date): void {
    const key = `${tenantId}:${kind}:${localDate}`;
    if (stopped || followUps.has(key)) return;
    const delay = Math.max(0, leaseUntil.getTime() - deps.clock.now().getTime()) + FOLLOW_UP_MARGIN_MS;
    const timer = setTimeout(() => {
      followUps.delete(key);
      if (stopped) return;
      void track(
        (async () => {
          const tenant = (await loadTenants()).find((t) => t.id === tenantId);
          if (tenant) await runFor(tenant, kind);
        })().catch((err: unknown) => log.error({ err, tenantId, kind }, "digest follow-up failed")),
      );
    }, delay);
    followUps.set(key, timer);
  }

  async function runFor(tenant: TenantView, kind: DigestKind): Promise<TenantRunResult> {
    const due = digestDue(deps.clock.now(), tenant.timeZone, tenant.settings, kind);
    const base = { tenantId: tenant.id, kind, localDate: due.localDate };
    if (!due.due) return { ...base, outcome: { status: "not_due" } };
    if (tenant.settings.digests.workingDaysOnly) {
      try {
        if (!isWorkingDay(await loadWorkCalendar(deps.db, tenant), due.localDate)) return { ...base, outcome: { status: "non_working_day" } };
      } catch (err) {
        log.error({ err, ...base }, "work calendar not loaded");
        return { ...base, outcome: { status: "failed", error: err instanceof Error ? err.message : String(err) } };
      }
    }
    const started = performance.now();
    const finish = (result: TenantRunResult): TenantRunResult => {
      options.onRunFinished?.(result, (performance.now() - started) / 1000);
      return result;
    };
    try {
      const outcome = await runDigest(deps, tenant, kind, due.localDate, {
        ...options.run,
        holder,
        // Stopping (a deploy, SIGTERM): the run is handed back after the chunk in hand, and
        // another replica (or this one's successor) carries it on from there.
        afterChunk: async (written, total) => {
          await options.run?.afterChunk?.(written, total);
          if (stopped) throw new SchedulerStopping();
        },
      });
      if (outcome.status === "completed") {
        log.info({ ...base, recipients: outcome.recipients, messages: outcome.messages, tookOver: outcome.tookOver }, "digest run completed");
        if (outcome.messages > 0) options.onEnqueued?.();
      } else if (outcome.status === "busy") {
        // The holder may die: look again once its lease has run out.
        armFollowUp(tenant.id, kind, due.localDate, outcome.leaseUntil);
      }
      return finish({ ...base, outcome });
    } catch (err) {
      if (err instanceof SchedulerStopping) {
        log.info(base, "digest run handed back: the scheduler is stopping");
        return finish({ ...base, outcome: { status: "failed", error: "handed back while stopping" } });
      }
      log.error({ err, ...base }, "digest run failed");
      return finish({ ...base, outcome: { status: "failed", error: err instanceof Error ? err.message : String(err) } });
    }
  }

  async function fireDigest(kind: DigestKind, timeZone: string, at: string): Promise<TenantRunResult[]> {
    const tenants = (await loadTenants()).filter((t) => t.timeZone === timeZone && digestTime(t.settings, kind) === at);
    const results: TenantRunResult[] = [];
    for (const tenant of tenants) results.push(await runFor(tenant, kind));
    return results;
  }

  async function catchUp(): Promise<TenantRunResult[]> {
    const tenants = await loadTenants();
    const due = dueRuns(deps.clock.now(), tenants);
    const completed = await completedRuns(deps, due);
    const byId = new Map(tenants.map((t) => [t.id, t]));
    const results: TenantRunResult[] = [];
    for (const run of due) {
      if (completed.has(`${run.tenantId}:${run.kind}:${run.localDate}`)) continue;
      results.push(await runFor(byId.get(run.tenantId)!, run.kind));
    }
    return results;
  }

  const retieredOn = new Map<string, LocalDate>();
  let calendarCheckedAt: string | null = null;

  async function sweep(): Promise<SweepResult> {
    const now = deps.clock.now();
    const result: SweepResult = { escalations: 0, warnings: 0, calendarNotices: 0, reminders: 0, digests: [], prunedLeases: 0, prunedClaims: 0, retiered: 0, failures: [] };
    const step = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        result.failures.push(name);
        log.error({ err, step: name }, "sweep step failed");
      }
    };
    if (options.sweeps?.complaints !== false) {
      await step("complaints", async () => {
        const escalations = await sweepComplaintSla(deps, now, {
          onError: (err, complaintId) => log.error({ err, complaintId }, "complaint escalation failed"),
        });
        result.escalations = escalations.length;
      });
    }
    if (options.sweeps?.complaints !== false) {
      await step("warnings", async () => {
        result.warnings = (await sweepSlaWarnings(deps, now)).length;
      });
    }
    // Hourly is plenty for a notice due some time in December (its dedupe key makes it once a year).
    const hour = now.toISOString().slice(0, 13);
    if (calendarCheckedAt !== hour) {
      await step("calendar", async () => {
        result.calendarNotices = await reportUncoveredYears(deps, now);
        calendarCheckedAt = hour;
      });
    }
    if (options.sweeps?.approvals !== false) {
      await step("approvals", async () => {
        const reminders = await sweepApprovalReminders(deps, now);
        result.reminders = reminders.reminded;
        for (const tenantId of reminders.failedTenantIds) log.error({ tenantId }, "approval reminders skipped: tenant settings do not parse");
        // Requests whose date passed while pending become after-the-fact approvals (事后补批).
        await markStaleRequests(deps, now);
      });
      await step("credit", async () => {
        await sweepCreditAlerts(deps, now);
      });
    }
    await step("digests", async () => {
      result.digests = await catchUp();
    });
    await step("leases", async () => {
      result.prunedLeases = await pruneLeases(deps.db, now);
    });
    await step("claims", async () => {
      result.prunedClaims = await pruneDeliveryClaims(deps.db, now);
    });
    await step("tiers", async () => {
      // Once per tenant and local day in this process (the recompute is idempotent, so another
      // replica doing it too only finds nothing); one tenant's failure does not stop the others.
      for (const tenant of await loadTenants()) {
        // A tenant whose stored zone is unknown has no "today" (its digests are skipped too).
        if (!knownTimeZone(tenant.timeZone)) continue;
        const today = localDateOf(now, tenant.timeZone);
        if (retieredOn.get(tenant.id) === today) continue;
        try {
          result.retiered += await recomputeTiersByCooperation(deps, tenant);
          // The visit cadence (tiers.visitEveryDays): customers new or re-tiered since yesterday get their next planned visit.
          await ensureVisitCadence(deps, tenant, now);
          retieredOn.set(tenant.id, today);
        } catch (err) {
          log.error({ err, tenantId: tenant.id }, "tier recompute failed");
          if (!result.failures.includes("tiers")) result.failures.push("tiers");
        }
      }
    });
    if (result.escalations + result.warnings + result.calendarNotices + result.reminders > 0) options.onEnqueued?.();
    return result;
  }

  function addJob(key: string, cron: string, timeZone: string | null, leaseMs: number | null, work: () => Promise<unknown>): void {
    if (options.cron === false) return;
    const task = createTask(cron, () => (stopped ? undefined : track(work())), {
      name: key,
      ...(timeZone ? { timezone: timeZone } : {}),
      noOverlap: true,
      logger: cronLogger,
      ...(leaseMs ? { distributed: true, runCoordinator: coordinator, distributedLease: leaseMs } : {}),
    });
    jobs.set(key, { cron, timeZone, task });
    void Promise.resolve(task.start()).catch((err: unknown) => log.error({ err, job: key }, "job did not start"));
  }

  function dropJob(key: string): void {
    const job = jobs.get(key);
    if (!job) return;
    jobs.delete(key);
    void Promise.resolve(job.task.destroy()).catch((err: unknown) => log.error({ err, job: key }, "job did not stop"));
  }

  async function resync(): Promise<void> {
    const specs = digestTaskSpecs(await loadTenants());
    const wanted = new Set(specs.map((s) => s.key));
    for (const key of [...jobs.keys()]) {
      if (key.startsWith("accord:digest:") && !wanted.has(key)) dropJob(key);
    }
    for (const spec of specs) {
      if (jobs.has(spec.key) || stopped) continue;
      if (!knownTimeZone(spec.timeZone)) {
        // node-cron would throw on it: that zone's tenants lose their jobs, the others keep theirs.
        log.error({ job: spec.key, timeZone: spec.timeZone }, "unknown time zone: digest job not scheduled");
        continue;
      }
      addJob(spec.key, spec.cron, spec.timeZone, DIGEST_FIRE_LEASE_MS, () => fireDigest(spec.kind, spec.timeZone, spec.at));
    }
  }

  await resync();
  addJob(SWEEP_KEY, options.sweepCron ?? "*/5 * * * *", null, SWEEP_FIRE_LEASE_MS, () => sweep());
  addJob(RESYNC_KEY, options.resyncCron ?? "* * * * *", null, null, () =>
    resync().catch((err: unknown) => log.error({ err }, "digest jobs not re-synced")),
  );
  const initialCatchUp =
    options.catchUpOnStart === false
      ? Promise.resolve([])
      : track(catchUp()).catch((err: unknown) => {
          log.error({ err }, "catch-up on start failed");
          return [] as TenantRunResult[];
        });
  log.info({ holder, jobs: [...jobs.keys()] }, "scheduler started");

  return {
    holder,
    initialCatchUp,
    jobs: () =>
      [...jobs.entries()].map(([key, job]) => ({ key, cron: job.cron, timeZone: job.timeZone, nextRun: job.task.getNextRun() })),
    fireDigest: (kind, timeZone, at) => track(fireDigest(kind, timeZone, at)),
    catchUp: () => track(catchUp()),
    sweep: () => track(sweep()),
    resync: () => track(resync()),
    async stop() {
      stopped = true;
      for (const key of [...jobs.keys()]) dropJob(key);
      for (const timer of followUps.values()) clearTimeout(timer);
      followUps.clear();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      log.info({ holder }, "scheduler stopped");
    },
  };
}
