// How old a Feishu event or card callback may be when it arrives. A correctly signed event is
// only safe to act on while its de-duplication claim (ProcessedEvent) still exists: once the
// claim is pruned, a captured event replayed later would run again.
//
// Feishu pushes an event again when our answer is late, after 15 s, 5 min, 1 h and 6 h (at most
// 4 retries), and says to treat repeats "within about 7.1 hours" by event_id (open.feishu.cn,
// "将事件发送至开发者服务器"). A retry is the same event: header.create_time stays the creation time
// of the event, while X-Lark-Request-Timestamp is the time of each push (part of the signed
// bytes, but not documented as such for retries and absent on the long connection). So the age
// is measured from header.create_time, which is inside the encrypted, signed envelope and means
// the same on HTTP and the long connection.
//
// The window is one day: well beyond Feishu's last retry (~7.1 h, plus clock skew), well inside
// the 7 days claims are kept (scheduler/coordination.ts CLAIM_RETENTION_MS), so every event we
// accept still finds its claim if it was seen before.

/** Events and card callbacks created longer ago than this are refused (nothing runs, nothing is written). */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60_000;
/** Feishu's clock may run a little ahead of ours. */
export const MAX_EVENT_CLOCK_SKEW_MS = 5 * 60_000;

export type EventAgeVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The verdict on an SDK-parsed event (header and event merged, so header.create_time is
 * `create_time`, milliseconds as a string). An event without a creation time is refused: every
 * schema 2.0 event and callback carries one.
 */
export function checkEventAge(event: unknown, now: Date): EventAgeVerdict {
  const raw = (event as { create_time?: unknown } | null)?.create_time;
  const created = typeof raw === "string" && /^\d{10,16}$/.test(raw) ? Number(raw) : typeof raw === "number" ? raw : NaN;
  if (!Number.isFinite(created)) return { ok: false, reason: "event without create_time" };
  const age = now.getTime() - created;
  if (age > MAX_EVENT_AGE_MS) return { ok: false, reason: `event created ${Math.round(age / 3_600_000)} h ago` };
  if (age < -MAX_EVENT_CLOCK_SKEW_MS) return { ok: false, reason: "event created in the future" };
  return { ok: true };
}
