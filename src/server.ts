// The one HTTP server: health, readiness and the routes platform adapters register.
import { randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { withRequestLog, type Logger } from "./logger.js";
import type { MetricsEndpoint } from "./metrics.js";

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  ready: () => Promise<boolean>;
  routes?: Record<string, RouteHandler>;
  /** Serves GET /metrics (Prometheus text format) when given. */
  metrics?: MetricsEndpoint;
  /** When set, GET /metrics answers 401 unless the request carries `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

export const REQUEST_ID_HEADER = "x-request-id";
// A caller's id is kept only when it looks like one: it ends up in every log line of the request.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

export interface HttpServer {
  port: number;
  /** Adds a route such as "POST /slack/events"; adapters call this while starting. */
  route(key: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const routes = new Map<string, RouteHandler>(Object.entries(options.routes ?? {}));
  routes.set("GET /healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
  routes.set("GET /readyz", async (_req, res) => {
    const ready = await options.ready().catch(() => false);
    sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
  });
  const metrics = options.metrics;
  if (metrics) {
    const expected = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : undefined;
    routes.set("GET /metrics", async (req, res) => {
      if (expected) {
        const given = Buffer.from(req.headers.authorization ?? "");
        // Constant time: the comparison must not tell how much of a guessed token was right.
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="accord-metrics"' });
          res.end("metrics need the bearer token (ACCORD_METRICS_TOKEN)\n");
          return;
        }
      }
      const text = await metrics.render();
      res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    // The id travels on with the request (adapters and their SDKs read the header) and back to
    // the caller, so one id ties a platform's complaint to every line logged for it.
    const requestId = requestIdOf(req);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) {
      sendJson(res, 404, { error: "not found" });
      return;
    }
    withRequestLog(options.logger, { requestId }, () => {
      const log = options.logger.child({ method: req.method, path });
      const started = performance.now();
      res.once("finish", () => log.debug({ status: res.statusCode, ms: Math.round(performance.now() - started) }, "request handled"));
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err: unknown) => {
          log.error({ err }, "request failed");
          if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
          else res.end();
        });
    });
  });
  // Slack and Feishu keep connections alive; a shorter keep-alive than the platforms' own
  // lets a shutdown finish promptly.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    route(key, handler) {
      routes.set(key, handler);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // By now every accepted request has been answered (graceful shutdown drains first): a
        // connection still open is an idle keep-alive or a stalled client, not work to wait for.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
    },
  };
}
