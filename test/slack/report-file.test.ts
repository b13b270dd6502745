// `/crm report … xlsx` in Slack: the KPI workbook goes to the requester alone through Slack's
// upload flow (files.getUploadURLExternal → POST to upload_url → files.completeUploadExternal with
// the requester's DM as channel_id), and the answer says it was sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf, waitFor } from "../fakes/slack.js";
import { expectDepartmentWorkbook, seedReportCustomer } from "../support/report-file.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;

/** The command's final answer, after any "working…" placeholder (building a workbook takes a moment). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Slack message JSON, as the fake records it
function finalAnswer(responseUrl: string): Promise<any> {
  return waitFor(
    () => h.fake.responsesTo(responseUrl).map((r) => r.body).find((body) => body && body.text !== "Working on it…"),
    "the report's answer",
    30_000,
  );
}
let team: Awaited<ReturnType<typeof seedDepartment>>;

beforeAll(async () => {
  h = await startHarness();
  team = await seedDepartment(h);
  await seedReportCustomer(h.db.prisma, team.alice);
});

afterAll(async () => {
  await h?.close();
});

describe("report as a file", () => {
  it("uploads the workbook to the requester's DM with per-member rows and says so", async () => {
    const sent = await h.slack.command(team.manager, "report month all xlsx");
    expect(sent.status).toBe(200);
    const answer = await finalAnswer(sent.responseUrl);
    expect(textOf(answer.blocks)).toMatch(/Report sent: KPI report \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\.xlsx/);
    expect(answer.response_type).toBe("ephemeral");

    // The three documented steps, in order, and nothing posted anywhere else.
    const methods = h.fake.calls.map((c) => c.method).filter((m) => m.startsWith("files."));
    expect(methods).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal"]);
    expect(h.fake.files).toHaveLength(1);
    const file = h.fake.files[0]!;
    expect(file.channelId).toBe(h.fake.dmOf(team.manager.id));
    expect(file.filename).toMatch(/\.xlsx$/);
    expect(file.declaredLength).toBe(file.bytes.length);

    await expectDepartmentWorkbook(file.bytes);
  });

  it("tells the requester when Slack refuses the upload (no files:write), and sends nothing", async () => {
    const before = h.fake.files.length;
    h.fake.script("files.getUploadURLExternal", { error: "missing_scope" });
    const answer = await finalAnswer((await h.slack.command(team.alice, "report me xlsx")).responseUrl);
    expect(answer.text).toContain("files:write");
    expect(h.fake.files).toHaveLength(before);
  });
});
