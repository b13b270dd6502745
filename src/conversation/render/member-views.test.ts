// Golden files of real views and forms in both languages on every renderer, read as a member
// reads them: labels and enum values from the catalog, never ON_SITE, OTHER or annual. Update
// with `npx vitest run src/conversation/render/member-views.test.ts -u` and review the diff.
import { describe, expect, it } from "vitest";
import { renderFeishuCard, renderFeishuForm } from "./feishu.js";
import { renderSlackMessage, renderSlackModal } from "./slack.js";
import { renderText, renderTextForm } from "./text.js";
import { memberForms, memberViews } from "./testing/member-views.js";
import { goldenJson } from "./testing/sample-views.js";

describe("real views in both languages", () => {
  it.each(memberViews())("renders %s on Slack, Feishu and the console", async (name, view) => {
    await expect(goldenJson(renderSlackMessage(view))).toMatchFileSnapshot(`./__golden__/slack/${name}.json`);
    await expect(goldenJson(renderFeishuCard(view))).toMatchFileSnapshot(`./__golden__/feishu/${name}.json`);
    await expect(`${renderText(view).text}\n`).toMatchFileSnapshot(`./__golden__/text/${name}.txt`);
  });

  it.each(memberForms())("renders %s on Slack, Feishu and the console", async (name, form) => {
    await expect(goldenJson(renderSlackModal(form))).toMatchFileSnapshot(`./__golden__/slack/${name}.json`);
    await expect(goldenJson(renderFeishuForm(form))).toMatchFileSnapshot(`./__golden__/feishu/${name}.json`);
    const text = renderTextForm(form);
    const transcript = [text.title, text.intro, ...text.steps.map((step) => step.prompt), `> ${text.submitLabel}`].filter(Boolean).join("\n\n");
    await expect(`${transcript}\n`).toMatchFileSnapshot(`./__golden__/text/${name}.txt`);
  });
});
