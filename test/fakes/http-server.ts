// The plumbing the fake platforms share: an HTTP server on 127.0.0.1 with a free port that
// answers 500 when a handler throws and really closes (open keep-alive and upgraded sockets
// included, or vitest waits on them), request bodies, JSON answers, a minimal RFC 6455 server
// side for the platforms' long connections, and the polling helpers the end-to-end tests use.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

// Answers are open-ended JSON; the tests inspect them structurally.
type Json = any;

export interface FakeHttpServer {
  /** http://127.0.0.1:PORT */
  readonly baseUrl: string;
  close(): Promise<void>;
}

export interface FakeHttpHandlers {
  request(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  upgrade?(req: http.IncomingMessage, socket: Socket): void;
}

export async function startFakeHttpServer(handlers: FakeHttpHandlers): Promise<FakeHttpServer> {
  const connections = new Set<Socket>();
  const server = http.createServer((req, res) => {
    handlers.request(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  server.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.on("close", () => connections.delete(socket));
  });
  if (handlers.upgrade) server.on("upgrade", (req, socket) => handlers.upgrade!(req, socket as Socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of connections) socket.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: http.ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

// -----------------------------------------------------------------------------------------------
// WebSocket, server side

export const WS_TEXT = 0x1;
export const WS_BINARY = 0x2;

/**
 * The open WebSocket connections of one fake: enough of RFC 6455 for @slack/socket-mode and
 * node-sdk's WSClient (handshake, data frames both ways, ping -> pong, close -> close); what a
 * data frame means is the fake's business.
 */
export class WebSocketPeers {
  private readonly sockets = new Set<Socket>();

  get size(): number {
    return this.sockets.size;
  }

  /** The connection opened first, if any is open. */
  get first(): Socket | undefined {
    return [...this.sockets][0];
  }

  /** Completes the handshake for `wsKey` (Sec-WebSocket-Key) and passes on every data frame. */
  accept(socket: Socket, wsKey: string, onData: (opcode: number, payload: Buffer) => void): void {
    const accept = createHash("sha1").update(`${wsKey}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => this.sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x9) socket.write(wsFrame(0xa, frame.payload));
        else if (frame.opcode === 0x8) {
          socket.end(wsFrame(0x8, frame.payload.subarray(0, 2)));
          this.sockets.delete(socket);
        } else onData(frame.opcode, frame.payload);
      }
    });
  }

  send(socket: Socket, opcode: number, payload: Buffer): void {
    socket.write(wsFrame(opcode, payload));
  }

  broadcast(opcode: number, payload: Buffer): void {
    for (const socket of this.sockets) this.send(socket, opcode, payload);
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** An unmasked server frame (servers never mask). */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(payload.length)]);
  return Buffer.concat([head, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** One complete (client, masked) frame from the front of `data`, or null if more bytes are needed. */
function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (data.length < 2) return null;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return null;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= data[maskAt + (i % 4)]!;
  return { opcode, payload, length: offset + length };
}

// -----------------------------------------------------------------------------------------------
// Waiting in tests

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns something truthy (and returns it), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
