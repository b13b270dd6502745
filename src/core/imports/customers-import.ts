// Customer CSV import. Two phases: every row is validated first (zod per row, then owners,
// duplicates within the file and against the database); if any row is bad nothing is written
// and the result lists every bad row with its spreadsheet line. A good file is written in one
// transaction with set-based inserts (one unnest INSERT per table and chunk), so 10,000 rows
// take a few seconds even on PGlite.
import { randomUUID } from "node:crypto";
import type { CustomerStatus, Platform, Tier } from "@prisma/client";
import { z } from "zod";
import { toAuditJson } from "../audit/audit.js";
import { cadenceDaysFor } from "../callbacks/cadence.js";
import { isUniqueViolation } from "../customers/customers.js";
import { cleanName, computeTier, defaultStatus, effectiveTier, normalizeName } from "../customers/rules.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import { inTransaction, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError } from "../shared/errors.js";
import { addDays, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, isSystemActor, type ImportActor } from "./actor.js";
import { isUnreadable, readImportRows, sortProblems, type ColumnSpec, type ImportFailure, type ImportProblem } from "./csv.js";
import {
  amountCell,
  booleanCell,
  dateCell,
  emailCell,
  issuesToProblems,
  phoneCell,
  requiredTextCell,
  statusCell,
  textCell,
  tierCell,
} from "./fields.js";

/** Documented columns, in export order; only `name` is required (owner defaults to a member importer). */
export const CUSTOMER_CSV: ColumnSpec = {
  columns: [
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
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
  ],
  required: ["name"],
  aliases: {
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
    contact_name: ["联系人"],
    contact_title: ["职务", "联系人职务"],
    contact_phone: ["电话", "联系电话", "手机"],
    contact_email: ["邮箱", "电子邮件"],
  },
};

/** Reason stored when a file's tier differs from the computed one. */
export const TIER_SET_BY_IMPORT = "set by import";

const customerRowSchema = z.object({
  name: requiredTextCell(200),
  owner: textCell(200),
  tier: tierCell,
  annual_purchase: amountCell,
  industry: textCell(100),
  region: textCell(100),
  status: statusCell,
  cooperation_start: dateCell,
  credit_rating: textCell(20),
  credit_limit: amountCell,
  strategic: booleanCell,
  contact_name: textCell(100),
  contact_title: textCell(100),
  contact_phone: phoneCell,
  contact_email: emailCell,
});

export interface ImportSuccess {
  ok: true;
  importId: string;
  imported: number;
  contacts: number;
  cadenceCallbacks: number;
  overrides: number;
  byTier: Record<Tier, number>;
  /** Rows imported with something worth a look (a cell that would run as a spreadsheet formula). */
  warnings: ImportProblem[];
}

// Where callers have always found it; the type itself is the import plumbing's (csv.ts).
export type { ImportFailure } from "./csv.js";

export type ImportResult = ImportSuccess | ImportFailure;

/** Rows per INSERT: bounds the size of one statement's arrays. */
const CHUNK = 5000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface OwnerDirectory {
  resolve(value: string): { id: string } | { problem: string };
}

/**
 * Owners by platform user id (any platform of the tenant) or by exact display name; a display
 * name shared by two members is ambiguous rather than guessed.
 */
async function loadOwnerDirectory(db: CoreDeps["db"], tenantId: string): Promise<OwnerDirectory> {
  const [members, identities] = await Promise.all([
    db.member.findMany({ where: { tenantId, active: true }, select: { id: true, displayName: true } }),
    db.memberIdentity.findMany({ where: { tenantId, member: { active: true } }, select: { memberId: true, platformUserId: true } }),
  ]);
  const byUserId = new Map<string, Set<string>>();
  for (const i of identities) byUserId.set(i.platformUserId, (byUserId.get(i.platformUserId) ?? new Set()).add(i.memberId));
  const byName = new Map<string, string[]>();
  const byNameKey = new Map<string, string[]>();
  for (const m of members) {
    byName.set(m.displayName.trim(), [...(byName.get(m.displayName.trim()) ?? []), m.id]);
    const key = normalizeName(m.displayName);
    byNameKey.set(key, [...(byNameKey.get(key) ?? []), m.id]);
  }
  return {
    resolve(value) {
      const ids = byUserId.get(value);
      if (ids && ids.size === 1) return { id: [...ids][0]! };
      const named = byName.get(value) ?? byNameKey.get(normalizeName(value)) ?? [];
      if (named.length === 1) return { id: named[0]! };
      if (named.length > 1 || (ids && ids.size > 1)) return { problem: "import.ambiguous_owner" };
      return { problem: "import.unknown_owner" };
    },
  };
}

