// The customer file's columns, shared by the import and the export so an export re-imports as
// is: canonical (English) names, the Chinese headers a zh-CN tenant's export writes (first
// alias) and the import accepts, and contacts as numbered column groups (contact_…, contact2_…).
import type { CustomerStatus } from "@prisma/client";
import type { ColumnSpec } from "./csv.js";

/** Contact groups a file may carry; the export writes as many as the customer with most contacts needs. */
export const MAX_CONTACTS = 50;

const CONTACT_FIELDS = ["name", "title", "phone", "email"] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** The column of contact group `n` (1-based): contact_name, contact2_name, … */
export function contactColumn(n: number, field: ContactField): string {
  return n === 1 ? `contact_${field}` : `contact${n}_${field}`;
}

export function contactColumns(n: number): string[] {
  return CONTACT_FIELDS.map((f) => contactColumn(n, f));
}

// Everything but the contact groups, in export order (the first fifteen are the historic
// columns, so older files and scripts keep their order).
const BASE_COLUMNS = [
  "name",
  "owner",
  "tier",
  "annual_purchase",
  "industry",
  "region",
  "status",
  "cooperation_start",
  "credit_rating",
  "credit_limit",
  "strategic",
] as const;
const AFTER_FIRST_CONTACT = ["external_id", "tier_override_reason", "lost_reason"] as const;

const BASE_ALIASES: Record<string, readonly string[]> = {
  name: ["客户名称", "名称", "客户"],
  owner: ["客户经理", "负责人"],
  tier: ["等级", "级别", "客户等级"],
  annual_purchase: ["年采购额", "年采购金额"],
  industry: ["行业"],
  region: ["区域", "地区"],
  status: ["状态"],
  cooperation_start: ["合作开始", "合作开始日期"],
  credit_rating: ["资信等级", "信用等级"],
  credit_limit: ["赊销额度", "信用额度"],
  strategic: ["战略客户"],
  contact_name: ["联系人", "联系人1"],
  contact_title: ["职务", "联系人职务", "联系人1职务"],
  contact_phone: ["电话", "联系电话", "手机", "联系人1电话"],
  contact_email: ["邮箱", "电子邮件", "联系人1邮箱"],
  external_id: ["外部编号", "客户编号"],
  tier_override_reason: ["等级调整原因", "分级原因"],
  lost_reason: ["流失原因"],
};

function contactAliases(n: number): Record<string, readonly string[]> {
  return {
    [contactColumn(n, "name")]: [`联系人${n}`],
    [contactColumn(n, "title")]: [`联系人${n}职务`],
    [contactColumn(n, "phone")]: [`联系人${n}电话`],
    [contactColumn(n, "email")]: [`联系人${n}邮箱`],
  };
}

/** Columns in export order for `groups` contact groups. */
export function customerColumns(groups: number): string[] {
  const out: string[] = [...BASE_COLUMNS, ...contactColumns(1), ...AFTER_FIRST_CONTACT];
  for (let n = 2; n <= groups; n++) out.push(...contactColumns(n));
  return out;
}

const aliases: Record<string, readonly string[]> = { ...BASE_ALIASES };
for (let n = 2; n <= MAX_CONTACTS; n++) Object.assign(aliases, contactAliases(n));

/** Every column the import reads; only `name` is required (owner defaults to a member importer). */
export const CUSTOMER_CSV: ColumnSpec = {
  columns: customerColumns(MAX_CONTACTS),
  required: ["name"],
  aliases,
  known: `${customerColumns(1).join(", ")}, contact2_name … contact${MAX_CONTACTS}_email`,
};

/** Header cells for an export in the tenant's language (zh-CN: the first Chinese alias). */
export function customerHeaders(columns: readonly string[], locale: string): string[] {
  if (locale !== "zh-CN") return [...columns];
  const contact = /^contact(\d+)_(name|title|phone|email)$/u;
  return columns.map((c) => {
    const m = contact.exec(c);
    if (m) return contactAliases(Number(m[1]))[c]![0]!;
    if (c === "contact_title") return "联系人职务";
    if (c === "contact_phone") return "联系电话";
    return BASE_ALIASES[c]![0]!;
  });
}

const STATUS_ZH: Record<CustomerStatus, string> = {
  PROSPECT: "潜在客户",
  ACTIVE: "合作中",
  AT_RISK: "有风险",
  LOST: "流失",
  CHURNED: "已流失",
};

/** A status as the export writes it (parseCustomerStatus reads both forms). */
export function statusLabel(status: CustomerStatus, locale: string): string {
  return locale === "zh-CN" ? STATUS_ZH[status] : status;
}

export function booleanLabel(value: boolean, locale: string): string {
  if (locale === "zh-CN") return value ? "是" : "否";
  return value ? "yes" : "no";
}
