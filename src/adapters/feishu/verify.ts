// Authenticating what arrives on POST /feishu/events and /feishu/card. node-sdk 1.74.0's
// EventDispatcher never compares the verification token and checks the signature only when an
// encrypt key is set, over JSON.stringify of the parsed body rather than the bytes Feishu signed
// (DESIGN §5), so Accord does both itself, before anything is parsed further or written:
// - with an encrypt key, the body must be {"encrypt": "..."} and carry X-Lark-Signature =
//   sha256hex(X-Lark-Request-Timestamp + X-Lark-Request-Nonce + encrypt key + raw body);
//   decryption is AES-256-CBC with key sha256(encrypt key) and the IV in the first 16 bytes
//   (open.feishu.cn "Encrypted push" / node-sdk AESCipher);
// - in every case the verification token in the (decrypted) envelope must match: header.token in
//   schema 2.0 envelopes, token at the top of URL verification and schema 1.0 envelopes.
import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { AESCipher } from "@larksuiteoapi/node-sdk";

/** An event or callback envelope after decryption, as Feishu sent it (untrusted JSON). */
export type FeishuEnvelope = Record<string, unknown>;

export type Verdict =
  | { ok: true; envelope: FeishuEnvelope }
  | { ok: false; status: 400 | 401; reason: string };

export interface VerifyOptions {
  verificationToken: string;
  encryptKey?: string;
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison of two strings (length differences are not secret). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + rawBody).digest("hex");
}

/** The verification token an envelope carries, wherever its schema puts it. */
export function tokenOf(envelope: FeishuEnvelope): string | undefined {
  if (envelope.schema === "2.0") {
    const head = envelope.header as { token?: unknown } | undefined;
    return typeof head?.token === "string" ? head.token : undefined;
  }
  return typeof envelope.token === "string" ? envelope.token : undefined;
}

export function verifyFeishuRequest(rawBody: string, headers: http.IncomingHttpHeaders, options: VerifyOptions): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, reason: "body is not JSON" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return { ok: false, status: 400, reason: "body is not a JSON object" };
  const encrypted = (body as { encrypt?: unknown }).encrypt;

  let envelope: FeishuEnvelope;
  let signed = false;
  if (options.encryptKey) {
    if (typeof encrypted !== "string") return { ok: false, status: 401, reason: "plain body while an encrypt key is configured" };
    const signature = header(headers, "x-lark-signature");
    const timestamp = header(headers, "x-lark-request-timestamp");
    const nonce = header(headers, "x-lark-request-nonce");
    if (signature !== undefined || timestamp !== undefined || nonce !== undefined) {
      if (!signature || timestamp === undefined || nonce === undefined) return { ok: false, status: 401, reason: "incomplete signature headers" };
      if (!sameSecret(feishuSignature(timestamp, nonce, options.encryptKey, rawBody), signature)) {
        return { ok: false, status: 401, reason: "signature mismatch" };
      }
      signed = true;
    }
    try {
      envelope = JSON.parse(new AESCipher(options.encryptKey).decrypt(encrypted)) as FeishuEnvelope;
    } catch {
      return { ok: false, status: 401, reason: "body does not decrypt with the encrypt key" };
    }
    if (!envelope || typeof envelope !== "object") return { ok: false, status: 401, reason: "decrypted body is not an object" };
    // The console's URL check is the one request that may come unsigned; everything that acts
    // must be signed.
    if (!signed && envelope.type !== "url_verification") return { ok: false, status: 401, reason: "unsigned request" };
  } else {
    if (typeof encrypted === "string") return { ok: false, status: 400, reason: "encrypted body but FEISHU_ENCRYPT_KEY is not set" };
    envelope = body as FeishuEnvelope;
  }

  const token = tokenOf(envelope);
  if (token === undefined || !sameSecret(token, options.verificationToken)) {
    return { ok: false, status: 401, reason: "verification token mismatch" };
  }
  return { ok: true, envelope };
}
