// What arrives at POST /slack/events before Bolt sees it, as pure functions: Slack's escaping of
// the text users typed, the request's age in either direction, and which callback types Bolt
// dispatches at all.
//
// - docs.slack.dev "Formatting text for app surfaces" (escaping): Slack sends `&`, `<` and `>`
//   typed by a user as `&amp;`, `&lt;` and `&gt;` (in slash command text and message events), so
//   that a raw `<` only ever starts one of its own control sequences (`<@U…>`, `<#C…|name>`).
// - docs.slack.dev "Verifying requests from Slack": compare the absolute difference between the
//   request timestamp and the local time with five minutes; Bolt's verifier only refuses the past.
// - Callback types Slack POSTs to the request URL besides events and interactions
//   (app_rate_limited, and whatever Slack adds later) have no listener in Bolt: it never acks
//   them and its receiver answers 404 after 3 s. Slack may disable event subscriptions of an app
//   that fails more than 5 % of deliveries in an hour, so those are answered 200 at once.

/** Turns Slack's escapes of user-typed characters back into the characters. */
export function decodeSlackText(text: string): string {
  // &amp; last, so "&amp;lt;" (a typed "&lt;") becomes "&lt;", not "<".
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Slack's tolerance for the X-Slack-Request-Timestamp, in seconds, in either direction. */
export const SLACK_TIMESTAMP_TOLERANCE_S = 5 * 60;

/** True when the request timestamp (seconds) is within five minutes of now, before or after. */
export function timestampIsFresh(timestampHeader: string | undefined, nowMs: number): boolean {
  if (timestampHeader === undefined || !/^\d+$/.test(timestampHeader)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - Number(timestampHeader)) <= SLACK_TIMESTAMP_TOLERANCE_S;
}

// The body types Bolt's App.processEvent routes to listeners (or answers itself).
const DISPATCHED_TYPES = new Set([
  "event_callback",
  "url_verification",
  "block_actions",
  "block_suggestion",
  "interactive_message",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "dialog_submission",
  "dialog_cancellation",
  "dialog_suggestion",
  "workflow_step_edit",
]);

/**
 * The type of a callback Bolt would leave unanswered, or undefined when Bolt handles it
 * (commands, interactions, events, ssl_check).
 */
export function undispatchedCallbackType(rawBody: string, contentType: string | undefined): string | undefined {
  let body: unknown;
  try {
    if (contentType === "application/x-www-form-urlencoded") {
      const form = new URLSearchParams(rawBody);
      if (form.has("command") || form.get("ssl_check") === "1") return undefined;
      const payload = form.get("payload");
      if (payload === null) return "unknown";
      body = JSON.parse(payload);
    } else {
      body = JSON.parse(rawBody);
    }
  } catch {
    // Malformed bodies are Bolt's to refuse (400).
    return undefined;
  }
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== "string") return "unknown";
  return DISPATCHED_TYPES.has(type) ? undefined : type;
}
