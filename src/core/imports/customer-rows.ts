// One customer row of an import file: parsed (zod per cell), then resolved against the customer
// it updates (`--update`, matched by external_id, else by name) into the values to write and
// whether anything changes. Columns the file does not have keep the customer's values.
import type { Contact, Customer, CustomerStatus, Tier } from "@prisma/client";
import { z } from "zod";
import type { WorkCalendar } from "../calendar/calendar.js";
import { cadenceDaysFor, nextCadenceDate } from "../callbacks/cadence.js";
import { visitCadenceDays } from "../plans/visit-plans.js";
import { nameSearchKeys } from "../customers/search-keys.js";
import { regionOnList, type RegionList } from "../regions/regions.js";
import { cleanName, computeTier, defaultStatus, effectiveTier, normalizeName } from "../customers/rules.js";
import { fromDateColumn, type LocalDate } from "../shared/time.js";
import type { TenantSettings } from "../tenants/settings.js";
import type { ImportProblem, ImportRow } from "./csv.js";
import { contactColumn, contactColumns, MAX_CONTACTS } from "./customer-columns.js";
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

/** Reason stored when a file's tier differs from the computed one and the file gives none. */
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
  external_id: textCell(100),
  tier_override_reason: textCell(200),
  lost_reason: textCell(500),
});
type CustomerCells = z.output<typeof customerRowSchema>;

const contactSchemas = Array.from({ length: MAX_CONTACTS }, (_, i) => {
  const n = i + 1;
  return z.object({
    [contactColumn(n, "name")]: textCell(100),
    [contactColumn(n, "title")]: textCell(100),
    [contactColumn(n, "phone")]: phoneCell,
    [contactColumn(n, "email")]: emailCell,
  });
});

export interface ContactIn {
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
}

/** A row whose cells are valid; owner resolved when the file names one. */
export interface ParsedRow {
  line: number;
  name: string;
  nameKey: string;
  externalId: string | null;
  cells: CustomerCells;
  ownerId: string | null;
  contacts: ContactIn[];
}

/** Cells → values, or the row's problems (with the name for the duplicate checks when it has one). */
export function parseCustomerRow(
  row: ImportRow,
  present: ReadonlySet<string>,
  resolveOwner: (text: string) => { id: string } | { problem: string },
): { ok: true; row: ParsedRow } | { ok: false; problems: ImportProblem[]; name: string | null; externalId: string | null } {
  const record = row.record;
  const problems = [...row.problems];
  const parsed = customerRowSchema.safeParse(record);
  if (!parsed.success) problems.push(...issuesToProblems(row.line, parsed.error));

  const contacts: ContactIn[] = [];
  for (let n = 1; n <= MAX_CONTACTS; n++) {
    const cols = contactColumns(n);
    if (!cols.some((c) => present.has(c))) continue;
    const group = contactSchemas[n - 1]!.safeParse(record);
    if (!group.success) problems.push(...issuesToProblems(row.line, group.error));
    const nameBlank = record[cols[0]!]!.trim() === "";
    if (nameBlank && cols.slice(1).some((c) => record[c]!.trim() !== "")) {
      problems.push({ line: row.line, field: cols[0], code: "import.contact_name_required", params: { field: cols[0]! } });
    }
    if (!group.success || nameBlank) continue;
    const [name, title, phone, email] = cols.map((c) => group.data[c] ?? null) as Array<string | null>;
    contacts.push({ name: name!, title: title!, phone: phone!, email: email! });
  }

  let ownerId: string | null = null;
  const ownerText = record.owner!.trim();
  if (ownerText !== "") {
    const owner = resolveOwner(ownerText);
    if ("id" in owner) ownerId = owner.id;
    else problems.push({ line: row.line, field: "owner", code: owner.problem, params: { field: "owner", value: ownerText } });
  }

  const nameText = cleanName(record.name!);
  const externalId = record.external_id!.trim() || null;
  if (problems.length > 0 || !parsed.success) return { ok: false, problems, name: nameText === "" ? null : nameText, externalId };
  return {
    ok: true,
    row: { line: row.line, name: nameText, nameKey: normalizeName(nameText), externalId, cells: parsed.data, ownerId, contacts },
  };
}

