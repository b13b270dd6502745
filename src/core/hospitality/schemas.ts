// Input schemas of the hospitality use cases, exported so the conversation layer can build its
// forms and parse button payloads with the very same rules.
import { z } from "zod";
import { InvalidInputError } from "../shared/errors.js";
import { isLocalDate } from "../shared/time.js";

/** Fen as bigint, from a bigint, a safe integer or a string of digits (form fields). */
const fen = z
  .union([z.bigint(), z.number().int().safe(), z.string().trim().regex(/^\d+$/)])
  .transform((v) => BigInt(v));

const id = z.string().trim().min(1).max(100);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .nullable()
    .transform((v) => (v ? v : undefined));

export const hospitalityKinds = ["MEAL", "BANQUET", "GIFT", "EVENT", "TRAVEL"] as const;

export const requestHospitalitySchema = z.object({
  customerId: id,
  /** Tenant-local date 'YYYY-MM-DD'; today or later (checked against the tenant's today). */
  eventDate: z.string().trim().refine(isLocalDate, "must be a date YYYY-MM-DD"),
  kind: z.enum(hospitalityKinds),
  guests: z.coerce.number().int().min(1).max(10_000),
  staff: z.coerce.number().int().min(0).max(10_000).default(0),
  estimatedFen: fen.refine((v) => v > 0n, "must be more than 0"),
  venue: optionalText(200),
  purpose: z.string().trim().min(1).max(1_000),
});
export type RequestHospitalityInput = z.input<typeof requestHospitalitySchema>;

export const decideApprovalSchema = z.object({
  requestId: id,
  /** The step the card was sent for; a click on a step already decided is answered as such. */
  stepId: id.optional(),
  decision: z.enum(["APPROVE", "REJECT"]),
  reason: optionalText(1_000),
  /** The request version the card was rendered at; an older one is a stale card. */
  cardVersion: z.coerce.number().int().min(1).optional(),
});
export type DecideApprovalInput = z.input<typeof decideApprovalSchema>;

export const cancelHospitalitySchema = z.object({
  requestId: id,
  reason: optionalText(1_000),
});
export type CancelHospitalityInput = z.input<typeof cancelHospitalitySchema>;

export const settleHospitalitySchema = z.object({
  requestId: id,
  actualFen: fen,
});
export type SettleHospitalityInput = z.input<typeof settleHospitalitySchema>;

/** Parses use-case input; a failure names the first offending field (hospitality.invalid_input). */
export function parseHospitalityInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "input";
  throw new InvalidInputError("hospitality.invalid_input", { field });
}
