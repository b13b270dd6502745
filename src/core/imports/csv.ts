// CSV reading and writing shared by the imports and the export. Line numbers are the ones a
// user sees in a spreadsheet: one per record (a quoted field spanning lines stays one row),
// blank rows counted, the header on line 1.
import { parse } from "csv-parse/sync";
import type { ErrorParams } from "../shared/errors.js";
import { cleanText, hasNul, textLength, TEXT_LIMITS } from "../shared/hygiene.js";
import { looksLikeFormula, neutraliseFormula, unneutraliseFormula } from "./formula.js";

/** One reason a file or a row cannot be imported; `code` is a catalog key. */
export interface ImportProblem {
  /** Spreadsheet line (header = 1). */
  line: number;
  /** The canonical column the problem is about, when there is one. */
  field?: string;
  code: string;
  params: ErrorParams;
}

export interface CsvRow {
  line: number;
  cells: string[];
  /** The record could not be read (broken quoting): its problem; cells are empty. */
  problem?: ImportProblem;
}

export interface CsvTable {
  headerLine: number;
  header: string[];
  rows: CsvRow[];
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === "");
}

/** Tab-separated when the first line has tabs and no commas (Excel's "Unicode text" export). */
function detectDelimiter(text: string): string {
  const newline = text.search(/\r?\n/u);
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  return firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
}

export function readCsvTable(text: string): { ok: true; table: CsvTable } | { ok: false; problem: ImportProblem } {
  // Blank lines are kept (as [""]) so record index + 1 is the spreadsheet line number. A record
  // csv-parse cannot read (a quote opened and never closed, text after a closing quote) takes
  // its place in the same list as a problem, so it is one row's problem in the report, not the
  // whole file's.
  const records: Array<string[] | ImportProblem> = [];
  try {
    parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\uFEFF/u, "")),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      on_record: (record: string[]) => {
        records.push(record);
        return record;
      },
      on_skip: (err) => {
        records.push({ line: records.length + 1, code: "import.malformed_row", params: { problem: err?.message ?? "" } });
        return undefined;
      },
    });
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    return {
      ok: false,
      problem: { line: e.lines ?? 1, code: "import.malformed_csv", params: { problem: e.message ?? String(err) } },
    };
  }
  const headerIndex = records.findIndex((r) => !Array.isArray(r) || !isBlank(r));
  if (headerIndex < 0) return { ok: false, problem: { line: 1, code: "import.empty_file", params: {} } };
  const header = records[headerIndex]!;
  if (!Array.isArray(header)) return { ok: false, problem: { ...header, code: "import.malformed_csv" } };
  const rows: CsvRow[] = [];
  for (let i = headerIndex + 1; i < records.length; i++) {
    const record = records[i]!;
    if (!Array.isArray(record)) rows.push({ line: i + 1, cells: [], problem: { ...record, line: i + 1 } });
    else if (!isBlank(record)) rows.push({ line: i + 1, cells: record });
  }
  return { ok: true, table: { headerLine: headerIndex + 1, header, rows } };
}

/** Header text -> canonical column: trimmed, lower-cased, spaces and dashes as underscores. */
export function canonicalHeader(text: string): string {
  return text.normalize("NFKC").trim().toLowerCase().replace(/[\s-]+/gu, "_");
}

export interface ColumnSpec {
  /** Canonical names in file order for exports. */
  columns: readonly string[];
  required: readonly string[];
  /** Further accepted header texts (e.g. Chinese) per canonical column. */
  aliases: Readonly<Record<string, readonly string[]>>;
  /** The columns as an unknown-column message lists them (default: all of `columns`). */
  known?: string;
}

/** Maps header cells to canonical columns; unknown, duplicate or missing columns are problems. */
export function mapHeader(
  table: CsvTable,
  spec: ColumnSpec,
): { ok: true; index: Map<string, number> } | { ok: false; problems: ImportProblem[] } {
  const lookup = new Map<string, string>();
  for (const column of spec.columns) {
    lookup.set(column, column);
    for (const alias of spec.aliases[column] ?? []) lookup.set(canonicalHeader(alias), column);
  }
  const index = new Map<string, number>();
  const problems: ImportProblem[] = [];
  const line = table.headerLine;
  table.header.forEach((cell, i) => {
    if (cell.trim() === "") return;
    const column = lookup.get(canonicalHeader(cell));
    if (!column) {
      problems.push({ line, code: "import.unknown_column", params: { column: cell.trim(), known: spec.known ?? spec.columns.join(", ") } });
    } else if (index.has(column)) {
      problems.push({ line, field: column, code: "import.duplicate_column", params: { column } });
    } else {
      index.set(column, i);
    }
  });
  for (const column of spec.required) {
    if (!index.has(column)) problems.push({ line, field: column, code: "import.missing_column", params: { column } });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, index };
}

/** The row's cells by canonical column ("" for absent cells and columns the file lacks). */
export function rowRecord(row: CsvRow, index: Map<string, number>, columns: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const column of columns) {
    const i = index.get(column);
    record[column] = i === undefined ? "" : (row.cells[i] ?? "");
  }
  return record;
}

