// Send pacing for the outbox worker: a token bucket per platform rate-limit scope, kept as GCRA
// (the generic cell rate algorithm: one "theoretical arrival time" per scope instead of a token
// count and a refill time), because one timestamp per scope is what fits in a shared row, so
// every replica paces against the same budget (SchedulerLease rows "pace:…").
//
// Two scopes per message: the app in one tenant (Slack: per app per workspace; Feishu: per app
// per tenant) and the message's target (a DM or a channel). Limits (checked 2026-11):
// - Slack chat.postMessage: "generally allows posting one message per second per channel, while
//   also maintaining a workspace-wide limit" (docs.slack.dev/apis/web-api/rate-limits); the
//   workspace limit is unpublished, several hundred per minute in practice: 8/s is a safe pace.
// - Feishu im/v1/messages: 1000/min and 50/s per app per tenant, 5 QPS per user or group chat
//   (open.feishu.cn frequency-control; code 230020 / 99991400). 15/s keeps under 1000/min.
// This module is pure: the worker loads and stores the scope states.
import type { Platform } from "@prisma/client";

export interface RateRule {
  /** Sustained sends per second. */
  perSecond: number;
  /** Sends allowed back to back after a quiet period (the bucket's capacity), at least 1. */
  burst: number;
}

export interface PlatformPacing {
  /** Every message of one tenant on this platform. */
  app: RateRule;
  /** Messages to one target (a DM or a channel) of one tenant. */
  target: RateRule;
}

/** Per platform; null (or absent) sends unpaced (the local console). */
export type PacingPolicy = Partial<Record<Platform, PlatformPacing | null>>;

export const DEFAULT_PACING: PacingPolicy = {
  SLACK: { app: { perSecond: 8, burst: 8 }, target: { perSecond: 1, burst: 1 } },
  FEISHU: { app: { perSecond: 15, burst: 15 }, target: { perSecond: 4, burst: 2 } },
  CONSOLE: null,
};

export function intervalMs(rule: RateRule): number {
  return 1000 / rule.perSecond;
}

export function appScope(platform: Platform, tenantId: string): string {
  return `pace:${platform}:${tenantId}`;
}

export function targetScope(platform: Platform, tenantId: string, target: string): string {
  return `pace:${platform}:${tenantId}:${target}`;
}

/** The earliest instant (ms) a scope with theoretical arrival time `tat` allows a send. */
export function earliestSend(tat: number | undefined, now: number, rule: RateRule): number {
  if (tat === undefined) return now;
  return Math.max(now, tat - (Math.max(1, rule.burst) - 1) * intervalMs(rule));
}

/** The scope's theoretical arrival time after a send at `at`. */
export function afterSend(tat: number | undefined, at: number, rule: RateRule): number {
  return Math.max(tat ?? at, at) + intervalMs(rule);
}

/**
 * The state that makes a scope send nothing before `until` (what a platform's Retry-After asks
 * for) and then resume at its sustained rate: after a rate limit, no burst.
 */
export function pausedUntil(tat: number | undefined, until: number, rule: RateRule): number {
  return Math.max(tat ?? until, until + (Math.max(1, rule.burst) - 1) * intervalMs(rule));
}

export interface PaceCandidate {
  id: string;
  tenantId: string;
  platform: Platform;
  target: string;
}

export interface PlannedSend {
  id: string;
  /** When to send (epoch ms), never before `now`. */
  sendAt: number;
}

export interface SendPlan {
  planned: PlannedSend[];
  /** New theoretical arrival times of the scopes the plan used. */
  scopes: Map<string, number>;
}

/**
 * Gives each candidate (in priority order) the earliest send time both its scopes allow, taking
 * at most `limit` of those due within `horizonMs` of `now`; the rest stay queued for a later claim. A candidate
 * held back by its target does not hold back the tenant's other targets.
 */
export function planSends(
  candidates: readonly PaceCandidate[],
  state: ReadonlyMap<string, number>,
  policy: PacingPolicy,
  now: number,
  horizonMs: number,
  limit = Number.POSITIVE_INFINITY,
): SendPlan {
  const scopes = new Map<string, number>();
  const tatOf = (key: string) => scopes.get(key) ?? state.get(key);
  const planned: PlannedSend[] = [];
  for (const c of candidates) {
    if (planned.length >= limit) break;
    const pacing = policy[c.platform];
    if (!pacing) {
      planned.push({ id: c.id, sendAt: now });
      continue;
    }
    const app = appScope(c.platform, c.tenantId);
    const target = targetScope(c.platform, c.tenantId, c.target);
    const at = Math.max(earliestSend(tatOf(app), now, pacing.app), earliestSend(tatOf(target), now, pacing.target));
    if (at - now > horizonMs) continue;
    scopes.set(app, afterSend(tatOf(app), at, pacing.app));
    scopes.set(target, afterSend(tatOf(target), at, pacing.target));
    planned.push({ id: c.id, sendAt: at });
  }
  return { planned, scopes };
}

/**
 * How many messages per tenant and per target one claim may look at: what the rules can allow
 * within the horizon (a pre-filter; planSends decides).
 */
export function claimCaps(pacing: PlatformPacing | null | undefined, horizonMs: number, batchSize: number): { tenant: number; target: number } {
  if (!pacing) return { tenant: batchSize, target: batchSize };
  const cap = (rule: RateRule) => Math.min(batchSize, Math.max(1, rule.burst) + Math.ceil((rule.perSecond * horizonMs) / 1000));
  return { tenant: cap(pacing.app), target: cap(pacing.target) };
}
