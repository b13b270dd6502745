// Customer import (CSV or xlsx; with --update it also updates). Two phases: every row is validated first (zod per row, then owners,
// duplicates within the file and against the database); if any row is bad nothing is written
// and the result lists every bad row with its spreadsheet line. A good file is written in one
// transaction with set-based inserts (one unnest INSERT per table and chunk), so 10,000 rows
// take a few seconds even on PGlite.
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import type { Contact, Customer, Tier } from "@prisma/client";
import { directTransaction, type DirectTx } from "../../db/direct.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { isUniqueViolation } from "../customers/customers.js";
import { normalizeName } from "../customers/rules.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import type { CoreDeps } from "../shared/context.js";
import { ConflictError } from "../shared/errors.js";
import { loadRegionList } from "../regions/regions.js";
import { localDateOf } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, isSystemActor, type ImportActor } from "./actor.js";
import { insertAuditRows, syncUpdatedCadences, type ImportCadenceContext } from "./cadence-sync.js";
import { isUnreadable, sortProblems, type ImportFailure, type ImportProblem } from "./csv.js";
import { CUSTOMER_CSV } from "./customer-columns.js";
import { parseCustomerRow, resolveCustomerRow, type Existing, type ParsedRow } from "./customer-rows.js";
import { createStaging, duplicateProblems, invalidRow, MAX_REPORTED_PROBLEMS, stageRows, type StagedRow } from "./customer-staging.js";
import type { CsvEncoding } from "./decode.js";
import { decodedText, detectEncoding, streamImportRows, type CsvSource, type RowStream } from "./stream.js";
import { isXlsxSource, streamXlsxRows } from "./xlsx.js";

// The columns live with the export's (./customer-columns.ts); re-exported where callers found them.
export { CUSTOMER_CSV } from "./customer-columns.js";
export { TIER_SET_BY_IMPORT } from "./customer-rows.js";

export interface ImportSuccess {
  ok: true;
  importId: string;
  /** Customers created. */
  imported: number;
  /** With --update: customers changed by their row, and customers whose row changed nothing. */
  updated: number;
  unchanged: number;
  /** Each row's outcome in line order (at most MAX_REPORTED_PROBLEMS of them). */
  outcomes: RowOutcome[];
  contacts: number;
  cadenceCallbacks: number;
  overrides: number;
  byTier: Record<Tier, number>;
  /** Rows imported with something worth a look (a cell that would run as a spreadsheet formula). */
  warnings: ImportProblem[];
}

export interface RowOutcome {
  line: number;
  name: string;
  outcome: "created" | "updated" | "unchanged";
}

// Where callers have always found it; the type itself is the import plumbing's (csv.ts).
export type { ImportFailure } from "./csv.js";

export type ImportResult = ImportSuccess | ImportFailure;

/** Rows staged per INSERT: bounds the size of one statement's arrays and the rows held in memory. */
const CHUNK = 5000;

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

/** A million rows take minutes; the transaction must outlive them (inTransaction's 30 s would not). */
const IMPORT_TIMEOUT_MS = 60 * 60_000;

export interface CustomerImportOptions {
  /** Force the file's encoding (--encoding); else it is decided per file (./decode.ts). */
  encoding?: CsvEncoding;
  /**
   * Update the customers the file names (matched by external_id, else by name) instead of
   * refusing them as duplicates; columns the file lacks keep their values.
   */
  update?: boolean;
}

/**
 * Imports customers from CSV text (columns: CUSTOMER_CSV). A member importer needs MANAGER or
 * up (the file assigns owners across the department); the system (CLI) may always import.
 */
export async function importCustomersCsv(
  deps: CoreDeps,
  actor: ImportActor,
  csvText: string,
  options: Pick<CustomerImportOptions, "update"> = {},
): Promise<ImportResult> {
  const text = (async function* () {
    yield csvText;
  })();
  return importCustomerRows(deps, actor, () => streamImportRows(text, CUSTOMER_CSV), options);
}

/**
 * The same from a file's bytes, streamed: the file is read twice at most to decide its encoding,
 * then once for its rows, and never held whole, so memory stays bounded whatever its size.
 */
export async function importCustomersFromSource(
  deps: CoreDeps,
  actor: ImportActor,
  source: CsvSource,
  options: CustomerImportOptions = {},
): Promise<ImportResult> {
  // An Excel workbook (a zip) is read as one; anything else is CSV text. Both give the same rows.
  if (!options.encoding && (await isXlsxSource(source))) return importCustomerRows(deps, actor, () => streamXlsxRows(source, CUSTOMER_CSV), options);
  const encoding = await detectEncoding(source, options.encoding);
  return importCustomerRows(deps, actor, () => streamImportRows(decodedText(source, encoding), CUSTOMER_CSV), options);
}