/** A problem when a row has non-empty cells beyond the header (an unquoted comma, usually). */
export function extraCellsProblem(row: CsvRow, headerLength: number): ImportProblem | null {
  const extra = row.cells.slice(headerLength).filter((c) => c.trim() !== "");
  if (extra.length === 0) return null;
  return { line: row.line, code: "import.too_many_cells", params: { count: row.cells.length, expected: headerLength } };
}

/** Why a file was not imported: nothing was written. */
export interface ImportFailure {
  ok: false;
  /** Data rows in the file (header and blank rows excluded). */
  rows: number;
  /** Every problem, ordered by line (at most a thousand; see omitted). */
  problems: ImportProblem[];
  /** Problems found beyond those listed (a huge file that is wrong throughout). */
  omitted?: number;
}

/** Problems ordered by line; those of one line stay in the order they were found. */
export function sortProblems(problems: ImportProblem[]): ImportProblem[] {
  return problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.i - b.i).map(({ p }) => p);
}

/** One data row of an import file, with what is already wrong with its shape. */
export interface ImportRow {
  line: number;
  /** The row's cells by canonical column (see rowRecord), through the input-hygiene step. */
  record: Record<string, string>;
  /** Cells beyond the header, unreadable quoting, NUL bytes, over-long cells; the importer adds its own. */
  problems: ImportProblem[];
  /** What was imported but deserves a look (a cell that would run as a spreadsheet formula). */
  warnings: ImportProblem[];
}

/**
 * A cell through the input-hygiene step: our own export's formula neutralisation removed, NUL
 * refused (a binary or mis-decoded file rather than text anyone typed), controls and bidi
 * overrides removed, the length bounded; and a warning when the text would run as a formula.
 */
export function cleanCell(line: number, column: string, raw: string, into: { problems: ImportProblem[]; warnings: ImportProblem[] }): string {
  if (raw === "") return raw;
  // The NUL itself is removed below with the other controls, so the rest of the row is still
  // checked and reported in the same pass.
  if (hasNul(raw)) into.problems.push({ line, field: column, code: "import.nul_byte", params: { field: column } });
  const text = cleanText(unneutraliseFormula(raw), "line").trim();
  if (textLength(text) > TEXT_LIMITS.csvCell) {
    into.problems.push({ line, field: column, code: "import.too_long", params: { field: column, max: TEXT_LIMITS.csvCell } });
    return "";
  }
  if (looksLikeFormula(text)) into.warnings.push({ line, field: column, code: "import.formula_cell", params: { field: column } });
  return text;
}

/**
 * The data rows of an import file read against its columns, or why the file as a whole cannot
 * be imported: unreadable CSV, a bad header, no data rows.
 */
export function readImportRows(text: string, spec: ColumnSpec): { ok: true; records: ImportRow[] } | ImportFailure {
  const read = readCsvTable(text);
  if (!read.ok) return { ok: false, rows: 0, problems: [read.problem] };
  const table = read.table;
  const header = mapHeader(table, spec);
  if (!header.ok) return { ok: false, rows: table.rows.length, problems: header.problems };
  if (table.rows.length === 0) {
    return { ok: false, rows: 0, problems: [{ line: table.headerLine, code: "import.no_rows", params: {} }] };
  }
  const records = table.rows.map((row) => importRowOf(row, header.index, spec.columns, table.header.length));
  return { ok: true, records };
}

/** A row csv-parse could not read: it has no cells to check, only its problem to report. */
export function isUnreadable(row: ImportRow): boolean {
  return row.problems.some((p) => p.code === "import.malformed_row");
}

/** One read row against the file's columns: its cells cleaned, its shape's problems found. */
export function importRowOf(row: CsvRow, index: Map<string, number>, columns: readonly string[], headerLength: number): ImportRow {
  const found = { problems: [] as ImportProblem[], warnings: [] as ImportProblem[] };
  if (row.problem) return { line: row.line, record: rowRecord(row, index, columns), problems: [row.problem], warnings: [] };
  const extra = extraCellsProblem(row, headerLength);
  if (extra) found.problems.push(extra);
  const raw = rowRecord(row, index, columns);
  const record: Record<string, string> = {};
  for (const column of columns) record[column] = cleanCell(row.line, column, raw[column]!, found);
  return { line: row.line, record, ...found };
}

function csvCell(raw: string): string {
  const value = neutraliseFormula(raw);
  return /[",\r\n]|^\s|\s$/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

/** One CSV record with CRLF (RFC 4180, what spreadsheets expect). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

// File bytes → text: strict, per file (./decode.ts); re-exported where callers found it.
export { csvEncodingOf, decodeCsvBytes, decodeCsvFile, type CsvEncoding } from "./decode.js";

/** Byte-order mark so spreadsheet programs read Chinese text as UTF-8. */
export const UTF8_BOM = "\uFEFF";
