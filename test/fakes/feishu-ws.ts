// The long-connection side of the fake Feishu: WebSocket binary frames (http-server.ts) carrying
// the frames node-sdk's WSClient expects — protobuf `pbbp2.Frame`
// {1 SeqID uint64, 2 LogID uint64, 3 service int32, 4 method int32 (0 control, 1 data),
// 5 headers repeated {1 key, 2 value}, 6 payloadEncoding, 7 payloadType, 8 payload bytes,
// 9 LogIDNew} (the proto bundled in node-sdk 1.74.0). Events and card callbacks go out as data
// frames with headers type=event, message_id, sum=1, seq=0, trace_id and the schema 2.0 JSON as
// payload; the client answers with the same frame whose payload is {"code": 200, "data":
// base64(JSON of the handler's return value)}.
import { randomBytes } from "node:crypto";
import type http from "node:http";
import type { Socket } from "node:net";
import { WebSocketPeers, WS_BINARY } from "./http-server.js";

// Decoded callback answers are open-ended JSON.
type Json = any;

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Buffer;
  LogIDNew?: string;
}

// ---- protobuf, just enough for pbbp2 -----------------------------------------------------------

function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, value: Buffer) => Buffer.concat([key(field, 2), varint(value.length), value]);
const stringField = (field: number, value: string) => bytesField(field, Buffer.from(value, "utf8"));

export function encodeFrame(frame: Frame): Buffer {
  const parts: Buffer[] = [
    Buffer.concat([key(1, 0), varint(frame.SeqID)]),
    Buffer.concat([key(2, 0), varint(frame.LogID)]),
    Buffer.concat([key(3, 0), varint(frame.service)]),
    Buffer.concat([key(4, 0), varint(frame.method)]),
  ];
  for (const h of frame.headers) parts.push(bytesField(5, Buffer.concat([stringField(1, h.key), stringField(2, h.value)])));
  if (frame.payloadEncoding !== undefined) parts.push(stringField(6, frame.payloadEncoding));
  if (frame.payloadType !== undefined) parts.push(stringField(7, frame.payloadType));
  if (frame.payload !== undefined) parts.push(bytesField(8, frame.payload));
  if (frame.LogIDNew !== undefined) parts.push(stringField(9, frame.LogIDNew));
  return Buffer.concat(parts);
}

function readVarint(buf: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[at++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, at];
    shift += 7n;
  }
}

function fields(buf: Buffer): Array<{ field: number; value: bigint | Buffer }> {
  const out: Array<{ field: number; value: bigint | Buffer }> = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, at);
      out.push({ field, value });
      at = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, at);
      out.push({ field, value: buf.subarray(after, after + Number(length)) });
      at = after + Number(length);
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

export function decodeFrame(buf: Buffer): Frame {
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  for (const { field, value } of fields(buf)) {
    const text = () => (value as Buffer).toString("utf8");
    switch (field) {
      case 1:
        frame.SeqID = Number(value);
        break;
      case 2:
        frame.LogID = Number(value);
        break;
      case 3:
        frame.service = Number(value);
        break;
      case 4:
        frame.method = Number(value);
        break;
      case 5: {
        const header = { key: "", value: "" };
        for (const h of fields(value as Buffer)) {
          if (h.field === 1) header.key = (h.value as Buffer).toString("utf8");
          if (h.field === 2) header.value = (h.value as Buffer).toString("utf8");
        }
        frame.headers.push(header);
        break;
      }
      case 6:
        frame.payloadEncoding = text();
        break;
      case 7:
        frame.payloadType = text();
        break;
      case 8:
        frame.payload = Buffer.from(value as Buffer);
        break;
      case 9:
        frame.LogIDNew = text();
        break;
    }
  }
  return frame;
}

export interface WsAnswer {
  code: number;
  /** The handler's return value, decoded. */
  data?: Json;
  ms: number;
}

export class FeishuWsServer {
  private readonly sockets = new WebSocketPeers();
  private readonly waiting = new Map<string, (answer: { code: number; data?: Json }) => void>();
  readonly controlFrames: Frame[] = [];
  private seq = 0;

  get connections(): number {
    return this.sockets.size;
  }

  upgrade(req: http.IncomingMessage, socket: Socket): void {
    const wsKey = req.headers["sec-websocket-key"];
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname !== "/ws" || typeof wsKey !== "string" || !url.searchParams.get("device_id")) {
      socket.destroy();
      return;
    }
    this.sockets.accept(socket, wsKey, (opcode, payload) => {
      if (opcode === WS_BINARY) this.onFrame(decodeFrame(payload));
    });
  }

  private onFrame(frame: Frame): void {
    if (frame.method === 0) {
      this.controlFrames.push(frame);
      return;
    }
    const messageId = frame.headers.find((h) => h.key === "message_id")?.value ?? "";
    const resolve = this.waiting.get(messageId);
    if (!resolve) return;
    this.waiting.delete(messageId);
    const body = JSON.parse((frame.payload ?? Buffer.alloc(0)).toString("utf8")) as { code: number; data?: string };
    resolve({ code: body.code, ...(body.data ? { data: JSON.parse(Buffer.from(body.data, "base64").toString("utf8")) } : {}) });
  }

  /** Pushes an event (or card callback) envelope to the connected app and waits for its answer. */
  send(envelope: Json, timeoutMs = 5_000): Promise<WsAnswer> {
    const socket = this.sockets.first;
    if (!socket) return Promise.reject(new Error("no long connection open"));
    this.seq += 1;
    const messageId = `ws_${randomBytes(8).toString("hex")}`;
    const started = Date.now();
    const frame = encodeFrame({
      SeqID: this.seq,
      LogID: this.seq,
      service: 7,
      method: 1,
      headers: [
        { key: "type", value: "event" },
        { key: "message_id", value: messageId },
        { key: "sum", value: "1" },
        { key: "seq", value: "0" },
        { key: "trace_id", value: randomBytes(8).toString("hex") },
      ],
      payload: Buffer.from(JSON.stringify(envelope), "utf8"),
    });
    return new Promise<WsAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(messageId);
        reject(new Error(`no answer to ${messageId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(messageId, (answer) => {
        clearTimeout(timer);
        resolve({ ...answer, ms: Date.now() - started });
      });
      this.sockets.send(socket, WS_BINARY, frame);
    });
  }

  closeAll(): void {
    this.sockets.closeAll();
  }
}
