// Satisfaction programme (满意度调查) rules: the default dimensions, what a valid response is,
// when a response alerts the supervisor. Pure functions of data; surveys.ts loads and writes.
import { InvalidInputError } from "../shared/errors.js";

/**
 * The seeds' three dimensions (需求 / 产品 / 服务), used when a survey names none: in the
 * department's language, since the survey and its results belong to the department, not to
 * whoever started it. Stored as the survey's data, like names a supervisor types.
 */
const DEFAULT_DIMENSIONS = {
  "zh-CN": ["需求满意度", "产品满意度", "服务满意度"],
  en: ["Needs met", "Product", "Service"],
} as const satisfies Record<string, readonly string[]>;

const isEnglish = (locale: string) => locale.toLowerCase().startsWith("en");

export function defaultDimensions(tenantLocale: string): string[] {
  return [...(isEnglish(tenantLocale) ? DEFAULT_DIMENSIONS.en : DEFAULT_DIMENSIONS["zh-CN"])];
}

/**
 * The text a low score leaves on its follow-up (the callback's note, the complaint's
 * description): data the department reads, so in its language and punctuation — a full-width
 * colon and dash in Chinese (the core cannot reach the catalog; the export's labels are kept
 * the same way, imports/customer-columns.ts).
 */
export function lowScoreNote(
  tenantLocale: string,
  low: { survey: string; dimension: string; score: number; comment?: string | undefined },
): string {
  const zh = !isEnglish(tenantLocale);
  const head = `${low.survey}${zh ? "：" : ": "}${low.dimension} ${low.score}/${SCORE_MAX}`;
  if (!low.comment) return head;
  return `${head}${zh ? "——" : " — "}${low.comment}`;
}
export const SCORE_MIN = 1;
export const SCORE_MAX = 5;
export const DEFAULT_ALERT_AT_OR_BELOW = 2;
export const MAX_DIMENSIONS = 8;

export interface ScoredResponse {
  /** Score per dimension, in the survey's dimension order. */
  scores: Record<string, number>;
  minScore: number;
  avgScore: number;
  /** The first dimension holding the minimum, for the alert. */
  lowestDimension: string;
}

/** Every dimension scored once, each a whole number 1..5; nothing else. */
export function scoreResponse(dimensions: readonly string[], given: Record<string, unknown>): ScoredResponse {
  const scores: Record<string, number> = {};
  for (const d of dimensions) {
    const raw = given[d];
    if (raw === undefined || raw === null || raw === "") throw new InvalidInputError("survey.score_missing", { dimension: d });
    const n = typeof raw === "number" ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < SCORE_MIN || n > SCORE_MAX) throw new InvalidInputError("survey.invalid_score", { dimension: d, value: String(raw) });
    scores[d] = n;
  }
  const unknown = Object.keys(given).find((k) => !dimensions.includes(k));
  if (unknown !== undefined) throw new InvalidInputError("survey.unknown_dimension", { dimension: unknown, known: dimensions.join(", ") });
  const values = dimensions.map((d) => scores[d]!);
  const minScore = Math.min(...values);
  return {
    scores,
    minScore,
    avgScore: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100,
    lowestDimension: dimensions.find((d) => scores[d] === minScore)!,
  };
}

export function checkNps(nps: unknown): number | null {
  if (nps === undefined || nps === null || nps === "") return null;
  const n = typeof nps === "number" ? nps : Number(String(nps).trim());
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidInputError("survey.invalid_nps", { value: String(nps) });
  return n;
}

/** Whether a response alerts the supervisor and opens a follow-up. */
export function isLowScore(minScore: number, alertAtOrBelow: number): boolean {
  return minScore <= alertAtOrBelow;
}

/** Net promoter score (−100..100) of NPS answers: % promoters (9–10) − % detractors (0–6); null without answers. */
export function netPromoterScore(answers: readonly number[]): number | null {
  if (answers.length === 0) return null;
  const promoters = answers.filter((n) => n >= 9).length;
  const detractors = answers.filter((n) => n <= 6).length;
  return Math.round(((promoters - detractors) / answers.length) * 100);
}
