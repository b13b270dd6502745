// Tenant settings: every default of DESIGN.md §2 in one zod schema. Stored as JSON on the
// Tenant row; keys absent there take these defaults, so new settings need no migration.
// Amounts are fen as JSON numbers (safe far beyond any real threshold).
import { z } from "zod";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");
// Every number has a range a department can live with: beyond it dates overflow ("Invalid time
// value" on every VIP creation with a cadence of 100,000,000 days) or SLA deadlines fall outside
// what the database stores. The ranges are listed in README's settings table; settingRange()
// reads them back for the refusal message.
/** Money limits, fen: up to 10,000,000,000 CNY. */
const fen = z.number().int().min(0).max(1e12);
/** Cadences and intervals, days: up to ten years. */
const positiveDays = z.number().int().min(1).max(3650);
/** SLA clocks, minutes: up to one year. */
const slaMinutes = z.number().int().min(1).max(525_600);
/** Risk weights and thresholds, points of a 0–100 score. */
const points = z.number().min(0).max(100);

const slaClockKind = z.enum(["calendar", "business"]);

const slaEntry = z.object({ ackMinutes: slaMinutes, resolveMinutes: slaMinutes });

export const tenantSettingsSchema = z.object({
  tiers: z
    .object({
      vipAnnualFen: fen.default(500_000_000),
      aAnnualFen: fen.default(100_000_000),
      aCooperationYears: z.number().int().min(1).max(100).default(5),
      callbackCadenceDays: z
        .object({ VIP: positiveDays.default(14), A: positiveDays.default(30), B: positiveDays.default(90) })
        .prefault({}),
      visitEveryDays: z
        .object({ VIP: positiveDays.default(30), A: positiveDays.default(91), B: positiveDays.default(365) })
        .prefault({}),
    })
    .prefault({}),
  sla: z
    .object({
      CRITICAL: slaEntry.default({ ackMinutes: 60, resolveMinutes: 24 * 60 }),
      HIGH: slaEntry.default({ ackMinutes: 4 * 60, resolveMinutes: 72 * 60 }),
      MEDIUM: slaEntry.default({ ackMinutes: 24 * 60, resolveMinutes: 7 * 24 * 60 }),
      LOW: slaEntry.default({ ackMinutes: 48 * 60, resolveMinutes: 14 * 24 * 60 }),
    })
    .prefault({}),
  afterComplaintCallbackDays: positiveDays.default(3),
  hospitality: z
    .object({
      supervisorOnlyMaxFen: fen.default(200_000),
      managerMaxFen: fen.default(1_000_000),
      perHeadGuidelineFen: z
        .object({ VIP: fen.default(50_000), A: fen.default(30_000), B: fen.default(20_000), C: fen.default(20_000) })
        .prefault({}),
      overspendTolerancePercent: z.number().min(0).max(1000).default(10),
      finalApproverId: z.string().nullable().default(null),
      reminderAfterHours: z.number().min(1).max(8760).default(24),
      // Per-customer hospitality budget for each period, by tier (0: no budget for that tier).
      budgetPeriod: z.enum(["month", "quarter", "year"]).default("quarter"),
      budgetFen: z
        .object({ VIP: fen.default(2_000_000), A: fen.default(1_000_000), B: fen.default(500_000), C: fen.default(200_000) })
        .prefault({}),
    })
    .prefault({}),
  // Credit control (信用调查与控制): amount bands on the requested limit, its final approver
  // (falls back to hospitality's), and how often each tier's credit is reviewed.
  credit: z
    .object({
      supervisorOnlyMaxFen: fen.default(10_000_000),
      managerMaxFen: fen.default(100_000_000),
      finalApproverId: z.string().nullable().default(null),
      reviewEveryMonths: z
        .object({ VIP: positiveDays.default(12), A: positiveDays.default(6), B: positiveDays.default(6), C: positiveDays.default(6) })
        .prefault({}),
    })
    .prefault({}),
  risk: z
    .object({
      // Points each signal contributes at full strength; the score is capped at 100. Calibrated
      // against the named cases of src/core/risk/calibration.test.ts (README "Churn score").
      weights: z
        .object({
          contactGap: points.default(40),
          purchaseDecline: points.default(35),
          openComplaints: points.default(15),
          overdueComplaints: points.default(35),
          lowSatisfaction: points.default(25),
          overdueCallbacks: points.default(10),
          credit: points.default(10),
        })
        .prefault({}),
      highAt: points.default(60),
      mediumAt: points.default(30),
    })
    .prefault({}),
  surveys: z
    .object({
      // A dimension score at or below this alerts the supervisor and opens a follow-up (per survey overridable).
      alertAtOrBelow: z.number().int().min(1).max(4).default(2),
    })
    .prefault({}),
  digests: z
    .object({
      callbacksAt: hhmm.default("09:00"),
      churnAt: hhmm.default("09:30"),
      catchUpUntil: hhmm.default("18:00"),
      // Digests go out on the tenant's working days only (调休 weekends included, holidays not).
      workingDaysOnly: z.boolean().default(true),
    })
    .prefault({}),
  channels: z
    .object({
      complaints: z.string().nullable().default(null),
      digests: z.string().nullable().default(null),
    })
    .prefault({}),
  // The work calendar (src/core/calendar): whose public holidays apply ("CN": chinese-days with
  // 调休; another ISO country code, optionally with a region ("DE-BY"): date-holidays; "none":
  // the working weekdays only), which weekdays are working days (ISO 1 = Monday) and the hours.
  calendar: z
    .object({
      country: z.string().regex(/^(none|[A-Z]{2}(-[A-Z0-9]{1,3})?)$/, "must be CN, another ISO country code or none").default("CN"),
      workdays: z.string().regex(/^[1-7](,[1-7])*$/, "must list ISO weekdays like 1,2,3,4,5").default("1,2,3,4,5"),
      workStart: hhmm.default("09:00"),
      workEnd: hhmm.default("18:00"),
    })
    .refine((c) => c.workStart < c.workEnd, { message: "workStart must be before workEnd" })
    .prefault({}),
  // Per severity: SLA minutes run in calendar time (around the clock) or business time (working
  // hours of working days only); the holder is warned at warnAtPercent of each deadline (0: never).
  slaClock: z
    .object({
      CRITICAL: slaClockKind.default("calendar"),
      HIGH: slaClockKind.default("business"),
      MEDIUM: slaClockKind.default("business"),
      LOW: slaClockKind.default("business"),
      warnAtPercent: z.number().int().min(0).max(99).default(80),
    })
    .prefault({}),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

// Every request reads its tenant's settings; validating the same JSON with zod each time was a
// visible share of a command's CPU. Parsed settings are shared (read-only) per distinct JSON.
const parsedSettings = new Map<string, TenantSettings>();
const PARSED_SETTINGS_MAX = 1_000;

export function parseTenantSettings(stored: unknown): TenantSettings {
  const key = JSON.stringify(stored ?? {});
  const cached = parsedSettings.get(key);
  if (cached) return cached;
  const parsed = deepFreeze(parseStored(stored ?? {}));
  if (parsedSettings.size >= PARSED_SETTINGS_MAX) parsedSettings.clear();
  parsedSettings.set(key, parsed);
  return parsed;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export const defaultTenantSettings: TenantSettings = tenantSettingsSchema.parse({});

/**
 * Stored settings written before the upper bounds existed (a cadence of 100,000,000 days) must not
 * stop the tenant from loading: each value above its range falls back to its default. Anything
 * else that does not parse was never valid and still fails, as it always has (the scheduler
 * isolates such a tenant).
 */
function parseStored(stored: unknown): TenantSettings {
  let candidate = stored;
  for (let attempt = 0; attempt < 50; attempt++) {
    const parsed = tenantSettingsSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    if (!parsed.error.issues.every((issue) => issue.code === "too_big")) break;
    candidate = structuredClone(candidate);
    for (const issue of parsed.error.issues) dropPath(candidate, issue.path);
  }
  return tenantSettingsSchema.parse(candidate);
}

function dropPath(root: unknown, path: readonly PropertyKey[]): void {
  if (path.length === 0) return;
  let node = root;
  for (const part of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  const leaf = path[path.length - 1]!;
  if (node === null || typeof node !== "object") return;
  // A required value that is missing (not wrong): its parent object goes, and takes its default.
  if (!Object.hasOwn(node, leaf)) return dropPath(root, path.slice(0, -1));
  delete (node as Record<PropertyKey, unknown>)[leaf];
}

export interface SettingRange {
  min: number;
  max: number;
}

/** The documented range of a numeric setting ("tiers.callbackCadenceDays.VIP" → 1–3650), from its schema. */
export function settingRange(key: string): SettingRange | undefined {
  let node: unknown = tenantSettingsSchema;
  for (const part of key.split(".")) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (!shape || !Object.hasOwn(shape, part)) return undefined;
    node = shape[part];
  }
  const leaf = unwrap(node) as { minValue?: number | null; maxValue?: number | null } | undefined;
  if (typeof leaf?.minValue !== "number" || typeof leaf.maxValue !== "number") return undefined;
  return { min: leaf.minValue, max: leaf.maxValue };
}

// zod 4 keeps .default()/.prefault() values as wrappers around the schema they default.
function unwrap(schema: unknown): unknown {
  let node = schema as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  while (node?._zod?.def && (node._zod.def.type === "default" || node._zod.def.type === "prefault" || node._zod.def.type === "optional")) {
    node = node._zod.def.innerType as typeof node;
  }
  return node;
}
