// Graceful shutdown of an adapter. A platform request is acknowledged before its work runs, so
// once acknowledged the platform will not send it again: stopping the process must let that work
// finish and answer. Draining stops taking new requests (each adapter answers them with its
// platform's retry signal or "busy", without touching the database) and waits, up to a deadline,
// for the work already accepted.

export interface Drain {
  /** False once draining began: new requests must be turned away. */
  accepting(): boolean;
  /** Counts `work` as accepted until it settles (its outcome passes through unchanged). */
  track<T>(work: Promise<T>): Promise<T>;
  /** Accepted work not yet settled. */
  inFlight(): number;
  /**
   * Stops accepting, then resolves once every accepted piece of work has settled or at
   * `deadline` (epoch ms), whichever comes first; returns how many were still running.
   */
  drain(deadline: number): Promise<number>;
}

export function createDrain(): Drain {
  let accepting = true;
  const running = new Set<Promise<unknown>>();
  let idle: (() => void) | undefined;

  return {
    accepting: () => accepting,
    track(work) {
      running.add(work);
      const done = () => {
        running.delete(work);
        if (running.size === 0) idle?.();
      };
      work.then(done, done);
      return work;
    },
    inFlight: () => running.size,
    async drain(deadline) {
      accepting = false;
      if (running.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          idle = resolve;
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        });
        clearTimeout(timer);
        idle = undefined;
      }
      return running.size;
    },
  };
}
