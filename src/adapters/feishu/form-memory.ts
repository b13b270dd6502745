// Feishu form cards have no modal state: to redraw a submitted form with its values and the
// errors under its fields, the adapter needs the Form the card was drawn from. It is kept in the
// database (PostedForm), not in this process, so the submission may land on any replica.
import type { Prisma } from "@prisma/client";
import { formSchema, type Form } from "../../conversation/views/form.js";
import type { Db } from "../../db/client.js";

export interface RememberedForm {
  form: Form;
  /** The card whose button opened the form: it changes too when the form decides something. */
  origin?: string;
}

export interface FormMemory {
  remember(messageId: string, form: Form, origin?: string): Promise<void>;
  recall(messageId: string | undefined): Promise<RememberedForm | undefined>;
  /** The form was submitted and its card replaced: nothing is left to redraw. */
  forget(messageId: string): Promise<void>;
}

// Expired rows are removed now and then by whichever replica remembers a form.
const PRUNE_EVERY_MS = 60_000;

export function feishuFormMemory(db: Db, ttlMs: number): FormMemory {
  let prunedAt = 0;
  return {
    async remember(messageId, form, origin) {
      const now = Date.now();
      const expiresAt = new Date(now + ttlMs);
      const data = { form: form as unknown as Prisma.InputJsonValue, origin: origin ?? null, expiresAt };
      await db.postedForm.upsert({
        where: { platform_messageId: { platform: "FEISHU", messageId } },
        create: { platform: "FEISHU", messageId, ...data },
        update: data,
      });
      if (now - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = now;
        await db.postedForm.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
      }
    },
    async recall(messageId) {
      if (!messageId) return undefined;
      const row = await db.postedForm.findUnique({ where: { platform_messageId: { platform: "FEISHU", messageId } } });
      if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
      // Written by this code, but read back as untrusted JSON all the same.
      const form = formSchema.safeParse(row.form);
      if (!form.success) return undefined;
      return { form: form.data as Form, ...(row.origin ? { origin: row.origin } : {}) };
    },
    async forget(messageId) {
      await db.postedForm.deleteMany({ where: { platform: "FEISHU", messageId } });
    },
  };
}
