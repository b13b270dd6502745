// Tenant settings: every default of DESIGN.md §2 in one zod schema. Stored as JSON on the
// Tenant row; keys absent there take these defaults, so new settings need no migration.
// Amounts are fen as JSON numbers (safe far beyond any real threshold).
import { z } from "zod";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");
const fen = z.number().int().nonnegative();
const positiveDays = z.number().int().positive();

const slaEntry = z.object({ ackMinutes: z.number().int().positive(), resolveMinutes: z.number().int().positive() });

export const tenantSettingsSchema = z.object({
  tiers: z
    .object({
      vipAnnualFen: fen.default(500_000_000),
      aAnnualFen: fen.default(100_000_000),
      aCooperationYears: z.number().int().positive().default(5),
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
      overspendTolerancePercent: z.number().nonnegative().default(10),
      finalApproverId: z.string().nullable().default(null),
      reminderAfterHours: z.number().positive().default(24),
    })
    .prefault({}),
  risk: z
    .object({
      // Points each signal contributes at full strength; the score is capped at 100. Calibrated
      // against the named cases of src/core/risk/calibration.test.ts (README "Churn score").
      weights: z
        .object({
          contactGap: z.number().nonnegative().default(40),
          purchaseDecline: z.number().nonnegative().default(35),
          openComplaints: z.number().nonnegative().default(15),
          overdueComplaints: z.number().nonnegative().default(35),
          lowSatisfaction: z.number().nonnegative().default(25),
          overdueCallbacks: z.number().nonnegative().default(10),
        })
        .prefault({}),
      highAt: z.number().min(0).max(100).default(60),
      mediumAt: z.number().min(0).max(100).default(30),
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
  const parsed = deepFreeze(tenantSettingsSchema.parse(stored ?? {}));
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
