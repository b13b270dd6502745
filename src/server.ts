// The one HTTP server: health, readiness and the routes platform adapters register.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./logger.js";

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  ready: () => Promise<boolean>;
  routes?: Record<string, RouteHandler>;
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

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) {
      sendJson(res, 404, { error: "not found" });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        options.logger.error({ err, path }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.end();
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
      });
    },
  };
}