/** A failed validation, carried out of the transaction that staged the file (rolled back). */
class Rejected extends Error {
  constructor(readonly failure: ImportFailure) {
    super("import rejected");
  }
}

/**
 * Problems in line order, at most MAX_REPORTED_PROBLEMS of them, the rest counted. A message
 * names the column as the file's header writes it ("年采购额"), `field` stays canonical.
 */
class ProblemLog {
  readonly kept: ImportProblem[] = [];
  omitted = 0;
  constructor(private readonly written: ReadonlyMap<string, string> = new Map()) {}
  add(...problems: ImportProblem[]): void {
    for (const p of problems) {
      const shown = typeof p.params.field === "string" ? this.written.get(p.params.field) : undefined;
      const problem = shown ? { ...p, params: { ...p.params, field: shown } } : p;
      if (this.kept.length < MAX_REPORTED_PROBLEMS) this.kept.push(problem);
      else this.omitted++;
    }
  }
  get count(): number {
    return this.kept.length + this.omitted;
  }
}

/**
 * Two phases in one transaction: every row is validated as it streams by (zod per row, owners),
 * resolved against the customer it updates (--update; looked up a chunk at a time) and staged
 * in a temporary table; duplicates within the file and against the database are then found in
 * SQL. If any row is bad the transaction rolls back — nothing is written — and the result lists
 * the bad rows with their spreadsheet lines; else the staged rows are written with set-based
 * INSERT … SELECT and UPDATE … FROM statements.
 */
async function importCustomerRows(
  deps: CoreDeps,
  actor: ImportActor,
  open: () => Promise<RowStream>,
  options: Pick<CustomerImportOptions, "update">,
): Promise<ImportResult> {
  if (!isSystemActor(actor)) requireRoleAtLeast(actor, "MANAGER");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);
  const calendar = await loadWorkCalendar(deps.db, tenant);
  const update = options.update === true;

  const file = await open();
  if (!file.ok) return { ok: false, rows: 0, problems: file.problems };
  const present = new Set(file.written.keys());
  const owners = await loadOwnerDirectory(deps.db, actor.tenantId);
  const problems = new ProblemLog(file.written);
  const warnings = new ProblemLog(file.written);
  const context = {
    present,
    settings: tenant.settings,
    today,
    calendar,
    regions: await loadRegionList(deps.db, actor.tenantId),
    defaultOwnerId: isSystemActor(actor) ? null : actor.memberId,
    newId: () => randomUUID(),
  };
  let rows = 0;

  try {
    return await directTransaction(
      deps.db,
      async (tx) => {
        await createStaging(tx);
        let batch: Array<ParsedRow | StagedRow> = [];
        const flush = async () => {
          const staged = await resolveBatch(tx, actor.tenantId, update, batch, context, problems);
          if (staged.length > 0) await stageRows(tx, staged);
          batch = [];
        };
        for await (const row of file.rows) {
          rows++;
          warnings.add(...row.warnings);
          if (isUnreadable(row)) {
            problems.add(...row.problems);
            continue;
          }
          const parsed = parseCustomerRow(row, present, (text) => owners.resolve(text));
          if (parsed.ok) batch.push(parsed.row);
          else {
            problems.add(...parsed.problems);
            if (parsed.name !== null) batch.push(invalidRow(row.line, parsed.name, parsed.externalId));
          }
          if (batch.length >= CHUNK) await flush();
        }
        if (batch.length > 0) await flush();
        if (rows === 0) throw new Rejected({ ok: false, rows: 0, problems: [{ line: file.headerLine, code: "import.no_rows", params: {} }] });
        problems.add(...(await duplicateProblems(tx, actor.tenantId, update)));
        if (problems.count > 0) {
          throw new Rejected({
            ok: false,
            rows,
            problems: sortProblems(problems.kept),
            ...(problems.omitted > 0 ? { omitted: problems.omitted } : {}),
          });
        }
        return { ...(await writeStaged(tx, actor, { tenant, calendar, today })), warnings: sortProblems(warnings.kept) };
      },
      { timeoutMs: IMPORT_TIMEOUT_MS },
    );
  } catch (err) {
    if (err instanceof Rejected) return err.failure;
    if (isUniqueViolation(err)) throw new ConflictError("import.concurrent_change");
    throw err;
  }
}

