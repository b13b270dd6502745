// Feishu delivers events at least once and re-sends one it thinks failed (about 15 s, 5 min, 1 h
// and 6 h later), and its long connection hands each event to one random instance: each
// event_id, and each message_id (a message can come back under a new event), must act once. The
// claim itself is ../shared/delivery-claims.ts; these are the keys of one Feishu delivery.

export const eventKey = (eventId: string) => `event:${eventId}`;
export const messageKey = (messageId: string) => `message:${messageId}`;
