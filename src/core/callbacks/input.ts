// Input parsing shared by the visits and callbacks use cases. Field errors in the exported zod
// schemas carry a catalog key as their message, so a form built from the same schema and the core
// report the same localized error; anything else becomes "<area>.invalid_input" naming the field.
import { z } from "zod";
import { InvalidInputError, type ErrorParams } from "../shared/errors.js";
import { isLocalDate } from "../shared/time.js";

const CATALOG_KEY = /^[a-z_]+(\.[a-z_]+)+$/;

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, fallbackCode: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const params: ErrorParams = { field: issue?.path.map(String).join(".") || "input" };
  if (issue?.code === "too_big") params.max = Number(issue.maximum);
  if (issue?.code === "too_small") params.min = Number(issue.minimum);
  const code = issue && CATALOG_KEY.test(issue.message) ? issue.message : fallbackCode;
  throw new InvalidInputError(code, params);
}

/**
 * An entity id. Only its shape is checked here: an id that names nothing (or something in
 * another tenant) is "not found", which is what a stale or hand-edited button should say.
 */
export function idField(code: string) {
  return z.string({ error: code }).trim().min(1, { error: code }).max(100, { error: code });
}

/** A tenant-local calendar day, 'YYYY-MM-DD'. */
export function localDateField(code: string) {
  return z.string({ error: code }).trim().refine(isLocalDate, { error: code });
}

/** Free text that may be left out; blank counts as left out. */
export function optionalText(max: number, tooLongCode: string) {
  return z
    .string()
    .trim()
    .max(max, { error: tooLongCode })
    .nullish()
    .transform((v) => (v ? v : undefined));
}

/** A whole number from a form (often a string) that may be left out; blank counts as left out. */
export function optionalInt(min: number, max: number, code: string) {
  return z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce.number({ error: code }).int({ error: code }).min(min, { error: code }).max(max, { error: code }).optional(),
  );
}
