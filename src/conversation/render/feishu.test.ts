import { describe, expect, it } from "vitest";
import { FORM_ERROR_KEY } from "../views/form.js";
import type { Button } from "../views/view.js";
import {
  countFeishuElements,
  escapeFeishu,
  FEISHU_FORM_NAME,
  feishuCardBytes,
  feishuMarkdown,
  readFeishuAction,
  readFeishuFormValues,
  renderFeishuCard,
  renderFeishuForm,
  type FeishuButton,
  type FeishuElement,
} from "./feishu.js";
import { FEISHU_LIMITS } from "./limits.js";
import {
  approvalCard,
  approvePayload,
  customerCard,
  goldenJson,
  goldenViews,
  hospitalityForm,
  manyVisits,
} from "./testing/sample-views.js";

function buttonsOf(elements: FeishuElement[]): FeishuButton[] {
  const out: FeishuButton[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if ((value as { tag?: string }).tag === "button") out.push(value as FeishuButton);
      Object.values(value).forEach(walk);
    }
  };
  walk(elements);
  return out;
}

describe("renderFeishuCard golden files", () => {
  it.each(goldenViews)("renders %s", async (name, view) => {
    await expect(goldenJson(renderFeishuCard(view))).toMatchFileSnapshot(`./__golden__/feishu/${name}.json`);
  });

  it("renders the form as a card with a form container", async () => {
    await expect(goldenJson(renderFeishuForm(hospitalityForm))).toMatchFileSnapshot("./__golden__/feishu/hospitality-form.json");
  });

  it("renders the form again with errors under their fields", async () => {
    const card = renderFeishuForm(hospitalityForm, {
      values: { amount: "8600.555", guests: "6" },
      errors: { amount: "请输入金额（元），最多两位小数，例如 1200.50。", [FORM_ERROR_KEY]: "提交失败 <请重试>" },
    });
    await expect(goldenJson(card)).toMatchFileSnapshot("./__golden__/feishu/hospitality-form-errors.json");
  });
});

describe("Feishu text", () => {
  it("escapes markdown characters as HTML entities, line markers only at line start", () => {
    expect(escapeFeishu("<A&B> *x* 50%")).toBe("&#60;A&#38;B&#62; &#42;x&#42; 50%");
    expect(escapeFeishu("- a - b", true)).toBe("&#45; a - b");
    expect(escapeFeishu("- a - b")).toBe("- a - b");
    expect(escapeFeishu("x\n# h\n2026. y")).toBe("x\n&#35; h\n2026&#46; y");
  });

  it("turns markdown-lite into Feishu markdown with **bold** and - bullets", () => {
    expect(feishuMarkdown("*风险原因*\n- 22 天未联系")).toBe("**风险原因**\n- 22 天未联系");
    expect(feishuMarkdown("客户*非常*满意")).toBe("客户 **非常** 满意");
  });

  it("puts the callback value as an object with our action id and payload", () => {
    const [approve, reject] = buttonsOf(renderFeishuCard(approvalCard).body.elements);
    expect(approve!.behaviors).toEqual([{ type: "callback", value: { action: "hospitality.approve", payload: approvePayload } }]);
    expect(approve!.type).toBe("primary");
    expect(reject!.type).toBe("danger");
    expect(reject!.confirm).toEqual({
      title: { tag: "plain_text", content: "Reject this request?" },
      text: { tag: "plain_text", content: "Zhang Wei will be told at once. You will be asked for a reason." },
    });
  });

  it("colours the header by tone and shows the tag", () => {
    const card = renderFeishuCard(customerCard);
    expect(card.header!.template).toBe("orange");
    expect(card.header!.text_tag_list).toEqual([{ tag: "text_tag", text: { tag: "plain_text", content: "VIP" }, color: "orange" }]);
    expect(card.config).toEqual({ update_multi: true, summary: { content: "华东机电有限公司 · VIP · 风险 78" } });
  });
});

