// Customer CSV export in the import's columns, so an export re-imports as is. The tier column
// holds the effective tier: re-imported, it equals the computed tier (no override) unless it
// was overridden. A customer with several contacts exports its first one.
import type { Customer } from "@prisma/client";
import { visibleMemberIds } from "../members/authorization.js";
import { fenToDecimalString } from "../shared/money.js";
import type { CoreDeps } from "../shared/context.js";
import { fromDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { isSystemActor, type ImportActor } from "./actor.js";
import { csvLine, UTF8_BOM } from "./csv.js";
import { CUSTOMER_CSV } from "./customers-import.js";

const PAGE = 1000;

/**
 * The CSV in pages (header first), customers by name. A member sees the customers they may see
 * (authorization.ts); the system exports the whole tenant.
 */
export async function* exportCustomersCsv(deps: CoreDeps, actor: ImportActor): AsyncGenerator<string> {
  const tenantId = actor.tenantId;
  const tenant = await loadTenant(deps.db, tenantId);
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

  yield UTF8_BOM + csvLine(CUSTOMER_CSV.columns);
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
    const contacts = await deps.db.contact.findMany({
      where: { tenantId, customerId: { in: page.map((c) => c.id) } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const firstContact = new Map<string, (typeof contacts)[number]>();
    for (const c of contacts) if (!firstContact.has(c.customerId)) firstContact.set(c.customerId, c);
    yield page
      .map((c) => {
        const contact = firstContact.get(c.id);
        return csvLine([
          c.name,
          ownerLabel.get(c.ownerId) ?? "",
          c.tier,
          fenToDecimalString(c.annualPurchaseFen),
          c.industry ?? "",
          c.region ?? "",
          c.status,
          c.cooperationStart ? fromDateColumn(c.cooperationStart) : "",
          c.creditRating ?? "",
          c.creditLimitFen !== null ? fenToDecimalString(c.creditLimitFen) : "",
          c.strategic ? "yes" : "no",
          contact?.name ?? "",
          contact?.title ?? "",
          contact?.phone ?? "",
          contact?.email ?? "",
        ]);
      })
      .join("");
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.nameKey;
  }
}
