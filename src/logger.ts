import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { censorContactDetails } from "./core/shared/masking.js";

export type { Logger };

// Secrets and personal data that must never reach a log line, wherever they appear.
const REDACT_PATHS = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "appToken",
  "*.appToken",
  "signingSecret",
  "*.signingSecret",
  "appSecret",
  "*.appSecret",
  "encryptKey",
  "*.encryptKey",
  "verificationToken",
  "*.verificationToken",
  "password",
  "*.password",
  "phone",
  "*.phone",
  "headers.authorization",
  "*.headers.authorization",
  "databaseUrl",
  "*.databaseUrl",
];

const CENSOR = "[redacted]";

// Paths only cover fields we know of; a token or a phone number can also arrive inside free text
// (an SDK's error message, the text of a failed command, a stack trace), so every string is
// scanned as well. Slack tokens: xoxb-/xoxp-/xoxa-/xoxe-… and app-level xapp-; Chinese mobile
// numbers: 11 digits starting 13–19, also written 3-4-4 with spaces or dashes.
const PATTERNS: readonly RegExp[] = [/\bxox[a-z]-[A-Za-z0-9-]+/g, /\bxapp-[A-Za-z0-9-]+/g, /(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g];

// Shorter configured values cannot be told apart from ordinary words; masking them would mangle
// every line without protecting much.
const MIN_SECRET_LENGTH = 4;
// Log objects are diagnostics, not data: nesting deeper than this is cut rather than walked.
const MAX_DEPTH = 8;

export interface LoggerOptions {
  /**
   * Configured secret values (signing secret, tokens, encrypt key, the database password): masked
   * literally wherever they appear in a line.
   */
  secrets?: ReadonlyArray<string | undefined>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every token, phone number and configured secret in `text`. */
export type Scrubber = (text: string) => string;

export function createScrubber(secrets: ReadonlyArray<string | undefined> = []): Scrubber {
  const literals = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    literals.add(secret);
    // A password taken from a URL may also be logged in its URL-encoded spelling.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) literals.add(encoded);
  }
  // Longest first, so a secret containing another is masked whole.
  const ordered = [...literals].sort((a, b) => b.length - a.length);
  const secretPattern = ordered.length > 0 ? new RegExp(ordered.map(escapeRegExp).join("|"), "g") : undefined;
  return (text) => {
    let out = secretPattern ? text.replace(secretPattern, CENSOR) : text;
    for (const pattern of PATTERNS) out = out.replace(pattern, CENSOR);
    return out;
  };
}

/** The password of a postgresql:// URL (decoded), to be passed among the secrets. */
export function databasePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** A scrubbed copy of a log value: strings masked, errors flattened the way pino prints them. */
function scrubValue(value: unknown, scrub: Scrubber, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return scrub(value);
  if (typeof value === "number") return Number.isInteger(value) && scrub(String(value)) !== String(value) ? CENSOR : value;
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[…]";
  seen.add(value);
  try {
    if (value instanceof Error) return scrubError(value, scrub, depth, seen);
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub, depth + 1, seen));
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return scrubValue(toJSON.call(value), scrub, depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = scrubValue(item, scrub, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A copy of an error with the same prototype (so pino's err serializer still prints its type)
 * whose message, stack, cause and own fields are scrubbed.
 */
function scrubError(error: Error, scrub: Scrubber, depth: number, seen: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  // defineProperty, not assignment: some error classes have getter-only message or name.
  const set = (key: string, value: unknown) => Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, item] of Object.entries(error)) set(key, scrubValue(item, scrub, depth + 1, seen));
  set("message", scrub(error.message));
  if (error.stack) set("stack", scrub(error.stack));
  if (error.cause !== undefined) set("cause", scrubValue(error.cause, scrub, depth + 1, seen));
  if (error instanceof AggregateError) set("errors", scrubValue(error.errors, scrub, depth + 1, seen));
  return copy;
}

// Where a logger keeps its per-request fields; a symbol so it never shows up in a line.
const REQUEST_FIELDS = Symbol("accord.requestFields");

type RequestFields = Record<string, unknown>;

function requestScopeOf(logger: Logger): AsyncLocalStorage<RequestFields> | undefined {
  // Children are created with Object.create(parent), so the root's scope is found through them.
  return (logger as unknown as { [REQUEST_FIELDS]?: AsyncLocalStorage<RequestFields> })[REQUEST_FIELDS];
}

/**
 * Runs `work` so that every line logged meanwhile through `logger` or any of its children —
 * including the SDKs' lines and work that goes on after the HTTP answer — carries `fields`
 * (requestId, tenant, platform) on top of those of an enclosing call. A requestId is generated
 * when none is set yet (Socket Mode, Feishu's long connection).
 */
export function withRequestLog<T>(logger: Logger, fields: RequestFields, work: () => T): T {
  const scope = requestScopeOf(logger);
  if (!scope) return work();
  const merged: RequestFields = { ...scope.getStore() };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== "") merged[key] = value;
  merged.requestId ??= randomUUID();
  return scope.run(merged, work);
}

// What can only be recognised on the whole serialized line, whatever field or message carries it
// (an SDK's error printed as JSON text, a header map inside a string): credentials by their
// shape, values of credential-named keys, and contact details (core/shared/masking.ts's rule).
// Every replacement keeps the JSON valid: no pattern consumes a quote or a backslash.
const LINE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization: Bearer <token> / Basic <credentials>, in headers, messages and JSON.
  [/\b(Bearer|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]+/gi, `$1 ${CENSOR}`],
  [/(authorization\\?"?\s*[:=]\s*\\?"?)(?!Bearer\b|Basic\b|\[redacted\])[^"\\,}\s]+/gi, `$1${CENSOR}`],
  // Slack bot/user/app tokens.
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, CENSOR],
  [/\bxapp-[A-Za-z0-9-]+/g, CENSOR],
  // Feishu tenant (t-), user (u-) and app (a-) access tokens: a long run of letters and digits.
  [/(?<![A-Za-z0-9_-])[tua]-(?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{20,}/g, CENSOR],
  // Values of keys that name a credential, in JSON and in JSON printed inside a string.
  [
    /(\\?"(?:app_?secret|signing_?secret|encrypt_?key|verification_?token|client_?secret|(?:app|tenant|user)_access_token|access_?token|refresh_?token|password|secret)\\?"\s*:\s*\\?")(?!\[redacted\])[^"\\]+/gi,
    `$1${CENSOR}`,
  ],
];

/** Redacts credentials and contact details anywhere in one serialized log line. */
export function scrubLogLine(line: string): string {
  let out = line;
  for (const [pattern, replacement] of LINE_PATTERNS) out = out.replace(pattern, replacement);
  return censorContactDetails(out, CENSOR);
}

/** `destination` behind a last pass over each serialized line. */
function scrubbingDestination(destination: NodeJS.WritableStream, scrub: Scrubber): NodeJS.WritableStream {
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      destination.write(scrubLogLine(scrub(text)));
      done();
    },
  });
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(options.secrets);
  const scope = new AsyncLocalStorage<RequestFields>();
  const clean = (value: unknown) => scrubValue(value, scrub, 0, new WeakSet());
  const logger = pino(
    {
      level,
      base: { service: "accord" },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A copy: pino merges the line's own fields into the object the mixin returns.
      mixin: () => ({ ...scope.getStore() }),
      formatters: {
        // Runs before the serializers and the path redaction, on the line's merged fields.
        log: (fields) => clean(fields) as Record<string, unknown>,
        bindings: (bindings) => clean(bindings) as Record<string, unknown>,
      },
      hooks: {
        // The message (and any printf-style argument) never reaches formatters.log.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (first === null || typeof first !== "object") return method.apply(this, args.map(clean) as Parameters<typeof method>);
          // pino takes a missing message from the error as is; hand it one that is already scrubbed.
          const fields = first instanceof Error ? { err: first } : (first as Record<string, unknown>);
          const err = fields.err;
          if (typeof rest[0] !== "string" && err instanceof Error) rest.unshift(err.message);
          return method.apply(this, [fields, ...rest.map(clean)] as Parameters<typeof method>);
        },
      },
    },
    scrubbingDestination(destination ?? process.stdout, scrub),
  );
  Object.defineProperty(logger, REQUEST_FIELDS, { value: scope, enumerable: false });
  // pino applies formatters.bindings to the root only; children (found through the prototype
  // chain, grandchildren too) get their bindings scrubbed here.
  const child = logger.child;
  Object.defineProperty(logger, "child", {
    value: function scrubbedChild(this: Logger, bindings: Record<string, unknown>, childOptions?: Parameters<Logger["child"]>[1]) {
      return child.call(this, clean(bindings) as Record<string, unknown>, childOptions);
    },
  });
  return logger;
}
