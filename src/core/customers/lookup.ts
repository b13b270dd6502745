// Finding a customer by what people type: the exact name in any case first, else the one
// customer a prefix, substring or pinyin names (search.ts). When several match, only those in the
// viewer's scope are offered, the rest are counted (AmbiguousCustomerError.outsideScope).
import { Prisma, type Customer } from "@prisma/client";
import { requireCanActFor } from "../members/authorization.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { InvalidInputError, NotFoundError } from "../shared/errors.js";
import { AMBIGUOUS_CANDIDATE_LIMIT, AmbiguousCustomerError } from "./errors.js";
import { normalizeName } from "./rules.js";
import { resolveName } from "./search.js";
import { toCustomerView, type CustomerView } from "./views.js";
import { directQuery } from "../../db/direct.js";

type Queryable = Tx | CoreDeps["db"];

function nameKeyOf(query: string): string {
  const key = normalizeName(query);
  if (key === "") throw new InvalidInputError("customer.name_required");
  return key;
}

async function resolveCustomerRow(db: Queryable, tenantId: string, query: string, actor: Actor | null): Promise<Customer> {
  // Raw SQL: this runs for most commands, and the raw rows are Customer rows as Prisma types them
  // (bigint as BigInt, timestamps and dates as Date, enums as their names).
  const exact = await directQuery<Customer>(db, Prisma.sql`
    SELECT * FROM "Customer" WHERE "tenantId" = ${tenantId} AND "nameKey" = ${nameKeyOf(query)}`);
  return exact[0] ?? resolveBySearch(db, tenantId, query, actor);
}

/** The one customer a partial name or its pinyin means; none or several are refused. */
async function resolveBySearch(db: Queryable, tenantId: string, query: string, actor: Actor | null): Promise<Customer> {
  const found = await resolveName(db, tenantId, query, actor, AMBIGUOUS_CANDIDATE_LIMIT);
  if (found.id) {
    const rows = await directQuery<Customer>(db, Prisma.sql`SELECT * FROM "Customer" WHERE "tenantId" = ${tenantId} AND id = ${found.id}`);
    if (rows[0]) return rows[0];
  }
  if (found.candidates.length === 0 && found.outsideScope === 0) throw new NotFoundError("customer.not_found", { query: query.trim() });
  throw new AmbiguousCustomerError(query.trim(), found.candidates, found.more, found.outsideScope);
}

/**
 * Resolves a typed name within a tenant WITHOUT an ownership check: any member may register a
 * complaint about any customer of the tenant.
 */
export async function lookupCustomerInTenant(db: Queryable, tenantId: string, query: string, viewer: Actor | null = null): Promise<CustomerView> {
  // The viewer only limits which candidates an ambiguous name may list.
  return toCustomerView(await resolveCustomerRow(db, tenantId, query, viewer));
}

/**
 * The tenant's customer whose whole name is `query` (in any case and spacing), wherever it
 * belongs, or null: for the forms that may name any customer, where knowing the whole name is
 * what lets a member pick one outside their scope.
 */
export async function customerNamedExactly(db: Queryable, tenantId: string, query: string): Promise<{ id: string; name: string } | null> {
  const key = normalizeName(query);
  if (key === "") return null;
  return db.customer.findFirst({ where: { tenantId, nameKey: key }, select: { id: true, name: true } });
}

/** Resolves a typed name for `actor`; a customer the actor may not act for is refused. */
export async function findCustomer(deps: CoreDeps, actor: Actor, query: string): Promise<CustomerView> {
  return toCustomerView(await findCustomerRow(deps, actor, query));
}

/** findCustomer, as the database row (for callers that build more on it, e.g. the card). */
export async function findCustomerRow(deps: CoreDeps, actor: Actor, query: string): Promise<Customer> {
  const row = await resolveCustomerRow(deps.db, actor.tenantId, query, actor);
  await requireCanActFor(deps.db, actor, row.ownerId);
  return row;
}

/** findCustomerRow for a caller that has found no customer of exactly that name already. */
export async function findCustomerRowByPrefix(deps: CoreDeps, actor: Actor, query: string): Promise<Customer> {
  const row = await resolveBySearch(deps.db, actor.tenantId, query, actor);
  await requireCanActFor(deps.db, actor, row.ownerId);
  return row;
}

/** A customer by id within the actor's tenant (another tenant's id is simply not found). */
export async function loadCustomerRow(db: Queryable, tenantId: string, customerId: string): Promise<Customer> {
  const row = await db.customer.findFirst({ where: { id: customerId, tenantId } });
  if (!row) throw new NotFoundError("customer.not_found", { query: customerId });
  return row;
}

/** loadCustomerRow plus the ownership check of authorization.ts. */
export async function loadCustomerFor(db: Queryable, actor: Actor, customerId: string): Promise<Customer> {
  const row = await loadCustomerRow(db, actor.tenantId, customerId);
  await requireCanActFor(db, actor, row.ownerId);
  return row;
}
