import { describe, expect, it } from "vitest";
import { feishuUuid } from "./adapter.js";
import { cardActionOf, commandForMenuKey, commandFromMenu, commandFromMessage, type MessageEventShape } from "./inbound.js";

const BOT = "ou_bot";

function message(text: string, over: { chatType?: string; mentions?: unknown[]; type?: string; sender?: string } = {}): MessageEventShape {
  return {
    event_id: "ev1",
    tenant_key: "tk",
    sender: { sender_id: { open_id: "ou_alice" }, sender_type: over.sender ?? "user", tenant_key: "tk" },
    message: {
      message_id: "om_1",
      chat_id: "oc_1",
      chat_type: over.chatType ?? "p2p",
      message_type: over.type ?? "text",
      content: JSON.stringify({ text }),
      ...(over.mentions ? { mentions: over.mentions } : {}),
    },
  };
}

const mention = (key: string, openId: string, name: string) => ({ key, id: { open_id: openId, user_id: "", union_id: "" }, name, tenant_key: "tk" });

describe("commandFromMessage", () => {
  it("takes every text in a direct chat as a command", () => {
    expect(commandFromMessage(message("/crm customer acme"), BOT)).toEqual({
      ok: true,
      message: { eventId: "ev1", messageId: "om_1", tenantKey: "tk", openId: "ou_alice", chatId: "oc_1", chatType: "p2p", text: "/crm customer acme", mentions: {} },
    });
  });

  it("takes a group message only when the bot is mentioned, and strips that mention", () => {
    expect(commandFromMessage(message("customer acme", { chatType: "group" }), BOT)).toMatchObject({ ok: false });
    expect(commandFromMessage(message("@_user_1 customer acme", { chatType: "group", mentions: [mention("@_user_1", "ou_amy", "Amy")] }), BOT)).toMatchObject({ ok: false });
    const addressed = commandFromMessage(message("@_user_1 客户 acme", { chatType: "group", mentions: [mention("@_user_1", BOT, "Accord")] }), BOT);
    expect(addressed).toMatchObject({ ok: true, message: { text: "客户 acme", chatType: "group", mentions: {} } });
  });

  it("ignores group messages when the bot's own open_id is unknown", () => {
    expect(commandFromMessage(message("@_user_1 help", { chatType: "group", mentions: [mention("@_user_1", BOT, "Accord")] }), undefined)).toEqual({
      ok: false,
      reason: "bot open_id unknown",
    });
  });

  it("hands other mentions over by key, without eating @_user_10 when stripping @_user_1", () => {
    const verdict = commandFromMessage(
      message("@_user_10 admin role @_user_1 manager", {
        chatType: "group",
        mentions: [mention("@_user_10", BOT, "Accord"), mention("@_user_1", "ou_bob", "Bob"), { key: "@_all", id: {}, name: "all" }],
      }),
      BOT,
    );
    expect(verdict).toMatchObject({ ok: true, message: { text: "admin role @_user_1 manager", mentions: { "@_user_1": { platformUserId: "ou_bob", name: "Bob" } } } });
  });

  it("ignores what is not a text from a user", () => {
    expect(commandFromMessage(message("x", { type: "image" }), BOT)).toMatchObject({ ok: false });
    expect(commandFromMessage(message("x", { sender: "app" }), BOT)).toMatchObject({ ok: false });
    expect(commandFromMessage({ ...message("x"), message: { ...message("x").message, content: "{oops" } }, BOT)).toMatchObject({ ok: false });
    expect(commandFromMessage({}, BOT)).toMatchObject({ ok: false });
  });
});

describe("the bot menu", () => {
  it("maps event keys to the common commands, and anything else to help", () => {
    expect(commandForMenuKey("callbacks")).toBe("callbacks");
    expect(commandForMenuKey("crm.approvals")).toBe("approvals");
    expect(commandForMenuKey("CRM_RISK")).toBe("risk");
    expect(commandForMenuKey("crm-digest")).toBe("digest");
    expect(commandForMenuKey("delete_everything")).toBe("help");
    expect(commandForMenuKey(undefined)).toBe("help");
  });

  it("reads the operator of a menu click", () => {
    expect(
      commandFromMenu({ event_id: "e", tenant_key: "tk", event_key: "report", operator: { operator_name: "王芳", operator_id: { open_id: "ou_w" } } }),
    ).toEqual({ eventId: "e", tenantKey: "tk", openId: "ou_w", name: "王芳", text: "report" });
    expect(commandFromMenu({ tenant_key: "tk" })).toBeUndefined();
  });
});

describe("card callbacks", () => {
  it("reads the clicked message from context, falling back to the top-level fields", () => {
    expect(
      cardActionOf({
        tenant_key: "tk",
        operator: { open_id: "ou_s" },
        action: { value: { action: "a", payload: "p" }, form_value: { reason: "r" } },
        context: { open_message_id: "om_9", open_chat_id: "oc_9" },
      }),
    ).toEqual({ tenantKey: "tk", openId: "ou_s", value: { action: "a", payload: "p" }, formValue: { reason: "r" }, messageId: "om_9", chatId: "oc_9" });
    expect(cardActionOf({ operator: { open_id: "ou_s", tenant_key: "tk2" }, open_message_id: "om_1" })).toMatchObject({ tenantKey: "tk2", messageId: "om_1" });
    expect(cardActionOf({ tenant_key: "tk" })).toBeUndefined();
  });
});

describe("feishuUuid", () => {
  it("keeps a key of up to 50 characters and hashes a longer one to a stable key of at most 50", () => {
    const short = "a".repeat(50);
    expect(feishuUuid(short)).toBe(short);
    const long = `hospitality.approval_requested:${"x".repeat(60)}`;
    expect(feishuUuid(long)).toBe(feishuUuid(long));
    expect(feishuUuid(long).length).toBeLessThanOrEqual(50);
    expect(feishuUuid(long)).not.toBe(feishuUuid(`${long}y`));
  });
});
