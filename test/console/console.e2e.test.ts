// The local console as a new user meets it: `npm start` on a fresh data directory, in a real
// pseudo-terminal, no platform configured. Drives help, a Chinese prefix lookup, a visit
// through a form, a hospitality request, and its approval by number as the supervisor; then a
// form with a bad value in the middle (only that field asked again, nothing lost), an @name
// mention, and a button from replies ago. One program for the whole file: it starts once.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRunsElsewhere } from "../support/db.js";
import { projectRoot } from "../support/process.js";
import { spawnInPty, type PtySession } from "../support/pty.js";
import { workbookRows } from "../support/report-file.js";

const tsx = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
let dataDir: string;
let pty: PtySession;
const PROMPT = (name: string) => new RegExp(`accord（${name}）> $`);
const FIELD = /\n> $/;
const SUMMARY = /前请核对：/;

/** Answers each prompt of the form on screen until `done` appears: by label, else Enter. */
async function fillForm(answers: Array<[RegExp, string]>, done: RegExp): Promise<void> {
  for (let step = 0; step < 15; step++) {
    const seen = await Promise.race([pty.waitFor(/\n> $/), pty.waitFor(done).then(() => "done")]);
    if (seen === "done") return;
    // Everything printed since the last answer is this field's prompt (label, hint, options).
    const prompt = pty.sinceMark();
    // The summary before submitting lists every label: submit it.
    const answer = SUMMARY.test(prompt) ? "y" : (answers.find(([pattern]) => pattern.test(prompt))?.[1] ?? "");
    pty.mark();
    pty.type(answer);
  }
  await pty.waitFor(done);
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "accord-console-"));
});
afterAll(() => {
  pty?.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(embeddedRunsElsewhere)("the local console in a terminal", () => {
  it("plays a department's day: help, lookup, visit, hospitality request and its approval", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ACCORD_DATA_DIR: dataDir, PORT: "0", ACCORD_LOCALE: "zh-CN" };
    for (const k of Object.keys(env)) if (/^(SLACK_|FEISHU_|DATABASE_URL)/.test(k)) delete env[k];
    pty = spawnInPty(`${process.execPath} ${tsx} src/main.ts`, env, projectRoot);
    await pty.waitFor(PROMPT("刘洋"), 120_000);
    expect(pty.output()).toContain("演示租户");

    pty.mark();
    const asked = Date.now();
    pty.type("/crm 帮助");
    await pty.waitFor(/Accord 命令[\s\S]*accord（刘洋）> $/);
    expect(Date.now() - asked).toBeLessThan(3_000);

    pty.mark();
    pty.type("/crm 客户 瑞丰物");
    const card = await pty.waitFor(/瑞丰物流有限公司[\s\S]*accord（刘洋）> $/);
    expect(card).toContain("刘洋");

    pty.mark();
    pty.type("/crm 拜访 瑞丰物流有限公司");
    await pty.waitFor(/== 记录拜访 ==/);
    await fillForm([[/拜访纪要/, "季度回顾：客户计划扩大采购"]], /已记录对 瑞丰物流有限公司 的拜访/);
    await pty.waitFor(PROMPT("刘洋"));

    pty.mark();
    pty.type("/crm 招待 瑞丰物流有限公司 1500 明天 年度答谢晚宴");
    await pty.waitFor(/== 招待申请 ==/);
    await fillForm([[/客人人数/, "4"], [/招待类型/, "2"]], /#\d+[\s\S]*accord（刘洋）> $/);
    const request = /#(\d+)/.exec(pty.sinceMark())![1]!;

    pty.mark();
    pty.type("/as 李娜");
    await pty.waitFor(PROMPT("李娜"));
    pty.mark();
    pty.type("/crm 审批");
    const list = await pty.waitFor(new RegExp(`#${request}[\\s\\S]*accord（李娜）> $`));
    const approve = new RegExp(`#${request}[\\s\\S]*?\\[(\\d+)\\] 批准`).exec(list);
    expect(approve).not.toBeNull();

    pty.mark();
    pty.type(approve![1]!);
    const decided = await pty.waitFor(/已由 李娜 于 [^\n]+ 批准[\s\S]*accord（李娜）> $/);
    // The requester is told (delivered to their inbox, printed by the console).
    expect(decided).toMatch(/发给 刘洋 的消息[\s\S]*已批准/);

    // The report as a file: the console has no chat to send it to, so it prints where it wrote it.
    pty.mark();
    pty.type("/crm 报表 本月 团队 导出");
    const saved = await pty.waitFor(/报表已保存：([^\r\n]+\.xlsx)[\s\S]*accord（李娜）> $/);
    const file = /报表已保存：([^\r\n]+\.xlsx)/.exec(saved)![1]!;
    const names = (await workbookRows(readFileSync(file))).map((r) => r[1]);
    expect(names).toContain("刘洋");

  }, 120_000);

  it("keeps a form's values past a bad one, mentions @name and clicks a button from replies ago", async () => {
    // Reply A: a card with buttons.
    pty.mark();
    pty.type("/crm 客户 瑞丰物流有限公司");
    const card = await pty.waitFor(/瑞丰物流有限公司[\s\S]*accord（李娜）> $/);
    const logVisit = /\[(\d+)\] 记录拜访/.exec(card)![1]!;

    // Reply B: a form with a bad value in the middle.
    pty.mark();
    pty.type("/crm 客户 新增");
    await pty.waitFor(/== 新增客户 ==[\s\S]*客户 \*[^\n]*\n> $/);
    const answer = async (text: string, next: RegExp) => {
      pty.mark();
      pty.type(text);
      await pty.waitFor(next);
      return pty.sinceMark();
    };
    await answer("测试科技有限公司", /等级[\s\S]*\n> $/);
    await answer("", /年采购额[\s\S]*\n> $/);
    const again = await answer("12.345", FIELD);
    // Only the amount is asked again, under its label (never its key), nothing before it.
    expect(again).toMatch(/年采购额：请输入金额[^\n]*\n年采购额/);
    expect(again).not.toMatch(/annual|客户 \*/);
    await answer("1500", /行业[\s\S]*\n> $/);
    await answer("制造", /区域[\s\S]*选填[\s\S]*\n> $/);
    const summary = await answer("", FIELD);
    expect(summary).toMatch(SUMMARY);
    expect(summary).toMatch(/客户：测试科技有限公司/);
    expect(summary).toMatch(/年采购额：1500/);
    expect(summary).toMatch(/行业：制造/);
    const region = /\[(\d+)\] 区域：—/.exec(summary)![1]!;
    await answer(region, /区域[\s\S]*\n> $/);
    expect(await answer("华东", FIELD)).toMatch(/区域：华东/);
    const created = await answer("y", /已创建客户[\s\S]*accord（李娜）> $/);
    expect(created).toMatch(/行业: 制造|行业：制造/);
    expect(created).toMatch(/区域: 华东|区域：华东/);

    // Reply C: a member by name.
    const assigned = await answer("/crm 客户 分配 测试科技有限公司 @陈静 调整分工", /accord（李娜）> $/);
    expect(assigned).toMatch(/测试科技有限公司 已改由 陈静 负责/);

    // Reply A's button, three replies later.
    const form = await answer(logVisit, /== 记录拜访 ==[\s\S]*\n> $/);
    expect(form).toMatch(/瑞丰物流有限公司/);
    await answer("/cancel", /已取消表单[\s\S]*accord（李娜）> $/);
  }, 60_000);

  it("quits", async () => {
    pty.mark();
    pty.type("/quit");
    expect(await pty.exited(30_000)).toBe(0);
  });
});
