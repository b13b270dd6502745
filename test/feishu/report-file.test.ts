// `@Accord 报表 … 导出` in Feishu: the KPI workbook is uploaded (im/v1/files, multipart, file_type
// xls) and sent to the requester alone as a file message (msg_type "file", {"file_key"}); the
// reply card says it was sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardText, waitFor } from "../fakes/feishu.js";
import { expectDepartmentWorkbook, seedReportCustomer } from "../support/report-file.js";
import { seedDepartment, startHarness, type Harness } from "./harness.js";

let h: Harness;
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
  it("uploads the workbook and sends it to the requester's direct chat as a file message", async () => {
    const { message } = await h.feishu.message(team.manager, "报表 本月 全部 导出");
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId).find((m) => cardText(m.content).includes("xlsx")), "the report's reply", 30_000);
    expect(cardText(reply.content)).toMatch(/Report sent: KPI report .*\.xlsx/);

    const fileMessages = [...h.fake.messages.values()].filter((m) => m.msgType === "file");
    expect(fileMessages).toHaveLength(1);
    expect(fileMessages[0]!.chatId).toBe(h.fake.dmOf(team.manager.openId));
    const uploaded = h.fake.files.get(String(fileMessages[0]!.content.file_key))!;
    expect(uploaded.fileType).toBe("xls");
    expect(uploaded.fileName).toMatch(/^KPI report \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\.xlsx$/);

    await expectDepartmentWorkbook(uploaded.bytes);
  });

  it("says so when the upload is refused (no im:resource), and sends no file message", async () => {
    const before = [...h.fake.messages.values()].filter((m) => m.msgType === "file").length;
    h.fake.script("file.create", { status: 400, code: 99991672, msg: "Access denied. One of the following scopes is required: [im:resource]" });
    const { message } = await h.feishu.message(team.alice, "report me xlsx");
    const reply = await waitFor(() => h.fake.repliesTo(message.messageId).find((m) => cardText(m.content).includes("im:resource")), "the failure reply", 30_000);
    expect(cardText(reply.content)).toContain("could not be sent");
    expect([...h.fake.messages.values()].filter((m) => m.msgType === "file")).toHaveLength(before);
  });
});
