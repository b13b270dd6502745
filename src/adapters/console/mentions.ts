// `@刘洋` typed in the console: the console has no people picker, so a mention is a member's
// display name, resolved here against the demo tenant's members into the mention table the
// grammar reads (the role Feishu's @_user_1 keys play). Two members of that name: the console
// asks which one before the command runs.
import type { MentionTable } from "../../conversation/grammar/values.js";

export interface MentionCandidate {
  platformUserId: string;
  name: string;
}

export type MentionResolution<M extends MentionCandidate> =
  | { kind: "ready"; mentions: MentionTable }
  | { kind: "choose"; query: string; candidates: M[]; resolved: MentionTable };

// A Slack-style <@U…> is already an id; only bare @name words are names.
const MENTION = /(?:^|\s)[@＠]([^\s@＠<>]+)/g;

/** Resolves every `@name` of `text` not yet in `resolved`; stops at the first one that needs a choice. */
export function resolveMentions<M extends MentionCandidate>(text: string, members: readonly M[], resolved: MentionTable = {}): MentionResolution<M> {
  const mentions: MentionTable = { ...resolved };
  for (const match of text.matchAll(MENTION)) {
    const query = match[1]!;
    const key = `@${query}`;
    if (mentions[key]) continue;
    const q = query.toLowerCase();
    const exact = members.filter((m) => m.name.toLowerCase() === q || m.platformUserId.toLowerCase() === q);
    const matches = exact.length > 0 ? exact : members.filter((m) => m.name.toLowerCase().startsWith(q));
    if (matches.length === 1) mentions[key] = { platformUserId: matches[0]!.platformUserId, name: matches[0]!.name };
    else if (matches.length > 1) return { kind: "choose", query, candidates: matches, resolved: mentions };
    // No one of that name: left to the grammar, which says the mention is unknown.
  }
  return { kind: "ready", mentions };
}
