import { createPrisma } from "../src/db/client.js";
import { listCustomers } from "../src/core/customers/list.js";
import { systemClock } from "../src/core/shared/clock.js";
const db = createPrisma("postgresql://postgres@127.0.0.1:5432/accord_bench_q", { poolSize: 4 });
const deps = { db, clock: systemClock } as any;
const spec = { tenantId: "t1", memberId: "m69", role: "SPECIALIST", platform: "CONSOLE" } as any;
const mgr = { tenantId: "t1", memberId: "m1", role: "MANAGER", platform: "CONSOLE" } as any;
const sup = { tenantId: "t1", memberId: "m12", role: "SUPERVISOR", platform: "CONSOLE" } as any;
for (const [name, a, f] of [["spec", spec, { tiers: ["B"] }], ["mgr", mgr, {}], ["mgr overdue", mgr, { overdue: true }], ["sup team", sup, { scope: "team" }]] as const) {
  const xs: number[] = [];
  for (let i = 0; i < 20; i++) { const t = performance.now(); await listCustomers(deps, a, "Asia/Shanghai", f as any, {}); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b);
  console.log(name, xs.map((x) => x.toFixed(0)).join(" "));
}
await db.$disconnect();
