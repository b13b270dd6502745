// The App Home tab over Bolt against the fake Slack: app_home_opened publishes the member's day
// (views.publish) in their language with the digests' buttons, a click on it is answered in a
// modal and republishes the tab (debounced), a 429 waits for Retry-After, a long day stays within
// the Home tab's 100 blocks with "… and N more", and admins see the setup checklist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerComplaint } from "../../src/core/complaints/complaints.js";
import { createCustomer } from "../../src/core/customers/customers.js";
import type { Actor } from "../../src/core/shared/context.js";
import { toDateColumn } from "../../src/core/shared/time.js";
import { findButton, sleep, textOf, waitFor, type OpenedView } from "../fakes/slack.js";
import { createAcmeTrading, localDateInDays } from "../support/platform.js";
import { seedDepartment, startHarness, type Harness, type SlackMember } from "./harness.js";

let h: Harness;
let team: Awaited<ReturnType<typeof seedDepartment>>;
const DEBOUNCE_MS = 1_500;

const actorOf = (m: SlackMember): Actor => ({ tenantId: team.tenant.id, memberId: m.memberId, role: m.role, platform: "SLACK" });

beforeAll(async () => {
  h = await startHarness({ adapter: { homeDebounceMs: DEBOUNCE_MS } });
  team = await seedDepartment(h);
  const acme = await createAcmeTrading(h.deps, team);
  const db = h.db.prisma;
  await db.callback.create({
    data: { tenantId: team.tenant.id, customerId: acme.id, assigneeId: team.alice.memberId, dueOn: toDateColumn(localDateInDays(h.deps, -2)), reason: "MANUAL", note: "ask about the renewal" },
  });
  await registerComplaint(h.deps, actorOf(team.alice), { customerId: acme.id, severity: "HIGH", description: "late delivery" });
  // Amy reads Accord in Chinese and has a long day: 60 overdue callbacks.
  await db.member.update({ where: { id: team.amy.memberId }, data: { locale: "zh-CN" } });
  const beta = await createCustomer(h.deps, actorOf(team.amy), { name: "北京贝塔科技", annualPurchaseFen: 50_000_000n });
  await db.callback.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      tenantId: team.tenant.id,
      customerId: beta.id,
      assigneeId: team.amy.memberId,
      dueOn: toDateColumn(localDateInDays(h.deps, -1 - i)),
      reason: "MANUAL" as const,
    })),
  });
});

afterAll(async () => {
  await h?.close();
});

const publishesFor = (user: SlackMember) => h.fake.callsTo("views.publish").filter((c) => c.args.user_id === user.id);
const homeOf = (user: SlackMember) => h.fake.homes.get(user.id);

