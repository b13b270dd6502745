// Posting to a response_url (the answer to every command and many clicks). Bolt's respond() goes
// through the WHATWG fetch (undici), which cost about as much CPU per answer as all the database
// work behind a customer card (bench/ack.ts); a plain node:http(s) POST on a keep-alive agent does
// the same job for a fraction. The contract is respond()'s: resolves on a 2xx, rejects otherwise.
import http from "node:http";
import https from "node:https";
import type { RespondArguments } from "@slack/bolt";

/** Bolt's respond() contract, resolving with the HTTP status instead of a fetch Response. */
export type Respond = (message: string | RespondArguments) => Promise<number>;

const TIMEOUT_MS = 10_000;
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export class ResponseUrlError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ResponseUrlError";
  }
}

/** POSTs `message` as JSON to `url`; resolves with the status of a 2xx answer. */
export function postToResponseUrl(url: string, message: RespondArguments | string): Promise<number> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(new ResponseUrlError(`response_url with an unsupported scheme: ${target.protocol}`));
  const body = Buffer.from(JSON.stringify(typeof message === "string" ? { text: message } : message), "utf8");
  return new Promise<number>((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: "POST",
        agent: agents[target.protocol as keyof typeof agents],
        headers: { "content-type": "application/json", "content-length": body.length },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        // Drain the body so the socket goes back to the pool.
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(status);
          else reject(new ResponseUrlError(`response_url answered ${status} ${res.statusMessage ?? ""}`.trim(), status));
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new ResponseUrlError(`response_url did not answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** A respond() for one response_url, or undefined when the request carried none. */
export function responderFor(url: string | undefined): Respond | undefined {
  return url ? (message) => postToResponseUrl(url, message) : undefined;
}
