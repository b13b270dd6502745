// Finding a customer by what people type: the exact name in any case first, else a prefix
// that matches exactly one customer ("华为" -> "华为技术有限公司"). Both run on Customer.nameKey
// (unique (tenantId, nameKey) and the text_pattern_ops prefix index), so Chinese names work
// the same as English ones.
import { Prisma, type Customer } from "@prisma/client";
import { requireCanActFor } from "../members/authorization.js";
import type { Actor, CoreDeps, Tx } from "../shared/context.js";
import { InvalidInputError, NotFoundError } from "../shared/errors.js";
import { AMBIGUOUS_CANDIDATE_LIMIT, AmbiguousCustomerError } from "./errors.js";
import { normalizeName } from "./rules.js";
import { toCustomerView, type CustomerView } from "./views.js";
import { directQuery } from "../../db/direct.js";

type Queryable = Tx | CoreDeps["db"];

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

function nameKeyOf(query: string): string {
  const key = normalizeName(query);
  if (key === "") throw new InvalidInputError("customer.name_required");
  return key;
}

async function resolveCustomerRow(db: Queryable, tenantId: string, query: string): Promise<Customer> {
  // Raw SQL: this runs for most commands, and the raw rows are Customer rows as Prisma types them
  // (bigint as BigInt, timestamps and dates as Date, enums as their names).
  const exact = await directQuery<Customer>(db, Prisma.sql`
    SELECT * FROM "Customer" WHERE "tenantId" = ${tenantId} AND "nameKey" = ${nameKeyOf(query)}`);
  return exact[0] ?? resolveByPrefix(db, tenantId, query);
}

/** The one customer whose name starts with `query`; none or several are refused. */
async function resolveByPrefix(db: Queryable, tenantId: string, query: string): Promise<Customer> {
  const key = nameKeyOf(query);
  // LIKE with an explicit escape: a name may contain % or _, which must match literally.
  const matches = await directQuery<Customer>(db, Prisma.sql`
    SELECT * FROM "Customer"
    WHERE "tenantId" = ${tenantId} AND "nameKey" LIKE ${`${escapeLike(key)}%`}
    ORDER BY "nameKey"
    LIMIT ${AMBIGUOUS_CANDIDATE_LIMIT + 1}`);
  if (matches.length === 0) throw new NotFoundError("customer.not_found", { query: query.trim() });
  if (matches.length > 1) {
    throw new AmbiguousCustomerError(
      query.trim(),
      matches.slice(0, AMBIGUOUS_CANDIDATE_LIMIT).map((m) => ({ id: m.id, name: m.name })),
      matches.length > AMBIGUOUS_CANDIDATE_LIMIT,
    );
  }
  return matches[0]!;
}

/**
 * Resolves a typed name within a tenant WITHOUT an ownership check: any member may register a
 * complaint about any customer of the tenant.
 */
export async function lookupCustomerInTenant(db: Queryable, tenantId: string, query: string): Promise<CustomerView> {
  return toCustomerView(await resolveCustomerRow(db, tenantId, query));
}

/** Resolves a typed name for `actor`; a customer the actor may not act for is refused. */
export async function findCustomer(deps: CoreDeps, actor: Actor, query: string): Promise<CustomerView> {
  return toCustomerView(await findCustomerRow(deps, actor, query));
}

/** findCustomer, as the database row (for callers that build more on it, e.g. the card). */
export async function findCustomerRow(deps: CoreDeps, actor: Actor, query: string): Promise<Customer> {
  const row = await resolveCustomerRow(deps.db, actor.tenantId, query);
  await requireCanActFor(deps.db, actor, row.ownerId);
  return row;
}

/** findCustomerRow for a caller that has found no customer of exactly that name already. */
export async function findCustomerRowByPrefix(deps: CoreDeps, actor: Actor, query: string): Promise<Customer> {
  const row = await resolveByPrefix(deps.db, actor.tenantId, query);
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