interface PreparedCustomer {
  line: number;
  id: string;
  name: string;
  nameKey: string;
  ownerId: string;
  tier: Tier;
  tierOverride: Tier | null;
  strategic: boolean;
  status: CustomerStatus;
  annualPurchaseFen: bigint;
  cooperationStart: LocalDate | null;
  industry: string | null;
  region: string | null;
  creditRating: string | null;
  creditLimitFen: bigint | null;
  contact: { name: string; title: string | null; phone: string | null; email: string | null } | null;
}

/** Existing customers among `keys`, in one query whatever the file size. */
async function existingNameKeys(db: CoreDeps["db"] | Tx, tenantId: string, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ nameKey: string; name: string }>>`
    SELECT "nameKey", name FROM "Customer" WHERE "tenantId" = ${tenantId} AND "nameKey" = ANY(${keys}::text[])`;
  return new Map(rows.map((r) => [r.nameKey, r.name]));
}

/**
 * Imports customers from CSV text (columns: CUSTOMER_CSV). A member importer needs MANAGER or
 * up (the file assigns owners across the department); the system (CLI) may always import.
 */
export async function importCustomersCsv(deps: CoreDeps, actor: ImportActor, csvText: string): Promise<ImportResult> {
  if (!isSystemActor(actor)) requireRoleAtLeast(actor, "MANAGER");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);

  const file = readImportRows(csvText, CUSTOMER_CSV);
  if (!file.ok) return file;

  const owners = await loadOwnerDirectory(deps.db, actor.tenantId);
  const problems: ImportProblem[] = [];
  const prepared: PreparedCustomer[] = [];
  const firstLineByKey = new Map<string, number>();

  const warnings: ImportProblem[] = [];
  for (const row of file.records) {
    warnings.push(...row.warnings);
    if (isUnreadable(row)) {
      problems.push(...row.problems);
      continue;
    }
    const rowProblems = [...row.problems];
    const record = row.record;
    const parsed = customerRowSchema.safeParse(record);
    if (!parsed.success) rowProblems.push(...issuesToProblems(row.line, parsed.error));

    const contactGiven = ["contact_title", "contact_phone", "contact_email"].some((c) => record[c]!.trim() !== "");
    if (contactGiven && record.contact_name!.trim() === "") {
      rowProblems.push({ line: row.line, field: "contact_name", code: "import.contact_name_required", params: { field: "contact_name" } });
    }

    let ownerId: string | null = null;
    const ownerText = record.owner!.trim();
    if (ownerText === "") {
      if (isSystemActor(actor)) {
        rowProblems.push({ line: row.line, field: "owner", code: "import.required", params: { field: "owner" } });
      } else {
        ownerId = actor.memberId;
      }
    } else {
      const owner = owners.resolve(ownerText);
      if ("id" in owner) ownerId = owner.id;
      else rowProblems.push({ line: row.line, field: "owner", code: owner.problem, params: { field: "owner", value: ownerText } });
    }

    const nameText = cleanName(record.name!);
    if (nameText !== "") {
      const key = normalizeName(nameText);
      const first = firstLineByKey.get(key);
      if (first !== undefined) {
        rowProblems.push({ line: row.line, field: "name", code: "import.duplicate_in_file", params: { name: nameText, first } });
      } else {
        firstLineByKey.set(key, row.line);
      }
    }

    if (rowProblems.length > 0 || !parsed.success || ownerId === null) {
      problems.push(...rowProblems);
      continue;
    }
    const r = parsed.data;
    const annualPurchaseFen = r.annual_purchase ?? 0n;
    const cooperationStart = r.cooperation_start;
    const status = r.status ?? defaultStatus({ annualPurchaseFen, cooperationStart });
    const computed = computeTier(tenant.settings, { annualPurchaseFen, strategic: r.strategic, cooperationStart, status }, today);
    const override = r.tier !== null && r.tier !== computed ? r.tier : null;
    prepared.push({
      line: row.line,
      id: randomUUID(),
      name: nameText,
      nameKey: normalizeName(nameText),
      ownerId,
      tier: effectiveTier(computed, override),
      tierOverride: override,
      strategic: r.strategic,
      status,
      annualPurchaseFen,
      cooperationStart,
      industry: r.industry,
      region: r.region,
      creditRating: r.credit_rating,
      creditLimitFen: r.credit_limit,
      contact:
        r.contact_name !== null
          ? { name: r.contact_name, title: r.contact_title, phone: r.contact_phone, email: r.contact_email }
          : null,
    });
  }

  const existing = await existingNameKeys(deps.db, actor.tenantId, [...firstLineByKey.keys()]);
  if (existing.size > 0) {
    for (const [key, line] of firstLineByKey) {
      const name = existing.get(key);
      if (name !== undefined) problems.push({ line, field: "name", code: "import.duplicate_in_db", params: { name } });
    }
  }
  if (problems.length > 0) return { ok: false, rows: file.records.length, problems: sortProblems(problems) };

  return { ...(await writeCustomers(deps, actor, tenant.settings, today, prepared)), warnings };
}

