// Socket Mode under a graceful shutdown. Slack re-sends an Events API envelope that no connection
// acknowledged (retry_attempt/retry_reason "timeout", to any open connection of the app, or once
// one opens again), but never a slash command or an interactive payload. Bolt acknowledges an
// Events API envelope before any middleware runs, so a middleware cannot leave one
// unacknowledged: this receiver looks at each envelope first. While draining, events are left
// unacknowledged (Slack hands them to another connection) and the rest go on to the adapter,
// which answers them "busy". Once every envelope already let through has been acknowledged, the
// connection can close: replies go through the Web API and response_url, not the socket.
import { SocketModeReceiver, type App, type Receiver, type ReceiverEvent, type webApi } from "@slack/bolt";
import type { Logger as SlackLogger } from "@slack/logger";

export interface DrainingSocketReceiver extends Receiver {
  /** Resolves once every envelope let through so far has been acknowledged or handled. */
  acked(): Promise<void>;
  /** Closes the connection (once; later calls and stop() resolve at once). */
  disconnect(): Promise<void>;
}

export interface DrainingSocketOptions {
  appToken: string;
  logger: SlackLogger;
  clientOptions: webApi.WebClientOptions;
  /** False while draining. */
  accepting(): boolean;
  /** An Events API envelope left for Slack to re-send. */
  onHeld(body: Record<string, unknown>): void;
}

export function drainingSocketReceiver(options: DrainingSocketOptions): DrainingSocketReceiver {
  const inner = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    installerOptions: { clientOptions: options.clientOptions },
  });
  const unacked = new Set<Promise<void>>();
  let disconnected: Promise<void> | undefined;

  async function gate(app: App, event: ReceiverEvent): Promise<void> {
    if (!options.accepting() && event.body["type"] === "event_callback") {
      options.onHeld(event.body);
      return;
    }
    let settle: () => void = () => undefined;
    const acked = new Promise<void>((resolve) => (settle = resolve));
    unacked.add(acked);
    const done = () => {
      unacked.delete(acked);
      settle();
    };
    try {
      await app.processEvent({
        ...event,
        ack: async (response?: unknown) => {
          try {
            await event.ack(response);
          } finally {
            done();
          }
        },
      });
    } finally {
      done();
    }
  }

  return {
    init(app) {
      // The inner receiver only ever calls processEvent on the app it is given.
      inner.init({ processEvent: (event: ReceiverEvent) => gate(app, event) } as unknown as App);
    },
    start: () => inner.start(),
    async acked() {
      await Promise.all([...unacked]);
    },
    disconnect() {
      disconnected ??= inner.client.disconnect();
      return disconnected;
    },
    stop() {
      return this.disconnect();
    },
  };
}
