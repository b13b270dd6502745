// Bolt and @slack/web-api log through their own Logger interface; this hands their lines to our
// pino logger instead of the console. Only warnings and errors by default: their debug lines
// echo request bodies (tokens redacted by the SDK, user text not).
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../logger.js";

const ORDER: readonly LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

function describe(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part === "string") return part;
  try {
    return JSON.stringify(part);
  } catch {
    // Circular structures (request objects) are not worth a crash of the log call.
    return String(part);
  }
}

export function boltLogger(logger: Logger, initial: LogLevel = LogLevel.WARN): BoltLogger {
  let level = initial;
  let child = logger.child({ component: "slack-sdk" });
  const enabled = (at: LogLevel) => ORDER.indexOf(at) >= ORDER.indexOf(level);
  // Bolt passes loose arguments (strings, errors, objects); pino wants one message string.
  const text = (parts: unknown[]) => parts.map(describe).join(" ");
  return {
    debug: (...parts: unknown[]) => void (enabled(LogLevel.DEBUG) && child.debug(text(parts))),
    info: (...parts: unknown[]) => void (enabled(LogLevel.INFO) && child.info(text(parts))),
    warn: (...parts: unknown[]) => void (enabled(LogLevel.WARN) && child.warn(text(parts))),
    error: (...parts: unknown[]) => void (enabled(LogLevel.ERROR) && child.error(text(parts))),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: (name: string) => void (child = logger.child({ component: name })),
  };
}
