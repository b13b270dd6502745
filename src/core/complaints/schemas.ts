// Input schemas of the complaint use cases, exported so the conversation layer builds its forms
// and parses command text with the very same rules. Messages of custom checks are catalog keys.
import { z } from "zod";
import { InvalidInputError } from "../shared/errors.js";
import { sourceLinkField } from "../shared/source-link.js";

export const DESCRIPTION_MAX = 2000;
export const RESOLUTION_MAX = 2000;
export const REASON_MAX = 500;

const upperCased = (v: unknown) => (typeof v === "string" ? v.trim().toUpperCase() : v);

function requiredText(what: "description" | "resolution" | "reason", max: number) {
  return z
    .string({ error: `complaint.${what}_required` })
    .trim()
    .min(1, `complaint.${what}_required`)
    .max(max, `complaint.${what}_too_long`);
}

const id = (what: "customer" | "complaint") => z.string({ error: `complaint.${what}_required` }).trim().min(1, `complaint.${what}_required`);

export const severitySchema = z.preprocess(
  upperCased,
  z.enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"], { error: "complaint.invalid_severity" }),
);
export const categorySchema = z.preprocess(
  upperCased,
  z.enum(["PRODUCT", "SERVICE", "DELIVERY", "BILLING", "OTHER"], { error: "complaint.invalid_category" }),
);

export const registerComplaintSchema = z.object({
  customerId: id("customer"),
  severity: severitySchema,
  category: categorySchema.default("OTHER"),
  description: requiredText("description", DESCRIPTION_MAX),
  /** The chat message the complaint was captured from (a message shortcut). */
  sourceLink: sourceLinkField("complaint.invalid_source_link"),
});
export type RegisterComplaintInput = z.input<typeof registerComplaintSchema>;

export const complaintRefSchema = z.object({ complaintId: id("complaint") });
export type ComplaintRefInput = z.input<typeof complaintRefSchema>;

export const resolveComplaintSchema = z.object({
  complaintId: id("complaint"),
  resolution: requiredText("resolution", RESOLUTION_MAX),
});
export type ResolveComplaintInput = z.input<typeof resolveComplaintSchema>;

export const reopenComplaintSchema = z.object({
  complaintId: id("complaint"),
  reason: requiredText("reason", REASON_MAX),
});
export type ReopenComplaintInput = z.input<typeof reopenComplaintSchema>;

export const escalateComplaintSchema = reopenComplaintSchema;
export type EscalateComplaintInput = z.input<typeof escalateComplaintSchema>;

const MAX_BY_KEY: Record<string, number> = {
  "complaint.description_too_long": DESCRIPTION_MAX,
  "complaint.resolution_too_long": RESOLUTION_MAX,
  "complaint.reason_too_long": REASON_MAX,
};

/** Parses at the core's edge: the first problem becomes a localizable InvalidInputError. */
export function parseComplaintInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || "input";
  const code = issue?.message.startsWith("complaint.") ? issue.message : "complaint.invalid_input";
  const max = MAX_BY_KEY[code];
  throw new InvalidInputError(code, max !== undefined ? { max } : code === "complaint.invalid_input" ? { field } : {});
}
