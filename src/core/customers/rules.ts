// Customer rules (DESIGN.md §2 Customer and tiers): pure functions of data and "today".
//
// Tier storage, read by every other area: Customer.tier always holds the EFFECTIVE tier (the
// override when one is set, else the computed one), so cadence, digests, risk and hospitality
// guidelines read one column. Customer.tierOverride is non-null exactly while a supervisor's
// override is in force (and then equals tier); tierOverrideReason says why.
import type { CustomerStatus, Tier } from "@prisma/client";
import type { TenantSettings } from "../tenants/settings.js";
import { yuanToFen } from "../shared/money.js";
import { wholeYearsBetween, type LocalDate } from "../shared/time.js";

export const TIERS: readonly Tier[] = ["VIP", "A", "B", "C"];
export const CUSTOMER_STATUSES: readonly CustomerStatus[] = ["PROSPECT", "ACTIVE", "AT_RISK", "CHURNED", "LOST"];

/** A customer that left us (churned, or marked lost by hand): no cadence, tier C. */
export function hasLeft(status: CustomerStatus): boolean {
  return status === "CHURNED" || status === "LOST";
}

/** The display form of a name: trimmed, inner whitespace collapsed, case kept. */
export function cleanName(name: string): string {
  return name.trim().replace(/\s+/gu, " ");
}

/**
 * Customer.nameKey: NFKC (full-width letters and digits fold to ASCII), trimmed, whitespace
 * collapsed, lower-cased. Unique per tenant and the column prefix search runs on.
 */
export function normalizeName(name: string): string {
  return cleanName(name.normalize("NFKC")).toLowerCase();
}

export interface TierInput {
  annualPurchaseFen: bigint;
  strategic: boolean;
  /** Local date cooperation started, if known. */
  cooperationStart: LocalDate | null;
  status: CustomerStatus;
  /** Whether purchase orders are on record. */
  hasPurchases?: boolean;
}

/** Whether the customer buys from us (B and up) rather than being a prospect. */
export function isBuyingCustomer(input: TierInput): boolean {
  if (hasLeft(input.status)) return false;
  return (
    input.status === "ACTIVE" || input.status === "AT_RISK" || input.annualPurchaseFen > 0n || input.hasPurchases === true
  );
}

/**
 * The computed tier, first match of DESIGN.md §2's table: VIP (annual ≥ vipAnnualFen or
 * strategic), A (annual ≥ aAnnualFen or ≥ aCooperationYears of cooperation), B (buys), C.
 * A CHURNED customer is C whatever its history: a customer who left gets no cadence calls;
 * a supervisor who wants to win one back overrides the tier (audited, with a reason).
 */
export function computeTier(settings: TenantSettings, input: TierInput, today: LocalDate): Tier {
  if (hasLeft(input.status)) return "C";
  const t = settings.tiers;
  if (input.strategic || input.annualPurchaseFen >= BigInt(t.vipAnnualFen)) return "VIP";
  if (input.annualPurchaseFen >= BigInt(t.aAnnualFen)) return "A";
  if (input.cooperationStart !== null && wholeYearsBetween(input.cooperationStart, today) >= t.aCooperationYears) return "A";
  if (isBuyingCustomer(input)) return "B";
  return "C";
}

/** The tier in force: a supervisor's override wins over the computed one. */
export function effectiveTier(computed: Tier, override: Tier | null | undefined): Tier {
  return override ?? computed;
}

/** Status when none is given: someone with purchases or a cooperation history is ACTIVE. */
export function defaultStatus(input: { annualPurchaseFen: bigint; cooperationStart: LocalDate | null }): CustomerStatus {
  return input.annualPurchaseFen > 0n || input.cooperationStart !== null ? "ACTIVE" : "PROSPECT";
}

/**
 * "138****5678" for channel posts: first three and last four characters kept. Short numbers
 * (extensions, typos) keep only their last two, so no more than half is ever shown.
 */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[\s\-()]/gu, "");
  if (compact.length === 0) return "";
  if (compact.length >= 8) return `${compact.slice(0, 3)}****${compact.slice(-4)}`;
  if (compact.length <= 2) return "*".repeat(compact.length);
  return `${"*".repeat(compact.length - 2)}${compact.slice(-2)}`;
}

/** "z***@example.com": first character of the local part, the domain kept. */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${trimmed.slice(0, 1)}***${trimmed.slice(at)}`;
}

export interface ContactFields {
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
}

/** A contact as it may appear in a channel post or any message others can read. */
export function maskContact<T extends ContactFields>(contact: T): T {
  return {
    ...contact,
    phone: contact.phone === null ? null : maskPhone(contact.phone),
    email: contact.email === null ? null : maskEmail(contact.email),
  };
}

/**
 * A yuan amount as people type it in spreadsheets and forms ("1,200.50", "¥1200", "1200元")
 * -> fen. Thousands separators must be well placed so "1,20" is refused, not read as 120.
 */
export function parseYuanAmount(text: string): bigint {
  let t = text.trim().replace(/^[¥￥]\s*/u, "").replace(/\s*元$/u, "");
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/u.test(t)) t = t.replace(/,/gu, "");
  return yuanToFen(t);
}

/** Parses a tier as typed: VIP|A|B|C in any case, or the Chinese names 一级/二级/潜在. */
export function parseTier(text: string): Tier | null {
  const t = text.trim().normalize("NFKC").toUpperCase();
  const aliases: Record<string, Tier> = { VIP: "VIP", A: "A", B: "B", C: "C", 一级: "A", 二级: "B", 潜在: "C" };
  return aliases[t] ?? null;
}

/** Parses a customer status in English (any case) or Chinese. */
export function parseCustomerStatus(text: string): CustomerStatus | null {
  const t = text.trim().normalize("NFKC").toUpperCase().replace(/[\s-]+/gu, "_");
  const aliases: Record<string, CustomerStatus> = {
    PROSPECT: "PROSPECT",
    ACTIVE: "ACTIVE",
    AT_RISK: "AT_RISK",
    CHURNED: "CHURNED",
    潜在: "PROSPECT",
    潜在客户: "PROSPECT",
    合作中: "ACTIVE",
    活跃: "ACTIVE",
    有风险: "AT_RISK",
    风险: "AT_RISK",
    预警: "AT_RISK",
    LOST: "LOST",
    流失: "LOST",
    已流失: "CHURNED",
  };
  return aliases[t] ?? null;
}
