// Admission control for the work behind commands, clicks and form submissions. Platform requests
// are acknowledged before this work starts, so overload never shows as a missed ack; it would
// show as answers arriving later and later while a backlog grows without bound (bench/ack.ts at
// 500 requests/s: cards after 15-25 s). Instead, at most `maxInFlight` requests are worked on at
// once, the rest wait in arrival order, and one that has waited `maxWaitMs` (or finds the queue
// full) is answered "busy, try again in a moment" at once, without touching the database.
import { DomainError } from "../core/shared/errors.js";

/** The answer to a request shed under overload (message key system.busy). */
export class BusyError extends DomainError {
  constructor() {
    super("system.busy");
  }
}

export interface AdmissionOptions {
  /** Requests worked on at once (they mostly wait for the database pool). */
  maxInFlight: number;
  /** How long a request may wait for its turn before it is answered "busy". */
  maxWaitMs: number;
  /** Requests that may wait at once; one more is answered "busy" at once. */
  maxQueued: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { maxInFlight: 32, maxWaitMs: 5_000, maxQueued: 5_000 };

export interface Admission {
  /** Runs `work` when its turn comes; rejects with BusyError when shed. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Requests being worked on and waiting, for tests and metrics. */
  load(): { inFlight: number; queued: number };
  /**
   * Shutting down: requests waiting now or later are no longer shed for waiting too long; the
   * shutdown's grace period bounds their wait instead, ending with shedQueued().
   */
  holdQueued(): void;
  /** Answers every waiting request "busy" now (the grace period is over); returns how many. */
  shedQueued(): number;
}

interface Waiter {
  start: () => void;
  reject: () => void;
  timer: NodeJS.Timeout;
  /** Shed after waiting too long: skipped when its turn comes. */
  shed: boolean;
}

export function createAdmission(options: AdmissionOptions = DEFAULT_ADMISSION): Admission {
  if (options.maxInFlight < 1 || options.maxQueued < 0 || options.maxWaitMs < 0) {
    throw new Error(`admission: bad limits ${JSON.stringify(options)}`);
  }
  let inFlight = 0;
  let waiting = 0;
  let holding = false;
  // A FIFO with a moving head: shifting a large array on every dequeue would be quadratic.
  let queue: Waiter[] = [];
  let head = 0;

  function next(): void {
    while (inFlight < options.maxInFlight && head < queue.length) {
      const waiter = queue[head++]!;
      if (waiter.shed) continue;
      clearTimeout(waiter.timer);
      waiting--;
      waiter.start();
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1_024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  function begin<T>(work: () => Promise<T>): Promise<T> {
    inFlight++;
    let running: Promise<T>;
    try {
      running = work();
    } catch (err) {
      running = Promise.reject(err);
    }
    return running.finally(() => {
      inFlight--;
      next();
    });
  }

  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      if (inFlight < options.maxInFlight && waiting === 0) return begin(work);
      if (waiting >= options.maxQueued) return Promise.reject(new BusyError());
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          start: () => void begin(work).then(resolve, reject),
          shed: false,
          reject: () => reject(new BusyError()),
          timer: setTimeout(() => {
            if (holding) return;
            // Still waiting when its time ran out: answered "busy", skipped when its turn comes.
            waiter.shed = true;
            waiting--;
            reject(new BusyError());
            // Nothing finishing (a hung database) would otherwise keep every shed waiter.
            if (queue.length - head > 2 * waiting + 1_024) {
              queue = queue.slice(head).filter((w) => !w.shed);
              head = 0;
            }
          }, options.maxWaitMs),
        };
        waiting++;
        queue.push(waiter);
      });
    },
    load() {
      return { inFlight, queued: waiting };
    },
    holdQueued() {
      holding = true;
    },
    shedQueued() {
      let shed = 0;
      for (let i = head; i < queue.length; i++) {
        const waiter = queue[i]!;
        if (waiter.shed) continue;
        waiter.shed = true;
        clearTimeout(waiter.timer);
        waiting--;
        shed++;
        waiter.reject();
      }
      return shed;
    },
  };
}
