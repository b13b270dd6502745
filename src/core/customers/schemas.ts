// Input schemas of the customer use cases, exported so the conversation layer builds its forms
// from the same definitions the core enforces.
import { z } from "zod";
import { InvalidInputError } from "../shared/errors.js";
import { isLocalDate } from "../shared/time.js";

/** fen as bigint (or a safe integer number), never negative. */
export const fenSchema = z
  .union([z.bigint(), z.number().int().refine(Number.isSafeInteger, "too large")])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, "must not be negative");

export const localDateSchema = z.string().trim().refine(isLocalDate, "must be a date YYYY-MM-DD");

export const tierSchema = z.enum(["VIP", "A", "B", "C"]);
export const customerStatusSchema = z.enum(["PROSPECT", "ACTIVE", "AT_RISK", "CHURNED", "LOST"]);

/** Optional free text: blank means "none" (null). */
function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();
}

export const customerNameSchema = z.string().trim().min(1).max(200);

export const createCustomerSchema = z.object({
  name: customerNameSchema,
  /** Defaults to the acting member. */
  ownerId: z.string().min(1).optional(),
  /** Only when it differs from the computed tier is this an override (SUPERVISOR and up). */
  tier: tierSchema.optional(),
  annualPurchaseFen: fenSchema.optional(),
  industry: optionalText(100),
  region: optionalText(100),
  /** Defaults to ACTIVE when there are purchases or a cooperation start, else PROSPECT. */
  status: customerStatusSchema.optional(),
  cooperationStart: localDateSchema.nullable().optional(),
  creditRating: optionalText(20),
  creditLimitFen: fenSchema.nullable().optional(),
  strategic: z.boolean().optional(),
});
export type CreateCustomerInput = z.input<typeof createCustomerSchema>;

export const updateCustomerSchema = z
  .object({
    name: customerNameSchema.optional(),
    /** Why a LOST customer was lost; required while the status is LOST. */
    lostReason: optionalText(500),
    industry: optionalText(100),
    region: optionalText(100),
    annualPurchaseFen: fenSchema.optional(),
    strategic: z.boolean().optional(),
    cooperationStart: localDateSchema.nullable().optional(),
    creditRating: optionalText(20),
    creditLimitFen: fenSchema.nullable().optional(),
    status: customerStatusSchema.optional(),
  })
  .strict();
export type UpdateCustomerInput = z.input<typeof updateCustomerSchema>;

export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9\s\-()]{4,24}$/u, "must be a phone number");

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(100),
  title: optionalText(100),
  phone: phoneSchema.nullable().optional().or(z.literal("").transform(() => null)),
  email: z.email().max(200).nullable().optional().or(z.literal("").transform(() => null)),
});
export type ContactInput = z.input<typeof contactSchema>;

export const purchaseOrderSchema = z.object({
  orderedOn: localDateSchema,
  amountFen: fenSchema.refine((v) => v > 0n, "must be positive"),
  reference: optionalText(100),
});
export type PurchaseOrderInput = z.input<typeof purchaseOrderSchema>;

export const tierOverrideReasonSchema = z.string().trim().max(500);

/** Parses `input`, turning the first problem into InvalidInputError customer.invalid_input {field}. */
export function parseCustomerInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "input";
  throw new InvalidInputError("customer.invalid_input", { field });
}