describe("Feishu limits", () => {
  it("fits a customer with 500 visits into 200 elements and 30 KB, keeps the closing buttons, says how many are hidden", () => {
    const card = renderFeishuCard(manyVisits(500));
    expect(countFeishuElements(card)).toBeLessThanOrEqual(FEISHU_LIMITS.cardElements);
    expect(feishuCardBytes(card)).toBeLessThanOrEqual(30 * 1024);
    const elements = card.body.elements;
    const closing = buttonsOf([elements.at(-1)!]);
    expect(closing.map((b) => b.behaviors[0]!.value.action)).toEqual(["visit.log"]);
    const shown = buttonsOf(elements).filter((b) => b.behaviors[0]!.value.action === "visit.show").length;
    expect(shown).toBeGreaterThan(10);
    expect(elements.at(-2)).toEqual({ tag: "markdown", content: `… and ${500 - shown} more`, text_size: "notation" });
  });

  it("stops at the byte budget when items are large but few in elements", () => {
    const big = manyVisits(100);
    const list = big.blocks[1]!;
    if (list.kind === "list") list.items.forEach((item) => (item.text = `${item.text} ${"长".repeat(1500)}`));
    const card = renderFeishuCard(big);
    expect(feishuCardBytes(card)).toBeLessThanOrEqual(FEISHU_LIMITS.cardBytes);
    expect(JSON.stringify(card.body.elements)).toMatch(/… and \d+ more/);
  });

  it("cuts over-long markdown with …, never inside an entity", () => {
    const card = renderFeishuCard({ blocks: [{ kind: "text", text: "*".repeat(10) + "<".repeat(20_000) }] });
    const content = (card.body.elements[0] as { content: string }).content;
    expect(content.length).toBeLessThanOrEqual(FEISHU_LIMITS.markdownText);
    expect(content.endsWith("&#60;…")).toBe(true);
  });

  it("cuts a 200-character button label to Feishu's 100", () => {
    const button: Button = { label: "x".repeat(200), actionId: "a", payload: approvePayload };
    const [rendered] = buttonsOf(renderFeishuCard({ blocks: [{ kind: "actions", buttons: [button] }] }).body.elements);
    expect(rendered!.text.content).toHaveLength(FEISHU_LIMITS.buttonText);
    expect(rendered!.text.content.endsWith("…")).toBe(true);
  });

  it("counts every tagged object, text elements included", () => {
    expect(countFeishuElements({ tag: "button", text: { tag: "plain_text", content: "x" }, behaviors: [{ type: "callback" }] })).toBe(2);
  });
});

describe("Feishu forms", () => {
  const card = renderFeishuForm(hospitalityForm);
  const form = card.body.elements.find((e) => e.tag === "form");
  const components = form && form.tag === "form" ? form.elements : [];
  const byName = (name: string) => components.find((e) => "name" in e && e.name === name);

  it("puts every field in one form container with a submit button carrying action and payload", () => {
    expect(form && form.tag === "form" && form.name).toBe(FEISHU_FORM_NAME);
    const submit = components.at(-1) as FeishuButton;
    expect(submit.form_action_type).toBe("submit");
    expect(submit.behaviors[0]!.value).toEqual({ action: "hospitality.request.submit", payload: hospitalityForm.payload, form: "hospitality.request" });
    for (const field of hospitalityForm.fields) expect(byName(field.name), field.name).toBeDefined();
  });

  it("maps kinds to Feishu components and keeps input lengths within 1000", () => {
    expect(byName("kind")).toMatchObject({ tag: "select_static", initial_option: "BANQUET", required: true });
    expect(byName("date")).toMatchObject({ tag: "date_picker", initial_date: "2026-11-28" });
    expect(byName("approver")).toMatchObject({ tag: "select_person", options: [], required: false });
    expect(byName("purpose")).toMatchObject({ tag: "input", input_type: "multiline_text", max_length: 500 });
    expect(byName("amount")).toMatchObject({ tag: "input", max_length: FEISHU_LIMITS.inputMaxLength });
    expect(byName("customer")).toMatchObject({ tag: "input", default_value: "华东机电" });
  });

  it("reads a callback value and form_value back", () => {
    expect(readFeishuAction({ action: "a", payload: "p", extra: 1 })).toEqual({ action: "a", payload: "p" });
    expect(readFeishuAction({ action: "a" })).toBeUndefined();
    expect(readFeishuAction("a")).toBeUndefined();
    expect(readFeishuFormValues({ date: "2026-11-28 +0800", guests: 6, approver: ["ou_1"] })).toEqual({
      date: "2026-11-28 +0800",
      guests: "6",
      approver: undefined,
    });
  });
});
