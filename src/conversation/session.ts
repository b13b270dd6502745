// Who is talking, resolved fresh for every request from platform ids (one query for someone seen
// before): the tenant (created on first sight), the member (registered on first sight), their
// language and "now". Nothing is cached across requests, so a role change applies at once on
// every replica.
import type { Platform } from "@prisma/client";
import type { Actor, CoreDeps } from "../core/shared/context.js";
import { actorOf, findKnownSpeaker, memberForPlatformUser, type MemberRef } from "../core/members/members.js";
import { ensureTenant, loadTenant, type TenantView } from "../core/tenants/tenants.js";
import { localDateOf, type LocalDate } from "../core/shared/time.js";
import { resolveLocale, t, type Locale, type MessageParams } from "./i18n/index.js";
import type { PlatformUser, PlatformChannels } from "./port.js";

export interface Session {
  deps: CoreDeps;
  tenant: TenantView;
  member: MemberRef;
  actor: Actor;
  platform: Platform;
  locale: Locale;
  now: Date;
  today: LocalDate;
  /** The platform channel / chat the request came from, when there was one. */
  channelId?: string;
  /** The adapter's channel look-ups, when the platform offers them. */
  channels?: PlatformChannels;
  /** Translates in the member's language. */
  t(key: string, params?: MessageParams): string;
  /** The member behind a platform user (a mention, a picker value), registered on first sight. */
  memberFor(platformUserId: string, displayName?: string): Promise<MemberRef>;
  /** The platform user id of a member, for mentions and deliveries (null if none on this platform). */
  platformUserIdOf(memberId: string): Promise<string | null>;
}

export interface SessionFactoryOptions {
  deps: CoreDeps;
  admins: readonly string[];
  defaultTimeZone: string;
  defaultLocale: Locale;
}

function buildSession(options: SessionFactoryOptions, tenant: TenantView, member: MemberRef, platform: Platform): Session {
  const now = options.deps.clock.now();
  const locale = resolveLocale(member.locale, tenant.locale);
  const actor = actorOf({ id: member.id, tenantId: tenant.id, role: member.role }, platform);
  return {
    deps: options.deps,
    tenant,
    member,
    actor,
    platform,
    locale,
    now,
    today: localDateOf(now, tenant.timeZone),
    t: (key, params) => t(locale, key, params),
    memberFor: (platformUserId, displayName) =>
      memberForPlatformUser(options.deps, {
        tenantId: tenant.id,
        platform,
        platformUserId,
        displayName: displayName ?? platformUserId,
        // A name from someone's mention, not from the platform's profile.
        nameIsHint: true,
        admins: options.admins,
      }),
    async platformUserIdOf(memberId) {
      const identity = await options.deps.db.memberIdentity.findFirst({
        where: { tenantId: tenant.id, memberId, platform },
        orderBy: { createdAt: "asc" },
      });
      return identity?.platformUserId ?? null;
    },
  };
}

export async function sessionForPlatformUser(options: SessionFactoryOptions, user: PlatformUser): Promise<Session> {
  const known = await findKnownSpeaker(options.deps.db, {
    platform: user.platform,
    tenantExternalId: user.tenantExternalId,
    platformUserId: user.platformUserId,
    ...(user.displayName ? { displayName: user.displayName } : {}),
  });
  if (known) return buildSession(options, known.tenant, known.member, user.platform);
  // First sight of the workspace or the user: register them.
  const tenant = await ensureTenant(options.deps, {
    platform: user.platform,
    externalId: user.tenantExternalId,
    name: user.tenantName ?? user.tenantExternalId,
    defaults: { timeZone: options.defaultTimeZone, locale: options.defaultLocale },
  });
  const member = await memberForPlatformUser(options.deps, {
    tenantId: tenant.id,
    platform: user.platform,
    platformUserId: user.platformUserId,
    displayName: user.displayName ?? user.platformUserId,
    admins: options.admins,
  });
  return buildSession(options, tenant, member, user.platform);
}

/** A session for a member the system acts towards (the recipient of an outbox message). */
export async function sessionForMember(options: SessionFactoryOptions, tenantId: string, memberId: string): Promise<Session | null> {
  const tenant = await loadTenant(options.deps.db, tenantId);
  const m = await options.deps.db.member.findFirst({ where: { id: memberId, tenantId } });
  if (!m) return null;
  return buildSession(
    options,
    tenant,
    { id: m.id, displayName: m.displayName, role: m.role, supervisorId: m.supervisorId, locale: m.locale },
    tenant.platform,
  );
}
