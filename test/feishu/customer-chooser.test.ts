// Feishu card components take their options from the card itself (select_static; no component
// loads them while the member types), so an ambiguous customer name typed into a form card is
// settled on submit: the card is redrawn with every other value kept and the customer field turned
// into a select of the candidates in the member's scope (those outside only counted), on any
// replica; picking one and submitting again files the record, and the posted form's row is gone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonsOf, cardComponent as component, cardText, waitFor, type FeishuButton } from "../fakes/feishu.js";
import { localDateInDays, seedHuaCustomers } from "../support/platform.js";
import { seedDepartment, startHarness, type FeishuMember, type Harness, type MountedAdapter } from "./harness.js";

let h: Harness;
let other: MountedAdapter;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let hua: Awaited<ReturnType<typeof seedHuaCustomers>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  hua = await seedHuaCustomers(h.deps, team);
  await h.db.prisma.member.update({ where: { id: team.amy.memberId }, data: { locale: "zh-CN" } });
  other = await h.mount();
});
afterAll(async () => {
  await other?.close();
  await h?.close();
});

type Json = Record<string, unknown>;


const optionsOf = (select: Json | undefined) =>
  ((select?.options ?? []) as Array<{ text: { content: string }; value: string }>).map((o) => ({ label: o.text.content, value: o.value }));

async function openForm(member: FeishuMember, text: string) {
  const { message } = await h.feishu.message(member, text);
  const form = await waitFor(() => h.fake.repliesTo(message.messageId)[0], `the form for ${text}`);
  const submit = buttonsOf(form.content).find((b: FeishuButton) => b.submit)!;
  return { form, submit };
}

const postedForms = (messageId: string) => h.db.prisma.postedForm.count({ where: { platform: "FEISHU", messageId } });

describe("Feishu customer chooser", () => {
  it("redraws an ambiguous name as a select of her own customers, values kept, then files the callback for the one picked", async () => {
    const { form, submit } = await openForm(team.alice, "callback");
    expect(component(form.content, "customer")?.tag).toBe("input");
    const dueDate = localDateInDays(h.deps, 7);
    const typed = { customer: "华", dueDate, note: "Renewal talk" };

    const ambiguous = await h.feishu.click(team.alice, form, submit, { formValue: typed });
    expect(ambiguous.status).toBe(200);
    expect(ambiguous.json.toast.type).toBe("error");
    const redrawn = ambiguous.json.card.data;
    const select = component(redrawn, "customer");
    expect(select?.tag).toBe("select_static");
    expect(optionsOf(select)).toEqual([
      { label: "华为技术有限公司", value: hua.huawei.id },
      { label: "华润万家", value: hua.huarun.id },
    ]);
    expect(select?.initial_option).toBeUndefined();
    // The others are counted, never named.
    const text = cardText(redrawn);
    expect(text).toMatch(/2 more outside your scope/);
    expect(text).not.toMatch(/华夏|华联/);
    expect(component(redrawn, "dueDate")?.initial_date).toBe(dueDate);
    expect(component(redrawn, "note")?.default_value).toBe("Renewal talk");
    expect(await h.db.prisma.callback.count({ where: { customerId: { in: [hua.huawei.id, hua.huarun.id] } } })).toBe(0);

    // Picked and submitted on the other replica: the redrawn form came from the database.
    const picked = await other.feishu.click(team.alice, form, submit, { formValue: { ...typed, customer: hua.huarun.id } });
    expect(picked.status).toBe(200);
    expect(picked.json.toast.type).toBe("success");
    const callbacks = await h.db.prisma.callback.findMany({ where: { customerId: hua.huarun.id } });
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ assigneeId: team.alice.memberId });
    expect(await postedForms(form.messageId)).toBe(0);
  });

  it("in Chinese: a complaint about 华 offers only her own customer, says how many others match, and is registered for the one picked", async () => {
    const { form, submit } = await openForm(team.amy, "投诉");
    expect(await postedForms(form.messageId)).toBe(1);
    const typed = { customer: "华", severity: "HIGH", description: "发票开错了" };

    const ambiguous = await h.feishu.click(team.amy, form, submit, { formValue: typed });
    const redrawn = ambiguous.json.card.data;
    expect(optionsOf(component(redrawn, "customer"))).toEqual([{ label: "华夏银行", value: hua.huaxia.id }]);
    const text = cardText(redrawn);
    expect(text).toMatch(/“华”匹配到多个客户/);
    expect(text).toMatch(/另有 3 个不在您权限范围内/);
    expect(text).not.toMatch(/华为|华润|华联/);
    expect(component(redrawn, "severity")?.initial_option).toBe("HIGH");
    expect(component(redrawn, "description")?.default_value).toBe("发票开错了");
    expect(await postedForms(form.messageId)).toBe(1);

    const picked = await other.feishu.click(team.amy, form, submit, { formValue: { ...typed, customer: hua.huaxia.id } });
    expect(picked.json.toast.type).toBe("success");
    const complaints = await h.db.prisma.complaint.findMany({ where: { customerId: hua.huaxia.id } });
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatchObject({ severity: "HIGH", description: "发票开错了", reporterId: team.amy.memberId });
    expect(await postedForms(form.messageId)).toBe(0);
  });

  it("keeps the select when another field is wrong on the next submission", async () => {
    const { form, submit } = await openForm(team.alice, "callback");
    const typed = { customer: "华", dueDate: localDateInDays(h.deps, 3), note: "" };
    await h.feishu.click(team.alice, form, submit, { formValue: typed });
    const again = await other.feishu.click(team.alice, form, submit, { formValue: { ...typed, customer: hua.huawei.id, dueDate: "" } });
    const redrawn = again.json.card.data;
    const select = component(redrawn, "customer");
    expect(select?.tag).toBe("select_static");
    expect(select?.initial_option).toBe(hua.huawei.id);
    expect(await postedForms(form.messageId)).toBe(1);
  });
});
