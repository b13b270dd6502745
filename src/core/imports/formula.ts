// Spreadsheet formula injection (OWASP "CSV Injection"): Excel and WPS run a cell that starts
// with = + - @ (and, after they trim it, TAB or CR) as a formula — =HYPERLINK(...) leaks data,
// =cmd|' /C calc'!A0 runs a program. Any member can type such a customer name in chat.
//
// Export: such a cell is written with a leading single quote, which both programs show as text
// and hide; plain numbers ("-1200.50") and ISO dates stay as they are, so they stay numbers
// and dates in the sheet.
// Import: the text is stored as the user typed it. A leading quote before one of those
// characters is our own export's neutralisation and is removed (so export → import is a
// no-op); a cell that still looks like a formula is stored as text and the row gets a warning.
const DANGEROUS_START = /^[=+\-@\t\r]/u;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/u;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/u;
// "+86 138 0000 0000": a phone number starts with + but is not what anyone means by a formula.
const PHONE = /^\+?[0-9][0-9\s\-()]{4,24}$/u;

/** The cell as it must be written to a CSV a spreadsheet will open. */
export function neutraliseFormula(value: string): string {
  if (!DANGEROUS_START.test(value) || PLAIN_NUMBER.test(value) || ISO_DATE.test(value)) return value;
  return `'${value}`;
}

/** An imported cell with our own export's neutralisation removed. */
export function unneutraliseFormula(value: string): string {
  return value.startsWith("'") && DANGEROUS_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** Whether an imported cell (neutralisation removed) would run as a formula in a spreadsheet. */
export function looksLikeFormula(value: string): boolean {
  return DANGEROUS_START.test(value) && !PLAIN_NUMBER.test(value) && !PHONE.test(value);
}