export type Existing = Customer & { contacts: Contact[] };

/** What a row writes: a new customer, or an existing one's new values with before/after of what changed. */
export interface ResolvedRow {
  line: number;
  outcome: "created" | "updated" | "unchanged";
  id: string;
  name: string;
  nameKey: string;
  namePinyin: string | null;
  nameInitials: string | null;
  externalId: string | null;
  ownerId: string;
  previousOwnerId: string | null;
  tier: Tier;
  tierOverride: Tier | null;
  tierOverrideReason: string | null;
  strategic: boolean;
  status: CustomerStatus;
  annualPurchaseFen: bigint;
  cooperationStart: LocalDate | null;
  industry: string | null;
  region: string | null;
  creditRating: string | null;
  creditLimitFen: bigint | null;
  lostReason: string | null;
  /** The contacts to write (replacing the customer's), or null to leave them. */
  contacts: Array<ContactIn & { primary: boolean }> | null;
  cadenceDueOn: LocalDate | null;
  /** A created customer's first cadence visit (plans/visit-plans.ts), null without a visit cadence. */
  visitDueOn: LocalDate | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface ResolveContext {
  present: ReadonlySet<string>;
  settings: TenantSettings;
  today: LocalDate;
  /** Due dates roll to working days exactly as syncCadenceCallback and the visit cadence roll them. */
  calendar: WorkCalendar;
  /** The tenant's region list (null: none kept, a region is free text). */
  regions: RegionList | null;
  /** The importing member for rows without an owner; null for the system (owner required). */
  defaultOwnerId: string | null;
  newId: () => string;
}

function overrideOf(
  tierIn: Tier | null,
  reasonIn: string | null,
  computed: Tier,
  match: Existing | null,
  present: ReadonlySet<string>,
): { override: Tier | null; reason: string | null } {
  if (!present.has("tier")) return match ? { override: match.tierOverride, reason: match.tierOverrideReason } : { override: null, reason: null };
  if (tierIn === null) return { override: null, reason: null };
  // A reason marks the tier as pinned, even where it equals today's computed tier.
  if (reasonIn !== null) return { override: tierIn, reason: reasonIn };
  if (tierIn === computed) return { override: null, reason: null };
  // The file echoes a stored tier the daily recompute has not caught up with: no override.
  if (match && match.tierOverride === null && match.tier === tierIn) return { override: null, reason: null };
  if (match && match.tierOverride === tierIn) return { override: tierIn, reason: match.tierOverrideReason ?? TIER_SET_BY_IMPORT };
  return { override: tierIn, reason: TIER_SET_BY_IMPORT };
}

const sameContacts = (a: readonly ContactIn[], b: readonly ContactIn[]) =>
  a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.title === b[i]!.title && c.phone === b[i]!.phone && c.email === b[i]!.email);

