// Tenant administration (`admin settings`, `admin channel`): ADMIN only — or the system, for the
// operator's CLI on the server — validated against the settings schema as a whole, one
// transaction with an audit row.
import { recordAudit } from "../audit/audit.js";
import { auditIdentity, isSystemActor, type SystemActor } from "../imports/actor.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { cleanBounded } from "../shared/hygiene.js";
import { parseYuanText } from "../shared/money.js";
import { parseTenantSettings, settingRange, tenantSettingsSchema, type TenantSettings } from "./settings.js";
import { loadTenant, type TenantView } from "./tenants.js";

export type SettingValue = string | number | boolean | null;

/** Every setting as dotted key → value, the zone and language first. */
export function flattenSettings(tenant: TenantView): Array<{ key: string; value: SettingValue }> {
  const out: Array<{ key: string; value: SettingValue }> = [
    { key: "timeZone", value: tenant.timeZone },
    { key: "locale", value: tenant.locale },
  ];
  const walk = (value: unknown, prefix: string) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else {
      out.push({ key: prefix, value: value as SettingValue });
    }
  };
  walk(tenant.settings, "");
  return out;
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function currentAt(settings: TenantSettings, path: string[]): unknown {
  let node: unknown = settings;
  for (const part of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * How many stored units one typed unit is: amounts are stored in fen and typed in yuan, complaint
 * deadlines stored in minutes and typed in hours (or in minutes with a unit: `30 min`, `30 分钟`).
 */
export function typedUnit(key: string): number {
  if (/Fen(\.|$)/.test(key)) return 100;
  if (/Minutes$/.test(key)) return 60;
  return 1;
}

/** Reads `raw` as the type the setting has now, in the unit members type (typedUnit). */
function coerce(key: string, current: unknown, raw: string): SettingValue {
  const text = raw.trim();
  if (/^(none|null|无|清除)$/i.test(text)) return null;
  // A money setting may be per tier (hospitality.budgetFen.VIP): the amount is still in CNY.
  if (/Fen(\.|$)/.test(key)) return Number(parseYuanText(text));
  if (typeof current === "number" && typedUnit(key) !== 1) {
    // Under an hour a deadline is shown in minutes, so it may be typed that way too.
    const minutes = /^(.*?)\s*(m|mins?|minutes?|分钟|分)$/iu.exec(text);
    const typed = Number((minutes ? minutes[1]! : text).replace(/\s*(h|hours?|小时|个小时)$/iu, ""));
    if (!Number.isFinite(typed) || (minutes?.[1] ?? text) === "") throw new InvalidInputError("settings.not_a_number", { key, value: raw });
    return Math.round(minutes ? typed : typed * typedUnit(key));
  }
  if (typeof current === "number") {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new InvalidInputError("settings.not_a_number", { key, value: raw });
    return n;
  }
  if (typeof current === "boolean") {
    if (/^(true|yes|on|是|开)$/i.test(text)) return true;
    if (/^(false|no|off|否|关)$/i.test(text)) return false;
    throw new InvalidInputError("settings.not_a_boolean", { key, value: raw });
  }
  return text;
}

export async function changeTenantSetting(deps: CoreDeps, actor: Actor | SystemActor, key: string, typedValue: string): Promise<TenantView> {
  if (!isSystemActor(actor)) requireRoleAtLeast(actor, "ADMIN");
  // The operator CLI calls this directly, so settings values pass the input-hygiene step here.
  const cleaned = cleanBounded(typedValue, "line", "setting");
  if (!cleaned.ok) throw new InvalidInputError("input.too_long", cleaned.params);
  const rawValue = cleaned.text;
  return inTransaction(deps, async (tx) => {
    const before = await loadTenant(tx, actor.tenantId);
    if (key === "timeZone") {
      if (!isValidTimeZone(rawValue.trim())) throw new InvalidInputError("settings.invalid_time_zone", { value: rawValue });
      await tx.tenant.update({ where: { id: before.id }, data: { timeZone: rawValue.trim() } });
    } else if (key === "locale") {
      const locale = rawValue.trim().toLowerCase().startsWith("zh") ? "zh-CN" : rawValue.trim().toLowerCase().startsWith("en") ? "en" : null;
      if (!locale) throw new InvalidInputError("settings.invalid_locale", { value: rawValue });
      await tx.tenant.update({ where: { id: before.id }, data: { locale } });
    } else {
      const path = key.split(".");
      const current = currentAt(before.settings, path);
      if (current === undefined) throw new InvalidInputError("settings.unknown_key", { key });
      const next = structuredClone(before.settings) as unknown as Record<string, unknown>;
      let node = next;
      for (const part of path.slice(0, -1)) node = node[part] as Record<string, unknown>;
      const value = coerce(key, current, rawValue);
      // An approver setting names a member of this department, still active.
      if (key.endsWith("ApproverId") && value !== null) {
        const member = await tx.member.findFirst({ where: { tenantId: actor.tenantId, id: String(value), active: true }, select: { id: true } });
        if (!member) throw new InvalidInputError("settings.unknown_member", { key, value: rawValue });
      }
      node[path[path.length - 1]!] = value;
      const parsed = tenantSettingsSchema.safeParse(next);
      const range = settingRange(key);
      if (!parsed.success && range && parsed.error.issues.some((i) => i.code === "too_small" || i.code === "too_big")) {
        // Amounts are typed in CNY, so their range is told in CNY too.
        const unit = typedUnit(key);
        throw new InvalidInputError("settings.out_of_range", { key, value: rawValue, min: range.min / unit, max: range.max / unit });
      }
      if (!parsed.success) {
        throw new InvalidInputError("settings.invalid_value", { key, value: rawValue, problem: parsed.error.issues[0]?.message ?? "" });
      }
      await tx.tenant.update({ where: { id: before.id }, data: { settings: parsed.data as object } });
    }
    const after = await loadTenant(tx, actor.tenantId);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      ...auditIdentity(actor),
      action: "tenant.setting_changed",
      entityType: "Tenant",
      entityId: actor.tenantId,
      before: { [key]: flattenSettings(before).find((s) => s.key === key)?.value ?? null },
      after: { [key]: flattenSettings(after).find((s) => s.key === key)?.value ?? null },
    });
    return after;
  });
}

export async function setTenantChannel(
  deps: CoreDeps,
  actor: Actor | SystemActor,
  purpose: "complaints" | "digests",
  channelId: string,
): Promise<TenantView> {
  return changeTenantSetting(deps, actor, `channels.${purpose}`, channelId);
}

export { parseTenantSettings };
