// Customer CSV import. Two phases: every row is validated first (zod per row, then owners,
// duplicates within the file and against the database); if any row is bad nothing is written
// and the result lists every bad row with its spreadsheet line. A good file is written in one
// transaction with set-based inserts (one unnest INSERT per table and chunk), so 10,000 rows
// take a few seconds even on PGlite.
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import type { CustomerStatus, Platform, Tier } from "@prisma/client";
import { directTransaction, type DirectTx } from "../../db/direct.js";
import { z } from "zod";
import { toAuditJson } from "../audit/audit.js";
import { onOrNextWorkingDay, type WorkCalendar } from "../calendar/calendar.js";
import { loadWorkCalendar } from "../calendar/store.js";
import { cadenceDaysFor } from "../callbacks/cadence.js";
import { isUniqueViolation } from "../customers/customers.js";
import { cleanName, computeTier, defaultStatus, effectiveTier, normalizeName } from "../customers/rules.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import { nextCadenceVisit, visitCadenceDays } from "../plans/visit-plans.js";
import type { CoreDeps } from "../shared/context.js";
import { ConflictError } from "../shared/errors.js";
import { addDays, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import { loadTenant } from "../tenants/tenants.js";
import { auditIdentity, isSystemActor, type ImportActor } from "./actor.js";
import { isUnreadable, sortProblems, type ColumnSpec, type ImportFailure, type ImportProblem, type ImportRow } from "./csv.js";
import type { CsvEncoding } from "./decode.js";
import { decodedText, detectEncoding, streamImportRows, type CsvSource } from "./stream.js";
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

/** Problems and warnings kept for the report; beyond this a file is counted, not listed. */
export const MAX_REPORTED_PROBLEMS = 1000;
/** A million rows take minutes; the transaction must outlive them (inTransaction's 30 s would not). */
const IMPORT_TIMEOUT_MS = 60 * 60_000;

export interface CustomerImportOptions {
  /** Force the file's encoding (--encoding); else it is decided per file (./decode.ts). */
  encoding?: CsvEncoding;
}

/**
 * Imports customers from CSV text (columns: CUSTOMER_CSV). A member importer needs MANAGER or
 * up (the file assigns owners across the department); the system (CLI) may always import.
 */
export async function importCustomersCsv(deps: CoreDeps, actor: ImportActor, csvText: string): Promise<ImportResult> {
  return importCustomerRows(deps, actor, (async function* () {
    yield csvText;
  })());
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
  const encoding = await detectEncoding(source, options.encoding);
  return importCustomerRows(deps, actor, decodedText(source, encoding));
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
 * Two phases in one transaction: every row is validated as it streams by (zod per row, owners)
 * and staged in a temporary table; duplicates within the file and against the database are then
 * found in SQL. If any row is bad the transaction rolls back — nothing is written — and the
 * result lists the bad rows with their spreadsheet lines; else the staged rows are written with
 * set-based INSERT … SELECTs.
 */
async function importCustomerRows(deps: CoreDeps, actor: ImportActor, text: AsyncIterable<string>): Promise<ImportResult> {
  if (!isSystemActor(actor)) requireRoleAtLeast(actor, "MANAGER");
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);
  const cal = await loadWorkCalendar(deps.db, tenant);

  const file = await streamImportRows(text, CUSTOMER_CSV);
  if (!file.ok) return { ok: false, rows: 0, problems: file.problems };
  const owners = await loadOwnerDirectory(deps.db, actor.tenantId);
  const problems = new ProblemLog(file.written);
  const warnings = new ProblemLog(file.written);
  let rows = 0;

  try {
    return await directTransaction(
      deps.db,
      async (tx) => {
        await createStaging(tx);
        let batch: StagedRow[] = [];
        for await (const row of file.rows) {
          rows++;
          warnings.add(...row.warnings);
          const staged = validateRow(row, actor, owners, tenant.settings, cal, today, problems);
          if (staged) batch.push(staged);
          if (batch.length >= CHUNK) {
            await stageRows(tx, batch);
            batch = [];
          }
        }
        if (batch.length > 0) await stageRows(tx, batch);
        if (rows === 0) throw new Rejected({ ok: false, rows: 0, problems: [{ line: file.headerLine, code: "import.no_rows", params: {} }] });
        problems.add(...(await duplicateProblems(tx, actor.tenantId)));
        if (problems.count > 0) {
          throw new Rejected({
            ok: false,
            rows,
            problems: sortProblems(problems.kept),
            ...(problems.omitted > 0 ? { omitted: problems.omitted } : {}),
          });
        }
        return { ...(await writeStaged(tx, actor)), warnings: sortProblems(warnings.kept) };
      },
      { timeoutMs: IMPORT_TIMEOUT_MS },
    );
  } catch (err) {
    if (err instanceof Rejected) return err.failure;
    if (isUniqueViolation(err)) throw new ConflictError("import.concurrent_change");
    throw err;
  }
}

/** One row in the staging table: every row with a name (for the duplicate checks), with its data when valid. */
interface StagedRow {
  line: number;
  name: string;
  nameKey: string;
  valid: PreparedCustomer | null;
  cadenceDueOn: LocalDate | null;
  visitDueOn: LocalDate | null;
}

function validateRow(
  row: ImportRow,
  actor: ImportActor,
  owners: OwnerDirectory,
  settings: TenantSettings,
  cal: WorkCalendar,
  today: LocalDate,
  problems: ProblemLog,
): StagedRow | null {
  if (isUnreadable(row)) {
    problems.add(...row.problems);
    return null;
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
  const named = nameText === "" ? null : { line: row.line, name: nameText, nameKey: normalizeName(nameText) };
  if (rowProblems.length > 0 || !parsed.success || ownerId === null) {
    problems.add(...rowProblems);
    return named ? { ...named, valid: null, cadenceDueOn: null, visitDueOn: null } : null;
  }
  const r = parsed.data;
  const annualPurchaseFen = r.annual_purchase ?? 0n;
  const cooperationStart = r.cooperation_start;
  const status = r.status ?? defaultStatus({ annualPurchaseFen, cooperationStart });
  const computed = computeTier(settings, { annualPurchaseFen, strategic: r.strategic, cooperationStart, status }, today);
  const override = r.tier !== null && r.tier !== computed ? r.tier : null;
  const tier = effectiveTier(computed, override);
  const days = cadenceDaysFor(settings, tier);
  const visitDays = status === "CHURNED" ? null : visitCadenceDays(settings, tier);
  const prepared: PreparedCustomer = {
    line: row.line,
    id: randomUUID(),
    name: nameText,
    nameKey: normalizeName(nameText),
    ownerId,
    tier,
    tierOverride: override,
    strategic: r.strategic,
    status,
    annualPurchaseFen,
    cooperationStart,
    industry: r.industry,
    region: r.region,
    creditRating: r.credit_rating,
    creditLimitFen: r.credit_limit,
    contact: r.contact_name !== null ? { name: r.contact_name, title: r.contact_title, phone: r.contact_phone, email: r.contact_email } : null,
  };
  // Due dates roll to working days exactly as syncCadenceCallback and the visit cadence roll them.
  return {
    line: row.line,
    name: nameText,
    nameKey: prepared.nameKey,
    valid: prepared,
    cadenceDueOn: days === null ? null : onOrNextWorkingDay(cal, addDays(today, days)),
    visitDueOn: visitDays === null ? null : nextCadenceVisit(cal, today, null, visitDays),
  };
}

// The staging table lives for the import's transaction only (ON COMMIT DROP; a rollback drops
// it too), so concurrent imports never see each other's rows.
async function createStaging(tx: DirectTx): Promise<void> {
  await tx.execute(Prisma.sql`
    CREATE TEMP TABLE import_customer_rows (
      line integer NOT NULL, name text NOT NULL, name_key text NOT NULL, valid boolean NOT NULL,
      id text, owner_id text, tier text, override text, strategic boolean, status text, annual bigint, coop date,
      industry text, region text, rating text, lim bigint, c_name text, c_title text, c_phone text, c_email text, due date, visit_due date
    ) ON COMMIT DROP`);
}

async function stageRows(tx: DirectTx, rows: StagedRow[]): Promise<void> {
  const col = <T>(f: (r: StagedRow) => T) => rows.map(f);
  const v = <T>(f: (c: PreparedCustomer) => T) => rows.map((r) => (r.valid ? f(r.valid) : null));
  await tx.execute(Prisma.sql`
    INSERT INTO import_customer_rows (line, name, name_key, valid, id, owner_id, tier, override, strategic, status, annual,
      coop, industry, region, rating, lim, c_name, c_title, c_phone, c_email, due, visit_due)
    SELECT * FROM unnest(
      ${col((r) => r.line)}::integer[], ${col((r) => r.name)}::text[], ${col((r) => r.nameKey)}::text[], ${col((r) => r.valid !== null)}::boolean[],
      ${v((c) => c.id)}::text[], ${v((c) => c.ownerId)}::text[], ${v((c) => c.tier)}::text[], ${v((c) => c.tierOverride)}::text[],
      ${v((c) => c.strategic)}::boolean[], ${v((c) => c.status)}::text[], ${v((c) => c.annualPurchaseFen.toString())}::bigint[],
      ${v((c) => c.cooperationStart)}::date[], ${v((c) => c.industry)}::text[], ${v((c) => c.region)}::text[],
      ${v((c) => c.creditRating)}::text[], ${v((c) => c.creditLimitFen?.toString() ?? null)}::bigint[],
      ${v((c) => c.contact?.name ?? null)}::text[], ${v((c) => c.contact?.title ?? null)}::text[],
      ${v((c) => c.contact?.phone ?? null)}::text[], ${v((c) => c.contact?.email ?? null)}::text[],
      ${col((r) => r.cadenceDueOn)}::date[], ${col((r) => r.visitDueOn)}::date[]
    )`);
}

/** Names that appear twice in the file (each later line), and names the tenant already has (first line). */
async function duplicateProblems(tx: DirectTx, tenantId: string): Promise<ImportProblem[]> {
  const inFile = await tx.query<{ line: number; name: string; first: number }>(Prisma.sql`
    SELECT s.line, s.name, f.first FROM import_customer_rows s
    JOIN (SELECT name_key, min(line) AS first FROM import_customer_rows GROUP BY name_key HAVING count(*) > 1) f
      ON f.name_key = s.name_key
    WHERE s.line > f.first ORDER BY s.line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  const inDb = await tx.query<{ line: number; name: string }>(Prisma.sql`
    SELECT f.first AS line, c.name FROM (SELECT name_key, min(line) AS first FROM import_customer_rows GROUP BY name_key) f
    JOIN "Customer" c ON c."tenantId" = ${tenantId} AND c."nameKey" = f.name_key
    ORDER BY f.first LIMIT ${MAX_REPORTED_PROBLEMS}`);
  return [
    ...inFile.map((d) => ({ line: Number(d.line), field: "name", code: "import.duplicate_in_file", params: { name: d.name, first: Number(d.first) } })),
    ...inDb.map((d) => ({ line: Number(d.line), field: "name", code: "import.duplicate_in_db", params: { name: d.name } })),
  ];
}

async function writeStaged(tx: DirectTx, actor: ImportActor): Promise<Omit<ImportSuccess, "warnings">> {
  const tenantId = actor.tenantId;
  const who = auditIdentity(actor);
  const importId = randomUUID();
  await tx.execute(Prisma.sql`
    INSERT INTO "Customer" ("id", "tenantId", "name", "nameKey", "industry", "region", "tier", "tierOverride",
      "tierOverrideReason", "strategic", "ownerId", "status", "annualPurchaseFen", "cooperationStart", "creditRating",
      "creditLimitFen", "updatedAt")
    SELECT id, ${tenantId}, name, name_key, industry, region, tier::"Tier", override::"Tier",
      CASE WHEN override IS NOT NULL THEN ${TIER_SET_BY_IMPORT} END, strategic, owner_id, status::"CustomerStatus",
      annual, coop, rating, lim, now()
    FROM import_customer_rows WHERE valid ORDER BY line`);
  const contacts = await tx.execute(Prisma.sql`
    INSERT INTO "Contact" ("id", "tenantId", "customerId", "name", "title", "phone", "email")
    SELECT gen_random_uuid()::text, ${tenantId}, id, c_name, c_title, c_phone, c_email
    FROM import_customer_rows WHERE valid AND c_name IS NOT NULL ORDER BY line`);
  // The set-based equivalent of syncCadenceCallback for new customers: one open CADENCE
  // callback due a cadence from today.
  const cadenceCallbacks = await tx.execute(Prisma.sql`
    INSERT INTO "Callback" ("id", "tenantId", "customerId", "assigneeId", "dueOn", "reason", "openCadenceKey", "updatedAt")
    SELECT gen_random_uuid()::text, ${tenantId}, id, owner_id, due, 'CADENCE', id, now()
    FROM import_customer_rows WHERE valid AND due IS NOT NULL ORDER BY line`);
  // Likewise ensureVisitCadence: a tier with a visit cadence gets its next planned visit now.
  await tx.execute(Prisma.sql`
    INSERT INTO "VisitPlan" ("id", "tenantId", "customerId", "assigneeId", "plannedOn", "reason", "status", "openCadenceKey", "updatedAt")
    SELECT gen_random_uuid()::text, ${tenantId}, id, owner_id, visit_due, 'CADENCE', 'PLANNED', id, now()
    FROM import_customer_rows WHERE valid AND visit_due IS NOT NULL ORDER BY line`);
  // One audit row per customer (so each customer's own trail says where it came from, as for
  // customers created by command) plus one summary row for the import as a whole. Contact
  // details are not copied into the audit trail.
  await tx.execute(Prisma.sql`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", 'customer.imported', 'Customer', id,
      jsonb_build_object('importId', ${importId}::text, 'line', line, 'name', name, 'tier', tier, 'tierOverride', override,
        'strategic', strategic, 'status', status, 'ownerId', owner_id, 'annualPurchaseFen', annual::text,
        'cooperationStart', to_char(coop, 'YYYY-MM-DD'))
    FROM import_customer_rows WHERE valid ORDER BY line`);
  const tiers = await tx.query<{ tier: Tier; n: bigint; overrides: bigint }>(Prisma.sql`
    SELECT tier, count(*) AS n, count(override) AS overrides FROM import_customer_rows WHERE valid GROUP BY tier`);
  const byTier: Record<Tier, number> = { VIP: 0, A: 0, B: 0, C: 0 };
  let imported = 0;
  let overrides = 0;
  for (const t of tiers) {
    byTier[t.tier] = Number(t.n);
    imported += Number(t.n);
    overrides += Number(t.overrides);
  }
  await insertAuditRows(tx, tenantId, who, [
    { action: "import.customers", entityType: "Import", entityId: importId, after: { customers: imported, contacts, byTier } },
  ]);
  return { ok: true, importId, imported, contacts, cadenceCallbacks, overrides, byTier };
}

// Audit rows as one unnest INSERT: a handful of parameters per statement instead of one per cell.
interface AuditRow {
  action: string;
  entityType: string;
  entityId: string;
  after: unknown;
}

async function insertAuditRows(
  tx: DirectTx,
  tenantId: string,
  who: { actorId: string | null; platform: Platform | null },
  rows: AuditRow[],
): Promise<void> {
  await tx.execute(Prisma.sql`
    INSERT INTO "AuditLog" ("tenantId", "actorId", "platform", "action", "entityType", "entityId", "after")
    SELECT ${tenantId}, ${who.actorId}, ${who.platform}::"Platform", v.action, v.entity_type, v.entity_id, v.after
    FROM unnest(
      ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.entityType)}::text[], ${rows.map((r) => r.entityId)}::text[],
      ${rows.map((r) => JSON.stringify(toAuditJson(r.after)))}::jsonb[]
    ) AS v(action, entity_type, entity_id, after)`);
}
