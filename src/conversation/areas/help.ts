// help / 帮助: the overview, or one command's usage, description and examples.
import type { ConversationArea } from "../area.js";
import { moreTemplate } from "../builders/common.js";
import { helpOverview, helpTopic } from "../grammar/index.js";
import { hasMessage } from "../i18n/index.js";
import type { Session } from "../session.js";
import type { View } from "../views/view.js";

function overviewView(session: Session): View {
  const overview = helpOverview(session.locale);
  // Each command once: a family's topic ("customer") lists its members' usage, which their own
  // topics list again.
  const seen = new Set<string>();
  const items = overview.topics.flatMap((topic) => {
    const usage = topic.usage.filter((line) => !seen.has(line));
    usage.forEach((line) => seen.add(line));
    return usage.length > 0 ? [{ text: `*${topic.title}*\n${usage.join("\n")}` }] : [];
  });
  // How to type a command where this help is read, not on the other platform.
  const introKey = `help.overview.intro.${session.platform}`;
  const intro = hasMessage(introKey) ? session.t(introKey) : overview.intro;
  return {
    header: { title: overview.title, tone: "info" },
    blocks: [
      { kind: "text", text: intro },
      { kind: "list", items },
      { kind: "context", lines: [overview.footer] },
    ],
    summary: overview.title,
    moreTemplate: moreTemplate(session),
  };
}

function topicView(session: Session, id: Parameters<typeof helpTopic>[1]): View {
  const topic = helpTopic(session.locale, id);
  return {
    header: { title: topic.title, tone: "info" },
    blocks: [
      { kind: "text", text: topic.usage.map((u) => `*${u}*`).join("\n") },
      { kind: "text", text: topic.description },
      ...(topic.examples.length > 0
        ? [{ kind: "list" as const, items: topic.examples.map((e) => ({ text: `${e.command}\n${e.note}` })) }]
        : []),
    ],
    summary: topic.title,
    moreTemplate: moreTemplate(session),
  };
}

export const helpArea: ConversationArea = {
  commands: {
    help: async (session, command) => ({
      kind: "view",
      view: command.topic ? topicView(session, command.topic) : overviewView(session),
    }),
  },
};
