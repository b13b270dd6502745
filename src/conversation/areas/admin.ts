// admin / 管理 (roles, supervisors, channels, settings) and lang / 语言. The rules (ADMIN only,
// no supervisor cycles, valid settings) live in the core; this turns them into replies.
import { setMemberLocale, setRole, setSupervisor } from "../../core/members/members.js";
import { changeTenantSetting, flattenSettings, setTenantChannel, type SettingValue } from "../../core/tenants/admin.js";
import { requireRoleAtLeast } from "../../core/members/authorization.js";
import { z } from "zod";
import { CHANNEL_UNREACHABLE_INTENT } from "../../core/tenants/channel-alerts.js";
import type { ConversationArea, IntentRenderer } from "../area.js";
import { enumLabel, moreTemplate, noticeView } from "../builders/common.js";
import { settingLabel, settingValueText } from "../builders/settings.js";
import { hasMessage, t } from "../i18n/index.js";
import { channelRef, type View } from "../views/view.js";
import type { Session } from "../session.js";

function usage(session: Session, key: string): { kind: "view"; view: View } {
  return { kind: "view", view: noticeView(session, session.t(key), "warning") };
}

/** Amounts in yuan, times in hours or days, members by name — never fen, minutes or an internal id. */
async function settingValue(session: Session, key: string, value: SettingValue): Promise<string> {
  if (key.endsWith("ApproverId") && value !== null) {
    const member = await session.deps.db.member.findFirst({ where: { tenantId: session.tenant.id, id: String(value) }, select: { displayName: true } });
    return member?.displayName ?? "—";
  }
  return settingValueText(session, key, value);
}

async function settingsView(session: Session): Promise<View> {
  const rows = await Promise.all(
    flattenSettings(session.tenant).map(async (r) => ({ key: settingLabel(session, r.key), value: await settingValue(session, r.key, r.value) })),
  );
  return {
    header: { title: session.t("admin.settings_title"), tone: "info" },
    blocks: [
      { kind: "fields", fields: rows.map((r) => ({ label: r.key, value: r.value })) },
      { kind: "context", lines: [session.t("admin.settings_hint")] },
    ],
    summary: session.t("admin.settings_title"),
    moreTemplate: moreTemplate(session),
  };
}

function joinLines(...lines: string[]): string {
  return lines.filter(Boolean).join("\n");
}

function inviteHow(session: Session, channel: string): string {
  const key = `admin.invite_how.${session.platform}`;
  return hasMessage(key) ? session.t(key, { channel }) : "";
}

const unreachableIntent = z.object({ channelId: z.string().min(1), purpose: z.string().optional(), reason: z.string().optional() });

/** To an admin: a configured channel refuses Accord's posts, and how to fix it. */
const renderUnreachable: IntentRenderer = async (session, raw) => {
  const parsed = unreachableIntent.safeParse(raw);
  if (!parsed.success) return null;
  const { channelId, purpose, reason } = parsed.data;
  // Still configured? A channel replaced since then needs no fixing.
  if (!Object.values(session.tenant.settings.channels).includes(channelId)) return null;
  const channel = channelRef(channelId, channelId);
  const text = joinLines(
    session.t("admin.channel_unreachable", { channel, reason: reason ?? "", purpose: session.t(`admin.channel_purpose.${purpose ?? ""}`) }),
    inviteHow(session, channel),
  );
  return noticeView(session, text, "warning");
};

export const adminArea: ConversationArea = {
  intents: {
    [CHANNEL_UNREACHABLE_INTENT]: renderUnreachable,
  },
  commands: {
    "admin.role": async (session, command) => {
      if (!command.user || !command.role) return usage(session, "admin.role_usage");
      requireRoleAtLeast(session.actor, "ADMIN");
      const member = await session.memberFor(command.user.platformUserId, command.user.name);
      const updated = await setRole(session.deps, session.actor, member.id, command.role);
      return {
        kind: "view",
        view: noticeView(session, session.t("admin.role_set", { name: updated.displayName, role: enumLabel(session, updated.role) }), "success"),
      };
    },

    "admin.supervisor": async (session, command) => {
      if (!command.user || command.supervisor === undefined) return usage(session, "admin.supervisor_usage");
      requireRoleAtLeast(session.actor, "ADMIN");
      const member = await session.memberFor(command.user.platformUserId, command.user.name);
      const supervisor = command.supervisor ? await session.memberFor(command.supervisor.platformUserId, command.supervisor.name) : null;
      const updated = await setSupervisor(session.deps, session.actor, member.id, supervisor?.id ?? null);
      return {
        kind: "view",
        view: noticeView(
          session,
          supervisor
            ? session.t("admin.supervisor_set", { name: updated.displayName, supervisor: supervisor.displayName })
            : session.t("admin.supervisor_cleared", { name: updated.displayName }),
          "success",
        ),
      };
    },

    "admin.channel": async (session, command) => {
      if (!command.purpose || !command.channel) return usage(session, "admin.channel_usage");
      const channelId = "current" in command.channel ? session.channelId : command.channel.platformChannelId;
      if (!channelId) return usage(session, "admin.channel_here_unknown");
      requireRoleAtLeast(session.actor, "ADMIN");
      // Posts to a channel the bot is not in fail for good: ask the platform before saving.
      const status = session.channels ? await session.channels.channelStatus(channelId) : undefined;
      const typedName = "current" in command.channel ? undefined : command.channel.name;
      const channel = channelRef(channelId, status?.name ?? typedName ?? channelId);
      if (status && !status.found) {
        return { kind: "view", view: noticeView(session, joinLines(session.t("admin.channel_not_found", { channel }), inviteHow(session, channel)), "warning") };
      }
      await setTenantChannel(session.deps, session.actor, command.purpose, channelId);
      const set = session.t(`admin.channel_set.${command.purpose}`, { channel });
      if (status && !status.botIsMember) {
        return { kind: "view", view: noticeView(session, joinLines(session.t("admin.channel_bot_absent", { channel }), inviteHow(session, channel)), "warning") };
      }
      if (!status && session.channels) {
        return { kind: "view", view: noticeView(session, joinLines(set, session.t("admin.channel_unchecked", { channel })), "info") };
      }
      return { kind: "view", view: noticeView(session, set, "success") };
    },

    "admin.settings": async (session, command) => {
      requireRoleAtLeast(session.actor, "ADMIN");
      if (!command.key) return { kind: "view", view: await settingsView(session) };
      const key = command.key;
      if (command.value === undefined && !command.member) {
        const row = flattenSettings(session.tenant).find((r) => r.key === key);
        return { kind: "view", view: noticeView(session, session.t("admin.setting_shown", { key: settingLabel(session, key), value: await settingValue(session, key, row?.value ?? null) })) };
      }
      const raw = command.member ? (await session.memberFor(command.member.platformUserId, command.member.name)).id : command.value!;
      const tenant = await changeTenantSetting(session.deps, session.actor, key, raw);
      const row = flattenSettings(tenant).find((r) => r.key === key);
      return {
        kind: "view",
        view: noticeView(session, session.t("admin.setting_changed", { key: settingLabel(session, key), value: await settingValue(session, key, row?.value ?? null) }), "success"),
      };
    },

    "member.lang": async (session, command) => {
      if (!command.locale) return usage(session, "admin.lang_usage");
      await setMemberLocale(session.deps, session.actor, command.locale);
      // Said in the language just chosen: the member's first message in it.
      const text = t(command.locale, command.locale === "en" ? "admin.lang_set.en" : "admin.lang_set.zh");
      return { kind: "view", view: noticeView(session, text, "success") };
    },
  },
};


