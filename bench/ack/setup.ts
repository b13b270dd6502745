// What every Slack benchmark does before its load: the machine's line, a fresh database seeded
// with the same department, and the fake Slack Web API its members live in.
import { startFakeSlack } from "./fake-slack.js";
import { machineInfo, machineLines, postgresVersion } from "./machine.js";
import { createDatabase, seed } from "./seed.js";

export async function prepareBench(title: string, dbName: string) {
  const startedAt = new Date();
  const machine = machineInfo();
  process.stdout.write(`${title} — ${startedAt.toISOString()}\n`);
  process.stdout.write(machineLines(machine));

  const url = await createDatabase(dbName);
  machine.postgres = await postgresVersion(url);
  const seeded = await seed(url);
  process.stdout.write(`database: ${dbName} on PostgreSQL ${machine.postgres}; seeded ${Object.entries(seeded.rows).map(([k, v]) => `${v} ${k}`).join(", ")}\n`);

  const fake = await startFakeSlack(new Map(seeded.members.map((m) => [m.slackId, m])));
  return { startedAt, machine, url, seeded, fake };
}
