import type { Tier } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { depsAt, makeDepartment, makeTenant, withLegacyRiskWeights } from "../../../test/support/fixtures.js";
import type { Db } from "../../db/client.js";
import { loadTenant } from "../tenants/tenants.js";
import { completedRuns, digestChannelDedupeKey, digestDedupeKey, runDigest } from "./runs.js";

const TODAY = "2026-11-23";
const NINE = "2026-11-23T01:00:00Z"; // 09:00 Asia/Shanghai
const day = (date: string) => new Date(`${date}T00:00:00Z`);

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

let seq = 0;
async function customer(db: Db, tenantId: string, ownerId: string, tier: Tier, lastContactAt = new Date(NINE)) {
  const name = `客户-${++seq}`;
  return db.customer.create({
    data: { tenantId, ownerId, name, nameKey: name, tier, status: "ACTIVE", lastContactAt, createdAt: day("2025-01-01") },
  });
}

/** A department where A1 and B1 have callbacks due (A1 overdue too); A2 has none. */
async function callbackScene(settings: object = {}) {
  const t = await makeTenant(tdb.prisma, { settings: withLegacyRiskWeights(settings), platform: "FEISHU" });
  const d = await makeDepartment(tdb.prisma, t.id);
  const ca = await customer(tdb.prisma, t.id, d.a1.id, "VIP");
  const cb = await customer(tdb.prisma, t.id, d.b1.id, "B");
  await tdb.prisma.callback.createMany({
    data: [
      { tenantId: t.id, customerId: ca.id, assigneeId: d.a1.id, dueOn: day(TODAY), reason: "CADENCE" },
      { tenantId: t.id, customerId: ca.id, assigneeId: d.a1.id, dueOn: day("2026-11-20"), reason: "MANUAL" },
      { tenantId: t.id, customerId: cb.id, assigneeId: d.b1.id, dueOn: day("2026-11-22"), reason: "CADENCE" },
    ],
  });
  return { tenant: await loadTenant(tdb.prisma, t.id), ...d };
}

async function outboxOf(tenantId: string) {
  return tdb.prisma.outboxMessage.findMany({ where: { tenantId }, orderBy: { dedupeKey: "asc" } });
}

