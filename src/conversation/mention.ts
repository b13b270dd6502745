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

/**
 * Several members' mentions at once (one query), keyed like `names` (member id -> display name);
 * a member without an identity on the session's platform keeps their name.
 */
export async function mentionsOf(session: Session, names: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  if (names.size === 0) return new Map();
  const identities = await session.deps.db.memberIdentity.findMany({
    where: { tenantId: session.tenant.id, memberId: { in: [...names.keys()] }, platform: session.platform },
    orderBy: { createdAt: "asc" },
    select: { memberId: true, platformUserId: true },
  });
  const first = new Map<string, string>();
  for (const i of identities) if (!first.has(i.memberId)) first.set(i.memberId, i.platformUserId);
  return new Map([...names].map(([id, name]) => [id, first.has(id) ? personRef(first.get(id)!, name) : name]));
}
