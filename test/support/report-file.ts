// What the Slack and Feishu report-file tests share: the scene (the department and one customer
// of Alice's) and reading back the workbook the platform received — the rows of its first sheet
// as arrays of cell values, so tests check what a department head would open.
import ExcelJS from "exceljs";
import { expect } from "vitest";
import type { Db } from "../../src/db/client.js";

export async function workbookRows(bytes: Buffer): Promise<Array<Array<unknown>>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: Array<Array<unknown>> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** Alice's one customer, which her row of the report counts. */
export async function seedReportCustomer(db: Db, alice: { memberId: string }): Promise<void> {
  const tenant = await db.tenant.findFirstOrThrow();
  await db.customer.create({
    data: { tenantId: tenant.id, ownerId: alice.memberId, name: "Acme", nameKey: "acme", tier: "VIP", status: "ACTIVE", lastContactAt: new Date() },
  });
}

/** The whole department's workbook: a row per member (seedPlatformDepartment's), Alice's with her one customer. */
export async function expectDepartmentWorkbook(bytes: Buffer): Promise<void> {
  const rows = await workbookRows(bytes);
  expect(rows[0]!.slice(0, 3)).toEqual(["Row", "Name", "Members"]);
  const names = rows.map((r) => r[1]);
  for (const name of ["Wang Manager", "Li Supervisor", "Alice Zhang", "Amy Chen"]) expect(names).toContain(name);
  const alice = rows.find((r) => r[1] === "Alice Zhang")!;
  expect(alice[0]).toBe("member");
  expect(alice[3]).toBe(1);
}
