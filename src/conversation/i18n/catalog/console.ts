import type { Catalog } from "./types.js";

export const consoleCatalog: Catalog = {
  en: {
    "console.welcome":
      "Accord local console — demo tenant \"{tenant}\". You are {name} ({role}).\nType /crm help for commands, /as <name> to switch member, /who to list members, /quit to leave.",
    "console.prompt": "accord ({name})> ",
    "console.switched": "You are now {name} ({role}).",
    "console.no_member": "No member matches \"{query}\". Type /who to list members.",
    "console.ambiguous_member": "\"{query}\" matches several members: {names}.",
    "console.members_title": "Members",
    "console.no_choice": "There is no choice [{number}] on screen. Choices: {range}.",
    "console.no_choices": "Nothing on screen to choose. Type /crm help.",
    "console.confirm_cancelled": "Cancelled.",
    "console.form_cancelled": "Form cancelled.",
    "console.form_cancel_hint": "(answer /cancel to stop the form; press Enter to keep the value in [brackets])",
    "console.form_required": "{label} is required.",
    "console.form_field_error": "{field}: {message}",
    "console.delivery_to_member": "── 📨 message for {name} ──",
    "console.delivery_to_channel": "── 📣 #{channel} ──",
    "console.unknown_console_command": "Unknown console command {command}. Console commands: /as, /who, /quit; everything else is a /crm command.",
    "console.bye": "Bye.",
  },
  "zh-CN": {
    "console.welcome":
      "Accord 本地控制台 —— 演示租户「{tenant}」。当前身份：{name}（{role}）。\n输入 /crm 帮助 查看命令，/as <姓名> 切换成员，/who 列出成员，/quit 退出。",
    "console.prompt": "accord（{name}）> ",
    "console.switched": "已切换为 {name}（{role}）。",
    "console.no_member": "没有与「{query}」匹配的成员。输入 /who 查看成员列表。",
    "console.ambiguous_member": "「{query}」匹配到多个成员：{names}。",
    "console.members_title": "成员",
    "console.no_choice": "屏幕上没有选项 [{number}]。可选：{range}。",
    "console.no_choices": "当前没有可选的按钮。输入 /crm 帮助。",
    "console.confirm_cancelled": "已取消。",
    "console.form_cancelled": "已取消表单。",
    "console.form_cancel_hint": "（输入 /cancel 取消表单；直接回车保留 [方括号] 中的值）",
    "console.form_required": "{label} 为必填项。",
    "console.form_field_error": "{field}：{message}",
    "console.delivery_to_member": "── 📨 发给 {name} 的消息 ──",
    "console.delivery_to_channel": "── 📣 #{channel} ──",
    "console.unknown_console_command": "未知的控制台命令 {command}。控制台命令：/as、/who、/quit；其他输入按 /crm 命令处理。",
    "console.bye": "再见。",
  },
};
