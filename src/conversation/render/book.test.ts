// Golden files of the customer book's views (lists, search, history, contacts) on every renderer.
// Update them with `npx vitest run src/conversation/render/book.test.ts -u` and review the diff.
import { describe, expect, it } from "vitest";
import { renderFeishuCard } from "./feishu.js";
import { renderSlackMessage } from "./slack.js";
import { renderText } from "./text.js";
import { bookViews } from "./testing/book-views.js";
import { goldenJson } from "./testing/sample-views.js";

describe("customer book golden files", () => {
  it.each(bookViews())("renders %s on Slack, Feishu and the console", async (name, view) => {
    await expect(goldenJson(renderSlackMessage(view))).toMatchFileSnapshot(`./__golden__/slack/${name}.json`);
    await expect(goldenJson(renderFeishuCard(view))).toMatchFileSnapshot(`./__golden__/feishu/${name}.json`);
    await expect(`${renderText(view).text}\n`).toMatchFileSnapshot(`./__golden__/text/${name}.txt`);
  });

  it("pages with a More button on every renderer", () => {
    const [, list] = bookViews()[0]!;
    expect(JSON.stringify(renderSlackMessage(list))).toContain("customers.more");
    expect(JSON.stringify(renderFeishuCard(list))).toContain("customers.more");
    expect(renderText(list).choices.map((c) => c.label)).toContain("更多");
  });
});
