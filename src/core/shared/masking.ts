// The one masking rule for contact details in free text (DESIGN §2 "phone and email are masked
// in channel posts"): what counts as a phone number or an e-mail address, and how much of it stays
// visible. Channel and group posts show text through maskContactDetails; the logger replaces the
// same matches whole (src/logger.ts). Pure functions, no I/O.
//
// Phone numbers, as people type them in Chinese business text:
// - mobile: 11 digits 13x–19x, also 3-4-4 with spaces or dashes, optionally after +86 / 0086
//   → 138****5678 (the usual Chinese display: first 3, last 4);
// - landline: area code 0xx / 0xxx then 7–8 digits, with a dash, space or (0xx) brackets, and
//   400 / 800 service numbers → area code kept, last 4 kept: 010-****5678;
// - international: + or 00, then 8–15 digits in groups → +44 ****5678.
// Bare digit runs that are none of these (amounts, dates, order numbers, ids) stay as they are.

const MOBILE = String.raw`(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}`;
const LANDLINE = String.raw`(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-]?)\d{3,4}[\s-]?\d{4}(?:-\d{1,5})?`;
const SERVICE = String.raw`[48]00[\s-]?\d{3}[\s-]?\d{4}`;
const INTERNATIONAL = String.raw`(?:\+|00)[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,5}\)?){2,6}`;
const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;

// Not inside a longer run of digits, letters or an id's dashed groups: "2026120313812345678" and
// the groups of a UUID are ids, not phones.
const BEFORE = String.raw`(?<![\dA-Za-z+_-])`;
const AFTER = String.raw`(?![\dA-Za-z_]|-[\dA-Za-z])`;

/** Every phone number the rule knows, as one global pattern (alternatives longest-first). */
export const PHONE_PATTERN = new RegExp(`${BEFORE}(?:${MOBILE}|${INTERNATIONAL}|${LANDLINE}|${SERVICE})${AFTER}`, "g");
/** E-mail addresses. */
export const EMAIL_PATTERN = new RegExp(`(?<![A-Za-z0-9._%+-])${EMAIL}`, "g");

const digitsOf = (text: string) => text.replace(/\D/g, "");

/** 13812345678 → 138****5678; 010-12345678 → 010-****5678; +44 20 7946 0958 → +44 ****0958. */
export function maskPhone(phone: string, maskChar = "*"): string {
  return maskPhoneWith(phone).replaceAll("*", maskChar);
}

function maskPhoneWith(phone: string): string {
  const digits = digitsOf(phone);
  const last4 = digits.slice(-4);
  const international = /^(?:\+|00)/.test(phone);
  const national = international ? digits.replace(/^00/, "") : digits;
  if (/^(?:86)?1[3-9]\d{9}$/.test(national) && (!international || national.startsWith("86"))) {
    const mobile = national.slice(-11);
    return `${international ? "+86 " : ""}${mobile.slice(0, 3)}****${last4}`;
  }
  if (international) {
    const country = phone.replace(/^(?:\+|00)/, "").match(/^\d{1,3}/)?.[0] ?? "";
    return `+${country} ****${last4}`;
  }
  const area = phone.match(/^\(?(0\d{2,3}|[48]00)\)?/)?.[1];
  return area ? `${area}-****${last4}` : `****${last4}`;
}

/** wang.jun@example.com → w***@example.com (the domain says which company; the person stays hidden). */
export function maskEmail(email: string, maskChar = "*"): string {
  const at = email.lastIndexOf("@");
  const stars = maskChar.repeat(3);
  if (at <= 0) return stars;
  return `${email[0]}${stars}${email.slice(at)}`;
}

// Phone numbers have 7 to 15 digits (ITU E.164 allows at most 15); shorter or longer runs that
// happen to fit a pattern's shape are something else.
const isPhoneLength = (match: string) => {
  const n = digitsOf(match).length;
  return n >= 7 && n <= 15;
};

/**
 * `text` with every phone number and e-mail address masked. `maskChar` replaces "*" where the
 * text is markup in which asterisks mean something (markdown-lite bold).
 */
export function maskContactDetails(text: string, maskChar = "*"): string {
  if (!/\d|@/.test(text)) return text;
  return text
    .replace(EMAIL_PATTERN, (m) => maskEmail(m, maskChar))
    .replace(PHONE_PATTERN, (m) => (isPhoneLength(m) ? maskPhone(m, maskChar) : m));
}

/** `text` with every phone number and e-mail address replaced whole by `censor` (for logs). */
export function censorContactDetails(text: string, censor: string): string {
  if (!/\d|@/.test(text)) return text;
  return text.replace(EMAIL_PATTERN, censor).replace(PHONE_PATTERN, (m) => (isPhoneLength(m) ? censor : m));
}
