// A view as it may be shown where more than the person responsible reads it (a channel, a group,
// a team digest): every phone number and e-mail address in its text masked by the one rule in
// core/shared/masking.ts. Button payloads are left alone (ids, never shown).
import { maskContactDetails } from "../../core/shared/masking.js";
import type { Field, ListItem, View, ViewBlock } from "./view.js";

// Markdown-lite reads a pair of "*" as bold and has no escape, and Slack renders even plain field
// values as mrkdwn, where "*5678 或 w*" would turn bold: masks in views use U+2217 (∗), which
// looks the same as "*".
const MARKUP_MASK = "\u2217";
const maskMarkup = (text: string) => maskContactDetails(text, MARKUP_MASK);

const maskField = (field: Field): Field => ({ label: maskMarkup(field.label), value: maskMarkup(field.value) });

function maskItem(item: ListItem): ListItem {
  return { ...item, text: maskMarkup(item.text), ...(item.fields ? { fields: item.fields.map(maskField) } : {}) };
}

function maskBlock(block: ViewBlock): ViewBlock {
  switch (block.kind) {
    case "text":
      return { ...block, text: maskMarkup(block.text) };
    case "fields":
      return { ...block, fields: block.fields.map(maskField) };
    case "context":
      return { ...block, lines: block.lines.map(maskMarkup) };
    case "list":
      return {
        ...block,
        items: block.items.map(maskItem),
        ...(block.title !== undefined ? { title: maskMarkup(block.title) } : {}),
        ...(block.emptyText !== undefined ? { emptyText: maskMarkup(block.emptyText) } : {}),
      };
    case "divider":
    case "actions":
      return block;
  }
}

/** `view` with contact details masked in every text a reader sees. */
export function maskViewForChannel(view: View): View {
  const header = view.header;
  return {
    ...view,
    ...(header
      ? {
          header: {
            ...header,
            title: maskMarkup(header.title),
            ...(header.subtitle !== undefined ? { subtitle: maskMarkup(header.subtitle) } : {}),
          },
        }
      : {}),
    blocks: view.blocks.map(maskBlock),
    ...(view.summary !== undefined ? { summary: maskMarkup(view.summary) } : {}),
  };
}

/**
 * The channel / group ids a tenant's settings name (complaints, digests): where posts are read by
 * more than the person responsible. Settings are untrusted JSON here; anything else is ignored.
 */
export function sharedChannelIds(settings: unknown): Set<string> {
  const channels = (settings as { channels?: unknown } | null)?.channels;
  const out = new Set<string>();
  if (channels && typeof channels === "object") {
    for (const id of Object.values(channels as Record<string, unknown>)) if (typeof id === "string" && id) out.add(id);
  }
  return out;
}
