// Help as structured data (the view layer renders it): titles, usage lines, descriptions and
// examples come from the help catalog in the member's language; examples show both the English
// and the Chinese command forms because both work everywhere.
import { hasMessage, t } from "../i18n/index.js";
import type { Locale } from "../i18n/catalog/types.js";
import { helpTopicIds, type HelpTopicId } from "./commands.js";

export interface HelpExample {
  command: string;
  note: string;
}

export interface HelpTopic {
  id: HelpTopicId;
  title: string;
  usage: string[];
  description: string;
  examples: HelpExample[];
}

export interface HelpOverview {
  title: string;
  intro: string;
  topics: HelpTopic[];
  footer: string;
}

/** Topics that stand for a family of commands: their help lists every member's usage. */
const CHILDREN: Partial<Record<HelpTopicId, readonly HelpTopicId[]>> = {
  customer: ["customer.add", "customer.assign", "customer.tier"],
  admin: ["admin.role", "admin.supervisor", "admin.channel", "admin.settings", "admin.calendar", "admin.region"],
};

const MAX_EXAMPLES = 9;

function ownUsage(locale: Locale, id: HelpTopicId): string[] {
  const key = `help.${id}.usage`;
  return hasMessage(key) ? [t(locale, key)] : [];
}

/** The correct usage of one command (with its family's forms for "customer" and "admin"), or of every command. */
export function usageLines(locale: Locale, id?: HelpTopicId): string[] {
  if (!id) return leafTopicIds().flatMap((leaf) => ownUsage(locale, leaf));
  return [...ownUsage(locale, id), ...(CHILDREN[id] ?? []).flatMap((child) => ownUsage(locale, child))];
}

export function helpTopic(locale: Locale, id: HelpTopicId): HelpTopic {
  const examples: HelpExample[] = [];
  for (let n = 1; n <= MAX_EXAMPLES && hasMessage(`help.${id}.example.${n}.command`); n++) {
    examples.push({
      command: t(locale, `help.${id}.example.${n}.command`),
      note: t(locale, `help.${id}.example.${n}.note`),
    });
  }
  return {
    id,
    title: t(locale, `help.${id}.title`),
    usage: usageLines(locale, id),
    description: t(locale, `help.${id}.description`),
    examples,
  };
}

/** Every command with its own usage line, in the order of DESIGN §3's table. */
export function helpTopics(locale: Locale): HelpTopic[] {
  return leafTopicIds().map((id) => helpTopic(locale, id));
}

export function helpOverview(locale: Locale): HelpOverview {
  return {
    title: t(locale, "help.overview.title"),
    intro: t(locale, "help.overview.intro"),
    topics: helpTopics(locale),
    footer: t(locale, "help.overview.footer"),
  };
}

function leafTopicIds(): HelpTopicId[] {
  return helpTopicIds.filter((id) => hasMessage(`help.${id}.usage`));
}
