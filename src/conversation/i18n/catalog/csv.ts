// Messages of CSV reading beyond the importers' own (customers.ts): strict decoding, unreadable
// rows, NUL bytes, formula-looking cells, and the CLI's --encoding.
import type { Catalog } from "./types.js";

export const csvCatalog: Catalog = {
  en: {
    "import.unknown_customer": "“{field}”: no customer is called “{value}” (use the customer's exact name as in Accord).",
    "import.invalid_encoding":
      "The file is not valid {encoding} text from line {line} on. Save it as “CSV UTF-8” (or give --encoding utf-8|utf-16le|utf-16be|gb18030) and import it again.",
    "import.malformed_row": "This row cannot be read as CSV (a quote opened and never closed, or text after a closing quote): {problem}",
    "import.nul_byte": "“{field}” contains a NUL byte: the file looks damaged or was saved in another encoding.",
    "import.formula_cell": "“{field}” starts like a spreadsheet formula (= + - @); it was stored as text, and exports with a leading ' so spreadsheets show it as text.",
    "import.warning_line": "Line {line} (imported, note): {message}",
    "cli.unknown_encoding": "Unknown encoding “{value}”: use utf-8, utf-16le, utf-16be or gb18030.",
    "import.duplicate_external_id_in_file": "“{field}” {value} is already on line {first} of the file.",
    "import.duplicate_external_id_in_db": "“{field}” {value} already belongs to the customer “{name}”.",
    "import.row_created": "Line {line}: {name} — created",
    "import.row_updated": "Line {line}: {name} — updated",
    "import.row_unchanged": "Line {line}: {name} — unchanged",
    "import.customers_update_done": "Customers: {created} created, {updated} updated, {unchanged} unchanged.",
    "cli.export_xlsx_done": "Wrote {count, plural, one {# customer} other {# customers}} to {file}.",
  },
  "zh-CN": {
    "import.unknown_customer": "“{field}”：没有名为“{value}”的客户（请使用与 Accord 中完全一致的客户名称）。",
    "import.invalid_encoding":
      "文件从第 {line} 行起不是有效的 {encoding} 文本。请另存为“CSV UTF-8”（或使用 --encoding utf-8|utf-16le|utf-16be|gb18030）后重新导入。",
    "import.malformed_row": "该行无法按 CSV 读取（引号未闭合，或右引号后还有文字）：{problem}",
    "import.nul_byte": "“{field}”含有 NUL 字节：文件可能已损坏或使用了其他编码保存。",
    "import.formula_cell": "“{field}”以电子表格公式字符（= + - @）开头；已按文本保存，导出时会加前缀 ' 使表格软件按文本显示。",
    "import.warning_line": "第 {line} 行（已导入，请留意）：{message}",
    "cli.unknown_encoding": "未知编码“{value}”：请使用 utf-8、utf-16le、utf-16be 或 gb18030。",
    "import.duplicate_external_id_in_file": "“{field}”{value} 已在文件第 {first} 行出现。",
    "import.duplicate_external_id_in_db": "“{field}”{value} 已属于客户“{name}”。",
    "import.row_created": "第 {line} 行：{name} — 新增",
    "import.row_updated": "第 {line} 行：{name} — 已更新",
    "import.row_unchanged": "第 {line} 行：{name} — 未变",
    "import.customers_update_done": "客户：新增 {created}，更新 {updated}，未变 {unchanged}。",
    "cli.export_xlsx_done": "已将 {count} 个客户写入 {file}。",
  },
};
