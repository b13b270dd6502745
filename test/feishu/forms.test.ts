// A Feishu form card submitted with a bad value is redrawn with every value kept and the error
// under its field — on whichever replica the submission lands: the form a card was drawn from
// lives in the database (PostedForm), not in the process that posted it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonsOf, cardComponent as component, cardText, formFieldsOf, waitFor } from "../fakes/feishu.js";
import { seedDepartment, startHarness, type FeishuMember, type Harness, type MountedAdapter } from "./harness.js";

let h: Harness;
let other: MountedAdapter;
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  // Another replica: its own adapter and server, the same database.
  other = await h.mount();
});
afterAll(async () => {
  await other?.close();
  await h?.close();
});



describe("Feishu form cards", () => {
  it("redraws a form with the values kept and the error on the field, on another replica", async () => {
    const alice: FeishuMember = team.supervisor;
    // Posted by the first replica...
    const { message } = await h.feishu.message(alice, "customer add");
    const form = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the new-customer form");
    expect(formFieldsOf(form.content)).toEqual(expect.arrayContaining(["name", "annual", "industry", "region"]));
    expect(await h.db.prisma.postedForm.count({ where: { platform: "FEISHU", messageId: form.messageId } })).toBe(1);
    const submit = buttonsOf(form.content).find((b) => b.submit)!;

    // ...submitted with a bad amount to the other one.
    const typed = { name: "Gamma Freight", tier: "B", annual: "12.345", industry: "Freight", region: "North China" };
    const bad = await other.feishu.click(alice, form, submit, { formValue: typed });
    expect(bad.status).toBe(200);
    expect(bad.json.toast.type).toBe("error");
    const redrawn = bad.json.card.data;
    expect(component(redrawn, "name")?.default_value).toBe("Gamma Freight");
    expect(component(redrawn, "industry")?.default_value).toBe("Freight");
    expect(component(redrawn, "region")?.default_value).toBe("North China");
    expect(component(redrawn, "annual")?.default_value).toBe("12.345");
    expect(component(redrawn, "tier")?.initial_option).toBe("B");
    expect(cardText(redrawn)).toMatch(/Enter an amount/);
    expect(await h.db.prisma.customer.count({ where: { name: "Gamma Freight" } })).toBe(0);

    // Corrected, and sent to the first replica again: created with everything typed.
    const good = await h.feishu.click(alice, form, submit, { formValue: { ...typed, annual: "12.34" } });
    expect(good.status).toBe(200);
    expect(formFieldsOf(good.json.card.data)).toEqual([]);
    const created = await h.db.prisma.customer.findFirstOrThrow({ where: { name: "Gamma Freight" } });
    expect(created).toMatchObject({ tier: "B", annualPurchaseFen: 1_234n, industry: "Freight", region: "North China" });
    // Submitted: nothing is left to redraw, so the form is not kept until it expires.
    expect(await h.db.prisma.postedForm.count({ where: { platform: "FEISHU", messageId: form.messageId } })).toBe(0);
  });

  it("keeps nothing past its expiry", async () => {
    const { message } = await h.feishu.message(team.supervisor, "customer add");
    const form = await waitFor(() => h.fake.repliesTo(message.messageId)[0], "the new-customer form");
    await h.db.prisma.postedForm.update({
      where: { platform_messageId: { platform: "FEISHU", messageId: form.messageId } },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    const submit = buttonsOf(form.content).find((b) => b.submit)!;
    const bad = await other.feishu.click(team.supervisor, form, submit, { formValue: { name: "", annual: "x" } });
    // No form to redraw: the errors are listed in the toast instead.
    expect(bad.json.card).toBeUndefined();
    expect(bad.json.toast.type).toBe("error");
  });
});
