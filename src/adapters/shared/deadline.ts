// Platform deadlines: Slack and Feishu wait about 3 s for an answer, so work is raced against
// what is left of a budget; what is not done by then goes on and is answered another way.
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The work's result or error as a value, so racing it never leaves a rejection unhandled. */
export function settle<T>(work: Promise<T>): Promise<Outcome<T>> {
  return work.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
}

/** What `work` resolves to if it does within `ms`, else undefined (the work goes on). */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * What is left of `budgetMs` since the request arrived (`receivedAt`, ms since the epoch; now when
 * unknown). Wall-clock time on purpose: this is about the platform's deadline, not domain time.
 */
export function remainingOf(receivedAt: unknown, budgetMs: number): number {
  const start = typeof receivedAt === "number" ? receivedAt : Date.now();
  return Math.max(0, budgetMs - (Date.now() - start));
}
