// node-sdk logs through its own Logger interface (loose arguments: strings, axios errors,
// objects); this hands its lines to our pino logger, with pino's redaction, instead of the
// console. The client logs every failed request at "error" although Accord classifies and retries
// them itself (api.ts), so its errors arrive here as warnings.
import type { Logger as LarkLogger } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../logger.js";

function text(parts: unknown[]): string {
  return parts
    .map((part) => {
      if (part instanceof Error) return part.message;
      if (typeof part === "string") return part;
      try {
        return JSON.stringify(part);
      } catch {
        return String(part);
      }
    })
    .join(" ")
    .slice(0, 2_000);
}

export function larkLogger(logger: Logger): LarkLogger {
  const child = logger.child({ component: "feishu-sdk" });
  return {
    error: (...parts: unknown[]) => child.warn(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    info: (...parts: unknown[]) => child.debug(text(parts)),
    debug: (...parts: unknown[]) => child.trace(text(parts)),
    trace: (...parts: unknown[]) => child.trace(text(parts)),
  };
}
