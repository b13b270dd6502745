// Slack re-sends an Events API request it thinks failed (X-Slack-Retry-Num) and a flaky network can
// deliver one interaction twice; either must act once. The claim itself is
// ../shared/delivery-claims.ts; this file says which key identifies one Slack delivery.
import { createHash } from "node:crypto";

interface SlackBodyShape {
  type?: string;
  event_id?: string;
  trigger_id?: string;
  team_id?: string;
  team?: { id?: string } | null;
  user?: { team_id?: string } | null;
}

/**
 * The de-duplication key of one Slack delivery: the event id for Events API callbacks, else the
 * trigger_id every command and interaction carries (new per click, identical on a re-delivery),
 * else a hash of the whole body.
 */
export function deliveryKey(body: unknown): string {
  const b = (body ?? {}) as SlackBodyShape;
  const team = b.team_id ?? b.team?.id ?? b.user?.team_id ?? "-";
  if (b.type === "event_callback" && b.event_id) return `event:${team}:${b.event_id}`;
  if (b.trigger_id) return `retry:${team}:${b.trigger_id}`;
  return `retry:${team}:${createHash("sha256").update(JSON.stringify(body ?? null)).digest("hex")}`;
}
