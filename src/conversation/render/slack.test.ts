import { describe, expect, it } from "vitest";
import { FORM_ERROR_KEY } from "../views/form.js";
import type { Button, View } from "../views/view.js";
import { SLACK_LIMITS } from "./limits.js";
import {
  baseActionId,
  escapeSlack,
  readSlackFormValues,
  renderSlackHome,
  renderSlackMessage,
  renderSlackModal,
  slackFormErrors,
  slackMarkdown,
  type SlackBlock,
} from "./slack.js";
import {
  approvePayload,
  callbackDigest,
  customerCard,
  escapingText,
  goldenJson,
  goldenViews,
  hospitalityForm,
  manyVisits,
} from "./testing/sample-views.js";

const textsOf = (blocks: SlackBlock[]) => JSON.stringify(blocks);

describe("renderSlackMessage golden files", () => {
  it.each(goldenViews)("renders %s", async (name, view) => {
    await expect(goldenJson(renderSlackMessage(view))).toMatchFileSnapshot(`./__golden__/slack/${name}.json`);
  });

  it("renders the form as a views.open modal", async () => {
    await expect(goldenJson(renderSlackModal(hospitalityForm))).toMatchFileSnapshot("./__golden__/slack/hospitality-modal.json");
  });
});

describe("Slack text", () => {
  it("escapes &, < and > and nothing else", () => {
    expect(escapeSlack("<A&B> *x*")).toBe("&lt;A&amp;B&gt; *x*");
  });

  it("puts spaces around bold that touches a word, so Slack formats it", () => {
    expect(slackMarkdown("客户*非常*满意")).toBe("客户 *非常* 满意");
    expect(slackMarkdown("*Risk* reasons")).toBe("*Risk* reasons");
    expect(slackMarkdown("- one\n- two")).toBe("• one\n• two");
  });

  it("uses the summary, escaped, as the notification text", () => {
    expect(renderSlackMessage(escapingText).text).toBe("Notes on &lt;A&amp;B&gt; *Co*");
    expect(renderSlackMessage(customerCard).text).toBe("华东机电有限公司 · VIP · 风险 78");
  });
});

describe("Slack limits", () => {
  it("fits a customer with 500 visits into 50 blocks, keeps the closing buttons and says how many are hidden", () => {
    const { blocks } = renderSlackMessage(manyVisits(500));
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
    expect(blocks.length).toBeGreaterThan(40);
    const last = blocks.at(-1)!;
    expect(last.type === "actions" && last.elements[0]!.action_id).toBe("visit.log");
    const note = blocks.at(-2)!;
    expect(note.type).toBe("context");
    const shown = blocks.filter((b) => b.type === "actions" && b.elements[0]!.action_id === "visit.show").length;
    expect(note.type === "context" && note.elements[0]!.text).toBe(`_… and ${500 - shown} more_`);
    // The visits kept are the first ones, in order.
    expect(textsOf(blocks)).toContain("第 1 轮");
    expect(textsOf(blocks)).toContain(`第 ${shown} 轮`);
    expect(textsOf(blocks)).not.toContain(`第 ${shown + 1} 轮`);
  });

  it("publishes a Home tab of at most 100 blocks (not a message's 50), saying how many are hidden", () => {
    const home = renderSlackHome(manyVisits(500));
    expect(home.type).toBe("home");
    expect(home.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.homeBlocks);
    expect(home.blocks.length).toBeGreaterThan(SLACK_LIMITS.messageBlocks);
    const shown = home.blocks.filter((b) => b.type === "actions" && b.elements[0]!.action_id === "visit.show").length;
    expect(textsOf(home.blocks)).toContain(`_… and ${500 - shown} more_`);
  });

  it("adds the items the builder never passed (totalCount) to the note, even when everything else fits", () => {
    const { blocks } = renderSlackMessage(callbackDigest);
    expect(textsOf(blocks)).toContain("_… and 3 more_");
    expect(blocks.length).toBeLessThan(SLACK_LIMITS.messageBlocks);
  });

  it("cuts over-long section text to 3000 characters ending with …", () => {
    const text = "<&>".repeat(2000);
    const { blocks } = renderSlackMessage({ blocks: [{ kind: "text", text }] });
    const section = blocks[0]!;
    expect(section.type).toBe("section");
    const rendered = section.type === "section" ? section.text!.text : "";
    expect(rendered.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(rendered.endsWith("…")).toBe(true);
    // The cut never splits an escape sequence.
    expect(rendered.replace("…", "")).toMatch(/^(&lt;&amp;&gt;)+(&lt;|&lt;&amp;)?$/);
  });

  it("cuts a 200-character button label to 75 and a 300-character header to 150", () => {
    const button: Button = { label: "批".repeat(200), actionId: "x", payload: approvePayload };
    const { blocks } = renderSlackMessage({ header: { title: "H".repeat(300) }, blocks: [{ kind: "actions", buttons: [button] }] });
    const header = blocks[0]!;
    expect(header.type === "header" && header.text.text.length).toBe(SLACK_LIMITS.headerText);
    expect(header.type === "header" && header.text.text.endsWith("…")).toBe(true);
    const actions = blocks[1]!;
    const label = actions.type === "actions" ? actions.elements[0]!.text.text : "";
    expect(label).toHaveLength(SLACK_LIMITS.buttonText);
    expect(label.endsWith("…")).toBe(true);
  });

  it("never cuts an emoji in half", () => {
    const button: Button = { label: "😀".repeat(60), actionId: "x", payload: approvePayload };
    const { blocks } = renderSlackMessage({ blocks: [{ kind: "actions", buttons: [button] }] });
    const label = blocks[0]!.type === "actions" ? blocks[0]!.elements[0]!.text.text : "";
    expect(label.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    expect(label).toBe(`${"😀".repeat(37)}…`);
  });

  it("splits 12 fields into sections of at most 10 and 30 buttons into actions of at most 25", () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: `V${i}` }));
    const buttons: Button[] = Array.from({ length: 30 }, (_, i) => ({ label: `B${i}`, actionId: "same", payload: approvePayload }));
    const { blocks } = renderSlackMessage({ blocks: [{ kind: "fields", fields }, { kind: "actions", buttons }] });
    expect(blocks.map((b) => b.type)).toEqual(["section", "section", "actions", "actions"]);
    expect(blocks[0]!.type === "section" && blocks[0]!.fields!.length).toBe(10);
    expect(blocks[2]!.type === "actions" && blocks[2]!.elements.length).toBe(25);
    // action_id must be unique within a block: repeats get a suffix the adapter strips.
    const ids = blocks[2]!.type === "actions" ? blocks[2]!.elements.map((e) => e.action_id) : [];
    expect(new Set(ids).size).toBe(25);
    expect(ids.slice(0, 3)).toEqual(["same", "same~2", "same~3"]);
    expect(ids.map(baseActionId).every((id) => id === "same")).toBe(true);
  });

  it("keeps at most 10 elements per context block", () => {
    const lines = Array.from({ length: 15 }, (_, i) => `line ${i}`);
    const { blocks } = renderSlackMessage({ blocks: [{ kind: "context", lines }] });
    expect(blocks.map((b) => (b.type === "context" ? b.elements.length : 0))).toEqual([10, 5]);
  });

  it("cuts confirm dialog texts to Slack's limits", () => {
    const button: Button = {
      label: "Reject",
      actionId: "r",
      payload: approvePayload,
      style: "danger",
      confirm: { title: "T".repeat(120), text: "X".repeat(400), confirm: "C".repeat(40), deny: "D".repeat(40) },
    };
    const { blocks } = renderSlackMessage({ blocks: [{ kind: "actions", buttons: [button] }] });
    const confirm = blocks[0]!.type === "actions" ? blocks[0]!.elements[0]!.confirm! : undefined;
    expect(confirm!.title.text).toHaveLength(SLACK_LIMITS.confirmTitle);
    expect(confirm!.text.text).toHaveLength(SLACK_LIMITS.confirmText);
    expect(confirm!.confirm.text).toHaveLength(SLACK_LIMITS.confirmButton);
    expect(confirm!.style).toBe("danger");
  });

  it("survives a view whose fixed part alone is over the limit by keeping a prefix and a note", () => {
    const view: View = { moreTemplate: "+{count}", blocks: Array.from({ length: 80 }, (_, i) => ({ kind: "text", text: `t${i}` })) };
    const { blocks } = renderSlackMessage(view);
    expect(blocks).toHaveLength(SLACK_LIMITS.messageBlocks);
    expect(blocks.at(-1)).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "_+31_" }] });
  });
});

