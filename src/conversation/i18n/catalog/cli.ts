// The operator CLI's own messages beyond import/export (those live with the importers, in
// customers.ts): database, demo tenant and tenant administration commands.
import type { Catalog } from "./types.js";

export const cliCatalog: Catalog = {
  en: {
    "cli.usage_operations": [
      "Operations:",
      "  migrate                                                   apply the database migrations, then exit",
      "  seed-demo                                                 create the demo tenant (console:demo) with sample data",
      "  settings [<key> [<value>]] [--tenant <platform>:<id>]     show the tenant's settings, one of them, or change one",
      "  channel <complaints|digests> <channel id> [--tenant …]    where escalations / team digests are posted",
      "  members [--tenant <platform>:<id>]                        list members with role and supervisor",
    ].join("\n"),
    "cli.migrated": "Database {target}: applied {count, plural, one {# migration} other {# migrations}}: {names}.",
    "cli.migrations_up_to_date": "Database {target} is up to date ({total, plural, one {# migration} other {# migrations}}).",
    "cli.demo_seeded": "Demo tenant {tenant} seeded: {members, plural, one {# member} other {# members}}, {customers, plural, one {# customer} other {# customers}}.",
    "cli.demo_exists": "Demo tenant {tenant} already exists; nothing changed.",
    "cli.settings_heading": "Settings of {tenant}:",
    "cli.setting_changed": "{key}: {before} → {after}",
    "cli.bad_channel_purpose": "The channel must be complaints or digests, not “{value}”.",
    "cli.members_heading": "Members of {tenant} ({count}):",
    "cli.no_members": "{tenant} has no members yet.",
    "cli.column_name": "Name",
    "cli.column_role": "Role",
    "cli.column_supervisor": "Supervisor",
    "cli.column_identities": "Platform user ids",
    "cli.member_inactive": "(inactive)",
  },
  "zh-CN": {
    "cli.usage_operations": [
      "运维命令：",
      "  migrate                                                   执行数据库迁移后退出",
      "  seed-demo                                                 创建带示例数据的演示租户（console:demo）",
      "  settings [<设置项> [<值>]] [--tenant <平台>:<ID>]          查看租户的全部或单个设置，或修改一个设置",
      "  channel <complaints|digests> <频道 ID> [--tenant …]        设置投诉升级 / 团队日报发送的频道",
      "  members [--tenant <平台>:<ID>]                            列出成员及其角色和上级",
    ].join("\n"),
    "cli.migrated": "数据库 {target}：已执行 {count} 个迁移：{names}。",
    "cli.migrations_up_to_date": "数据库 {target} 已是最新（共 {total} 个迁移）。",
    "cli.demo_seeded": "已创建演示租户 {tenant}：{members} 名成员，{customers} 个客户。",
    "cli.demo_exists": "演示租户 {tenant} 已存在，未做任何修改。",
    "cli.settings_heading": "{tenant} 的设置：",
    "cli.setting_changed": "{key}：{before} → {after}",
    "cli.bad_channel_purpose": "频道用途只能是 complaints（投诉）或 digests（日报），而不是“{value}”。",
    "cli.members_heading": "{tenant} 的成员（{count} 人）：",
    "cli.no_members": "{tenant} 还没有成员。",
    "cli.column_name": "姓名",
    "cli.column_role": "角色",
    "cli.column_supervisor": "上级",
    "cli.column_identities": "平台用户 ID",
    "cli.member_inactive": "（已停用）",
  },
};
