// Who is clicking: Slack ids -> the PlatformUser the conversation port resolves, with the display
// name (and locale) from users.info. Cached per process with a TTL because every command and click
// needs it and users.info is rate limited (Tier 4); concurrent lookups of one user share a call.
// Also caches the DM channel of each user (conversations.open is idempotent but rate limited too).
import type { webApi } from "@slack/bolt";
import type { PlatformUser } from "../../conversation/port.js";
import type { Clock } from "../../core/shared/clock.js";
import type { Logger } from "../../logger.js";
import { classifySlackError } from "./errors.js";

export interface SlackProfile {
  displayName?: string;
  /** Slack's locale for the user ("en-US", "zh-CN"), when users.info gave one. */
  locale?: string;
}

export interface SlackIdentity {
  user: PlatformUser;
  locale?: string;
}

export interface SlackDirectory {
  identify(client: webApi.WebClient, team: { id: string; name?: string }, userId: string): Promise<SlackIdentity>;
  /** The cached profile only: for answers that must not wait for users.info. */
  cachedLocale(teamId: string, userId: string): string | undefined;
  dmChannel(client: webApi.WebClient, userId: string): Promise<string>;
  clear(): void;
}

interface Entry<T> {
  value: Promise<T>;
  settled?: T;
  expiresAt: number;
}

export function slackDirectory(options: { clock: Clock; logger: Logger; ttlMs: number }): SlackDirectory {
  const profiles = new Map<string, Entry<SlackProfile>>();
  const dms = new Map<string, Entry<string>>();
  const now = () => options.clock.now().getTime();

  function cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && hit.expiresAt > now()) return hit.value;
    const entry: Entry<T> = { value: load(), expiresAt: now() + options.ttlMs };
    map.set(key, entry);
    entry.value.then(
      (v) => (entry.settled = v),
      () => {
        // Failures are not cached: the next request asks Slack again.
        if (map.get(key) === entry) map.delete(key);
      },
    );
    return entry.value;
  }

  async function loadProfile(client: webApi.WebClient, userId: string): Promise<SlackProfile> {
    try {
      const res = await client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      const displayName = u?.profile?.display_name || u?.real_name || u?.profile?.real_name || u?.name || undefined;
      return { ...(displayName ? { displayName } : {}), ...(u?.locale ? { locale: u.locale } : {}) };
    } catch (err) {
      // A missing name is not worth failing the command for; the port falls back to the user id.
      options.logger.warn({ slack: classifySlackError("users.info", err).description, userId }, "slack: users.info failed");
      throw err;
    }
  }

  return {
    async identify(client, team, userId) {
      const profile = await cached(profiles, `${team.id}:${userId}`, () => loadProfile(client, userId)).catch(
        (): SlackProfile => ({}),
      );
      return {
        user: {
          platform: "SLACK",
          tenantExternalId: team.id,
          ...(team.name ? { tenantName: team.name } : {}),
          platformUserId: userId,
          ...(profile.displayName ? { displayName: profile.displayName } : {}),
        },
        ...(profile.locale ? { locale: profile.locale } : {}),
      };
    },
    cachedLocale(teamId, userId) {
      return profiles.get(`${teamId}:${userId}`)?.settled?.locale;
    },
    dmChannel(client, userId) {
      return cached(
        dms,
        userId,
        async () => {
          const res = await client.conversations.open({ users: userId });
          const id = res.channel?.id;
          if (!id) throw new Error("conversations.open returned no channel");
          return id;
        },
      );
    },
    clear() {
      profiles.clear();
      dms.clear();
    },
  };
}
