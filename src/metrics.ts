// Prometheus metrics of one Accord process, served on GET /metrics. One registry per process,
// created by the wiring (app.ts) and handed to whatever observes something: no global registry,
// so tests and several processes never share counters.
import type { OutboxStatus, Platform } from "@prisma/client";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ConversationTiming } from "./conversation/conversation.js";
import type { Db } from "./db/client.js";
import type { DeliveryResult } from "./scheduler/outbox-worker.js";

/** What the HTTP server needs to answer GET /metrics. */
export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

/** The part the platform adapters feed. */
export interface AdapterMetrics {
  /** An acknowledgement (HTTP answer) left later than the platform's deadline. */
  ackOverBudget(platform: Platform): void;
  /** A platform callback Accord has no use for (Slack app_rate_limited, a Feishu event for another app), answered 200. */
  callbackIgnored?(platform: Platform, kind: string): void;
  /**
   * A delivery that may have been sent before a crash was checked against the conversation's
   * history before sending again: found (not re-sent), absent (sent now), or unavailable (history
   * could not be read: sent anyway, at least once rather than exactly once).
   */
  recoveredDeliveryChecked?(platform: Platform, outcome: RecoveredCheck): void;
}

export type RecoveredCheck = "found" | "absent" | "unavailable";

export type DeliveryOutcome = "sent" | "retried" | "failed";

export interface AccordMetrics extends MetricsEndpoint, AdapterMetrics {
  registry: Registry;
  /** The conversation's onTimed hook. */
  observeConversation(timing: ConversationTiming): void;
  /**
   * Feed from the outbox worker's onDelivered(message, result): counts the delivery as sent,
   * retried or failed. `maxAttempts` must be the worker's own (it decides when a row is given up).
   */
  recordDelivery(message: { platform: Platform; attempts: number }, result: DeliveryResult, maxAttempts: number): DeliveryOutcome;
  /** For the scheduler: how long one digest run took (kind CALLBACKS / CHURN, status as it ended). */
  observeDigestRun(kind: string, seconds: number, status?: string): void;
}

export interface MetricsOptions {
  /** Where the outbox depth is counted on each scrape; no gauge without it. */
  db?: Db;
  /** Node's process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  /** Told when counting the outbox on a scrape failed (the gauge is then left out, not stale). */
  onCollectError?: (err: unknown) => void;
  /** Platforms served: their counters start at 0, so a rate over them is defined from the start. */
  platforms?: readonly Platform[];
}

// Slack and Feishu give 3 s per interactive request: the buckets are dense around it.
const COMMAND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];
const DIGEST_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
// SENT rows only grow; depth is what is still queued, in flight or given up.
const DEPTH_STATUSES: readonly OutboxStatus[] = ["PENDING", "SENDING", "FAILED"];

/** How the worker treated one delivery; mirrors its give-up rule (permanent, or out of attempts unless rate-limited). */
export function deliveryOutcome(message: { attempts: number }, result: DeliveryResult, maxAttempts: number): DeliveryOutcome {
  if (result.ok) return "sent";
  if (result.permanent) return "failed";
  const rateLimited = result.retryAfterMs !== undefined;
  return !rateLimited && message.attempts >= maxAttempts ? "failed" : "retried";
}

export function createMetrics(options: MetricsOptions = {}): AccordMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const commandDuration = new Histogram({
    name: "accord_command_duration_seconds",
    help: "Time from a command, button click or form submission reaching the conversation layer to its answer",
    labelNames: ["platform", "kind", "command", "outcome"] as const,
    buckets: COMMAND_BUCKETS,
    registers: [registry],
  });
  const acksOverBudget = new Counter({
    name: "accord_acks_over_budget_total",
    help: "Platform requests acknowledged later than the platform's deadline (3 s)",
    labelNames: ["platform"] as const,
    registers: [registry],
  });
  const ignoredCallbacks = new Counter({
    name: "accord_callbacks_ignored_total",
    help: "Platform callbacks answered 200 without acting on them, by kind (app_rate_limited, unknown types, other apps' events)",
    labelNames: ["platform", "kind"] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "accord_outbox_deliveries_total",
    help: "Outbox delivery attempts by outcome: sent, retried (transient failure or rate limit) or failed (given up)",
    labelNames: ["platform", "outcome"] as const,
    registers: [registry],
  });
  const recoveredChecks = new Counter({
    name: "accord_outbox_recovered_checks_total",
    help: "Deliveries possibly sent before a crash, checked in the conversation history before sending again: found, absent, or unavailable (sent at least once)",
    labelNames: ["platform", "outcome"] as const,
    registers: [registry],
  });
  const digestDuration = new Histogram({
    name: "accord_digest_run_duration_seconds",
    help: "Duration of one digest run for one tenant",
    labelNames: ["kind", "status"] as const,
    buckets: DIGEST_BUCKETS,
    registers: [registry],
  });
  for (const platform of options.platforms ?? []) {
    acksOverBudget.inc({ platform }, 0);
    for (const outcome of ["sent", "retried", "failed"] as const) deliveries.inc({ platform, outcome }, 0);
  }
  const db = options.db;
  if (db) {
    new Gauge({
      name: "accord_outbox_depth",
      help: "Outbox messages not sent yet (PENDING, SENDING) or given up (FAILED), counted on scrape",
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        try {
          const rows = await db.outboxMessage.groupBy({
            by: ["status"],
            where: { status: { in: [...DEPTH_STATUSES] } },
            _count: { _all: true },
          });
          const counts = new Map(rows.map((r) => [r.status, r._count._all]));
          for (const status of DEPTH_STATUSES) this.set({ status }, counts.get(status) ?? 0);
        } catch (err) {
          this.reset();
          options.onCollectError?.(err);
        }
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    observeConversation(timing) {
      commandDuration.observe(
        { platform: timing.platform, kind: timing.kind, command: timing.name, outcome: timing.shed ? "busy" : timing.failed ? "error" : "ok" },
        timing.seconds,
      );
    },
    ackOverBudget(platform) {
      acksOverBudget.inc({ platform });
    },
    callbackIgnored(platform, kind) {
      ignoredCallbacks.inc({ platform, kind });
    },
    recoveredDeliveryChecked(platform, outcome) {
      recoveredChecks.inc({ platform, outcome });
    },
    recordDelivery(message, result, maxAttempts) {
      const outcome = deliveryOutcome(message, result, maxAttempts);
      deliveries.inc({ platform: message.platform, outcome });
      return outcome;
    },
    observeDigestRun(kind, seconds, status = "completed") {
      digestDuration.observe({ kind, status }, seconds);
    },
  };
}
