// A customer field in a Slack modal is an external_select: Slack asks Accord for options while the
// member types (a signed block_suggestion, answered in the ack), Accord answers with the customers
// in the member's scope that the core's search finds (exact, prefix, substring, pinyin) — never
// another team's — and the picked option's value (the customer's id) is what the submission
// resolves. Over HTTP and through Socket Mode, in English and in Chinese.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../src/adapters/slack/adapter.js";
import { checkSuggestionAnswer, waitFor } from "../fakes/slack.js";
import { localDateInDays, seedHuaCustomers } from "../support/platform.js";
import { seedDepartment, SIGNING_SECRET, startHarness, type Harness, type SlackMember } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
let hua: Awaited<ReturnType<typeof seedHuaCustomers>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  hua = await seedHuaCustomers(h.deps, team);
  await h.db.prisma.member.update({ where: { id: team.amy.memberId }, data: { locale: "zh-CN" } });
});
afterAll(async () => {
  await h?.close();
});

async function openModal(member: SlackMember, text: string) {
  const answer = await h.slack.command(member, text);
  expect(answer.status).toBe(200);
  return waitFor(() => h.fake.viewOpenedBy(answer.triggerId), "views.open");
}

function customerElement(opened: { view: { blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> } }) {
  return opened.view.blocks.find((b) => b.block_id === "customer")?.element;
}

describe("Slack customer picker (HTTP)", () => {
  it("offers only the specialist's own customers for 华 and for its pinyin, and files the callback for the one picked", async () => {
    const opened = await openModal(team.alice, "callback");
    expect(customerElement(opened)).toMatchObject({ type: "external_select", action_id: "customer", min_query_length: 1 });

    const typed = await h.slack.suggest(team.alice, opened, "customer", "华");
    expect(typed.status).toBe(200);
    expect(typed.ms).toBeLessThan(3_000);
    expect(typed.options).toEqual([
      { text: "华为技术有限公司", value: hua.huawei.id },
      { text: "华润万家", value: hua.huarun.id },
    ]);
    const pinyin = await h.slack.suggest(team.alice, opened, "customer", "huar");
    expect(pinyin.options).toEqual([{ text: "华润万家", value: hua.huarun.id }]);

    const before = await h.db.prisma.callback.count({ where: { customerId: hua.huarun.id } });
    const submitted = await h.slack.submit(team.alice, opened, { customer: hua.huarun.id, dueDate: localDateInDays(h.deps, 7), note: "Renewal" });
    expect(submitted.json, JSON.stringify(submitted.json)).toMatchObject({ response_action: "update" });
    const created = await h.db.prisma.callback.findMany({ where: { customerId: hua.huarun.id } });
    expect(created).toHaveLength(before + 1);
    expect(created.at(-1)).toMatchObject({ assigneeId: team.alice.memberId });
  });

  it("answers a 100,000-character query, or one of control characters, at once with no options", async () => {
    const opened = await openModal(team.alice, "callback");
    const long = await h.slack.suggest(team.alice, opened, "customer", "华".repeat(100_000));
    expect(long.status).toBe(200);
    expect(long.ms).toBeLessThan(3_000);
    expect(long.options).toEqual([]);
    const controls = await h.slack.suggest(team.alice, opened, "customer", "\u0000\u001b\u202e");
    expect(controls.status).toBe(200);
    expect(controls.options).toEqual([]);
    // The search still answers afterwards.
    expect((await h.slack.suggest(team.alice, opened, "customer", "华为")).options).toEqual([{ text: "华为技术有限公司", value: hua.huawei.id }]);
  });

  it("offers a supervisor the team's customers and never another team's", async () => {
    const opened = await openModal(team.supervisor, "callback");
    const typed = await h.slack.suggest(team.supervisor, opened, "customer", "华");
    expect(typed.options.map((o) => o.text).sort()).toEqual(["华为技术有限公司", "华夏银行", "华润万家"].sort());
    expect(typed.options.map((o) => o.value)).not.toContain(hua.hualian.id);
  });

  it("preselects the customer a name typed with the command means, as itself (its id)", async () => {
    const opened = await openModal(team.alice, "hospitality 华润");
    expect(customerElement(opened)).toMatchObject({
      type: "external_select",
      initial_option: { text: { type: "plain_text", text: "华润万家" }, value: hua.huarun.id },
    });
    const submitted = await h.slack.submit(team.alice, opened, {
      eventDate: localDateInDays(h.deps, 5),
      kind: "MEAL",
      guests: "3",
      estimated: "600",
      purpose: "Year-end dinner",
    });
    expect(submitted.json, JSON.stringify(submitted.json)).toMatchObject({ response_action: "update" });
    expect(await h.db.prisma.hospitalityRequest.count({ where: { customerId: hua.huarun.id } })).toBe(1);
  });

  it("answers nobody but the member the form was opened for", async () => {
    const opened = await openModal(team.alice, "callback");
    const typed = await h.slack.suggest(team.amy, opened, "customer", "华");
    expect(typed.status).toBe(200);
    expect(typed.options).toEqual([]);
  });

  it("offers a way to clear a customer field that is not required", async () => {
    const opened = await openModal(team.alice, "callback");
    // The same form with its customer block optional, as Slack would send it for such a form.
    const optional = {
      ...opened,
      view: { ...opened.view, blocks: opened.view.blocks.map((b: { block_id?: string }) => (b.block_id === "customer" ? { ...b, optional: true } : b)) },
    };
    const typed = await h.slack.suggest(team.alice, optional, "customer", "华");
    expect(typed.options[0]).toEqual({ text: "— No customer —", value: "accord:none" });
    expect(typed.options.slice(1).map((o) => o.value)).toEqual([hua.huawei.id, hua.huarun.id]);
  });

  it("in Chinese: a name typed with the command is prefilled (initial_option), the picker offers only her own, and the complaint is registered for the one picked", async () => {
    const opened = await openModal(team.amy, "投诉 华 高 发票开错了");
    // 华 matches customers she may not see: the form says so without naming them.
    expect(opened.view.blocks[0].text.text).toMatch(/有多个客户与「华」匹配/);
    expect(opened.view.blocks[0].text.text).not.toMatch(/华为|华润|华联/);
    expect(customerElement(opened)).toMatchObject({ type: "external_select", initial_option: { text: { type: "plain_text", text: "华" }, value: "华" } });

    const typed = await h.slack.suggest(team.amy, opened, "customer", "华");
    expect(typed.options).toEqual([{ text: "华夏银行", value: hua.huaxia.id }]);

    // Submitted unchanged, the prefilled name is still ambiguous: said in Chinese under the field.
    const unchanged = await h.slack.submit(team.amy, opened, {});
    expect(unchanged.json).toMatchObject({ response_action: "errors", errors: { customer: expect.stringMatching(/匹配到多个客户/) } });

    const before = await h.db.prisma.complaint.count({ where: { customerId: hua.huaxia.id } });
    const picked = await h.slack.submit(team.amy, opened, { customer: hua.huaxia.id });
    expect(picked.json, JSON.stringify(picked.json)).toMatchObject({ response_action: "update" });
    const complaints = await h.db.prisma.complaint.findMany({ where: { customerId: hua.huaxia.id } });
    expect(complaints).toHaveLength(before + 1);
    expect(complaints.at(-1)).toMatchObject({ severity: "HIGH", description: "发票开错了", reporterId: team.amy.memberId });
  });
});

