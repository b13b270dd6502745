// Reading an import file as a stream of rows, so a file of a million rows never sits in memory
// whole (the text, its records and their cells took ~1.1 GB for 100,000 rows). A source is
// opened again for each pass over the bytes: once to decide the encoding (./decode.ts rules,
// applied chunk by chunk), once to read the rows.
import { Readable } from "node:stream";
import { parse, type CsvError, type Options } from "csv-parse";
import { InvalidInputError } from "../shared/errors.js";
import { importRowOf, mapHeader, type ColumnSpec, type CsvRow, type ImportProblem, type ImportRow } from "./csv.js";
import type { CsvEncoding } from "./decode.js";

/** Where an import file's bytes come from; called once per pass. */
export type CsvSource = () => AsyncIterable<Uint8Array>;

/** A source over bytes already in memory (tests, small files, a chat upload). */
export function bytesSource(bytes: Uint8Array): CsvSource {
  return async function* () {
    yield bytes;
  };
}

function bomOf(head: Uint8Array): CsvEncoding | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return undefined;
}

/** Byte lines of a stream (LF-terminated), each with its 1-based number. */
async function* byteLines(source: CsvSource): AsyncGenerator<{ line: number; bytes: Uint8Array }> {
  let line = 1;
  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of source()) {
    let data = carry.length > 0 ? concat(carry, chunk) : chunk;
    let start = 0;
    for (;;) {
      const end = data.indexOf(0x0a, start);
      if (end < 0) break;
      yield { line: line++, bytes: data.subarray(start, end) };
      start = end + 1;
    }
    carry = data.slice(start);
    data = carry;
  }
  if (carry.length > 0) yield { line, bytes: carry };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function validIn(encoding: CsvEncoding, bytes: Uint8Array): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const hasNonAscii = (bytes: Uint8Array) => bytes.some((b) => b >= 0x80);

