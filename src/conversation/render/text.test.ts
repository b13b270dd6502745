import { describe, expect, it } from "vitest";
import { validateFieldValue } from "../views/form.js";
import { TEXT_LIMITS } from "./limits.js";
import { renderText, renderTextConfirm, renderTextForm, resolveTextAnswer } from "./text.js";
import { approvalCard, approvePayload, customerCard, goldenViews, hospitalityForm, manyVisits } from "./testing/sample-views.js";

describe("renderText golden files", () => {
  it.each(goldenViews)("renders %s", async (name, view) => {
    await expect(`${renderText(view).text}\n`).toMatchFileSnapshot(`./__golden__/text/${name}.txt`);
  });

  it("renders the form as one prompt per field", async () => {
    const form = renderTextForm(hospitalityForm);
    const transcript = [form.title, form.intro, ...form.steps.map((step) => step.prompt), `> ${form.submitLabel}`].join("\n\n");
    await expect(`${transcript}\n`).toMatchFileSnapshot("./__golden__/text/hospitality-form.txt");
  });
});

describe("renderText choices", () => {
  it("numbers buttons across the whole view and maps each number back to action and payload", () => {
    const { text, choices } = renderText(approvalCard);
    expect(text).toContain("[1] Approve  [2] Reject");
    expect(choices.map((c) => [c.number, c.actionId, c.payload])).toEqual([
      [1, "hospitality.approve", approvePayload],
      [2, "hospitality.reject", approvePayload],
    ]);
    expect(choices[1]!.confirm).toBeDefined();
    expect(renderTextConfirm(choices[1]!.confirm!)).toBe(
      "Reject this request?\nZhang Wei will be told at once. You will be asked for a reason.\n[y] Reject  [n] Keep it",
    );
  });

  it("continues numbering through list items", () => {
    const { choices } = renderText(customerCard);
    expect(choices.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(choices[3]!.actionId).toBe("callback.done");
  });

  it("shows at most 50 list items on the console, then how many more", () => {
    const { text, choices } = renderText(manyVisits(500));
    expect(choices.filter((c) => c.actionId === "visit.show")).toHaveLength(TEXT_LIMITS.listItems);
    expect(text).toContain("… and 450 more");
    expect(choices.at(-1)!.actionId).toBe("visit.log");
  });

  it("prints markup-free text: no asterisks, bullets as •", () => {
    expect(renderText(customerCard).text).toContain("风险原因\n• 22 天未联系");
  });
});

describe("text forms", () => {
  const form = renderTextForm(hospitalityForm);
  const step = (name: string) => form.steps.find((s) => s.name === name)!;

  it("keeps the action and hidden payload for the submission", () => {
    expect(form.actionId).toBe(hospitalityForm.actionId);
    expect(form.payload).toBe(hospitalityForm.payload);
    expect(form.steps.map((s) => s.name)).toEqual(hospitalityForm.fields.map((f) => f.name));
  });

  it("shows a date's default in the member's convention, submits it as the day, and reads the shown text back", () => {
    const date = hospitalityForm.fields.find((f) => f.name === "date")!;
    expect(step("date").prompt.split("\n")[0]).toBe("Date * [Nov 28]");
    expect(resolveTextAnswer(step("date"), "")).toBe("2026-11-28");
    const typedBack = resolveTextAnswer(step("date"), "Nov 28");
    expect(validateFieldValue(date, typedBack, { today: "2026-11-23" })).toEqual({ ok: true, value: "2026-11-28" });
  });

  it("takes the default on an empty answer and options by number, value or label", () => {
    expect(resolveTextAnswer(step("date"), "")).toBe("2026-11-28");
    expect(resolveTextAnswer(step("guests"), "  ")).toBeUndefined();
    expect(resolveTextAnswer(step("kind"), "1")).toBe("MEAL");
    expect(resolveTextAnswer(step("kind"), "GIFT")).toBe("GIFT");
    expect(resolveTextAnswer(step("kind"), "banquet")).toBe("BANQUET");
    // An unknown answer is passed on so validation can say why it is wrong.
    const unknown = resolveTextAnswer(step("kind"), "9");
    expect(validateFieldValue(hospitalityForm.fields[1]!, unknown)).toEqual({ ok: false, error: { code: "form.invalid_option", params: {} } });
  });

  it("numbers a scale by its own values, in its natural order: [5] means 5", () => {
    const satisfaction = {
      ...hospitalityForm,
      fields: [
        {
          name: "satisfaction",
          label: "满意度",
          kind: "select" as const,
          required: true,
          options: [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${n} – ${["非常不满意", "不满意", "一般", "满意", "非常满意"][n - 1]}` })),
        },
      ],
    };
    const scale = renderTextForm(satisfaction).steps[0]!;
    expect(scale.prompt.split("\n").slice(1)).toEqual(["  [5] 非常满意", "  [4] 满意", "  [3] 一般", "  [2] 不满意", "  [1] 非常不满意"]);
    expect(resolveTextAnswer(scale, "5")).toBe("5");
    expect(resolveTextAnswer(scale, "1")).toBe("1");
  });
});
