// File bytes → text, decided once per file and strictly, because a wrong guess stores mojibake
// and reports success ("华为技术有限公司" read as GB18030 from UTF-8 bytes):
// 1. a byte-order mark decides: UTF-8 (EF BB BF), UTF-16 LE (FF FE), UTF-16 BE (FE FF) — what
//    Excel writes for "CSV UTF-8" and "Unicode text";
// 2. else valid UTF-8 is UTF-8;
// 3. else GB18030 (Excel's "CSV" on a Chinese Windows), but only when the bytes are valid
//    GB18030 AND no line with non-ASCII text is valid UTF-8: a file whose lines are partly UTF-8
//    and partly not was assembled from two sources, and GB18030 accepts almost any byte pair, so
//    it would "decode" the UTF-8 lines as mojibake;
// 4. otherwise the file is refused, naming the first line that is not valid text.
// `--encoding` forces one encoding (still strict). Decoders run with fatal: true throughout.
import { InvalidInputError } from "../shared/errors.js";
import type { ImportProblem } from "./csv.js";

export const CSV_ENCODINGS = ["utf-8", "utf-16le", "utf-16be", "gb18030"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export type DecodedFile = { ok: true; text: string; encoding: CsvEncoding } | { ok: false; problem: ImportProblem };

/** "utf8", "UTF-16LE", "gbk" … → a supported encoding, or undefined. */
export function csvEncodingOf(name: string): CsvEncoding | undefined {
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  if (n === "utf-8" || n === "utf8") return "utf-8";
  if (n === "utf-16le" || n === "utf16le" || n === "utf-16" || n === "unicode") return "utf-16le";
  if (n === "utf-16be" || n === "utf16be") return "utf-16be";
  if (n === "gb18030" || n === "gbk" || n === "gb2312" || n === "cp936") return "gb18030";
  return undefined;
}

function strict(encoding: CsvEncoding, bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM: the mark is stripped below, once, whatever decoded it.
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function bomOf(bytes: Uint8Array): { encoding: CsvEncoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/** Byte ranges of the lines of a file in an ASCII-compatible encoding (LF ends a line). */
function* lineRanges(bytes: Uint8Array): Generator<{ line: number; start: number; end: number }> {
  let line = 1;
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) {
      if (start < bytes.length) yield { line, start, end: bytes.length };
      return;
    }
    yield { line, start, end };
    line++;
    start = end + 1;
  }
}

function hasNonAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/** The first line (1-based) whose bytes are not valid in `encoding`; undefined when all are. */
function firstBadLine(bytes: Uint8Array, encoding: "utf-8" | "gb18030"): number | undefined {
  for (const { line, start, end } of lineRanges(bytes)) {
    if (hasNonAscii(bytes, start, end) && strict(encoding, bytes.subarray(start, end)) === undefined) return line;
  }
  return undefined;
}

/** Whether some line with non-ASCII bytes is valid UTF-8 on its own. */
function someUtf8Line(bytes: Uint8Array): boolean {
  for (const { start, end } of lineRanges(bytes)) {
    if (hasNonAscii(bytes, start, end) && strict("utf-8", bytes.subarray(start, end)) !== undefined) return true;
  }
  return false;
}

function refused(line: number, encoding: string): DecodedFile {
  return { ok: false, problem: { line, code: "import.invalid_encoding", params: { line, encoding } } };
}

/** The file's text and the encoding it was read in, or why it cannot be read (with the line). */
export function decodeCsvFile(bytes: Uint8Array, forced?: CsvEncoding): DecodedFile {
  const bom = bomOf(bytes);
  const encoding = forced ?? bom?.encoding;
  if (encoding) {
    const body = bom && bom.encoding === encoding ? bytes.subarray(bom.length) : bytes;
    const text = strict(encoding, body);
    if (text !== undefined) return { ok: true, text: text.replace(/^\uFEFF/u, ""), encoding };
    // UTF-16 has no byte lines to point at; find the line by decoding leniently and looking
    // for the replacement character.
    if (encoding === "utf-16le" || encoding === "utf-16be") {
      const lenient = new TextDecoder(encoding).decode(body);
      const at = lenient.indexOf("\uFFFD");
      return refused(at < 0 ? 1 : lenient.slice(0, at).split("\n").length, encoding);
    }
    return refused(firstBadLine(body, encoding) ?? 1, encoding);
  }
  const utf8 = strict("utf-8", bytes);
  if (utf8 !== undefined) return { ok: true, text: utf8, encoding: "utf-8" };
  const gb = someUtf8Line(bytes) ? undefined : strict("gb18030", bytes);
  if (gb !== undefined) return { ok: true, text: gb, encoding: "gb18030" };
  return refused(firstBadLine(bytes, "utf-8") ?? 1, "UTF-8 / GB18030");
}

/**
 * The file's text (see decodeCsvFile); a file that cannot be read throws InvalidInputError
 * import.invalid_encoding {line, encoding}, so callers keep getting a string.
 */
export function decodeCsvBytes(bytes: Uint8Array, forced?: CsvEncoding): string {
  const decoded = decodeCsvFile(bytes, forced);
  if (!decoded.ok) throw new InvalidInputError(decoded.problem.code, decoded.problem.params);
  return decoded.text;
}
