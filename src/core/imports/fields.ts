// zod field parsers for CSV cells. Each reports its problem as a custom issue whose message is
// the catalog code and whose params fill the message, so a row's zod error maps straight onto
// ImportProblems.
import type { Platform, Role } from "@prisma/client";
import { z } from "zod";
import { parseCustomerStatus, parseTier, parseYuanAmount } from "../customers/rules.js";
import { phoneSchema } from "../customers/schemas.js";
import { isLocalDate } from "../shared/time.js";
import type { ImportProblem } from "./csv.js";

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, code: string, params: Record<string, string | number> = {}): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message: code, params });
  return z.NEVER;
}

/** Optional text: blank -> null. */
export function textCell(max: number) {
  return z.string().transform((v, ctx) => {
    const t = v.trim();
    if (t.length > max) return fail(ctx, "import.too_long", { max });
    return t === "" ? null : t;
  });
}

export function requiredTextCell(max: number) {
  return z.string().transform((v, ctx) => {
    const t = v.trim();
    if (t === "") return fail(ctx, "import.required");
    if (t.length > max) return fail(ctx, "import.too_long", { max });
    return t;
  });
}

// "120万", "1.5万元": ten-thousands of yuan, as Chinese spreadsheets often write amounts. Up to six
// decimals of 万 are whole fen.
const WAN = /^([\d,]+)(?:\.(\d{1,6}))?\s*万元?$/u;

/** Yuan as typed in spreadsheets ("1,200.50", "¥1200", "120万") -> fen; blank -> null. */
export const amountCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  const wan = WAN.exec(t.replace(/^[¥￥]/u, ""));
  if (wan && /^\d{1,3}(,\d{3})*$|^\d+$/u.test(wan[1]!)) {
    return BigInt(wan[1]!.replace(/,/gu, "")) * 1_000_000n + BigInt((wan[2] ?? "").padEnd(6, "0"));
  }
  try {
    return parseYuanAmount(t);
  } catch {
    return fail(ctx, "import.invalid_amount", { value: t });
  }
});

// What Chinese Excel shows and exports for a date: 2020/1/1, 2020-1-1, 2020.1.1, 2020年1月1日.
const LOOSE_DATE = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})[日号]?)$/u;

/** A calendar day as YYYY-MM-DD, from the forms above; blank -> null. */
export const dateCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  const m = LOOSE_DATE.exec(t);
  const iso = m ? `${m[1]}-${(m[2] ?? m[4])!.padStart(2, "0")}-${(m[3] ?? m[5])!.padStart(2, "0")}` : t;
  if (!isLocalDate(iso)) return fail(ctx, "import.invalid_date", { value: t });
  return iso;
});

export const tierCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  return parseTier(t) ?? fail(ctx, "import.invalid_tier", { value: t });
});

export const statusCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  return parseCustomerStatus(t) ?? fail(ctx, "import.invalid_status", { value: t });
});

const TRUE_WORDS = new Set(["yes", "y", "true", "1", "是", "对"]);
const FALSE_WORDS = new Set(["no", "n", "false", "0", "否", "不是"]);

/** yes/no/true/false/1/0/是/否; blank -> false. */
export const booleanCell = z.string().transform((v, ctx) => {
  const t = v.trim().toLowerCase();
  if (t === "" || FALSE_WORDS.has(t)) return false;
  if (TRUE_WORDS.has(t)) return true;
  return fail(ctx, "import.invalid_boolean", { value: v.trim() });
});

export const emailCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  if (t.length > 200 || !z.email().safeParse(t).success) return fail(ctx, "import.invalid_email", { value: t });
  return t;
});

export const phoneCell = z.string().transform((v, ctx) => {
  const t = v.trim();
  if (t === "") return null;
  if (!phoneSchema.safeParse(t).success) return fail(ctx, "import.invalid_phone", { value: t });
  return t;
});

const PLATFORMS: Record<string, Platform> = {
  slack: "SLACK",
  feishu: "FEISHU",
  lark: "FEISHU",
  飞书: "FEISHU",
  console: "CONSOLE",
};

/** blank -> null (the caller applies the tenant's platform). */
export const platformCell = z.string().transform((v, ctx) => {
  const t = v.trim().toLowerCase();
  if (t === "") return null;
  return PLATFORMS[t] ?? fail(ctx, "import.invalid_platform", { value: v.trim() });
});

const ROLES: Record<string, Role> = {
  specialist: "SPECIALIST",
  客户经理: "SPECIALIST",
  专员: "SPECIALIST",
  客户关系专员: "SPECIALIST",
  supervisor: "SUPERVISOR",
  主管: "SUPERVISOR",
  客户关系主管: "SUPERVISOR",
  manager: "MANAGER",
  经理: "MANAGER",
  客户关系部经理: "MANAGER",
  admin: "ADMIN",
  管理员: "ADMIN",
};

export const roleCell = z.string().transform((v, ctx) => {
  const t = v.trim().toLowerCase();
  if (t === "") return null;
  return ROLES[t] ?? fail(ctx, "import.invalid_role", { value: v.trim() });
});

/** A row's zod issues as problems (every issue, not just the first). */
export function issuesToProblems(line: number, error: z.ZodError): ImportProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    const custom = issue.code === "custom" && issue.message.startsWith("import.");
    const params = custom ? ((issue as { params?: Record<string, string | number> }).params ?? {}) : {};
    return {
      line,
      ...(field !== undefined ? { field } : {}),
      code: custom ? issue.message : "import.invalid_value",
      params: { ...params, ...(field !== undefined ? { field } : {}) },
    };
  });
}
