// Reading back a report workbook a platform received: the rows of its first sheet as arrays of
// cell values, so tests check what a department head would open.
import ExcelJS from "exceljs";

export async function workbookRows(bytes: Buffer): Promise<Array<Array<unknown>>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: Array<Array<unknown>> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}