/** A chunk of parsed rows resolved against the customers they name (with --update; else all new). */
async function resolveBatch(
  tx: DirectTx,
  tenantId: string,
  update: boolean,
  batch: Array<ParsedRow | StagedRow>,
  context: Parameters<typeof resolveCustomerRow>[2],
  problems: ProblemLog,
): Promise<StagedRow[]> {
  const parsed = batch.filter((r): r is ParsedRow => "cells" in r);
  const byExternal = new Map<string, Existing>();
  const byName = new Map<string, Existing>();
  if (update && parsed.length > 0) {
    const externalIds = parsed.map((r) => r.externalId).filter((x): x is string => x !== null);
    // On the import's own connection: the transaction holds the only one PGlite has.
    const found = await tx.query<Customer>(Prisma.sql`
      SELECT * FROM "Customer" WHERE "tenantId" = ${tenantId}
        AND ("nameKey" = ANY(${parsed.map((r) => r.nameKey)}::text[]) OR "externalId" = ANY(${externalIds}::text[]))`);
    const contacts = new Map<string, Contact[]>();
    const rows = await tx.query<Contact>(Prisma.sql`
      SELECT * FROM "Contact" WHERE "tenantId" = ${tenantId} AND "customerId" = ANY(${found.map((c) => c.id)}::text[])
      ORDER BY "primary" DESC, "createdAt", "id"`);
    for (const c of rows) contacts.set(c.customerId, [...(contacts.get(c.customerId) ?? []), c]);
    for (const c of found) {
      const existing = { ...c, contacts: contacts.get(c.id) ?? [] };
      byName.set(c.nameKey, existing);
      if (c.externalId !== null) byExternal.set(c.externalId, existing);
    }
  }
  const out: StagedRow[] = [];
  for (const r of batch) {
    if (!("cells" in r)) {
      out.push(r);
      continue;
    }
    const match = (r.externalId !== null ? byExternal.get(r.externalId) : undefined) ?? byName.get(r.nameKey) ?? null;
    const resolved = resolveCustomerRow(r, match, context);
    if ("code" in resolved) {
      problems.add(resolved);
      out.push(invalidRow(r.line, r.name, r.externalId));
    } else {
      out.push({ line: r.line, name: r.name, nameKey: r.nameKey, externalId: resolved.externalId, valid: resolved });
    }
  }
  return out;
}

