// Customer export in exactly the import's columns (./customer-columns.ts), so an export
// re-imports with `--update` as a no-op: headers in the tenant's language, owners as the
// platform user ids (or names) the import resolves, every contact (numbered column groups,
// primary first), the tier override and its reason, status, lost reason and external id.
// The tier column holds the effective tier; a tier_override_reason marks it as an override.
import { Prisma } from "@prisma/client";
import type { Contact, Customer } from "@prisma/client";
import { visibleMemberIds } from "../members/authorization.js";
import { fenToDecimalString } from "../shared/money.js";
import type { CoreDeps } from "../shared/context.js";
import { fromDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { isSystemActor, type ImportActor } from "./actor.js";
import { csvLine, UTF8_BOM } from "./csv.js";
import { booleanLabel, customerColumns, customerHeaders, MAX_CONTACTS, statusLabel } from "./customer-columns.js";
import { writeXlsx, type ExportCell } from "./xlsx.js";

const PAGE = 1000;

export interface CustomerExport {
  columns: string[];
  headers: string[];
  /** Rows page by page, customers by name, cells typed (the CSV writes them as text). */
  pages: AsyncGenerator<ExportCell[][]>;
}

/**
 * The export's columns and rows. A member sees the customers they may see (authorization.ts);
 * the system exports the whole tenant.
 */
export async function openCustomerExport(deps: CoreDeps, actor: ImportActor): Promise<CustomerExport> {
  const tenantId = actor.tenantId;
  const tenant = await loadTenant(deps.db, tenantId);
  const locale = tenant.locale;
  const visible = isSystemActor(actor) ? null : await visibleMemberIds(deps.db, actor);
  const [members, identities] = await Promise.all([
    deps.db.member.findMany({ where: { tenantId }, select: { id: true, displayName: true } }),
    deps.db.memberIdentity.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" }, select: { memberId: true, platform: true, platformUserId: true } }),
  ]);
  // An owner is written as a platform user id where one exists (unambiguous on re-import),
  // preferring the tenant's own platform; otherwise as the display name.
  const ownerLabel = new Map(members.map((m) => [m.id, m.displayName]));
  for (const i of [...identities].reverse()) if (i.platform !== tenant.platform) ownerLabel.set(i.memberId, i.platformUserId);
  for (const i of [...identities].reverse()) if (i.platform === tenant.platform) ownerLabel.set(i.memberId, i.platformUserId);

  const [most] = await deps.db.$queryRaw<Array<{ n: bigint | null }>>(Prisma.sql`
    SELECT max(n) AS n FROM (
      SELECT count(*) AS n FROM "Contact" ct JOIN "Customer" c ON c."id" = ct."customerId"
      WHERE ct."tenantId" = ${tenantId} ${visible !== null ? Prisma.sql`AND c."ownerId" = ANY(${visible}::text[])` : Prisma.empty}
      GROUP BY ct."customerId") per_customer`);
  const groups = Math.min(MAX_CONTACTS, Math.max(1, Number(most?.n ?? 1)));
  const columns = customerColumns(groups);
  const at = new Map(columns.map((c, i) => [c, i]));

  function rowOf(c: Customer, contacts: Contact[]): ExportCell[] {
    const cells: ExportCell[] = columns.map(() => "");
    const set = (column: string, value: ExportCell | null) => {
      if (value !== null) cells[at.get(column)!] = value;
    };
    set("name", c.name);
    set("owner", ownerLabel.get(c.ownerId) ?? "");
    set("tier", c.tier);
    set("annual_purchase", { fen: c.annualPurchaseFen });
    set("industry", c.industry);
    set("region", c.region);
    set("status", statusLabel(c.status, locale));
    set("cooperation_start", c.cooperationStart ? { date: fromDateColumn(c.cooperationStart) } : null);
    set("credit_rating", c.creditRating);
    set("credit_limit", c.creditLimitFen !== null ? { fen: c.creditLimitFen } : null);
    set("strategic", booleanLabel(c.strategic, locale));
    set("external_id", c.externalId);
    set("tier_override_reason", c.tierOverride !== null ? (c.tierOverrideReason ?? "") : null);
    set("lost_reason", c.lostReason);
    contacts.slice(0, groups).forEach((ct, i) => {
      const n = i + 1;
      set(n === 1 ? "contact_name" : `contact${n}_name`, ct.name);
      set(n === 1 ? "contact_title" : `contact${n}_title`, ct.title);
      set(n === 1 ? "contact_phone" : `contact${n}_phone`, ct.phone);
      set(n === 1 ? "contact_email" : `contact${n}_email`, ct.email);
    });
    return cells;
  }

  async function* pages(): AsyncGenerator<ExportCell[][]> {
    let after: string | null = null;
    for (;;) {
      const page: Customer[] = await deps.db.customer.findMany({
        where: {
          tenantId,
          ...(visible !== null ? { ownerId: { in: visible } } : {}),
          ...(after !== null ? { nameKey: { gt: after } } : {}),
        },
        orderBy: { nameKey: "asc" },
        take: PAGE,
      });
      if (page.length === 0) return;
      const byCustomer = await contactsOf(deps, tenantId, page.map((c) => c.id));
      yield page.map((c) => rowOf(c, byCustomer.get(c.id) ?? []));
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.nameKey;
    }
  }
  return { columns, headers: customerHeaders(columns, locale), pages: pages() };
}

/** Customers' contacts in the order the export writes them and the import compares them: primary first. */
export async function contactsOf(deps: Pick<CoreDeps, "db">, tenantId: string, customerIds: string[]): Promise<Map<string, Contact[]>> {
  const contacts = await deps.db.contact.findMany({
    where: { tenantId, customerId: { in: customerIds } },
    orderBy: [{ primary: "desc" }, { createdAt: "asc" }, { id: "asc" }],
  });
  const out = new Map<string, Contact[]>();
  for (const c of contacts) out.set(c.customerId, [...(out.get(c.customerId) ?? []), c]);
  return out;
}

function csvText(cell: ExportCell): string {
  if (typeof cell === "string") return cell;
  return "fen" in cell ? fenToDecimalString(cell.fen) : cell.date;
}

/** The CSV in pages (header first). */
export async function* exportCustomersCsv(deps: CoreDeps, actor: ImportActor): AsyncGenerator<string> {
  const exported = await openCustomerExport(deps, actor);
  yield UTF8_BOM + csvLine(exported.headers);
  for await (const page of exported.pages) yield page.map((cells) => csvLine(cells.map(csvText))).join("");
}

/** The same as an Excel workbook written to `file`; the number of customers written. */
export async function exportCustomersXlsx(deps: CoreDeps, actor: ImportActor, file: string): Promise<number> {
  const exported = await openCustomerExport(deps, actor);
  const tenant = await loadTenant(deps.db, actor.tenantId);
  return writeXlsx(file, tenant.locale === "zh-CN" ? "客户" : "Customers", exported.headers, exported.pages);
}
