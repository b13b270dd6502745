// One replica's pre-breach warning sweep, as its own process with its own connection pool, for
// sla-warnings-replicas.test.ts. Waits until START_AT (epoch ms) so the replicas sweep together.
// Env: DATABASE_URL, SWEEP_AT (the instant swept, ISO), START_AT. Prints the warnings it sent as JSON.
const { createPrisma } = await import("../../src/db/client.js");
const { sweepSlaWarnings } = await import("../../src/core/complaints/warnings.js");

const db = createPrisma(process.env.DATABASE_URL!, { poolSize: 4 });
const now = new Date(process.env.SWEEP_AT!);
const wait = Number(process.env.START_AT) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
const sent = await sweepSlaWarnings({ db, clock: { now: () => now } }, now);
process.stdout.write(`${JSON.stringify(sent.map((w) => w.complaintId))}\n`);
await db.$disconnect();
// The pg pool lent to the adapter may keep idle sockets open: this process has nothing left to do.
process.exit(0);
