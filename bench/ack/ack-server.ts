// Child process of bench/ack.ts and bench/soak.ts: one Accord started the way `npm start` starts
// it (loadConfig from the environment the parent sets, then startAccord), in its own process so
// that the load generator never shares its event loop. Prints one JSON line
// {"ready":"accord","port":n} on stdout once it listens; logs go to stderr. Stops on SIGTERM,
// SIGINT or when the parent closes our stdin (so a crashed parent never leaves an Accord behind).
// The scheduler stays off unless BENCH_ACK_SCHEDULER=1: a digest falling due mid-run (09:00 in
// the tenant's zone) would post to every member and measure the digest, not the acks.
import { startAccord } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/logger.js";

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel, process.stderr);
const running = await startAccord(config, logger, { scheduler: process.env.BENCH_ACK_SCHEDULER === "1" });
process.stdout.write(`${JSON.stringify({ ready: "accord", port: running.server.port })}\n`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  running.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`ack-server: stop failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
