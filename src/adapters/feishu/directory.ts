// Who is talking: Feishu ids -> the PlatformUser the conversation port resolves (tenant_key ->
// Tenant, open_id -> Member), with the user's name from the contact API when the app may read it.
// Names are cached per process with a TTL because every message and click needs one and the
// contact API is rate limited; concurrent lookups of one user share a call. Without the contact
// permission (or when Feishu is slow) the name the event itself carried is used, else none: the
// port then falls back to the open_id, and the member's name can be set later.
import type { PlatformUser } from "../../conversation/port.js";
import type { Clock } from "../../core/shared/clock.js";
import type { Logger } from "../../logger.js";
import type { FeishuApi } from "./api.js";

export interface FeishuDirectory {
  identify(tenantKey: string, openId: string, nameHint?: string): Promise<PlatformUser>;
  clear(): void;
}

const FAILURE_TTL_MS = 5 * 60_000;

interface Entry {
  value: Promise<string | undefined>;
  expiresAt: number;
}

export function feishuDirectory(options: {
  api: FeishuApi;
  clock: Clock;
  logger: Logger;
  ttlMs: number;
  /** A name lookup slower than this is not waited for (the next request will find it cached). */
  lookupBudgetMs: number;
}): FeishuDirectory {
  const names = new Map<string, Entry>();
  const now = () => options.clock.now().getTime();

  function lookup(tenantKey: string, openId: string): Promise<string | undefined> {
    const key = `${tenantKey}:${openId}`;
    const hit = names.get(key);
    if (hit && hit.expiresAt > now()) return hit.value;
    const entry: Entry = { value: Promise.resolve(undefined), expiresAt: now() + options.ttlMs };
    entry.value = options.api.userName(openId).catch((err: unknown) => {
      // Not worth failing a command for: the port falls back to the open_id (and takes the real
      // name once one is known). A failure is remembered for a while, so an app without the
      // contact permission does not ask on every message.
      entry.expiresAt = Math.min(entry.expiresAt, now() + FAILURE_TTL_MS);
      options.logger.info({ err: (err as Error).message, openId }, "feishu: contact lookup failed");
      return undefined;
    });
    names.set(key, entry);
    return entry.value;
  }

  return {
    async identify(tenantKey, openId, nameHint) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), options.lookupBudgetMs);
      });
      const name = await Promise.race([lookup(tenantKey, openId), late]).finally(() => clearTimeout(timer));
      const displayName = name ?? nameHint;
      return {
        platform: "FEISHU",
        tenantExternalId: tenantKey,
        platformUserId: openId,
        ...(displayName ? { displayName } : {}),
      };
    },
    clear() {
      names.clear();
    },
  };
}
