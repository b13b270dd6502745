import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/shared/clock.js";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { deliveryClaims, STALE_CLAIM_MS } from "./delivery-claims.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb.close();
});

const rowOf = (platform: "SLACK" | "FEISHU", eventKey: string) =>
  tdb.prisma.processedEvent.findUnique({ where: { platform_eventKey: { platform, eventKey } } });

describe("deliveryClaims", () => {
  it("lets the first delivery work, refuses a duplicate, and records completion", async () => {
    const clock = new ManualClock(new Date("2026-11-23T01:00:00Z"));
    const claims = deliveryClaims(tdb.prisma, clock, "SLACK");
    expect(await claims.claim("event:T1:Ev1")).toBe(true);
    expect(await claims.claim("event:T1:Ev1")).toBe(false);
    clock.advance(5_000);
    await claims.complete("event:T1:Ev1");
    expect(await rowOf("SLACK", "event:T1:Ev1")).toMatchObject({
      claimedAt: new Date("2026-11-23T01:00:00Z"),
      completedAt: new Date("2026-11-23T01:00:05Z"),
      tenantId: null,
    });
    // A completed delivery is never taken over, however old.
    clock.advance(STALE_CLAIM_MS * 10);
    expect(await claims.claim("event:T1:Ev1")).toBe(false);
  });

  it("records the completions of deliveries finished together in one write", async () => {
    const clock = new ManualClock(new Date("2026-11-23T01:00:00Z"));
    const claims = deliveryClaims(tdb.prisma, clock, "SLACK");
    const keys = ["batch:1", "batch:2", "batch:3"];
    for (const key of keys) expect(await claims.claim(key)).toBe(true);
    clock.advance(1_000);
    const writes = keys.map((key) => claims.complete(key));
    // One batch: every completion resolves with the same write.
    expect(new Set(writes).size).toBe(1);
    await Promise.all(writes);
    for (const key of keys) expect(await rowOf("SLACK", key)).toMatchObject({ completedAt: new Date("2026-11-23T01:00:01Z") });
    // The next completion opens a new batch.
    expect(await claims.claim("batch:4")).toBe(true);
    const next = claims.complete("batch:4");
    expect(next).not.toBe(writes[0]);
    await next;
    expect(await rowOf("SLACK", "batch:4")).toMatchObject({ completedAt: new Date("2026-11-23T01:00:01Z") });
  });

  it("keeps each platform's keys apart and stores the tenant when given", async () => {
    const clock = new ManualClock(new Date("2026-11-23T01:00:00Z"));
    expect(await deliveryClaims(tdb.prisma, clock, "SLACK").claim("event:shared")).toBe(true);
    expect(await deliveryClaims(tdb.prisma, clock, "FEISHU").claim("event:shared", "tenant-x")).toBe(true);
    expect(await rowOf("FEISHU", "event:shared")).toMatchObject({ tenantId: "tenant-x", completedAt: null });
    expect(await rowOf("SLACK", "event:shared")).toMatchObject({ tenantId: null });
  });

  it("releases a failed attempt so the retry works, but never a completed one", async () => {
    const clock = new ManualClock(new Date("2026-11-23T01:00:00Z"));
    const claims = deliveryClaims(tdb.prisma, clock, "FEISHU");
    expect(await claims.claim("message:m1")).toBe(true);
    await claims.release("message:m1");
    expect(await rowOf("FEISHU", "message:m1")).toBeNull();
    expect(await claims.claim("message:m1")).toBe(true);
    await claims.complete("message:m1");
    await claims.release("message:m1");
    expect(await rowOf("FEISHU", "message:m1")).not.toBeNull();
    expect(await claims.claim("message:m1")).toBe(false);
  });

  it("takes over a claim abandoned for longer than STALE_CLAIM_MS, once", async () => {
    const clock = new ManualClock(new Date("2026-11-23T01:00:00Z"));
    const claims = deliveryClaims(tdb.prisma, clock, "SLACK");
    expect(await claims.claim("retry:T1:trigger")).toBe(true);
    clock.advance(STALE_CLAIM_MS);
    expect(await claims.claim("retry:T1:trigger")).toBe(false);
    clock.advance(1);
    expect(await claims.claim("retry:T1:trigger")).toBe(true);
    expect(await rowOf("SLACK", "retry:T1:trigger")).toMatchObject({ claimedAt: clock.now(), completedAt: null });
    expect(await claims.claim("retry:T1:trigger")).toBe(false);
  });
});
