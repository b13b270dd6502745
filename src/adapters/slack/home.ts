// The App Home tab: the member's day (conversation.myDay, rendered by renderSlackHome) published
// with views.publish when they open the tab and again after they act (a click, a form), debounced
// per member so a burst of clicks publishes once. views.publish is a Tier 4 method (100+ calls a
// minute per workspace, docs.slack.dev/reference/methods/views.publish): a 429 pauses that
// workspace's publishing for Retry-After seconds and the member's publish is tried again then.
import type { App, webApi } from "@slack/bolt";
import type { Conversation } from "../../conversation/port.js";
import { renderSlackHome } from "../../conversation/render/slack.js";
import type { Logger } from "../../logger.js";
import type { SlackDirectory } from "./directory.js";
import { classifySlackError } from "./errors.js";

export interface SlackHomeOptions {
  /** After an action, wait this long for more before publishing (and never publish a member's tab more often). */
  debounceMs?: number;
}

export interface SlackHome {
  /** app_home_opened on the Home tab: publish as soon as the member's debounce window allows. */
  opened(teamId: string, userId: string): void;
  /** The member acted: publish again once the debounce window has passed. */
  touched(teamId: string, userId: string): void;
  /** Resolves when no publish is pending or running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

interface MemberState {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  /** Asked again while a publish was running: publish once more afterwards. */
  again?: boolean;
  lastAt: number;
}

const RATE_LIMITED = "slack_webapi_rate_limited_error";
const VIEWERS_CAP = 10_000;

export function createSlackHome(
  deps: { client: webApi.WebClient; conversation: Conversation; directory: SlackDirectory; log: Logger },
  options: SlackHomeOptions = {},
): SlackHome {
  const debounceMs = options.debounceMs ?? 2_000;
  const members = new Map<string, MemberState>();
  /** Per workspace: no publish before this (a 429's Retry-After). */
  const pausedUntil = new Map<string, number>();
  // Members who opened the Home tab (on this replica): only their tab is republished after they
  // act; anyone else's is published fresh when they open it, so no call is spent on tabs nobody
  // looks at. Insertion-ordered, oldest dropped past the cap.
  const viewers = new Set<string>();
  let stopped = false;

  function schedule(teamId: string, userId: string, delayMs: number): void {
    if (stopped) return;
    const key = `${teamId}:${userId}`;
    const state = members.get(key) ?? { lastAt: 0 };
    members.set(key, state);
    if (state.running) {
      state.again = true;
      return;
    }
    // A pending publish reads fresh data when it runs: one is enough.
    if (state.timer) return;
    const now = Date.now();
    const at = Math.max(now + delayMs, state.lastAt + debounceMs, pausedUntil.get(teamId) ?? 0);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.running = publish(teamId, userId).finally(() => {
        state.running = undefined;
        state.lastAt = Date.now();
        if (state.again) {
          state.again = false;
          schedule(teamId, userId, 0);
        } else if (!state.timer) {
          members.delete(key);
        }
      });
    }, at - now);
  }

  async function publish(teamId: string, userId: string): Promise<void> {
    try {
      const who = await deps.directory.identify(deps.client, { id: teamId }, userId);
      const view = renderSlackHome(await deps.conversation.myDay(who.user));
      await deps.client.views.publish({ user_id: userId, view: view as unknown as Parameters<webApi.WebClient["views"]["publish"]>[0]["view"] });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === RATE_LIMITED) {
        const retryAfterS = Number((err as { retryAfter?: number }).retryAfter ?? 1);
        pausedUntil.set(teamId, Date.now() + Math.max(1, retryAfterS) * 1000);
        deps.log.warn({ tenant: teamId, retryAfterS }, "slack: views.publish rate limited, publishing the home tab later");
        // Published again once the pause is over (schedule waits for pausedUntil).
        setImmediate(() => schedule(teamId, userId, 0));
        return;
      }
      deps.log.warn({ slack: classifySlackError("views.publish", err).description, tenant: teamId }, "slack: home tab not published");
    }
  }

  return {
    opened(teamId, userId) {
      const key = `${teamId}:${userId}`;
      viewers.delete(key);
      viewers.add(key);
      if (viewers.size > VIEWERS_CAP) viewers.delete(viewers.values().next().value!);
      schedule(teamId, userId, 0);
    },
    touched(teamId, userId) {
      if (viewers.has(`${teamId}:${userId}`)) schedule(teamId, userId, debounceMs);
    },
    async idle() {
      for (;;) {
        const pending = [...members.values()].filter((s) => s.timer || s.running);
        if (pending.length === 0) return;
        await Promise.all(pending.map((s) => s.running ?? new Promise((resolve) => setTimeout(resolve, 20))));
      }
    },
    stop() {
      stopped = true;
      for (const state of members.values()) if (state.timer) clearTimeout(state.timer);
      members.clear();
      viewers.clear();
    },
  };
}

/** app_home_opened (the Home tab only; the event also fires for the Messages tab). */
export function listenForHomeOpened(app: App, home: SlackHome): void {
  app.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== "home") return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    home.opened(teamId, event.user);
  });
}
