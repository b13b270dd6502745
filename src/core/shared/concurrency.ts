// Independent reads of one use case run side by side, but never more than `limit` at once, so
// one report cannot take every pooled connection from the requests around it.

type Results<T extends readonly (() => Promise<unknown>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/** Runs the tasks at most `limit` at a time; results in the tasks' order. The first failure rejects. */
export async function runLimited<const T extends readonly (() => Promise<unknown>)[]>(limit: number, tasks: T): Promise<Results<T>> {
  const results = new Array<unknown>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  return results as Results<T>;
}
