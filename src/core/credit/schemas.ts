// Input schemas of the credit use cases, shared with the conversation layer's forms.
import { z } from "zod";
import { InvalidInputError } from "../shared/errors.js";
import { CREDIT_RATING } from "./rules.js";

const fen = z
  .union([z.bigint(), z.number().int().safe(), z.string().trim().regex(/^\d+$/)])
  .transform((v) => BigInt(v));
const id = z.string().trim().min(1).max(100);

export const requestCreditSchema = z.object({
  customerId: id,
  /** The new limit asked for (fen); 0 closes credit. */
  newLimitFen: fen.refine((v) => v >= 0n && v <= 100_000_000_000_00n, "out of range"),
  reason: z.string().trim().min(1).max(1_000),
});

export const decideCreditSchema = z.object({
  requestId: id,
  stepId: id.optional(),
  decision: z.enum(["APPROVE", "REJECT"]),
  reason: z
    .string()
    .trim()
    .max(1_000)
    .optional()
    .nullable()
    .transform((v) => (v ? v : undefined)),
  cardVersion: z.coerce.number().int().min(1).optional(),
});

export const cancelCreditSchema = z.object({ requestId: id, reason: z.string().trim().max(1_000).optional() });

export const creditReviewSchema = z.object({
  customerId: id,
  rating: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase().replace("－", "-").replace("＋", "+"))
    .refine((v) => CREDIT_RATING.test(v), "must be a rating AAA … D"),
  summary: z.string().trim().min(1).max(2_000),
});

/** Parses use-case input; a failure names the first offending field (credit.invalid_input). */
export function parseCreditInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "input";
  throw new InvalidInputError("credit.invalid_input", { field });
}
