// Money is integer fen (CNY cents) as bigint; never a float.
import { InvalidInputError } from "./errors.js";

const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** "1200", "1200.5", "1200.05" (yuan) -> fen. Rejects more than two decimals or negatives. */
export function yuanToFen(yuan: string | number): bigint {
  const text = typeof yuan === "number" ? yuanNumberToText(yuan) : yuan.trim();
  if (!AMOUNT.test(text)) throw new InvalidInputError("money.invalid_amount", { value: String(yuan) });
  const [whole, frac = ""] = text.split(".");
  return BigInt(whole!) * 100n + BigInt((frac + "00").slice(0, 2));
}

function yuanNumberToText(n: number): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  // Round to cents first so 0.1 + 0.2 style floats never leak a third decimal.
  return (Math.round(n * 100) / 100).toFixed(2);
}

export function fenToYuanText(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const whole = abs / 100n;
  const cents = abs % 100n;
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${cents === 0n ? "" : `.${cents.toString().padStart(2, "0")}`}`;
}

/** fen as a JSON-safe decimal string of yuan ("1200.50"), for audit rows and exports. */
export function fenToDecimalString(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/**
 * An amount as people type it into settings: "8000", "8,000", "¥8,000元", "1.2万", "12k" -> fen.
 * Throws money.invalid_amount for anything else (negative, more than two decimals of yuan).
 */
export function parseYuanText(text: string): bigint {
  let t = text.normalize("NFKC").trim().replace(/^[¥]\s*/u, "").replace(/\s*(元|块)$/u, "");
  let scale = 1n;
  if (/万$/u.test(t)) {
    scale = 10_000n;
    t = t.slice(0, -1);
  } else if (/[kK]$/u.test(t)) {
    scale = 1_000n;
    t = t.slice(0, -1);
  }
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/u.test(t)) t = t.replace(/,/gu, "");
  if (!/^\d+(\.\d+)?$/u.test(t)) throw new InvalidInputError("money.invalid_amount", { value: text });
  const [whole, frac = ""] = t.split(".");
  // yuan × scale, exactly: the decimals may not go below the fen once scaled.
  const digits = BigInt(whole! + frac) * scale * 100n;
  const divisor = 10n ** BigInt(frac.length);
  if (digits % divisor !== 0n) throw new InvalidInputError("money.invalid_amount", { value: text });
  return digits / divisor;
}
