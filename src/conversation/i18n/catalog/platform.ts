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
    "admin.invite_how.CONSOLE": "",
    "admin.channel_unreachable": "Accord could not post to {channel} ({reason}): the {purpose} posts are not arriving there.",
    "admin.channel_purpose.complaints": "complaint and escalation",
    "admin.channel_purpose.digests": "team digest",
    "admin.channel_purpose.": "channel",
  },
  "zh-CN": {
    "hospitality.already_decided_by_you": "你已于 {at} 处理：{decision}。",
    "admin.channel_not_found": "Accord 看不到频道 {channel}：请检查名称；如果是私有频道，请先邀请 Accord。设置未更改。",
    "admin.channel_bot_absent": "已设置 {channel}，但 Accord 还不在其中，发送会失败。",
    "admin.channel_unchecked": "已设置 {channel}。无法确认 Accord 是否在其中；如果收不到通知，请邀请它。",
    "admin.invite_how.SLACK": "邀请方法：在 {channel} 中输入 /invite @Accord。",
    "admin.invite_how.FEISHU": "添加方法：打开群设置 → 群机器人 → 添加机器人 → Accord。",
    "admin.invite_how.CONSOLE": "",
    "admin.channel_unreachable": "Accord 无法发送到 {channel}（{reason}）：{purpose}通知没有送达。",
    "admin.channel_purpose.complaints": "投诉与升级",
    "admin.channel_purpose.digests": "团队日报",
    "admin.channel_purpose.": "频道",
  },
};
