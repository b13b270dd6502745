import { describe, expect, it } from "vitest";
import {
  buttonExpiry,
  decodeButtonPayload,
  encodeButtonPayload,
  MAX_BUTTON_TTL_MS,
  MAX_ENCODED_PAYLOAD_LENGTH,
  type ButtonPayload,
} from "./payload.js";

const NOW = new Date("2026-11-23T01:00:00Z");
const EXPIRES = new Date("2026-11-24T01:00:00Z");
const STEP = "c2f4e6a8-1b3d-4f5a-9c7e-2d4b6a8c0e13";
const MEMBER = "0b7d0c55-5f0e-4bd4-9d43-8a1c6d1f2e01";

describe("encodeButtonPayload / decodeButtonPayload", () => {
  it("round-trips ids, version, expiry, member and args", () => {
    const payload: ButtonPayload = { entityId: STEP, version: 3, expiresAt: EXPIRES, memberId: MEMBER, args: { days: 3, on: "2026-11-26", ok: true } };
    const decoded = decodeButtonPayload(encodeButtonPayload(payload), { now: NOW, memberId: MEMBER });
    expect(decoded).toEqual({ ok: true, payload });
  });

  it("keeps the expiry to whole seconds (rounding down, never extending it)", () => {
    const encoded = encodeButtonPayload({ expiresAt: new Date("2026-11-24T01:00:00.999Z") });
    const decoded = decodeButtonPayload(encoded, { now: NOW });
    expect(decoded.ok && decoded.payload.expiresAt.toISOString()).toBe("2026-11-24T01:00:00.000Z");
  });

  it("is compact: short keys, nothing absent is written", () => {
    expect(encodeButtonPayload({ entityId: "abc", expiresAt: EXPIRES })).toBe('{"f":1,"e":"abc","x":1795482000}');
  });

  it("stays under 512 characters even with every field at its maximum, far below Slack's 2000", () => {
    const longest = encodeButtonPayload({
      entityId: "e".repeat(40),
      version: 2_147_483_647,
      expiresAt: new Date(99_999_999_999 * 1000),
      memberId: "m".repeat(40),
      args: {
        aaaaaaaaaaaaaaaa: "x".repeat(40),
        bbbbbbbbbbbbbbbb: "y".repeat(40),
        cccccccccccccccc: "z".repeat(40),
        dddddddddddddddd: "w".repeat(40),
      },
    });
    expect(longest.length).toBeLessThanOrEqual(MAX_ENCODED_PAYLOAD_LENGTH);
    expect(MAX_ENCODED_PAYLOAD_LENGTH).toBeLessThan(2000);
    expect(decodeButtonPayload(longest, { now: NOW }).ok).toBe(true);
  });

  it("refuses to carry names, e-mail addresses or free text", () => {
    expect(() => encodeButtonPayload({ expiresAt: EXPIRES, args: { name: "Zhang Wei" } })).toThrow();
    expect(() => encodeButtonPayload({ expiresAt: EXPIRES, args: { email: "zhang@example.com" } })).toThrow();
    expect(() => encodeButtonPayload({ expiresAt: EXPIRES, entityId: "华东机电" })).toThrow();
    expect(() => encodeButtonPayload({ expiresAt: EXPIRES, args: { a: 1, b: 2, c: 3, d: 4, e: 5 } })).toThrow();
    expect(() => encodeButtonPayload({ expiresAt: EXPIRES, entityId: "x".repeat(41) })).toThrow();
  });

  it("refuses a click at the expiry instant and accepts one a second before", () => {
    const encoded = encodeButtonPayload({ entityId: STEP, expiresAt: EXPIRES });
    expect(decodeButtonPayload(encoded, { now: EXPIRES })).toEqual({ ok: false, reason: "expired", code: "button.expired" });
    expect(decodeButtonPayload(encoded, { now: new Date(EXPIRES.getTime() - 1000) }).ok).toBe(true);
  });

  it("refuses a click by anyone but the member the button was made for", () => {
    const encoded = encodeButtonPayload({ entityId: STEP, expiresAt: EXPIRES, memberId: MEMBER });
    expect(decodeButtonPayload(encoded, { now: NOW, memberId: "someone-else" })).toEqual({
      ok: false,
      reason: "not_yours",
      code: "button.not_yours",
    });
    // Without a named member anyone may click; the core still checks who may act.
    expect(decodeButtonPayload(encodeButtonPayload({ expiresAt: EXPIRES }), { now: NOW, memberId: "x" }).ok).toBe(true);
  });

  it.each([
    ["not a string", 42],
    ["empty", ""],
    ["not JSON", "approve:123"],
    ["JSON of the wrong shape", '{"e":"abc"}'],
    ["an unknown format version", '{"f":2,"x":1795482000}'],
    ["an unexpected key", '{"f":1,"x":1795482000,"name":"Zhang Wei"}'],
    ["a bad id", '{"f":1,"e":"a b","x":1795482000}'],
    ["oversized", `{"f":1,"x":1795482000,"e":"${"a".repeat(600)}"}`],
  ])("reports %s as malformed without throwing", (_, raw) => {
    expect(decodeButtonPayload(raw, { now: NOW })).toEqual({ ok: false, reason: "malformed", code: "button.malformed" });
  });

  it("caps button expiry at Feishu's 14-day interactive window", () => {
    expect(buttonExpiry(NOW, 60_000).getTime()).toBe(NOW.getTime() + 60_000);
    expect(buttonExpiry(NOW, 30 * 86_400_000).getTime()).toBe(NOW.getTime() + MAX_BUTTON_TTL_MS);
  });
});