describe("Slack modals", () => {
  it("cuts the title and buttons to 24 characters and keys input blocks by field name", () => {
    const modal = renderSlackModal({ ...hospitalityForm, title: "申请客户招待审批（金额超过两千元时需经理审批）流程表单", submitLabel: "S".repeat(30) });
    expect(modal.title.text.length).toBeLessThanOrEqual(SLACK_LIMITS.modalTitle);
    expect(modal.title.text.endsWith("…")).toBe(true);
    expect(modal.submit.text).toHaveLength(SLACK_LIMITS.modalButton);
    expect(modal.private_metadata).toBe(hospitalityForm.payload);
    expect(modal.private_metadata.length).toBeLessThanOrEqual(SLACK_LIMITS.privateMetadata);
    const inputs = modal.blocks.filter((b) => b.type === "input");
    expect(inputs.map((b) => b.type === "input" && b.block_id)).toEqual(hospitalityForm.fields.map((f) => f.name));
  });

  it("prefills values given again and drops initial values the element cannot take", () => {
    const modal = renderSlackModal(hospitalityForm, { values: { amount: "not a number", date: "someday", kind: "GIFT", venue: "Hall 3" } });
    const element = (name: string) => modal.blocks.find((b) => b.type === "input" && b.block_id === name);
    expect(JSON.stringify(element("amount"))).not.toContain("initial_value");
    expect(JSON.stringify(element("date"))).not.toContain("initial_date");
    expect(JSON.stringify(element("kind"))).toContain('"initial_option":{"text":{"type":"plain_text","text":"Gift","emoji":true},"value":"GIFT"}');
    expect(JSON.stringify(element("venue"))).toContain('"initial_value":"Hall 3"');
  });

  it("answers a submission with errors under their fields (form-wide ones on the first field)", () => {
    expect(slackFormErrors(hospitalityForm, { amount: "Enter an amount", [FORM_ERROR_KEY]: "Try again", ghost: "x" })).toEqual({
      response_action: "errors",
      errors: { amount: "Enter an amount", customer: "Try again" },
    });
  });

  it("reads view_submission state values back into raw values by field name", () => {
    const values = readSlackFormValues({
      customer: { customer: { type: "plain_text_input", value: "华东" } },
      kind: { kind: { type: "static_select", selected_option: { value: "MEAL" } } },
      amount: { amount: { type: "number_input", value: "8600.5" } },
      date: { date: { type: "datepicker", selected_date: "2026-11-28" } },
      approver: { approver: { type: "users_select", selected_user: null } },
      venue: { venue: { type: "plain_text_input", value: null } },
    });
    expect(values).toEqual({ customer: "华东", kind: "MEAL", amount: "8600.5", date: "2026-11-28", approver: undefined, venue: undefined });
    expect(readSlackFormValues(null)).toEqual({});
  });
});
