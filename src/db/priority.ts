// The embedded database serves one connection (pool size 1), shared by requests and background
// work (the scheduler's runs, the outbox worker). In arrival order, a digest run's hundreds of
// statements leave a request waiting for seconds, and a worker whose transaction cannot start in
// time fails noisily. Instead, background work asks for the connection only when no request is
// using or waiting for it: requests go first, background work queues behind them quietly. A
// request-free moment is waited for at most `maxYieldMs`, so steady traffic cannot starve the
// background for good.
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

const background = new AsyncLocalStorage<true>();

/** Runs `work` (and everything it starts: timers, promises) as background work. */
export function asBackgroundWork<T>(work: () => T): T {
  return background.run(true, work);
}

export function isBackgroundWork(): boolean {
  return background.getStore() === true;
}

type Client = pg.PoolClient;

/** pg-pool's error when no connection was free within connectionTimeoutMillis. */
function isCheckoutTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === "timeout exceeded when trying to connect";
}
type ConnectCallback = (err: Error | undefined, client: Client | undefined, done: (release?: unknown) => void) => void;

/** A pg pool on which requests (anything not started through asBackgroundWork) go first. */
export class ForegroundFirstPool extends pg.Pool {
  private foreground = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    config: pg.PoolConfig,
    private readonly maxYieldMs = 2_000,
  ) {
    super(config);
  }

  private foregroundIdle(): Promise<void> {
    if (this.foreground === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.maxYieldMs);
      const waiters = this.idleWaiters;
      function done() {
        clearTimeout(timer);
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  private foregroundDone(): void {
    this.foreground--;
    if (this.foreground === 0) for (const wake of this.idleWaiters.slice()) wake();
  }

  private async acquire(): Promise<Client> {
    if (isBackgroundWork()) {
      // Background work behind a long background run (a digest catch-up holding the connection)
      // is expected contention, not a failure: it keeps its place in the queue instead of failing
      // the delivery or the run after the pool's checkout timeout.
      for (;;) {
        await this.foregroundIdle();
        try {
          return await super.connect();
        } catch (err) {
          if (!isCheckoutTimeout(err) || this.ending) throw err;
        }
      }
    }
    this.foreground++;
    let client: Client;
    try {
      client = await super.connect();
    } catch (err) {
      this.foregroundDone();
      throw err;
    }
    // pg-pool gives each checkout its own release function: count this one back once.
    const release = client.release.bind(client);
    let released = false;
    client.release = (err?: Error | boolean) => {
      if (!released) {
        released = true;
        this.foregroundDone();
      }
      return release(err);
    };
    return client;
  }

  // pool.query() checks out through connect(callback); Prisma's adapter through connect().
  override connect(): Promise<Client>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<Client> | void {
    const acquired = this.acquire();
    if (!callback) return acquired;
    acquired.then(
      (client) => callback(undefined, client, (err) => client.release(err as Error | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
  }
}
