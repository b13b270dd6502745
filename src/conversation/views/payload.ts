// Button payloads: what a button (or a form's hidden state) carries back to us on a click.
// Compact, ids only — never names, phone numbers or e-mails, because a card can be forwarded and
// platforms log these values. Per CONVENTIONS a payload carries the version of the card it was
// rendered from (a stale card is refused), an expiry, and the only member allowed to act.
// Decoding is a first filter at the edge; the core re-authorizes every click anyway, so the
// payload is not signed: it grants nothing by itself.
import { z } from "zod";

/** A string made by encodeButtonPayload; the brand keeps hand-built strings out of views. */
export type EncodedButtonPayload = string & { readonly __brand: "EncodedButtonPayload" };

export interface ButtonPayload {
  /** The record the button acts on (an approval step, a callback, a customer…). */
  entityId?: string;
  /** The record's version when the card was rendered (stale-card detection). */
  version?: number;
  /** The click is refused from this instant on (kept to whole seconds). */
  expiresAt: Date;
  /** The only member allowed to act on this button; absent when anyone authorised may. */
  memberId?: string;
  /** A few small extra arguments: ids, codes, ISO dates, numbers ("days": 3). */
  args?: Record<string, string | number | boolean>;
}

// Feishu 2.0 cards stay interactive for 14 days (card-json-v2-breaking-changes-release-notes),
// so a longer expiry would never be reachable there.
export const MAX_BUTTON_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * The longest encoded payload the schema below admits (proved in payload.test.ts). Slack allows
 * 2000 characters in a button value and 3000 in private_metadata; Feishu documents no number
 * for a callback value, so we stay an order of magnitude below both.
 */
export const MAX_ENCODED_PAYLOAD_LENGTH = 512;

const FORMAT = 1;
const ID = /^[A-Za-z0-9_-]{1,40}$/;
const ARG_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,15}$/;
// Ids, codes, ISO dates, "+3d": no spaces or "@", so no names or e-mail addresses fit.
const ARG_TEXT = /^[A-Za-z0-9_:.+-]{0,40}$/;
const MAX_ARGS = 4;

const id = z.string().regex(ID);
const argValue = z.union([
  z.string().regex(ARG_TEXT),
  z
    .number()
    .int()
    .min(-(10 ** 12))
    .max(10 ** 12),
  z.boolean(),
]);
const args = z
  .record(z.string().regex(ARG_KEY), argValue)
  .refine((value) => Object.keys(value).length <= MAX_ARGS, { message: "too many args" });

/** The wire shape, with one-letter keys to stay small. */
const wireSchema = z.strictObject({
  f: z.literal(FORMAT),
  e: id.optional(),
  v: z.number().int().min(0).max(2_147_483_647).optional(),
  x: z.number().int().min(0).max(99_999_999_999),
  m: id.optional(),
  g: args.optional(),
});

export const buttonPayloadSchema = z.strictObject({
  entityId: id.optional(),
  version: z.number().int().min(0).max(2_147_483_647).optional(),
  expiresAt: z.date(),
  memberId: id.optional(),
  args: args.optional(),
});

/** Throws (a programming error, not user input) when the payload breaks the schema. */
export function encodeButtonPayload(payload: ButtonPayload): EncodedButtonPayload {
  const parsed = buttonPayloadSchema.parse(payload);
  const wire: z.input<typeof wireSchema> = {
    f: FORMAT,
    ...(parsed.entityId !== undefined ? { e: parsed.entityId } : {}),
    ...(parsed.version !== undefined ? { v: parsed.version } : {}),
    x: Math.floor(parsed.expiresAt.getTime() / 1000),
    ...(parsed.memberId !== undefined ? { m: parsed.memberId } : {}),
    ...(parsed.args !== undefined && Object.keys(parsed.args).length > 0 ? { g: parsed.args } : {}),
  };
  return JSON.stringify(wireSchema.parse(wire)) as EncodedButtonPayload;
}

export type DecodeFailure = "malformed" | "expired" | "not_yours";

export type DecodeResult =
  | { ok: true; payload: ButtonPayload }
  | { ok: false; reason: DecodeFailure; code: `button.${DecodeFailure}` };

export interface DecodeOptions {
  now: Date;
  /** The member who clicked; refused when the payload names someone else. */
  memberId?: string;
}

/** Parses what a platform echoed back. Never throws: bad input is a typed result. */
export function decodeButtonPayload(raw: unknown, options: DecodeOptions): DecodeResult {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_ENCODED_PAYLOAD_LENGTH) {
    return failure("malformed");
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return failure("malformed");
  }
  const parsed = wireSchema.safeParse(json);
  if (!parsed.success) return failure("malformed");
  const wire = parsed.data;
  const payload: ButtonPayload = {
    ...(wire.e !== undefined ? { entityId: wire.e } : {}),
    ...(wire.v !== undefined ? { version: wire.v } : {}),
    expiresAt: new Date(wire.x * 1000),
    ...(wire.m !== undefined ? { memberId: wire.m } : {}),
    ...(wire.g !== undefined ? { args: wire.g } : {}),
  };
  if (options.now.getTime() >= payload.expiresAt.getTime()) return failure("expired");
  if (payload.memberId !== undefined && options.memberId !== undefined && payload.memberId !== options.memberId) {
    return failure("not_yours");
  }
  return { ok: true, payload };
}

function failure(reason: DecodeFailure): DecodeResult {
  return { ok: false, reason, code: `button.${reason}` };
}

/** The expiry for a button shown now, capped at what the platforms can still deliver. */
export function buttonExpiry(now: Date, ttlMs: number): Date {
  return new Date(now.getTime() + Math.min(ttlMs, MAX_BUTTON_TTL_MS));
}
