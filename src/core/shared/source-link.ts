// A link to the chat message a record was captured from (a Slack permalink from a message
// shortcut): an https URL, stored as given so anyone reading the record can open the message.
import { z } from "zod";

export const SOURCE_LINK_MAX = 500;

/** An optional https link; anything else is refused with `code` (the caller's catalog key). */
export function sourceLinkField(code: string) {
  return z
    .string({ error: code })
    .trim()
    .max(SOURCE_LINK_MAX, { error: code })
    .refine((value) => {
      try {
        return new URL(value).protocol === "https:";
      } catch {
        return false;
      }
    }, { error: code })
    .nullish();
}