async function writeStaged(
  tx: DirectTx,
  actor: ImportActor,
  cadence: Omit<ImportCadenceContext, "importId">,
): Promise<Omit<ImportSuccess, "warnings">> {
  const tenantId = actor.tenantId;
  const who = auditIdentity(actor);
  const importId = randomUUID();
  await tx.execute(Prisma.sql`
    INSERT INTO "Customer" ("id", "tenantId", "name", "nameKey", "namePinyin", "nameInitials", "externalId", "industry", "region",
      "tier", "tierOverride", "tierOverrideReason", "strategic", "ownerId", "status", "annualPurchaseFen", "cooperationStart",
      "creditRating", "creditLimitFen", "lostReason", "updatedAt")
    SELECT id, ${tenantId}, name, name_key, pinyin, initials, ext_id, industry, region, tier::"Tier", override::"Tier", reason,
      strategic, owner_id, status::"CustomerStatus", annual, coop, rating, lim, lost, now()
    FROM import_customer_rows WHERE outcome = 'created' ORDER BY line`);
  await tx.execute(Prisma.sql`
    UPDATE "Customer" c SET "name" = s.name, "nameKey" = s.name_key, "namePinyin" = COALESCE(s.pinyin, c."namePinyin"),
      "nameInitials" = COALESCE(s.initials, c."nameInitials"), "externalId" = s.ext_id, "industry" = s.industry,
      "region" = s.region, "tier" = s.tier::"Tier", "tierOverride" = s.override::"Tier", "tierOverrideReason" = s.reason,
      "strategic" = s.strategic, "ownerId" = s.owner_id, "status" = s.status::"CustomerStatus", "annualPurchaseFen" = s.annual,
      "cooperationStart" = s.coop, "creditRating" = s.rating, "creditLimitFen" = s.lim, "lostReason" = s.lost, "updatedAt" = now()
    FROM import_customer_rows s WHERE s.outcome = 'updated' AND c."id" = s.id AND c."tenantId" = ${tenantId}`);
  // An updated customer's cadence follows its new tier, owner and status as after a command.
  const cadenceAudit = await syncUpdatedCadences(tx, { ...cadence, importId });
  // A row that changes the owner hands over the customer's other open callbacks and planned visits with it.
  await tx.execute(Prisma.sql`
    UPDATE "Callback" cb SET "assigneeId" = s.owner_id, "updatedAt" = now()
    FROM import_customer_rows s
    WHERE s.outcome = 'updated' AND s.prev_owner IS NOT NULL AND cb."tenantId" = ${tenantId} AND cb."customerId" = s.id
      AND cb."assigneeId" = s.prev_owner AND cb."status" = 'PENDING'`);
  await tx.execute(Prisma.sql`
    UPDATE "VisitPlan" p SET "assigneeId" = s.owner_id, "updatedAt" = now()
    FROM import_customer_rows s
    WHERE s.outcome = 'updated' AND s.prev_owner IS NOT NULL AND p."tenantId" = ${tenantId} AND p."customerId" = s.id
      AND p."assigneeId" = s.prev_owner AND p."status" = 'PLANNED'`);
  await tx.execute(Prisma.sql`
    DELETE FROM "Contact" ct USING import_customer_rows s
    WHERE s.outcome = 'updated' AND s.contacts IS NOT NULL AND ct."tenantId" = ${tenantId} AND ct."customerId" = s.id`);
  // createdAt a microsecond apart keeps the file's order (the export and the comparison sort by it).
  const contacts = await tx.execute(Prisma.sql`
    INSERT INTO "Contact" ("id", "tenantId", "customerId", "name", "title", "phone", "email", "primary", "createdAt")
    SELECT gen_random_uuid()::text, ${tenantId}, s.id, x.name, x.title, x.phone, x.email, x."primary",
      now() + (x.ord * interval '1 microsecond')
    FROM import_customer_rows s,
      ROWS FROM (jsonb_to_recordset(s.contacts) AS (name text, title text, phone text, email text, "primary" boolean)) WITH ORDINALITY
        AS x(name, title, phone, email, "primary", ord)
    WHERE s.outcome IN ('created', 'updated') AND s.contacts IS NOT NULL`);
  // The set-based equivalent of syncCadenceCallback for new customers: one open CADENCE
  // callback due a cadence from today.
  const cadenceCallbacks = await tx.execute(Prisma.sql`
    INSERT INTO "Callback" ("id", "tenantId", "customerId", "assigneeId", "dueOn", "reason", "openCadenceKey", "updatedAt")
    SELECT gen_random_uuid()::text, ${tenantId}, id, owner_id, due, 'CADENCE', id, now()
    FROM import_customer_rows WHERE outcome = 'created' AND due IS NOT NULL ORDER BY line`);
  // Likewise ensureVisitCadence: a tier with a visit cadence gets its next planned visit now.
  await tx.execute(Prisma.sql`
    INSERT INTO "VisitPlan" ("id", "tenantId", "customerId", "assigneeId", "plannedOn", "reason", "status", "openCadenceKey", "updatedAt")
    SELECT gen_random_uuid()::text, ${tenantId}, id, owner_id, visit_due, 'CADENCE', 'PLANNED', id, now()
    FROM import_customer_rows WHERE outcome = 'created' AND visit_due IS NOT NULL ORDER BY line`);
  // One audit row per customer (so each customer's own trail says where it came from, as for
  // customers created by command; an update with what changed, before and after) plus one
  // summary row for the import as a whole. Contact details are not copied into the audit trail.
  await tx.execute(Prisma.sql`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", 'customer.imported', 'Customer', id,
      jsonb_build_object('importId', ${importId}::text, 'line', line, 'name', name, 'tier', tier, 'tierOverride', override,
        'strategic', strategic, 'status', status, 'ownerId', owner_id, 'annualPurchaseFen', annual::text,
        'cooperationStart', to_char(coop, 'YYYY-MM-DD'))
    FROM import_customer_rows WHERE outcome = 'created' ORDER BY line`);
  await tx.execute(Prisma.sql`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "before", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", 'customer.updated_by_import', 'Customer', id,
      before, after || jsonb_build_object('importId', ${importId}::text, 'line', line)
    FROM import_customer_rows WHERE outcome = 'updated' ORDER BY line`);
  const tiers = await tx.query<{ tier: Tier; n: bigint; overrides: bigint }>(Prisma.sql`
    SELECT tier, count(*) AS n, count(override) AS overrides FROM import_customer_rows WHERE outcome = 'created' GROUP BY tier`);
  const byTier: Record<Tier, number> = { VIP: 0, A: 0, B: 0, C: 0 };
  let imported = 0;
  let overrides = 0;
  for (const t of tiers) {
    byTier[t.tier] = Number(t.n);
    imported += Number(t.n);
    overrides += Number(t.overrides);
  }
  const [counts] = await tx.query<{ updated: bigint; unchanged: bigint }>(Prisma.sql`
    SELECT count(*) FILTER (WHERE outcome = 'updated') AS updated, count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged
    FROM import_customer_rows`);
  const updated = Number(counts?.updated ?? 0);
  const unchanged = Number(counts?.unchanged ?? 0);
  const outcomes = await tx.query<RowOutcome>(Prisma.sql`
    SELECT line, name, outcome FROM import_customer_rows ORDER BY line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  await insertAuditRows(tx, tenantId, who, [
    ...cadenceAudit,
    { action: "import.customers", entityType: "Import", entityId: importId, after: { customers: imported, updated, unchanged, contacts, byTier } },
  ]);
  return {
    ok: true,
    importId,
    imported,
    updated,
    unchanged,
    outcomes: outcomes.map((o) => ({ line: Number(o.line), name: o.name, outcome: o.outcome })),
    contacts,
    cadenceCallbacks,
    overrides,
    byTier,
  };
}
