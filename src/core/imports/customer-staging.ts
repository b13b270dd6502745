// The customer import's staging table: every row of the file, valid or not, in a temporary
// table of the import's transaction, so the duplicate checks (within the file and against the
// tenant's customers) and the writes are set-based SQL over it, not a query per row.
import { Prisma } from "@prisma/client";
import type { DirectTx } from "../../db/direct.js";
import { toAuditJson } from "../audit/audit.js";
import { normalizeName } from "../customers/rules.js";
import type { ImportProblem } from "./csv.js";
import type { ResolvedRow } from "./customer-rows.js";

/** Problems and warnings kept for the report; beyond this a file is counted, not listed. */
export const MAX_REPORTED_PROBLEMS = 1000;

/** One row in the staging table: every row with a name (for the duplicate checks), with its values when valid. */
export interface StagedRow {
  line: number;
  name: string;
  nameKey: string;
  externalId: string | null;
  valid: ResolvedRow | null;
}

export function invalidRow(line: number, name: string, externalId: string | null): StagedRow {
  return { line, name, nameKey: normalizeName(name), externalId, valid: null };
}

// The staging table lives for the import's transaction only (ON COMMIT DROP; a rollback drops
// it too), so concurrent imports never see each other's rows.
export async function createStaging(tx: DirectTx): Promise<void> {
  await tx.execute(Prisma.sql`
    CREATE TEMP TABLE import_customer_rows (
      line integer NOT NULL, name text NOT NULL, name_key text NOT NULL, ext_id text, valid boolean NOT NULL,
      outcome text, id text, prev_owner text, pinyin text, initials text,
      owner_id text, tier text, override text, reason text, strategic boolean, status text, annual bigint, coop date,
      industry text, region text, rating text, lim bigint, lost text, contacts jsonb, due date, visit_due date, before jsonb, after jsonb
    ) ON COMMIT DROP`);
}

export async function stageRows(tx: DirectTx, rows: StagedRow[]): Promise<void> {
  const col = <T>(f: (r: StagedRow) => T) => rows.map(f);
  const v = <T>(f: (c: ResolvedRow) => T) => rows.map((r) => (r.valid ? f(r.valid) : null));
  const json = (x: unknown) => (x === null ? null : JSON.stringify(toAuditJson(x)));
  await tx.execute(Prisma.sql`
    INSERT INTO import_customer_rows (line, name, name_key, ext_id, valid, outcome, id, prev_owner, pinyin, initials,
      owner_id, tier, override, reason, strategic, status, annual, coop, industry, region, rating, lim, lost, contacts, due, visit_due, before, after)
    SELECT * FROM unnest(
      ${col((r) => r.line)}::integer[], ${col((r) => r.name)}::text[], ${col((r) => r.nameKey)}::text[], ${col((r) => r.externalId)}::text[],
      ${col((r) => r.valid !== null)}::boolean[], ${v((c) => c.outcome)}::text[], ${v((c) => c.id)}::text[], ${v((c) => c.previousOwnerId)}::text[],
      ${v((c) => c.namePinyin)}::text[], ${v((c) => c.nameInitials)}::text[],
      ${v((c) => c.ownerId)}::text[], ${v((c) => c.tier)}::text[], ${v((c) => c.tierOverride)}::text[], ${v((c) => c.tierOverrideReason)}::text[],
      ${v((c) => c.strategic)}::boolean[], ${v((c) => c.status)}::text[], ${v((c) => c.annualPurchaseFen.toString())}::bigint[],
      ${v((c) => c.cooperationStart)}::date[], ${v((c) => c.industry)}::text[], ${v((c) => c.region)}::text[],
      ${v((c) => c.creditRating)}::text[], ${v((c) => c.creditLimitFen?.toString() ?? null)}::bigint[], ${v((c) => c.lostReason)}::text[],
      ${v((c) => (c.contacts === null ? null : JSON.stringify(c.contacts)))}::jsonb[], ${v((c) => c.cadenceDueOn)}::date[], ${v((c) => c.visitDueOn)}::date[],
      ${v((c) => json(c.before))}::jsonb[], ${v((c) => json(c.after))}::jsonb[]
    )`);
}

/**
 * Names and external ids that appear twice in the file (each later line), and those another
 * customer of the tenant already has (first line): without --update every existing name is one;
 * with it, only one held by a customer other than the row's own.
 */
export async function duplicateProblems(tx: DirectTx, tenantId: string, update: boolean): Promise<ImportProblem[]> {
  const inFile = await tx.query<{ line: number; name: string; first: number }>(Prisma.sql`
    SELECT s.line, s.name, f.first FROM import_customer_rows s
    JOIN (SELECT name_key, min(line) AS first FROM import_customer_rows GROUP BY name_key HAVING count(*) > 1) f
      ON f.name_key = s.name_key
    WHERE s.line > f.first ORDER BY s.line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  const extInFile = await tx.query<{ line: number; ext: string; first: number }>(Prisma.sql`
    SELECT s.line, s.ext_id AS ext, f.first FROM import_customer_rows s
    JOIN (SELECT ext_id, min(line) AS first FROM import_customer_rows WHERE ext_id IS NOT NULL GROUP BY ext_id HAVING count(*) > 1) f
      ON f.ext_id = s.ext_id
    WHERE s.line > f.first ORDER BY s.line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  const inDb = await tx.query<{ line: number; name: string }>(Prisma.sql`
    SELECT DISTINCT ON (s.name_key) s.line, c.name FROM import_customer_rows s
    JOIN "Customer" c ON c."tenantId" = ${tenantId} AND c."nameKey" = s.name_key
    WHERE (s.valid OR NOT ${update}) AND c."id" IS DISTINCT FROM (CASE WHEN s.outcome = 'created' THEN NULL ELSE s.id END)
    ORDER BY s.name_key, s.line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  const extInDb = await tx.query<{ line: number; ext: string; name: string }>(Prisma.sql`
    SELECT DISTINCT ON (s.ext_id) s.line, s.ext_id AS ext, c.name FROM import_customer_rows s
    JOIN "Customer" c ON c."tenantId" = ${tenantId} AND c."externalId" = s.ext_id
    WHERE (s.valid OR NOT ${update}) AND c."id" IS DISTINCT FROM (CASE WHEN s.outcome = 'created' THEN NULL ELSE s.id END)
    ORDER BY s.ext_id, s.line LIMIT ${MAX_REPORTED_PROBLEMS}`);
  return [
    ...inFile.map((d) => ({ line: Number(d.line), field: "name", code: "import.duplicate_in_file", params: { name: d.name, first: Number(d.first) } })),
    ...extInFile.map((d) => ({
      line: Number(d.line),
      field: "external_id",
      code: "import.duplicate_external_id_in_file",
      params: { field: "external_id", value: d.ext, first: Number(d.first) },
    })),
    ...inDb.map((d) => ({ line: Number(d.line), field: "name", code: "import.duplicate_in_db", params: { name: d.name } })),
    ...extInDb.map((d) => ({
      line: Number(d.line),
      field: "external_id",
      code: "import.duplicate_external_id_in_db",
      params: { field: "external_id", value: d.ext, name: d.name },
    })),
  ];
}
