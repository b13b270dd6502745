// Fake Slack: the few Web API methods Accord calls while answering a command (auth.test at start,
// users.info per new user; the outbox's DMs answered in kind), and the response_url endpoints,
// where "working…" acks are followed by the real answer. Shapes as in test/fakes/slack.ts; kept
// here, tiny, because this one must stay cheap under load and record only what the report needs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseJson } from "./json.js";
import type { SeedMember } from "./seed.js";
import { TEAM_ID } from "./workspace.js";

export interface ResponsePost {
  body: unknown;
  /** Date.now() when the post arrived. */
  at: number;
}

export interface FakeSlack {
  baseUrl: string;
  /** SLACK_API_URL */
  apiUrl: string;
  /** Web API calls by method. */
  calls: Record<string, number>;
  /** First post to each response_url, by the id at the end of the URL. */
  responses: Map<string, ResponsePost>;
  responseCount(): number;
  /**
   * The post to a response_url, forgotten here: a long run reads each answer once, so the
   * generator's own memory stays flat.
   */
  takeResponse(id: string): ResponsePost | undefined;
  close(): Promise<void>;
}

export async function startFakeSlack(users: Map<string, SeedMember>): Promise<FakeSlack> {
  const calls: Record<string, number> = {};
  const responses = new Map<string, ResponsePost>();
  let responsePosts = 0;
  let seq = 0;
  const json = (res: http.ServerResponse, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const at = Date.now();
      const pathname = (req.url ?? "/").split("?")[0]!;
      if (pathname.startsWith("/response/")) {
        responsePosts++;
        const id = pathname.slice("/response/".length);
        // The last post counts: an answer replaces a "working…" placeholder.
        responses.set(id, { body: parseJson(raw), at });
        return json(res, { ok: true });
      }
      const method = pathname.replace(/^\/api\//, "");
      calls[method] = (calls[method] ?? 0) + 1;
      // The WebClient posts form-encoded arguments.
      const args = (req.headers["content-type"] ?? "").startsWith("application/json")
        ? ((parseJson(raw) ?? {}) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      switch (method) {
        case "auth.test":
          return json(res, { ok: true, url: "https://accord-bench.slack.com/", team: "Accord Bench", user: "accord", team_id: TEAM_ID, user_id: "UBENCHBOT", bot_id: "BBENCH" });
        case "users.info": {
          const user = users.get(String(args.user));
          if (!user) return json(res, { ok: false, error: "user_not_found" });
          return json(res, {
            ok: true,
            user: { id: user.slackId, team_id: TEAM_ID, name: user.slackId.toLowerCase(), real_name: user.name, profile: { display_name: user.name, real_name: user.name } },
          });
        }
        case "conversations.open":
          return json(res, { ok: true, channel: { id: `D${String(args.users ?? "").split(",")[0]}` } });
        case "chat.postMessage":
        case "chat.update":
          return json(res, { ok: true, channel: args.channel, ts: `${Math.floor(at / 1000)}.${String(++seq).padStart(6, "0")}` });
        default:
          return json(res, { ok: true });
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    calls,
    responses,
    responseCount: () => responsePosts,
    takeResponse: (id) => {
      const post = responses.get(id);
      responses.delete(id);
      return post;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