/** Whether the whole stream decodes in `encoding` (fatal), without holding it. */
async function decodesAs(source: CsvSource, encoding: CsvEncoding): Promise<boolean> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  try {
    for await (const chunk of source()) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding of a file by the rules of decodeCsvFile (BOM, valid UTF-8, GB18030 only when valid
 * and no line is UTF-8), in passes over the source; a file that is none of them throws
 * InvalidInputError import.invalid_encoding naming the first line that is not valid text.
 */
export async function detectEncoding(source: CsvSource, forced?: CsvEncoding): Promise<CsvEncoding> {
  let head: Uint8Array | undefined;
  for await (const chunk of source()) {
    head = chunk;
    break;
  }
  const encoding = forced ?? (head ? bomOf(head) : undefined);
  if (encoding) {
    if (await decodesAs(source, encoding)) return encoding;
    throw new InvalidInputError("import.invalid_encoding", { line: await firstBadLine(source, encoding), encoding });
  }
  if (await decodesAs(source, "utf-8")) return "utf-8";
  let someUtf8 = false;
  for await (const { bytes } of byteLines(source)) {
    if (hasNonAscii(bytes) && validIn("utf-8", bytes)) {
      someUtf8 = true;
      break;
    }
  }
  if (!someUtf8 && (await decodesAs(source, "gb18030"))) return "gb18030";
  throw new InvalidInputError("import.invalid_encoding", { line: await firstBadLine(source, "utf-8"), encoding: "UTF-8 / GB18030" });
}

async function firstBadLine(source: CsvSource, encoding: CsvEncoding): Promise<number> {
  if (encoding === "utf-16le" || encoding === "utf-16be") {
    // No byte lines in UTF-16: count the newlines decoded before the first bad unit.
    const decoder = new TextDecoder(encoding);
    let line = 1;
    for await (const chunk of source()) {
      const text = decoder.decode(chunk, { stream: true });
      const bad = text.indexOf("\uFFFD");
      const part = bad < 0 ? text : text.slice(0, bad);
      for (let i = part.indexOf("\n"); i >= 0; i = part.indexOf("\n", i + 1)) line++;
      if (bad >= 0) return line;
    }
    return line;
  }
  for await (const { line, bytes } of byteLines(source)) if (hasNonAscii(bytes) && !validIn(encoding, bytes)) return line;
  return 1;
}

/** The text of a source in a known encoding, chunk by chunk, without its byte-order mark. */
export async function* decodedText(source: CsvSource, encoding: CsvEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let first = true;
  for await (const chunk of source()) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/u, "");
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** An import file as its header line and a stream of rows, or why the file as a whole cannot be read. */
export type RowStream =
  | {
      ok: true;
      headerLine: number;
      /** Canonical column → its header as written in the file (messages name the column so). */
      written: Map<string, string>;
      rows: AsyncGenerator<ImportRow>;
    }
  | { ok: false; problems: ImportProblem[] };

type Record_ = { cells: string[] } | { problem: ImportProblem };

/**
 * The rows of an import file read against its columns, one at a time (see readImportRows for the
 * same over a string): blank lines counted, unreadable records as that row's problem.
 */
export async function streamImportRows(text: AsyncIterable<string>, spec: ColumnSpec): Promise<RowStream> {
  const iterator = text[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? "" : first.value;
  const newline = head.search(/\r?\n/u);
  const firstLine = newline < 0 ? head : head.slice(0, newline);
  const delimiter = firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
  async function* all(): AsyncGenerator<string> {
    if (head) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  let index = 0;
  const skipped: ImportProblem[] = [];
  const options: Options = {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    // Records and skipped records numbered in one sequence: record index + 1 is the spreadsheet
    // line, as in readCsvTable. (csv-parse's typings tie on_record's output to its input type;
    // the stream yields what it returns.)
    on_record: ((record: string[]) => ({ cells: record, line: ++index })) as unknown as Options["on_record"],
    on_skip: (err: CsvError | undefined) => {
      skipped.push({ line: ++index, code: "import.malformed_row", params: { problem: err?.message ?? "" } });
      return undefined;
    },
  };
  const parser = Readable.from(all()).pipe(parse(options));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ cells: string[]; line: number }>;
  // Skipped records are reported where they fall among the others (by line number): on_skip
  // runs while parsing, possibly before earlier records were taken from the stream.
  const pending: Array<{ cells: string[]; line: number }> = [];
  async function take(): Promise<(Record_ & { line: number }) | undefined> {
    const value = pending.shift() ?? (await records.next().then((n) => (n.done ? undefined : n.value)));
    if (skipped.length > 0 && (!value || skipped[0]!.line < value.line)) {
      if (value) pending.unshift(value);
      const problem = skipped.shift()!;
      return { problem, line: problem.line };
    }
    return value;
  }

  return rowStreamOf(take, spec);
}

/** A source record: its cells, or why it could not be read; `line` is the spreadsheet line. */
export type SourceRecord = Record_ & { line: number };

/**
 * Rows of any tabular source (CSV above, an xlsx sheet in ./xlsx.ts) read against the columns
 * the same way: leading blank lines skipped, the header mapped, blank rows skipped, each row's
 * cells through importRowOf (the input-hygiene step).
 */
export async function rowStreamOf(take: () => Promise<SourceRecord | undefined>, spec: ColumnSpec): Promise<RowStream> {
  const isBlank = (cells: string[]) => cells.every((c) => c.trim() === "");
  let header: (Record_ & { line: number }) | undefined;
  for (header = await take(); header && "cells" in header && isBlank(header.cells); header = await take());
  if (!header) return { ok: false, problems: [{ line: 1, code: "import.empty_file", params: {} }] };
  if ("problem" in header) return { ok: false, problems: [{ ...header.problem, code: "import.malformed_csv" }] };
  const headerCells = header.cells;
  const mapped = mapHeader({ headerLine: header.line, header: headerCells, rows: [] }, spec);
  if (!mapped.ok) return { ok: false, problems: mapped.problems };
  const headerLine = header.line;

  async function* rows(): AsyncGenerator<ImportRow> {
    for (let r = await take(); r; r = await take()) {
      const row: CsvRow = "problem" in r ? { line: r.line, cells: [], problem: r.problem } : { line: r.line, cells: r.cells };
      if (!row.problem && isBlank(row.cells)) continue;
      yield importRowOf(row, mapped.ok ? mapped.index : new Map(), spec.columns, headerCells.length);
    }
  }
  const written = new Map([...mapped.index].map(([column, i]) => [column, headerCells[i]!.trim()]));
  return { ok: true, headerLine, written, rows: rows() };
}
