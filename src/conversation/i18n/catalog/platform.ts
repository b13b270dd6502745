// Messages about how Accord behaves on a platform (issue #14): decisions answered in the first
// person, channel membership checks, posts that cannot reach a channel.
import type { Catalog } from "./types.js";

export const platformCatalog: Catalog = {
  en: {
    "hospitality.already_decided_by_you": "Already decided: you {decision} it at {at}.",
    "admin.channel_not_found": "Accord cannot see the channel {channel}: check the name, or invite Accord first if it is private. Nothing was changed.",
    "admin.channel_bot_absent": "{channel} is set, but Accord is not a member yet, so its posts would fail.",
    "admin.channel_unchecked": "{channel} is set. Accord could not check whether it is a member there; if posts do not arrive, invite it.",
    "admin.invite_how.SLACK": "Invite it: type /invite @Accord in {channel}.",
    "admin.invite_how.FEISHU": "Add it: open the group's settings → Bots (群机器人) → Add bot → Accord.",
    "admin.channel_unreachable": "Accord could not post to {channel} ({reason}): the {purpose} posts are not arriving there.",
    "admin.channel_purpose.complaints": "complaint and escalation",
    "admin.channel_purpose.digests": "team digest",
    "admin.channel_purpose.": "channel",
    "help.overview.intro.SLACK": "Type /crm and a command, e.g. /crm customer Acme. English and Chinese commands both work; anything you leave out is asked in a form. Answers are shown only to you.",
    "help.overview.intro.FEISHU": "Send a command to the bot in a direct chat, or @Accord in a group, e.g. customer Acme (/crm is optional). English and Chinese commands both work; anything you leave out is asked in a form card. Answers in a group are shown only to you.",
    "help.overview.intro.CONSOLE": "Type /crm and a command, e.g. /crm customer Acme. English and Chinese commands both work; anything you leave out is asked step by step.",
  },
  "zh-CN": {
    "hospitality.already_decided_by_you": "你已于 {at} 处理：{decision}。",
    "admin.channel_not_found": "Accord 看不到频道 {channel}：请检查名称；如果是私有频道，请先邀请 Accord。设置未更改。",
    "admin.channel_bot_absent": "已设置 {channel}，但 Accord 还不在其中，发送会失败。",
    "admin.channel_unchecked": "已设置 {channel}。无法确认 Accord 是否在其中；如果收不到通知，请邀请它。",
    "admin.invite_how.SLACK": "邀请方法：在 {channel} 中输入 /invite @Accord。",
    "admin.invite_how.FEISHU": "添加方法：打开群设置 → 群机器人 → 添加机器人 → Accord。",
    "admin.channel_unreachable": "Accord 无法发送到 {channel}（{reason}）：{purpose}通知没有送达。",
    "admin.channel_purpose.complaints": "投诉与升级",
    "admin.channel_purpose.digests": "团队日报",
    "admin.channel_purpose.": "频道",
    "help.overview.intro.SLACK": "输入 /crm 加命令，例如 /crm 客户 瑞丰。中英文命令均可使用，缺少的信息会通过表单补充。回复只有你自己能看到。",
    "help.overview.intro.FEISHU": "在与机器人的单聊中直接发送命令，或在群里 @Accord，例如 客户 瑞丰（/crm 可省略）。中英文命令均可使用，缺少的信息会通过表单卡片补充。群里的回复只有你自己能看到。",
    "help.overview.intro.CONSOLE": "输入 /crm 加命令，例如 /crm 客户 瑞丰。中英文命令均可使用，缺少的信息会逐项询问。",
  },
};