async function writeCustomers(
  deps: CoreDeps,
  actor: ImportActor,
  settings: TenantSettings,
  today: LocalDate,
  prepared: PreparedCustomer[],
): Promise<Omit<ImportSuccess, "warnings">> {
  const tenantId = actor.tenantId;
  const who = auditIdentity(actor);
  const importId = randomUUID();
  const byTier: Record<Tier, number> = { VIP: 0, A: 0, B: 0, C: 0 };
  for (const c of prepared) byTier[c.tier]++;
  const contacts = prepared.filter((c) => c.contact !== null);
  // The set-based equivalent of syncCadenceCallback for customers that have no callback yet
  // and no contact on record: one open CADENCE callback due a cadence from today.
  const cadence = prepared.flatMap((c) => {
    const days = cadenceDaysFor(settings, c.tier);
    return days === null ? [] : [{ c, dueOn: addDays(today, days) }];
  });

  try {
    await inTransaction(deps, async (tx) => {
      // Re-checked inside the transaction: another import or command may have added a name since
      // validation; the unique index is the last word either way.
      const clash = await existingNameKeys(tx, tenantId, prepared.map((c) => c.nameKey));
      if (clash.size > 0) throw new ConflictError("import.concurrent_change", { name: [...clash.values()][0]! });
      for (const part of chunks(prepared)) await insertCustomers(tx, tenantId, part);
      for (const part of chunks(contacts)) await insertContacts(tx, tenantId, part);
      for (const part of chunks(cadence)) await insertCadenceCallbacks(tx, tenantId, part);
      // One audit row per customer (so each customer's own trail says where it came from, as for
      // customers created by command) plus one summary row for the import as a whole. Contact
      // details are not copied into the audit trail.
      const audit: AuditRow[] = prepared.map((c) => ({
        action: "customer.imported",
        entityType: "Customer",
        entityId: c.id,
        after: {
          importId,
          line: c.line,
          name: c.name,
          tier: c.tier,
          tierOverride: c.tierOverride,
          strategic: c.strategic,
          status: c.status,
          ownerId: c.ownerId,
          annualPurchaseFen: c.annualPurchaseFen,
          cooperationStart: c.cooperationStart,
        },
      }));
      audit.push({
        action: "import.customers",
        entityType: "Import",
        entityId: importId,
        after: { customers: prepared.length, contacts: contacts.length, byTier },
      });
      for (const part of chunks(audit)) await insertAuditRows(tx, tenantId, who, part);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("import.concurrent_change");
    throw err;
  }

  return {
    ok: true,
    importId,
    imported: prepared.length,
    contacts: contacts.length,
    cadenceCallbacks: cadence.length,
    overrides: prepared.filter((c) => c.tierOverride !== null).length,
    byTier,
  };
}

// Bulk inserts pass one array per column and unnest them: a handful of parameters per statement
// instead of one per cell, which is several times faster than createMany on PGlite. Column
// names follow prisma/schema.prisma; bigints travel as decimal text.

async function insertCustomers(tx: Tx, tenantId: string, rows: PreparedCustomer[]): Promise<void> {
  const col = <T>(f: (c: PreparedCustomer) => T) => rows.map(f);
  await tx.$executeRaw`
    INSERT INTO "Customer" ("id", "tenantId", "name", "nameKey", "industry", "region", "tier", "tierOverride",
      "tierOverrideReason", "strategic", "ownerId", "status", "annualPurchaseFen", "cooperationStart", "creditRating",
      "creditLimitFen", "updatedAt")
    SELECT v.id, ${tenantId}, v.name, v.key, v.industry, v.region, v.tier::"Tier", v.override::"Tier",
      v.reason, v.strategic, v.owner, v.status::"CustomerStatus", v.annual, v.coop, v.rating, v.lim, now()
    FROM unnest(
      ${col((c) => c.id)}::text[], ${col((c) => c.name)}::text[], ${col((c) => c.nameKey)}::text[],
      ${col((c) => c.industry)}::text[], ${col((c) => c.region)}::text[], ${col((c) => c.tier)}::text[],
      ${col((c) => c.tierOverride)}::text[], ${col((c) => (c.tierOverride !== null ? TIER_SET_BY_IMPORT : null))}::text[],
      ${col((c) => c.strategic)}::boolean[], ${col((c) => c.ownerId)}::text[], ${col((c) => c.status)}::text[],
      ${col((c) => c.annualPurchaseFen.toString())}::bigint[], ${col((c) => c.cooperationStart)}::date[],
      ${col((c) => c.creditRating)}::text[], ${col((c) => c.creditLimitFen?.toString() ?? null)}::bigint[]
    ) AS v(id, name, key, industry, region, tier, override, reason, strategic, owner, status, annual, coop, rating, lim)`;
}

async function insertContacts(tx: Tx, tenantId: string, rows: PreparedCustomer[]): Promise<void> {
  const col = <T>(f: (c: NonNullable<PreparedCustomer["contact"]>, customerId: string) => T) =>
    rows.map((r) => f(r.contact!, r.id));
  await tx.$executeRaw`
    INSERT INTO "Contact" ("id", "tenantId", "customerId", "name", "title", "phone", "email")
    SELECT gen_random_uuid()::text, ${tenantId}, v.customer, v.name, v.title, v.phone, v.email
    FROM unnest(
      ${col((_, id) => id)}::text[], ${col((c) => c.name)}::text[], ${col((c) => c.title)}::text[],
      ${col((c) => c.phone)}::text[], ${col((c) => c.email)}::text[]
    ) AS v(customer, name, title, phone, email)`;
}

async function insertCadenceCallbacks(tx: Tx, tenantId: string, rows: Array<{ c: PreparedCustomer; dueOn: LocalDate }>): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Callback" ("id", "tenantId", "customerId", "assigneeId", "dueOn", "reason", "openCadenceKey", "updatedAt")
    SELECT gen_random_uuid()::text, ${tenantId}, v.customer, v.assignee, v.due, 'CADENCE', v.customer, now()
    FROM unnest(
      ${rows.map((r) => r.c.id)}::text[], ${rows.map((r) => r.c.ownerId)}::text[], ${rows.map((r) => r.dueOn)}::date[]
    ) AS v(customer, assignee, due)`;
}

interface AuditRow {
  action: string;
  entityType: string;
  entityId: string;
  after: unknown;
}

async function insertAuditRows(
  tx: Tx,
  tenantId: string,
  who: { actorId: string | null; platform: Platform | null },
  rows: AuditRow[],
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", v.action, v.entity_type, v.entity_id, v.after
    FROM unnest(
      ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.entityType)}::text[], ${rows.map((r) => r.entityId)}::text[],
      ${rows.map((r) => JSON.stringify(toAuditJson(r.after)))}::jsonb[]
    ) AS v(action, entity_type, entity_id, after)`;
}
