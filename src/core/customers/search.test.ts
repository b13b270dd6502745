import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, depsAt, makeDepartment, makeTenant } from "../../../test/support/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../../../test/support/db.js";
import { snapshotRisk } from "../risk/risk.js";
import { createCustomer, fillMissingSearchKeys } from "./customers.js";
import { AmbiguousCustomerError } from "./errors.js";
import { listCustomers } from "./list.js";
import { findCustomer } from "./lookup.js";
import { searchCustomers } from "./search.js";

let tdb: TestDatabase;
let d: Awaited<ReturnType<typeof makeDepartment>>;
const deps = () => depsAt(tdb.prisma, "2026-11-23T02:00:00Z");

beforeAll(async () => {
  tdb = await openTestDatabase();
  const t = await makeTenant(tdb.prisma);
  d = await makeDepartment(tdb.prisma, t.id);
  const add = (who: typeof d.a1, name: string, extra: object = {}) => createCustomer(deps(), actor(d.manager), { name, ownerId: who.id, ...extra });
  await add(d.a1, "华为技术有限公司", { annualPurchaseFen: 600_000_000n, region: "华南" });
  await add(d.a1, "北京华为终端", { annualPurchaseFen: 150_000_000n, region: "华北" });
  await add(d.a2, "重庆银行", { annualPurchaseFen: 50_000_000n, region: "西南" });
  await add(d.b1, "华为云计算", { region: "华南" });
  await add(d.b1, "Acme Robotics", { annualPurchaseFen: 10_000n });
});
afterAll(async () => tdb?.close());

describe("customer search (substring and pinyin, pg_trgm)", () => {
  it("has pg_trgm installed and the trigram indexes in place", async () => {
    const ext = await tdb.prisma.$queryRaw<Array<{ extname: string }>>`SELECT extname::text FROM pg_extension WHERE extname = 'pg_trgm'`;
    expect(ext).toHaveLength(1);
    const idx = await tdb.prisma.$queryRaw<Array<{ indexname: string }>>`SELECT indexname::text FROM pg_indexes WHERE indexname LIKE 'Customer_%trgm_idx' ORDER BY 1`;
    expect(idx.map((i) => i.indexname).sort()).toEqual(["Customer_nameInitials_trgm_idx", "Customer_nameKey_trgm_idx", "Customer_namePinyin_trgm_idx"]);
    const sim = await tdb.prisma.$queryRaw<Array<{ s: number }>>`SELECT similarity('huawei', 'huaweijishu')::float AS s`;
    expect(sim[0]!.s).toBeGreaterThan(0.3);
  });

  it("ranks exact, prefix, substring, then pinyin, and counts what lies outside the scope", async () => {
    const r = await searchCustomers(deps(), actor(d.manager), "华为");
    expect(r.hits.map((h) => [h.name, h.rank])).toEqual([
      ["华为云计算", 1],
      ["华为技术有限公司", 1],
      ["北京华为终端", 2],
    ]);
    const py = await searchCustomers(deps(), actor(d.manager), "huawei");
    expect(py.hits.map((h) => h.name).sort()).toEqual(["北京华为终端", "华为云计算", "华为技术有限公司"].sort());
    expect((await searchCustomers(deps(), actor(d.manager), "hwjs")).hits.map((h) => h.name)).toEqual(["华为技术有限公司"]);
    expect((await searchCustomers(deps(), actor(d.manager), "cqyh")).hits.map((h) => h.name)).toEqual(["重庆银行"]);
    const mine = await searchCustomers(deps(), actor(d.a1), "huawei");
    expect(mine.hits.map((h) => h.name).sort()).toEqual(["北京华为终端", "华为技术有限公司"]);
    expect(mine.outsideScope).toBe(1);
  });

  it("lists only in-scope candidates of an ambiguous name, with the count outside", async () => {
    const err = await findCustomer(deps(), actor(d.b1), "华为").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousCustomerError);
    expect((err as AmbiguousCustomerError).candidates.map((c) => c.name)).toEqual(["华为云计算"]);
    expect((err as AmbiguousCustomerError).outsideScope).toBe(2);
    expect((await findCustomer(deps(), actor(d.a1), "hwjs")).name).toBe("华为技术有限公司");
  });

  it("backfills the pinyin keys of rows written without them", async () => {
    const c = await tdb.prisma.customer.create({ data: { tenantId: d.a1.tenantId, name: "招商银行", nameKey: "招商银行", ownerId: d.a1.id } });
    expect(await fillMissingSearchKeys(deps(), d.a1.tenantId)).toBe(1);
    expect(await tdb.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ namePinyin: "zhaoshangyinhang", nameInitials: "zsyh" });
  });
});

describe("customer list", () => {
  it("sorts by tier, risk and name within the scope and counts by tier", async () => {
    await snapshotRisk(deps(), d.a1.tenantId, "2026-11-23");
    const all = await listCustomers(deps(), actor(d.manager), "Asia/Shanghai", {});
    expect(all.items.map((i) => i.tier)).toEqual([...all.items.map((i) => i.tier)].sort((a, b) => "VIPABC".indexOf(a) - "VIPABC".indexOf(b)));
    expect(all.byTier.VIP).toBe(1);
    expect(all.total).toBe(6);
    const team1 = await listCustomers(deps(), actor(d.s1), "Asia/Shanghai", {});
    expect(team1.items.every((i) => [d.a1.id, d.a2.id].includes(i.ownerId))).toBe(true);
    const own = await listCustomers(deps(), actor(d.b1), "Asia/Shanghai", { scope: "all" });
    expect(own.items.map((i) => i.name).sort()).toEqual(["Acme Robotics", "华为云计算"]);
  });

  it("pages through the same order the whole list has, across tiers and risk", async () => {
    const whole = await listCustomers(deps(), actor(d.manager), "Asia/Shanghai", {}, { limit: 100 });
    const paged: string[] = [];
    for (let offset = 0; offset < whole.total; offset += 2) {
      paged.push(...(await listCustomers(deps(), actor(d.manager), "Asia/Shanghai", {}, { offset, limit: 2 })).items.map((i) => i.name));
    }
    expect(paged).toEqual(whole.items.map((i) => i.name));
    expect(paged).toHaveLength(whole.total);
  });

  it("filters by region and names the filter that emptied the list", async () => {
    const south = await listCustomers(deps(), actor(d.manager), "Asia/Shanghai", { region: "华南" });
    expect(south.items.map((i) => i.name).sort()).toEqual(["华为云计算", "华为技术有限公司"]);
    const none = await listCustomers(deps(), actor(d.a1), "Asia/Shanghai", { region: "华南", tiers: ["C"] });
    expect(none.total).toBe(0);
    expect(none.emptiedBy).toBe("region");
  });
});