describe("runDigest", () => {
  it("enqueues the callback digest to each member with items and the team digest to each lead, once, with delivery rows and audit", async () => {
    const s = await callbackScene();
    const deps = depsAt(tdb.prisma, NINE);
    const outcome = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p1" });
    expect(outcome).toMatchObject({ status: "completed", recipients: 5, messages: 5, tookOver: false });

    const rows = await outboxOf(s.tenant.id);
    const expected = [
      [s.a1.id, "digest.callbacks"],
      [s.b1.id, "digest.callbacks"],
      [s.s1.id, "digest.callbacks.team"],
      [s.s2.id, "digest.callbacks.team"],
      [s.manager.id, "digest.callbacks.team"],
    ].map(([id, kind]) => ({
      target: `member:${id}`,
      platform: "FEISHU",
      payload: { kind, localDate: TODAY },
      dedupeKey: digestDedupeKey(s.tenant.id, kind!, TODAY, id!),
      entityType: "Digest",
      status: "PENDING",
      nextAttemptAt: new Date(NINE),
    }));
    expect(rows.map((r) => ({ ...r }))).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))));
    expect(rows).toHaveLength(5);
    expect(rows.some((r) => r.target === `member:${s.a2.id}` || r.target === `member:${s.admin.id}`)).toBe(false);

    const run = await tdb.prisma.digestRun.findUniqueOrThrow({ where: { id: outcome.runId } });
    expect(run).toMatchObject({ status: "COMPLETED", recipients: 5, owner: "p1", leaseUntil: null, completedAt: new Date(NINE) });
    const deliveries = await tdb.prisma.digestDelivery.findMany({ where: { runId: run.id } });
    expect(deliveries.map((d) => d.recipientId).sort()).toEqual([s.a1.id, s.b1.id, s.s1.id, s.s2.id, s.manager.id].sort());
    for (const d of deliveries) {
      const message = rows.find((r) => r.id === d.outboxId)!;
      expect(message.target).toBe(`member:${d.recipientId}`);
      expect(message.entityId).toBe(d.id);
    }
    const audit = await tdb.prisma.auditLog.findMany({ where: { tenantId: s.tenant.id, entityId: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["digest.run_started", "digest.run_completed"]);
    expect(audit[1]!.after).toMatchObject({ kind: "CALLBACKS", localDate: TODAY, recipients: 5, messages: 5 });

    const again = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" });
    expect(again).toEqual({ status: "already_completed", runId: run.id });
    expect(await outboxOf(s.tenant.id)).toHaveLength(5);
    expect(await completedRuns(deps, [{ tenantId: s.tenant.id, localDate: TODAY }])).toEqual(new Set([`${s.tenant.id}:CALLBACKS:${TODAY}`]));
  });

  it("sends a lead with callbacks of their own both their digest and their team's", async () => {
    const s = await callbackScene();
    const c = await customer(tdb.prisma, s.tenant.id, s.s1.id, "A");
    await tdb.prisma.callback.create({ data: { tenantId: s.tenant.id, customerId: c.id, assigneeId: s.s1.id, dueOn: day(TODAY), reason: "MANUAL" } });
    const outcome = await runDigest(depsAt(tdb.prisma, NINE), s.tenant, "CALLBACKS", TODAY, { holder: "p1" });
    expect(outcome).toMatchObject({ status: "completed", recipients: 5, messages: 6 });
    const mine = (await outboxOf(s.tenant.id)).filter((r) => r.target === `member:${s.s1.id}`);
    expect(mine.map((r) => (r.payload as { kind: string }).kind).sort()).toEqual(["digest.callbacks", "digest.callbacks.team"]);
    const delivery = await tdb.prisma.digestDelivery.findFirstOrThrow({ where: { recipientId: s.s1.id, runId: outcome.runId } });
    expect(mine.find((r) => r.id === delivery.outboxId)!.payload).toMatchObject({ kind: "digest.callbacks" });
  });

  it("writes in chunks and reports progress after each", async () => {
    const s = await callbackScene();
    const progress: Array<[number, number]> = [];
    await runDigest(depsAt(tdb.prisma, NINE), s.tenant, "CALLBACKS", TODAY, {
      holder: "p1",
      chunkSize: 2,
      afterChunk: (written, total) => void progress.push([written, total]),
    });
    expect(progress).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });

  it("makes a second process back off while the holder's lease lives, and lets it take over and finish without duplicates once it expired", async () => {
    const s = await callbackScene();
    const deps = depsAt(tdb.prisma, NINE);
    // The first holder writes one chunk, then dies (its failure handler never runs: the lease stays).
    const crash = new Error("killed");
    await expect(
      runDigest(deps, s.tenant, "CALLBACKS", TODAY, {
        holder: "dead",
        chunkSize: 2,
        leaseMs: 60_000,
        afterChunk: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    await tdb.prisma.digestRun.updateMany({ where: { tenantId: s.tenant.id }, data: { leaseUntil: new Date(Date.parse(NINE) + 60_000) } });
    expect(await outboxOf(s.tenant.id)).toHaveLength(2);

    deps.clock.advance(30_000);
    const busy = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" });
    expect(busy).toMatchObject({ status: "busy", holder: "dead", leaseUntil: new Date(Date.parse(NINE) + 60_000) });
    expect(await outboxOf(s.tenant.id)).toHaveLength(2);

    deps.clock.advance(31_000);
    const taken = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" });
    expect(taken).toMatchObject({ status: "completed", recipients: 5, tookOver: true });
    const rows = await outboxOf(s.tenant.id);
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.dedupeKey)).size).toBe(5);
    expect(await tdb.prisma.digestDelivery.count({ where: { tenantId: s.tenant.id } })).toBe(5);
    const audit = await tdb.prisma.auditLog.findMany({ where: { tenantId: s.tenant.id, entityType: "DigestRun" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["digest.run_started", "digest.run_taken_over", "digest.run_completed"]);
  });

  it("gives the run back at once when it fails, so another process need not wait for the lease", async () => {
    const s = await callbackScene();
    const deps = depsAt(tdb.prisma, NINE);
    await expect(
      runDigest(deps, s.tenant, "CALLBACKS", TODAY, {
        holder: "p1",
        afterChunk: () => {
          throw new Error("database hiccup");
        },
      }),
    ).rejects.toThrow("database hiccup");
    deps.clock.advance(1);
    expect(await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" })).toMatchObject({ status: "completed", tookOver: true });
  });

  it("stops writing when its lease was taken over mid-run and leaves completion to the new holder", async () => {
    const s = await callbackScene();
    const deps = depsAt(tdb.prisma, NINE);
    const outcome = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, {
      holder: "slow",
      chunkSize: 2,
      afterChunk: async () => {
        await tdb.prisma.digestRun.updateMany({ where: { tenantId: s.tenant.id }, data: { owner: "other" } });
      },
    });
    expect(outcome.status).toBe("lost_lease");
    expect(await outboxOf(s.tenant.id)).toHaveLength(2);
    expect(await tdb.prisma.digestRun.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).toMatchObject({ status: "RUNNING", owner: "other" });
  });

  it("lets exactly one of two racing processes run the digest", async () => {
    const s = await callbackScene();
    const deps = depsAt(tdb.prisma, NINE);
    const outcomes = await Promise.all(["r1", "r2", "r3"].map((holder) => runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder })));
    expect(outcomes.filter((o) => o.status === "completed")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "busy" || o.status === "already_completed")).toHaveLength(2);
    expect(await outboxOf(s.tenant.id)).toHaveLength(5);
  });

  it("snapshots today's risk when the churn run starts and sends owners and leads their churn digests", async () => {
    // A 60-day contact gap is worth 45 points here: MEDIUM on its own.
    const t = await makeTenant(tdb.prisma, { settings: withLegacyRiskWeights({ risk: { weights: { contactGap: 45 } } }) });
    const d = await makeDepartment(tdb.prisma, t.id);
    const gap = new Date("2026-09-20T04:00:00Z");
    const risky = await customer(tdb.prisma, t.id, d.a1.id, "VIP", gap);
    await customer(tdb.prisma, t.id, d.a2.id, "VIP");
    const tenant = await loadTenant(tdb.prisma, t.id);
    const deps = depsAt(tdb.prisma, "2026-11-23T01:30:00Z");
    const outcome = await runDigest(deps, tenant, "CHURN", TODAY, { holder: "p1" });
    expect(outcome).toMatchObject({ status: "completed", recipients: 3, messages: 3 });
    const rows = await outboxOf(t.id);
    expect(rows.map((r) => [r.target, (r.payload as { kind: string }).kind]).sort()).toEqual(
      [
        [`member:${d.a1.id}`, "digest.churn"],
        [`member:${d.s1.id}`, "digest.churn.team"],
        [`member:${d.manager.id}`, "digest.churn.team"],
      ].sort(),
    );
    const snapshot = await tdb.prisma.riskSnapshot.findMany({ where: { tenantId: t.id, localDate: day(TODAY) } });
    expect(snapshot.map((r) => [r.customerId, r.level])).toEqual([[risky.id, "MEDIUM"]]);
  });
});

