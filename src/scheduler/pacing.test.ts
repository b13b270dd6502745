import { describe, expect, it } from "vitest";
import {
  afterSend,
  appScope,
  claimCaps,
  earliestSend,
  pausedUntil,
  planSends,
  targetScope,
  type PaceCandidate,
  type PacingPolicy,
} from "./pacing.js";

const policy: PacingPolicy = {
  SLACK: { app: { perSecond: 4, burst: 2 }, target: { perSecond: 1, burst: 1 } },
  CONSOLE: null,
};

const dm = (id: string, target: string, tenantId = "t1"): PaceCandidate => ({ id, tenantId, platform: "SLACK", target });

describe("GCRA scope arithmetic", () => {
  const rule = { perSecond: 4, burst: 2 };

  it("lets a fresh scope send at once and then allows its burst back to back", () => {
    expect(earliestSend(undefined, 1000, rule)).toBe(1000);
    const first = afterSend(undefined, 1000, rule);
    expect(first).toBe(1250);
    expect(earliestSend(first, 1000, rule)).toBe(1000);
    const second = afterSend(first, 1000, rule);
    expect(second).toBe(1500);
    expect(earliestSend(second, 1000, rule)).toBe(1250);
  });

  it("forgets old sends: a scope idle for longer than its interval starts over", () => {
    expect(earliestSend(1250, 5000, rule)).toBe(5000);
    expect(afterSend(1250, 5000, rule)).toBe(5250);
  });

  it("pauses a scope until the platform's Retry-After, then resumes at the sustained rate", () => {
    const paused = pausedUntil(1100, 3000, rule);
    expect(earliestSend(paused, 1000, rule)).toBe(3000);
    expect(earliestSend(afterSend(paused, 3000, rule), 1000, rule)).toBe(3250);
    // A pause never shortens a wait already longer.
    expect(pausedUntil(9000, 3000, rule)).toBe(9000);
  });
});

describe("planSends", () => {
  it("spaces one tenant's sends at the app rate after the burst and keeps within the horizon", () => {
    const candidates = ["a", "b", "c", "d", "e", "f", "g"].map((id) => dm(id, `member:${id}`));
    const plan = planSends(candidates, new Map(), policy, 0, 1000);
    expect(plan.planned).toEqual([
      { id: "a", sendAt: 0 },
      { id: "b", sendAt: 0 },
      { id: "c", sendAt: 250 },
      { id: "d", sendAt: 500 },
      { id: "e", sendAt: 750 },
      { id: "f", sendAt: 1000 },
    ]);
    expect(plan.scopes.get(appScope("SLACK", "t1"))).toBe(1500);
  });

  it("holds a second message to the same target back a full second without holding back other targets", () => {
    const plan = planSends([dm("1", "channel:complaints"), dm("2", "channel:complaints"), dm("3", "member:x")], new Map(), policy, 0, 500);
    expect(plan.planned).toEqual([
      { id: "1", sendAt: 0 },
      { id: "3", sendAt: 0 },
    ]);
    expect(plan.scopes.get(targetScope("SLACK", "t1", "channel:complaints"))).toBe(1000);
  });

  it("continues from the stored state of earlier claims (another replica's)", () => {
    const state = new Map([[appScope("SLACK", "t1"), 3000]]);
    expect(planSends([dm("a", "member:a")], state, policy, 1000, 1000).planned).toEqual([]);
    expect(planSends([dm("a", "member:a")], state, policy, 1000, 2000).planned).toEqual([{ id: "a", sendAt: 2750 }]);
  });

  it("paces tenants independently and sends unpaced platforms at once", () => {
    const state = new Map([[appScope("SLACK", "t1"), 60_000]]);
    const plan = planSends(
      [dm("paused", "member:a", "t1"), dm("other", "member:a", "t2"), { id: "console", tenantId: "t1", platform: "CONSOLE", target: "member:a" }],
      state,
      policy,
      0,
      1000,
    );
    expect(plan.planned).toEqual([
      { id: "other", sendAt: 0 },
      { id: "console", sendAt: 0 },
    ]);
  });

  it("stops at the limit without reserving slots for what it did not take", () => {
    const plan = planSends(["a", "b", "c"].map((id) => dm(id, `member:${id}`)), new Map(), policy, 0, 5000, 2);
    expect(plan.planned.map((p) => p.id)).toEqual(["a", "b"]);
    expect(plan.scopes.get(appScope("SLACK", "t1"))).toBe(500);
  });
});

describe("claimCaps", () => {
  it("looks at what the rules can allow within the horizon, bounded by the batch", () => {
    expect(claimCaps(policy.SLACK, 2000, 50)).toEqual({ tenant: 10, target: 3 });
    expect(claimCaps(policy.SLACK, 2000, 5)).toEqual({ tenant: 5, target: 3 });
    expect(claimCaps(null, 2000, 50)).toEqual({ tenant: 50, target: 50 });
  });
});
