// The "my day" card in the bot's direct chat with a member: shown from the bot menu (my_day) and
// after 帮助/help there, and kept current IN PLACE — one card per member, PATCHed
// (im/v1/messages/:message_id) when asked for again and after the member decides something,
// rather than a new card each time. Its message id is kept per member as a MessageRef
// (entityType "MyDay", entityId the member's open_id), so every replica finds it.
import type { Conversation, PlatformUser } from "../../conversation/port.js";
import { renderFeishuCard } from "../../conversation/render/feishu.js";
import type { Db } from "../../db/client.js";
import type { Logger } from "../../logger.js";
import { FeishuApiError, type FeishuApi } from "./api.js";

export const MY_DAY_ENTITY = "MyDay";

export interface FeishuMyDay {
  /** Shows the member's day: the existing card updated, or a new one sent (and remembered). */
  show(tenantKey: string, user: PlatformUser): Promise<void>;
  /** Updates the member's card if they have one (after a decision); sends nothing new. */
  refresh(tenantKey: string, user: PlatformUser): Promise<void>;
  /** Whether this message is someone's my-day card (a click on it must not replace it with another view). */
  isMyDayCard(messageId: string | undefined): Promise<boolean>;
}

export function feishuMyDay(deps: { api: FeishuApi; conversation: Conversation; db: Db; log: Logger }): FeishuMyDay {
  const { api, conversation, db, log } = deps;

  async function tenantIdOf(tenantKey: string): Promise<string | undefined> {
    const tenant = await db.tenant.findUnique({ where: { platform_externalId: { platform: "FEISHU", externalId: tenantKey } }, select: { id: true } });
    return tenant?.id;
  }

  async function current(tenantId: string, openId: string) {
    return db.messageRef.findFirst({
      where: { tenantId, platform: "FEISHU", entityType: MY_DAY_ENTITY, entityId: openId },
      orderBy: { createdAt: "desc" },
    });
  }

  async function update(tenantKey: string, user: PlatformUser, sendIfMissing: boolean): Promise<void> {
    const tenantId = await tenantIdOf(tenantKey);
    if (!tenantId) return;
    const openId = user.platformUserId;
    const ref = await current(tenantId, openId);
    if (!ref && !sendIfMissing) return;
    const card = renderFeishuCard(await conversation.myDay(user));
    if (ref) {
      try {
        await api.patchCard(ref.messageId, card);
        return;
      } catch (err) {
        // Gone (recalled, or past the 14 days a message can be edited): a new card replaces it.
        if (!(err instanceof FeishuApiError) || !sendIfMissing) throw err;
        log.info({ feishu: err.message, messageId: ref.messageId }, "feishu: my-day card not updatable, sending a new one");
      }
    }
    if (!sendIfMissing) return;
    const sent = await api.sendCard("open_id", openId, card);
    await db.$transaction([
      db.messageRef.deleteMany({ where: { tenantId, platform: "FEISHU", entityType: MY_DAY_ENTITY, entityId: openId } }),
      db.messageRef.create({ data: { tenantId, platform: "FEISHU", entityType: MY_DAY_ENTITY, entityId: openId, channel: sent.chatId || `p2p:${openId}`, messageId: sent.messageId } }),
    ]);
  }

  return {
    show: (tenantKey, user) => update(tenantKey, user, true),
    refresh: (tenantKey, user) => update(tenantKey, user, false),
    async isMyDayCard(messageId) {
      if (!messageId) return false;
      const ref = await db.messageRef.findFirst({ where: { platform: "FEISHU", entityType: MY_DAY_ENTITY, messageId }, select: { id: true } });
      return ref !== null;
    },
  };
}