describe("runDigest with a digests channel", () => {
  const CHANNEL = { channels: { digests: "C0DIGESTS" } };
  const channelPosts = async (tenantId: string) => (await outboxOf(tenantId)).filter((r) => r.target === "channel:digests");

  it("enqueues one channel post with the department's team view per kind and date, audited, and never a second one", async () => {
    const s = await callbackScene(CHANNEL);
    const deps = depsAt(tdb.prisma, NINE);
    const outcome = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p1" });
    expect(outcome).toMatchObject({ status: "completed", recipients: 5, messages: 6, channelPost: true });
    const posts = await channelPosts(s.tenant.id);
    expect(posts).toEqual([
      expect.objectContaining({
        platform: "FEISHU",
        payload: { kind: "digest.callbacks.team", localDate: TODAY, audience: "channel" },
        dedupeKey: digestChannelDedupeKey(s.tenant.id, "digest.callbacks.team", TODAY),
        entityType: "DigestRun",
        entityId: outcome.runId,
        status: "PENDING",
        nextAttemptAt: new Date(NINE),
      }),
    ]);
    expect(await outboxOf(s.tenant.id)).toHaveLength(6);
    const completed = await tdb.prisma.auditLog.findFirstOrThrow({ where: { entityId: outcome.runId, action: "digest.run_completed" } });
    expect(completed.after).toMatchObject({ messages: 6, channelPost: true });

    // Called again: the run is complete. Even with the run row gone (a run forced by hand), the
    // outbox's dedupe key keeps the channel at one post for the day.
    expect(await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" })).toMatchObject({ status: "already_completed" });
    await tdb.prisma.digestDelivery.deleteMany({ where: { runId: outcome.runId } });
    await tdb.prisma.digestRun.delete({ where: { id: outcome.runId } });
    expect(await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p3" })).toMatchObject({ status: "completed", channelPost: true });
    expect(await channelPosts(s.tenant.id)).toHaveLength(1);
    expect(await outboxOf(s.tenant.id)).toHaveLength(6);

    // The churn run posts its own view; the next day gets its own post.
    await runDigest(depsAt(tdb.prisma, "2026-11-23T01:30:00Z"), s.tenant, "CHURN", TODAY, { holder: "p1" });
    await runDigest(depsAt(tdb.prisma, "2026-11-24T01:00:00Z"), s.tenant, "CALLBACKS", "2026-11-24", { holder: "p1" });
    expect((await channelPosts(s.tenant.id)).map((r) => r.dedupeKey).sort()).toEqual(
      [
        digestChannelDedupeKey(s.tenant.id, "digest.callbacks.team", TODAY),
        digestChannelDedupeKey(s.tenant.id, "digest.callbacks.team", "2026-11-24"),
        digestChannelDedupeKey(s.tenant.id, "digest.churn.team", TODAY),
      ].sort(),
    );
  });

  it("posts nothing to a channel when the tenant has none", async () => {
    const s = await callbackScene();
    const outcome = await runDigest(depsAt(tdb.prisma, NINE), s.tenant, "CALLBACKS", TODAY, { holder: "p1" });
    expect(outcome).toMatchObject({ status: "completed", messages: 5, channelPost: false });
    expect(await channelPosts(s.tenant.id)).toEqual([]);
  });

  it("posts once when several processes race for the run", async () => {
    const s = await callbackScene(CHANNEL);
    const deps = depsAt(tdb.prisma, NINE);
    const outcomes = await Promise.all(["r1", "r2", "r3"].map((holder) => runDigest(deps, s.tenant, "CHURN", TODAY, { holder })));
    expect(outcomes.filter((o) => o.status === "completed")).toHaveLength(1);
    expect((await channelPosts(s.tenant.id)).map((r) => r.payload)).toEqual([{ kind: "digest.churn.team", localDate: TODAY, audience: "channel" }]);
  });

  it("leaves the post to the process that took over a dead holder's run, and posts it once", async () => {
    const s = await callbackScene(CHANNEL);
    const deps = depsAt(tdb.prisma, NINE);
    const crash = new Error("killed");
    await expect(
      runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "dead", chunkSize: 2, leaseMs: 60_000, afterChunk: () => Promise.reject(crash) }),
    ).rejects.toBe(crash);
    await tdb.prisma.digestRun.updateMany({ where: { tenantId: s.tenant.id }, data: { leaseUntil: new Date(Date.parse(NINE) + 60_000) } });
    expect(await channelPosts(s.tenant.id)).toEqual([]);

    deps.clock.advance(61_000);
    const taken = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, { holder: "p2" });
    expect(taken).toMatchObject({ status: "completed", tookOver: true, channelPost: true });
    expect(await channelPosts(s.tenant.id)).toHaveLength(1);
    expect(await outboxOf(s.tenant.id)).toHaveLength(6);
  });

  it("writes no post from a process whose run was taken over after its last recipients", async () => {
    const s = await callbackScene(CHANNEL);
    const deps = depsAt(tdb.prisma, NINE);
    const outcome = await runDigest(deps, s.tenant, "CALLBACKS", TODAY, {
      holder: "slow",
      afterChunk: async (written, total) => {
        if (written === total) await tdb.prisma.digestRun.updateMany({ where: { tenantId: s.tenant.id }, data: { owner: "other" } });
      },
    });
    expect(outcome.status).toBe("lost_lease");
    expect(await outboxOf(s.tenant.id)).toHaveLength(5);
    expect(await channelPosts(s.tenant.id)).toEqual([]);
    expect(await tdb.prisma.auditLog.count({ where: { entityId: outcome.runId, action: "digest.run_completed" } })).toBe(0);
  });
});
