// help / 帮助: the overview, or one command's usage, description and examples.
import type { ConversationArea } from "../area.js";
import { moreTemplate } from "../builders/common.js";
import { helpOverview, helpTopic } from "../grammar/index.js";
import type { Session } from "../session.js";
import type { View } from "../views/view.js";

function overviewView(session: Session): View {
  const overview = helpOverview(session.locale);
  return {
    header: { title: overview.title, tone: "info" },
    blocks: [
      { kind: "text", text: overview.intro },
      {
        kind: "list",
        items: overview.topics.map((topic) => ({ text: `*${topic.title}*\n${topic.usage.join("\n")}` })),
      },
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
