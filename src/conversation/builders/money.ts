// The one way a view shows money: yuan with thousands separators and both decimals, after the
// yuan sign, in both languages ("¥1,500.00") — so 625, 625.00 元 and ¥625 never meet on a card.
import { fenToDecimalString } from "../../core/shared/money.js";

export function money(fen: bigint): string {
  const [whole, cents] = fenToDecimalString(fen).split(".") as [string, string];
  const negative = whole.startsWith("-");
  const digits = negative ? whole.slice(1) : whole;
  return `${negative ? "-" : ""}¥${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

/** An amount as a form field's prefilled value: the same grouping, no sign ("1,500,000.00"); forms accept it back. */
export function moneyInput(fen: bigint): string {
  return money(fen).replace("¥", "");
}
