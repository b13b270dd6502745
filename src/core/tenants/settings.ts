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
    })
    .prefault({}),
  risk: z
    .object({
      // Points each signal contributes at full strength; the score is capped at 100.
      weights: z
        .object({
          contactGap: points.default(35),
          purchaseDecline: points.default(25),
          openComplaints: points.default(10),
          overdueComplaints: points.default(10),
          lowSatisfaction: points.default(10),
          overdueCallbacks: points.default(10),
        })
        .prefault({}),
      highAt: points.default(70),
      mediumAt: points.default(40),
    })
    .prefault({}),
  digests: z
    .object({
      callbacksAt: hhmm.default("09:00"),
      churnAt: hhmm.default("09:30"),
      catchUpUntil: hhmm.default("18:00"),
    })
    .prefault({}),
  channels: z
    .object({
      complaints: z.string().nullable().default(null),
      digests: z.string().nullable().default(null),
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
