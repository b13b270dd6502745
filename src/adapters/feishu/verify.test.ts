import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { feishuSignature, tokenOf, verifyFeishuRequest } from "./verify.js";

const KEY = "test-encrypt-key";
const TOKEN = "verification-token";

function encrypt(plaintext: string, key = KEY): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", createHash("sha256").update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

function signed(envelope: object, options: { key?: string; signWith?: string } = {}) {
  const raw = JSON.stringify({ encrypt: encrypt(JSON.stringify(envelope), options.key) });
  const timestamp = "1718000000";
  const nonce = "n0nce";
  return {
    raw,
    headers: {
      "x-lark-request-timestamp": timestamp,
      "x-lark-request-nonce": nonce,
      "x-lark-signature": feishuSignature(timestamp, nonce, options.signWith ?? KEY, raw),
    },
  };
}

const event = { schema: "2.0", header: { event_id: "e1", token: TOKEN, event_type: "im.message.receive_v1" }, event: { x: 1 } };

describe("verifyFeishuRequest with an encrypt key", () => {
  it("accepts a signed, encrypted event and returns it decrypted", () => {
    const { raw, headers } = signed(event);
    expect(verifyFeishuRequest(raw, headers, { verificationToken: TOKEN, encryptKey: KEY })).toEqual({ ok: true, envelope: event });
  });

  it("refuses a body changed after signing", () => {
    const { raw, headers } = signed(event);
    const other = JSON.stringify({ encrypt: encrypt(JSON.stringify(event)) });
    expect(verifyFeishuRequest(other, headers, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, status: 401, reason: "signature mismatch" });
    expect(verifyFeishuRequest(raw, { ...headers, "x-lark-request-nonce": "other" }, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, reason: "signature mismatch" });
  });

  it("refuses a signature made with another key, and a body encrypted with another key", () => {
    const wrongSigner = signed(event, { signWith: "other" });
    expect(verifyFeishuRequest(wrongSigner.raw, wrongSigner.headers, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, status: 401 });
    const wrongCipher = signed(event, { key: "other" });
    expect(verifyFeishuRequest(wrongCipher.raw, wrongCipher.headers, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses a correctly signed event carrying the wrong verification token", () => {
    const { raw, headers } = signed({ ...event, header: { ...event.header, token: "nope" } });
    expect(verifyFeishuRequest(raw, headers, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, reason: "verification token mismatch" });
  });

  it("accepts an unsigned URL verification but no other unsigned request, nor a plain body", () => {
    const challenge = { challenge: "c", token: TOKEN, type: "url_verification" };
    const raw = JSON.stringify({ encrypt: encrypt(JSON.stringify(challenge)) });
    expect(verifyFeishuRequest(raw, {}, { verificationToken: TOKEN, encryptKey: KEY })).toEqual({ ok: true, envelope: challenge });
    const unsignedEvent = JSON.stringify({ encrypt: encrypt(JSON.stringify(event)) });
    expect(verifyFeishuRequest(unsignedEvent, {}, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, reason: "unsigned request" });
    expect(verifyFeishuRequest(JSON.stringify(event), {}, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, status: 401 });
    const partial = signed(event);
    expect(verifyFeishuRequest(partial.raw, { "x-lark-signature": partial.headers["x-lark-signature"] }, { verificationToken: TOKEN, encryptKey: KEY })).toMatchObject({ ok: false, reason: "incomplete signature headers" });
  });
});

describe("verifyFeishuRequest without an encrypt key", () => {
  it("checks the token of plain envelopes, wherever the schema puts it", () => {
    expect(verifyFeishuRequest(JSON.stringify(event), {}, { verificationToken: TOKEN })).toEqual({ ok: true, envelope: event });
    const v1 = { uuid: "u", token: TOKEN, type: "event_callback", event: {} };
    expect(verifyFeishuRequest(JSON.stringify(v1), {}, { verificationToken: TOKEN })).toEqual({ ok: true, envelope: v1 });
    expect(verifyFeishuRequest(JSON.stringify({ ...v1, token: "x" }), {}, { verificationToken: TOKEN })).toMatchObject({ ok: false, status: 401 });
    expect(verifyFeishuRequest(JSON.stringify({ schema: "2.0", header: {} }), {}, { verificationToken: TOKEN })).toMatchObject({ ok: false, status: 401 });
  });

  it("answers 400 to what is not a JSON object or is encrypted", () => {
    expect(verifyFeishuRequest("nope", {}, { verificationToken: TOKEN })).toMatchObject({ ok: false, status: 400 });
    expect(verifyFeishuRequest("[1]", {}, { verificationToken: TOKEN })).toMatchObject({ ok: false, status: 400 });
    expect(verifyFeishuRequest(JSON.stringify({ encrypt: "abc" }), {}, { verificationToken: TOKEN })).toMatchObject({ ok: false, status: 400 });
  });

  it("reads the token from header.token in schema 2.0 and from the top otherwise", () => {
    expect(tokenOf({ schema: "2.0", header: { token: "a" }, token: "b" })).toBe("a");
    expect(tokenOf({ token: "b" })).toBe("b");
    expect(tokenOf({ schema: "2.0" })).toBeUndefined();
  });
});
