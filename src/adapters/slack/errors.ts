// Classifies what @slack/web-api throws into what the outbox worker and our logs need: is it worth
// retrying, after how long, and a short text naming the Web API method. Slack answers almost every
// client mistake with HTTP 200 and ok:false (api.slack.com/web#evaluating_responses), so the error
// string decides; HTTP statuses other than 200 and 429 are infrastructure trouble and transient.
import { webApi } from "@slack/bolt";

export interface SlackFailure {
  method: string;
  /** Slack's error string ("channel_not_found"), "http_503", "ratelimited", "request_failed"… */
  code: string;
  permanent: boolean;
  retryAfterMs?: number;
  /** "chat.postMessage: channel_not_found", for logs and OutboxMessage.lastError. */
  description: string;
}

// ok:false answers that say "not now" rather than "never" (docs.slack.dev method pages, Errors).
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

export function classifySlackError(method: string, err: unknown): SlackFailure {
  const make = (code: string, permanent: boolean, retryAfterMs?: number): SlackFailure => ({
    method,
    code,
    permanent,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    description: `${method}: ${code}${retryAfterMs !== undefined ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ""}`,
  });
  if (err instanceof webApi.WebAPIRateLimitedError) return make("ratelimited", false, err.retryAfter * 1000);
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = typeof err.data?.error === "string" ? err.data.error : "unknown_error";
    return make(code, !TRANSIENT_PLATFORM_ERRORS.has(code));
  }
  if (err instanceof webApi.WebAPIHTTPError) return make(`http_${err.statusCode}`, false);
  if (err instanceof webApi.WebAPIRequestError) return make("request_failed", false);
  const message = err instanceof Error ? err.message : String(err);
  return make(message.slice(0, 200) || "unknown_error", false);
}
