// The console adapter through its own input and output streams, on the real conversation and
// database: a form keeps every value and asks again only the field in error, shows everything
// before it submits; a customer field settles an ambiguous name at once; @name mentions a
// member (with a chooser when two share the name); numbered buttons stay clickable until their
// card is replaced, per member, across /as. (console.e2e.test.ts drives the same through a
// real pseudo-terminal and `npm start`.)
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole, type ConsoleSession } from "../../src/adapters/console/console.js";
import { normalizeName } from "../../src/core/customers/rules.js";
import { conversationAt, registerConsoleTeam } from "../support/conversation.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await openTestDatabase();
});
afterAll(async () => tdb?.close());

const NOW = "2026-11-23T01:00:00Z"; // a Monday, 09:00 in Shanghai
let n = 0;

interface Terminal {
  type(line: string): void;
  /** Waits until the output since the last type() matches, and returns that output. */
  waitFor(pattern: RegExp): Promise<string>;
  session: ConsoleSession;
}

async function scene(as: "alice" | "li" | "boss" = "alice") {
  const { conversation } = conversationAt(tdb.prisma, NOW, { admins: ["boss"], defaultLocale: "en" });
  const external = `T-console-${++n}`;
  const team = await registerConsoleTeam(tdb.prisma, conversation, external, { alice: "Alice", li: "Li", wang: "Wang", bob: "Bob", boss: "Boss" });
  const customer = (name: string, ownerId: string) =>
    tdb.prisma.customer.create({ data: { tenantId: team.tenant.id, name, nameKey: normalizeName(name), ownerId, tier: "B", status: "ACTIVE" } });
  const input = new PassThrough();
  const output = new PassThrough();
  let out = "";
  let mark = 0;
  const waiters: Array<() => void> = [];
  output.on("data", (d: Buffer) => {
    out += d.toString("utf8");
    waiters.splice(0).forEach((w) => w());
  });
  const session = startConsole({
    conversation,
    db: tdb.prisma,
    tenantId: team.tenant.id,
    tenantExternalId: external,
    tenantName: external,
    locale: "en",
    input,
    output,
    startAs: as,
    flushOutbox: async () => undefined,
  });
  const terminal: Terminal = {
    session,
    type(line) {
      mark = out.length;
      input.write(`${line}\n`);
    },
    waitFor(pattern) {
      const from = mark;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${out.slice(from)}`)), 15_000);
        const check = () => {
          const m = pattern.exec(out.slice(from));
          if (m) {
            clearTimeout(timer);
            resolve(out.slice(from));
          } else waiters.push(check);
        };
        check();
      });
    },
  };
  const PROMPT = /accord \([^)]+\)> $/;
  const FIELD = /\n> $/;
  return { team, customer, terminal, PROMPT, FIELD, close: () => input.end() };
}

describe("the console", () => {
  it("asks again only the field in error, keeps every other value and shows them all before creating", async () => {
    const { terminal: c, FIELD, PROMPT, team, close } = await scene("li");
    await c.waitFor(PROMPT);
    c.type("customer add");
    expect(await c.waitFor(FIELD)).toMatch(/== New customer ==[\s\S]*Customer \*/);
    c.type("Beta Logistics");
    expect(await c.waitFor(FIELD)).toMatch(/Tier[\s\S]*optional: press Enter to leave it empty/);
    c.type("2");
    expect(await c.waitFor(FIELD)).toMatch(/Annual/);
    c.type("12.345");
    // The bad amount: its message with the field's label, and the same field again.
    const again = await c.waitFor(FIELD);
    expect(again).toMatch(/Annual[^\n]*: Enter an amount/);
    expect(again).not.toMatch(/annual:/);
    expect(again).not.toMatch(/Customer \*/);
    expect(again).toMatch(/Enter an amount[^\n]*\nAnnual[^\n]*\n/);
    c.type("1,200.50");
    expect(await c.waitFor(FIELD)).toMatch(/Industry/);
    c.type("Logistics");
    expect(await c.waitFor(FIELD)).toMatch(/Region/);
    c.type("");
    // Nothing is created before the member has seen every value, the empty one included.
    const summary = await c.waitFor(FIELD);
    expect(summary).toMatch(/\[1\] Customer: Beta Logistics/);
    expect(summary).toMatch(/\[4\] Industry: Logistics/);
    expect(summary).toMatch(/\[5\] Region: —/);
    expect(await tdb.prisma.customer.count({ where: { tenantId: team.tenant.id } })).toBe(0);
    c.type("5");
    expect(await c.waitFor(FIELD)).toMatch(/Region/);
    c.type("East China");
    expect(await c.waitFor(FIELD)).toMatch(/\[5\] Region: East China/);
    c.type("y");
    expect(await c.waitFor(PROMPT)).toMatch(/Beta Logistics/);
    const created = await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: team.tenant.id } });
    expect(created).toMatchObject({ name: "Beta Logistics", tier: "A", annualPurchaseFen: 120_050n, industry: "Logistics", region: "East China" });
    close();
    await c.session.closed;
  });

  it("settles an ambiguous customer at its field with a chooser and reads the grammar's dates", async () => {
    const { terminal: c, FIELD, PROMPT, team, customer, close } = await scene();
    await customer("Huawei Technologies", team.members.alice.id);
    await customer("Huawei Cloud", team.members.alice.id);
    await c.waitFor(PROMPT);
    c.type("callback");
    expect(await c.waitFor(FIELD)).toMatch(/Customer \*/);
    c.type("Huawei");
    const chooser = await c.waitFor(FIELD);
    expect(chooser).toMatch(/“Huawei” matches several customers/);
    const cloud = /\[(\d)\] Huawei Cloud/.exec(chooser)![1]!;
    c.type(cloud);
    // The next field comes straight away: nothing after the customer is asked twice.
    expect(await c.waitFor(FIELD)).toMatch(/Callback date/);
    c.type("someday");
    expect(await c.waitFor(FIELD)).toMatch(/Enter a date, e\.g\./);
    c.type("next fri"); // 下周五: Friday of next week
    let screen = await c.waitFor(FIELD);
    for (let i = 0; i < 5 && !/Check before/.test(screen); i++) {
      c.type("");
      screen = await c.waitFor(FIELD);
    }
    expect(screen).toMatch(/Customer: Huawei Cloud/);
    // The day "next fri" was read as, shown as the member reads dates; submitted as 2026-12-04.
    expect(screen).toMatch(/Callback date: Fri, Dec 4\n/);
    c.type("y");
    await c.waitFor(PROMPT);
    const callback = await tdb.prisma.callback.findFirstOrThrow({ where: { tenantId: team.tenant.id, customer: { name: "Huawei Cloud" }, reason: "MANUAL" } });
    expect(callback.dueOn.toISOString().slice(0, 10)).toBe("2026-12-04");
    close();
    await c.session.closed;
  });

  it("mentions a member by name, asking which one when two share it", async () => {
    const { terminal: c, PROMPT, FIELD, team, customer, close } = await scene("boss");
    await customer("Acme", team.members.alice.id);
    // A second "Li" in the department.
    await tdb.prisma.member.update({ where: { id: team.members.bob.id }, data: { displayName: "Li" } });
    await c.waitFor(PROMPT);
    c.type("customer assign Acme @Wang moving to the north team");
    expect(await c.waitFor(PROMPT)).toMatch(/Acme[^\n]*Wang/);
    expect((await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: team.tenant.id, name: "Acme" } })).ownerId).toBe(team.members.wang.id);

    c.type("customer assign Acme @Li back to the team");
    const chooser = await c.waitFor(FIELD);
    expect(chooser).toMatch(/“@Li” matches several members/);
    const bob = /\[(\d)\] Li \([^)]*\) — bob/.exec(chooser)![1]!;
    c.type(bob);
    await c.waitFor(PROMPT);
    expect((await tdb.prisma.customer.findFirstOrThrow({ where: { tenantId: team.tenant.id, name: "Acme" } })).ownerId).toBe(team.members.bob.id);

    // The admin commands that name people work the same way.
    c.type("admin role @Alice supervisor");
    await c.waitFor(PROMPT);
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: team.members.alice.id } })).role).toBe("SUPERVISOR");
    c.type("admin supervisor @Alice @Wang");
    await c.waitFor(PROMPT);
    expect((await tdb.prisma.member.findUniqueOrThrow({ where: { id: team.members.alice.id } })).supervisorId).toBe(team.members.wang.id);
    close();
    await c.session.closed;
  });

  it("keeps the buttons of earlier replies clickable, per member, across /as", async () => {
    const { terminal: c, PROMPT, FIELD, team, customer, close } = await scene();
    await customer("Acme", team.members.alice.id);
    await customer("Globex", team.members.alice.id);
    await c.waitFor(PROMPT);
    c.type("customer Acme");
    const acme = await c.waitFor(PROMPT);
    const logVisit = /\[(\d+)\] Log visit/.exec(acme)![1]!;
    c.type("customer Globex");
    const globex = await c.waitFor(PROMPT);
    // Globex's buttons are numbered after Acme's, which are still on screen.
    expect(Number(/\[(\d+)\] Log visit/.exec(globex)![1]!)).toBeGreaterThan(Number(logVisit));
    c.type("help");
    await c.waitFor(PROMPT);
    c.type("/as Li");
    await c.waitFor(PROMPT);
    c.type(logVisit);
    expect(await c.waitFor(PROMPT)).toMatch(/Nothing on screen to choose/);
    c.type("/as Alice");
    await c.waitFor(PROMPT);
    // Two replies (and a switch of member) later, Acme's button still opens Acme's visit form.
    c.type(logVisit);
    expect(await c.waitFor(FIELD)).toMatch(/== Log a visit ==[\s\S]*Acme/);
    c.type("/cancel");
    await c.waitFor(PROMPT);
    close();
    await c.session.closed;
  });
});