/** The row against the customer it matches (or none: a new customer); a problem when it has no owner. */
export function resolveCustomerRow(row: ParsedRow, match: Existing | null, ctx: ResolveContext): ResolvedRow | ImportProblem {
  const { present } = ctx;
  const has = (c: string) => present.has(c);
  const r = row.cells;
  const ownerId = row.ownerId ?? match?.ownerId ?? ctx.defaultOwnerId;
  if (ownerId === null) return { line: row.line, field: "owner", code: "import.required", params: { field: "owner" } };
  const keep = <T>(column: string, fromFile: T, existing: T): T => (match && !has(column) ? existing : fromFile);

  const annualPurchaseFen = keep("annual_purchase", r.annual_purchase ?? 0n, match?.annualPurchaseFen ?? 0n);
  const cooperationStart = keep("cooperation_start", r.cooperation_start, match?.cooperationStart ? fromDateColumn(match.cooperationStart) : null);
  const strategic = keep("strategic", r.strategic, match?.strategic ?? false);
  const status = match && !has("status") ? match.status : (r.status ?? defaultStatus({ annualPurchaseFen, cooperationStart }));
  const computed = computeTier(ctx.settings, { annualPurchaseFen, strategic, cooperationStart, status }, ctx.today);
  const { override, reason } = overrideOf(r.tier, has("tier_override_reason") ? r.tier_override_reason : null, computed, match, present);
  const tier = effectiveTier(computed, override);

  // A region must be on the tenant's list, when it keeps one; one the customer already has stays.
  let region = keep("region", r.region, match?.region ?? null);
  if (region !== null && region !== (match?.region ?? null)) {
    const listed = regionOnList(ctx.regions, region);
    if (listed === null) {
      return { line: row.line, field: "region", code: "import.unknown_region", params: { field: "region", value: region, known: ctx.regions!.names } };
    }
    region = listed;
  }

  const contactsGiven = contactColumns(1).some(has) || [...present].some((c) => /^contact\d+_/u.test(c));
  const existingContacts = match ? match.contacts.map((c) => ({ name: c.name, title: c.title, phone: c.phone, email: c.email })) : [];
  const contactsChange = contactsGiven && (!match || !sameContacts(existingContacts, row.contacts));
  const hadPrimary = match?.contacts.some((c) => c.primary) ?? false;

  const values = {
    name: row.name,
    externalId: keep("external_id", r.external_id, match?.externalId ?? null),
    ownerId,
    tier,
    tierOverride: override,
    tierOverrideReason: override === null ? null : reason,
    strategic,
    status,
    annualPurchaseFen,
    cooperationStart,
    industry: keep("industry", r.industry, match?.industry ?? null),
    region,
    creditRating: keep("credit_rating", r.credit_rating, match?.creditRating ?? null),
    creditLimitFen: keep("credit_limit", r.credit_limit, match?.creditLimitFen ?? null),
    lostReason: keep("lost_reason", r.lost_reason, match?.lostReason ?? null),
  };
  const keys = match === null || match.name !== row.name || match.namePinyin === null ? nameSearchKeys(row.name) : null;
  const days = cadenceDaysFor(ctx.settings, tier);
  const visitDays = status === "CHURNED" ? null : visitCadenceDays(ctx.settings, tier);
  const base = {
    line: row.line,
    nameKey: row.nameKey,
    namePinyin: keys?.namePinyin ?? null,
    nameInitials: keys?.nameInitials ?? null,
    ...values,
    contacts: contactsChange ? row.contacts.map((c, i) => ({ ...c, primary: i === 0 && hadPrimary })) : null,
    cadenceDueOn: match === null && days !== null ? nextCadenceDate(ctx.calendar, ctx.today, null, days) : null,
    visitDueOn: match === null && visitDays !== null ? nextCadenceDate(ctx.calendar, ctx.today, null, visitDays) : null,
  };
  if (match === null) return { ...base, outcome: "created", id: ctx.newId(), previousOwnerId: null, before: null, after: null };

  const old: Record<string, unknown> = {
    name: match.name,
    externalId: match.externalId,
    ownerId: match.ownerId,
    tier: match.tier,
    tierOverride: match.tierOverride,
    tierOverrideReason: match.tierOverride === null ? null : match.tierOverrideReason,
    strategic: match.strategic,
    status: match.status,
    annualPurchaseFen: match.annualPurchaseFen,
    cooperationStart: match.cooperationStart ? fromDateColumn(match.cooperationStart) : null,
    industry: match.industry,
    region: match.region,
    creditRating: match.creditRating,
    creditLimitFen: match.creditLimitFen,
    lostReason: match.lostReason,
  };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (String(old[k]) !== String(v)) {
      before[k] = old[k];
      after[k] = v;
    }
  }
  // Contact details stay out of the audit trail (as for created customers): names only.
  if (contactsChange) {
    before.contacts = existingContacts.map((c) => c.name);
    after.contacts = row.contacts.map((c) => c.name);
  }
  const changed = Object.keys(after).length > 0;
  return {
    ...base,
    outcome: changed ? "updated" : "unchanged",
    id: match.id,
    previousOwnerId: match.ownerId !== ownerId ? match.ownerId : null,
    before: changed ? before : null,
    after: changed ? after : null,
  };
}
