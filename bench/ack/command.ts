// One Slack slash command as Slack sends it: the form body, its v0 signature, the POST to
// /slack/events; priming a server with every seeded user's first command; and what Accord
// answered (the card asked for, an answer still to come on response_url, or something else).
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { slackCatalog } from "../../src/adapters/slack/messages.js";
import type { FakeSlack } from "./fake-slack.js";
import type { SeedCustomer, SeedMember, Seeded } from "./seed.js";
import { round } from "./stats.js";
import { SIGNING_SECRET, TEAM_ID } from "./workspace.js";

/** A request still unanswered after this is abandoned (counted as failed). */
export const ABANDON_MS = 10_000;

export interface Plan {
  text: string;
  /** The customer the answer must name to count as the answer asked for (the card, a list or search hit). */
  customerName: string;
  user: SeedMember;
}

const PLACEHOLDERS = new Set([slackCatalog.en["slack.working"], slackCatalog["zh-CN"]["slack.working"]]);

export function commandBody(plan: Plan, responseId: string, fake: FakeSlack, seq: number): string {
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: TEAM_ID,
    team_domain: "accord-bench",
    channel_id: "C0BENCH",
    channel_name: "general",
    user_id: plan.user.slackId,
    user_name: plan.user.name,
    command: "/crm",
    text: plan.text,
    api_app_id: "A0ACCORD",
    is_enterprise_install: "false",
    response_url: `${fake.baseUrl}/response/${responseId}`,
    // Unique per request, as Slack's are: Accord de-duplicates re-deliveries by it.
    trigger_id: `${seq}.${Date.now()}.${randomBytes(8).toString("hex")}`,
  }).toString();
}

export function sign(body: string): { timestamp: string; signature: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { timestamp, signature: `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}` };
}

export function slackHeaders(body: string, timestamp: string, signature: string): http.OutgoingHttpHeaders {
  return {
    // Exactly this: Bolt's receiver refuses a charset suffix.
    "content-type": "application/x-www-form-urlencoded",
    "content-length": Buffer.byteLength(body),
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
  };
}

/** One signed command, answered or not within 10 s; resolves with the HTTP status (0: no answer). */
function postCommand(port: number, agent: http.Agent, body: string): Promise<number> {
  const { timestamp, signature } = sign(body);
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers: slackHeaders(body, timestamp, signature), timeout: ABANDON_MS },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/**
 * Before anything is measured, every seeded user runs the command once, a few at a time (closed
 * loop): the server's JIT, its connection pool and its users.info cache reach the state of a
 * service that has been up for a while, instead of the first phase paying for a cold start.
 */
export async function prime(port: number, seeded: Seeded, fake: FakeSlack): Promise<{ requests: number; seconds: number; non200: number }> {
  const byOwner = new Map<string, SeedCustomer>();
  for (const c of seeded.customers) if (!byOwner.has(c.ownerId)) byOwner.set(c.ownerId, c);
  const plans = seeded.members.map((m): Plan => {
    const c =
      byOwner.get(m.id) ??
      seeded.customers.find((x) => seeded.byId.get(x.ownerId)?.supervisorId === m.id) ??
      seeded.customers[0]!;
    return { text: `customer ${c.name}`, customerName: c.name, user: m };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const started = performance.now();
  let next = 0;
  let non200 = 0;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const status = await postCommand(port, agent, commandBody(plans[index]!, `prime-${port}-${index}`, fake, index));
      if (status !== 200) non200++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  agent.destroy();
  return { requests: plans.length, seconds: round((performance.now() - started) / 1_000), non200 };
}

/**
 * What Accord answered: the card of the customer asked for, an answer still to come on
 * response_url (an empty ack, or "working…"), or something else.
 */
export function classifyAccordAnswer(body: unknown, customerName: string): "card" | "placeholder" | "other" {
  if (body === null || body === undefined) return "placeholder";
  const json = body as { text?: string };
  if (json.text && PLACEHOLDERS.has(json.text)) return "placeholder";
  return JSON.stringify(json).includes(customerName) ? "card" : "other";
}
