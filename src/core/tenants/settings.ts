// Tenant settings: every default of DESIGN.md §2 in one zod schema. Stored as JSON on the
// Tenant row; keys absent there take these defaults, so new settings need no migration.
// Amounts are fen as JSON numbers (safe far beyond any real threshold).
import { z } from "zod";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");
const fen = z.number().int().nonnegative();
const positiveDays = z.number().int().positive();

const slaClockKind = z.enum(["calendar", "business"]);

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
      // Points each signal contributes at full strength; the score is capped at 100.
      weights: z
        .object({
          contactGap: z.number().nonnegative().default(35),
          purchaseDecline: z.number().nonnegative().default(25),
          openComplaints: z.number().nonnegative().default(10),
          overdueComplaints: z.number().nonnegative().default(10),
          lowSatisfaction: z.number().nonnegative().default(10),
          overdueCallbacks: z.number().nonnegative().default(10),
        })
        .prefault({}),
      highAt: z.number().min(0).max(100).default(70),
      mediumAt: z.number().min(0).max(100).default(40),
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
