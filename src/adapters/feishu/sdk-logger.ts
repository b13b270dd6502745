// node-sdk logs through its own Logger interface (loose arguments: strings, axios errors,
// objects); this hands its lines to our pino logger, with pino's redaction, instead of the
// console. The client logs every failed request at "error" although Accord classifies and retries
// them itself (api.ts), so its errors arrive here as warnings.
import type { Logger as LarkLogger } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../logger.js";

function text(parts: unknown[]): string {
  return parts
    .map((part) => {
      // axios errors (a failed open API call) describe themselves with toJSON: status, method, URL,
      // and the request headers, Authorization included; the logger's last pass over the line
      // (scrubLogLine) takes the token out, the rest is what an operator needs.
      if (part instanceof Error) {
        const toJSON = (part as { toJSON?: () => unknown }).toJSON;
        if (typeof toJSON !== "function") return part.message;
        try {
          return JSON.stringify(toJSON.call(part));
        } catch {
          return part.message;
        }
      }
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