describe("Slack App Home", () => {
  it("publishes the member's day on app_home_opened: callbacks, complaints, with the digests' buttons", async () => {
    const opened = await h.slack.homeOpened(team.alice);
    expect(opened.status).toBe(200);
    const home = await waitFor(() => homeOf(team.alice), "Alice's home tab");
    expect(home.view.type).toBe("home");
    const text = textOf(home.view.blocks);
    expect(text).toContain("My day");
    expect(text).toContain("Callbacks due and overdue (1)");
    expect(text).toContain("Acme Trading");
    expect(text).toContain("ask about the renewal");
    expect(text).toContain("Open complaints (1)");
    expect(text).toContain("Planned visits");
    expect(text).toContain("Approvals waiting for you (0)");
    // The due list's buttons, exactly as the digest carries them.
    expect(findButton(home.view.blocks, /^callback\.done/)).toBeDefined();
    expect(findButton(home.view.blocks, /^visit\.open_form/)).toBeDefined();
    expect(findButton(home.view.blocks, /^complaint\.open/)).toBeDefined();
  });

  it("ignores app_home_opened for the Messages tab", async () => {
    const before = publishesFor(team.manager).length;
    await h.slack.homeOpened(team.manager, "messages");
    await sleep(500);
    expect(publishesFor(team.manager).length).toBe(before);
  });

  it("answers a click on the Home tab in a modal and republishes the tab once after a burst (debounced)", async () => {
    const home = homeOf(team.alice)!;
    const before = publishesFor(team.alice).length;
    const done = findButton(home.view.blocks, /^callback\.done/)!;
    const where = { view: { id: "VHUALICE", view: home.view, history: [] } satisfies OpenedView };
    const click = await h.slack.click(team.alice, done, where);
    expect(click.status).toBe(200);
    // The answer opens a modal with the click's trigger_id (no channel, no response_url on Home).
    const modal = await waitFor(() => h.fake.viewOpenedBy(click.triggerId), "the click's answer in a modal");
    expect(modal.view.type).toBe("modal");
    // Done asks for the outcome, as it does from the digest.
    expect(modal.view.callback_id).toBe("callback.outcome");
    const submitted = await h.slack.submit(team.alice, modal, { result: "REACHED", satisfaction: "4" });
    expect(submitted.status).toBe(200);
    const callback = await h.db.prisma.callback.findFirstOrThrow({ where: { assigneeId: team.alice.memberId, reason: "MANUAL" } });
    expect(callback.status).toBe("DONE");
    // A second action right after: still one publish for both.
    await h.slack.homeOpened(team.alice);
    await waitFor(() => publishesFor(team.alice).length > before || undefined, "the republished tab");
    await sleep(DEBOUNCE_MS * 2);
    expect(publishesFor(team.alice).length).toBe(before + 1);
    const text = textOf(homeOf(team.alice)!.view.blocks);
    expect(text).toContain("Callbacks due and overdue (0)");
    expect(text).not.toContain("ask about the renewal");
  });

  it("republishes a viewer's tab after a slash command, and spends no views.publish on members who never opened it", async () => {
    await h.slack.homeOpened(team.alice);
    await waitFor(() => (publishesFor(team.alice).length > 0 ? true : undefined), "alice's tab");
    await sleep(DEBOUNCE_MS);
    const aliceBefore = publishesFor(team.alice).length;
    const managerBefore = publishesFor(team.manager).length;
    await h.slack.command(team.alice, "help");
    await h.slack.command(team.manager, "help");
    await waitFor(() => (publishesFor(team.alice).length > aliceBefore ? true : undefined), "alice's tab after her command");
    await sleep(DEBOUNCE_MS * 2);
    expect(publishesFor(team.alice).length).toBe(aliceBefore + 1);
    // The manager only ever opened the Messages tab: nothing is published for him.
    expect(publishesFor(team.manager).length).toBe(managerBefore);
  });

  it("waits for Retry-After when views.publish is rate limited, then publishes", async () => {
    await sleep(DEBOUNCE_MS * 2);
    const before = publishesFor(team.alice).length;
    h.fake.script("views.publish", { status: 429, retryAfter: 1 });
    await h.slack.homeOpened(team.alice);
    const calls = await waitFor(() => (publishesFor(team.alice).length >= before + 2 ? publishesFor(team.alice).slice(before) : undefined), "a publish after the 429", 6_000);
    expect(calls[0]!.status).toBe(429);
    expect(calls[1]!.ok).toBe(true);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(h.logs.some((l) => String(l.msg).includes("rate limited"))).toBe(true);
  });

  it("shows a long day in Chinese within the Home tab's 100 blocks, the rest counted", async () => {
    await h.slack.homeOpened(team.amy);
    const home = await waitFor(() => homeOf(team.amy), "Amy's home tab");
    const blocks = home.view.blocks;
    expect(blocks.length).toBeLessThanOrEqual(100);
    const text = textOf(blocks);
    expect(text).toContain("我的一天");
    expect(text).toContain("今日到期及逾期回访（60）");
    expect(text).toContain("北京贝塔科技");
    expect(text).toContain("…还有 50 项");
    expect(text).not.toContain("My day");
    for (const block of blocks) if (block.type === "section" && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
  });

  it("shows admins the setup checklist until everything is set", async () => {
    await h.slack.homeOpened(team.admin);
    const home = await waitFor(() => homeOf(team.admin), "the admin's home tab");
    const text = textOf(home.view.blocks);
    expect(text).toContain("Set up Accord");
    // Roles and supervisors are set by the seed; the digests channel is not.
    expect(text).toMatch(/✅ Roles/);
    expect(text).toMatch(/⬜ Channels/);
    // A specialist never sees it.
    expect(textOf(homeOf(team.alice)!.view.blocks)).not.toContain("Set up Accord");
  });
});
