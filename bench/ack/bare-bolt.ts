// Child process of bench/ack.ts: the baseline, a bare Bolt app that only acknowledges "/crm". Same
// receiver as Accord's Slack adapter (HTTPReceiver, processBeforeResponse false, signature and
// timestamp checks on), same Web API base URL (the bench's fake Slack), nothing else: no database,
// no users.info, no answer in the ack. Prints {"ready":"bolt","port":n} on stdout once listening.
// Environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`bare-bolt: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

const receiver = new HTTPReceiver({
  signingSecret: required("SLACK_SIGNING_SECRET"),
  endpoints: "/slack/events",
  processBeforeResponse: false,
  logLevel: LogLevel.WARN,
});
const app = new App({
  token: required("SLACK_BOT_TOKEN"),
  receiver,
  clientOptions: { slackApiUrl: required("SLACK_API_URL") },
  logLevel: LogLevel.WARN,
});
app.command("/crm", async ({ ack }) => {
  await ack();
});

const server: Server = await app.start({ port: 0, host: "127.0.0.1" });
// Accord's server uses the same keep-alive, so both sides treat the client's sockets alike.
server.keepAliveTimeout = 5_000;
process.stdout.write(`${JSON.stringify({ ready: "bolt", port: (server.address() as AddressInfo).port })}\n`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
