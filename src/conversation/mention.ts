// A member named in a notification, as a reference the platform renderers turn into a mention
// that notifies and stays current (Slack <@U…>, Feishu <at id=ou_…></at>); the console and
// every plain-text rendering (toasts, summaries) show the display name.
import type { Session } from "./session.js";
import { personRef } from "./views/view.js";

/** `member` as a mention on the session's platform, or their plain name when they have no identity there. */
export async function mentionOf(session: Session, member: { id: string; name: string }): Promise<string> {
  const platformUserId = await session.platformUserIdOf(member.id);
  return platformUserId ? personRef(platformUserId, member.name) : member.name;
}