describe("Slack customer picker for a complaint (any customer of the tenant)", () => {
  it("offers another team's customer only when its whole name is typed, and registers the complaint about it", async () => {
    const opened = await openModal(team.alice, "complaint");
    expect((await h.slack.suggest(team.alice, opened, "customer", "华联")).options).toEqual([]);
    const whole = await h.slack.suggest(team.alice, opened, "customer", "华联超市");
    expect(whole.options).toEqual([{ text: "华联超市", value: hua.hualian.id }]);

    // Other forms act for the customer: there the whole name offers nothing either.
    const callback = await openModal(team.alice, "callback");
    expect((await h.slack.suggest(team.alice, callback, "customer", "华联超市")).options).toEqual([]);

    const submitted = await h.slack.submit(team.alice, opened, { customer: hua.hualian.id, severity: "LOW", description: "Wrong invoice address" });
    expect(submitted.json, JSON.stringify(submitted.json)).toMatchObject({ response_action: "update" });
    expect(await h.db.prisma.complaint.count({ where: { customerId: hua.hualian.id, reporterId: team.alice.memberId } })).toBe(1);
  });
});

describe("Slack customer picker (Socket Mode)", () => {
  it("answers a block_suggestion envelope in its ack with the options", async () => {
    const socketAdapter = createSlackAdapter(
      { botToken: h.fake.botToken, signingSecret: SIGNING_SECRET, appToken: "xapp-1-A0ACCORD-test", apiUrl: h.fake.apiUrl },
      { conversation: h.conversation, db: h.db.prisma, logger: h.logger, clock: h.deps.clock },
      { defaultLocale: "en" },
    );
    const opened = await openModal(team.alice, "callback");
    await socketAdapter.start();
    try {
      await waitFor(() => h.fake.socketConnections > 0, "the WebSocket connection");
      const payload = h.slack.suggestionPayload(team.alice, opened, "customer", "hua");
      const sentAt = Date.now();
      h.fake.sendEnvelope({ envelope_id: "env-suggest-1", type: "interactive", accepts_response_payload: true, payload });
      const ack = await waitFor(() => h.fake.socketAcks.find((a) => a.envelope_id === "env-suggest-1"), "the envelope ack");
      expect(ack.at - sentAt).toBeLessThan(3_000);
      checkSuggestionAnswer(ack.payload);
      expect(ack.payload.options).toEqual([
        { text: { type: "plain_text", text: "华为技术有限公司", emoji: true }, value: hua.huawei.id },
        { text: { type: "plain_text", text: "华润万家", emoji: true }, value: hua.huarun.id },
      ]);
    } finally {
      await socketAdapter.stop();
    }
    await waitFor(() => h.fake.socketConnections === 0, "the connection to close");
  });
});
