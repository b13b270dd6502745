// Excel workbooks (.xlsx) for the customer file, through exceljs (a maintained, pure-JS reader
// and writer with streaming modes on both sides). Reading: the first worksheet's rows become
// the same source records as a CSV's (./stream.ts rowStreamOf), so an xlsx goes through the
// same header mapping, input hygiene and validation. Writing: typed cells — amounts as numbers,
// dates as dates — row by row, never holding the workbook.
//
// Formula safety: an xlsx cell written from a string is a string cell, which a spreadsheet
// shows and never evaluates, so the export writes text as it is (no leading ' as in CSV, which
// Excel would show in a string cell). A formula cell read from a file contributes its cached
// result; without one, its formula text, which the import stores as text with a warning.
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { ColumnSpec } from "./csv.js";
import { rowStreamOf, type CsvSource, type RowStream, type SourceRecord } from "./stream.js";

/** Whether the bytes start like a zip archive, which an xlsx is ("PK\x03\x04"). */
export function isXlsxHead(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export async function isXlsxSource(source: CsvSource): Promise<boolean> {
  for await (const chunk of source()) return isXlsxHead(chunk);
  return false;
}

function numberText(n: number): string {
  // Amounts come back as binary floats (1234.56 → 1234.5600000000001 after arithmetic in a sheet).
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((r) => r.text).join("");
  if ("error" in value) return "";
  if ("formula" in value || "sharedFormula" in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    if (result !== undefined && result !== null && !(typeof result === "object" && "error" in result)) return cellText(result as ExcelJS.CellValue);
    return `=${(value as ExcelJS.CellFormulaValue).formula ?? ""}`;
  }
  if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text as ExcelJS.CellValue);
  return "";
}

/** The rows of the workbook's first worksheet, read as a stream, against the columns. */
export async function streamXlsxRows(source: CsvSource, spec: ColumnSpec): Promise<RowStream> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source()), {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "emit",
  });
  async function* records(): AsyncGenerator<SourceRecord> {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { cells, line: row.number };
      }
      return;
    }
  }
  const it = records();
  return rowStreamOf(async () => {
    const next = await it.next();
    return next.done ? undefined : next.value;
  }, spec);
}

/** A typed cell of an export: text, an amount in fen, or a calendar day (YYYY-MM-DD). */
export type ExportCell = string | { fen: bigint } | { date: string };

/** Writes one worksheet (header row, then the rows) to `file`, committing row by row. */
export async function writeXlsx(file: string, sheetName: string, headers: readonly string[], rows: AsyncIterable<ExportCell[][]>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: true });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...headers]).commit();
  let count = 0;
  for await (const page of rows) {
    for (const cells of page) {
      const row = sheet.addRow(
        cells.map((c) => {
          if (typeof c === "string") return c === "" ? null : c;
          if ("fen" in c) return Number(c.fen) / 100;
          return new Date(`${c.date}T00:00:00.000Z`);
        }),
      );
      cells.forEach((c, i) => {
        if (typeof c === "string") return;
        row.getCell(i + 1).numFmt = "fen" in c ? "#,##0.00" : "yyyy-mm-dd";
      });
      row.commit();
      count++;
    }
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
