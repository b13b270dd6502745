// The neutral View: what the core's results look like before any platform sees them. Builders
// fill it with already-localized strings; renderers (render/slack.ts, feishu.ts, text.ts) only
// lay it out, escape it and enforce their platform's limits. A renderer never translates.
import type { EncodedButtonPayload } from "./payload.js";

/** Colour intent; each renderer maps it to what its platform has (Feishu header colours, …). */
export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

export interface ViewHeader {
  title: string;
  subtitle?: string;
  /** A short badge beside the title: a tier ("VIP"), a status ("PENDING"). */
  tag?: { text: string; tone?: Tone };
  tone?: Tone;
}

export interface ConfirmDialog {
  title: string;
  text: string;
  /** Label of the button that goes ahead. */
  confirm: string;
  /** Label of the button that backs out. */
  deny: string;
}

export interface Button {
  label: string;
  /** Routes the click ("hospitality.approve"); platforms echo it back with the payload. */
  actionId: string;
  /** Made by encodeButtonPayload only: ids, version, expiry and the member allowed to act. */
  payload: EncodedButtonPayload;
  style?: "primary" | "danger";
  confirm?: ConfirmDialog;
}

export interface Field {
  label: string;
  /** Plain text (escaped by the renderer, never interpreted as markup). */
  value: string;
}

export interface ListItem {
  /** Markdown-lite. */
  text: string;
  fields?: Field[];
  buttons?: Button[];
}

/** Markdown-lite text (see parseMarkdownLite). */
export interface TextBlock {
  kind: "text";
  text: string;
}

export interface FieldsBlock {
  kind: "fields";
  fields: Field[];
}

/** Small print: timestamps, "updated by", hints. Each line is markdown-lite. */
export interface ContextBlock {
  kind: "context";
  lines: string[];
}

export interface DividerBlock {
  kind: "divider";
}

export interface ListBlock {
  kind: "list";
  title?: string;
  items: ListItem[];
  /**
   * How many items exist in all, when the builder passed only the first ones (a customer with
   * 500 visits); renderers add the difference to the "N more" note.
   */
  totalCount?: number;
  /** Shown when there are no items at all. */
  emptyText?: string;
}

/** Buttons that belong to the whole view (Approve / Reject on an approval card). */
export interface ActionsBlock {
  kind: "actions";
  buttons: Button[];
}

export type ViewBlock = TextBlock | FieldsBlock | ContextBlock | DividerBlock | ListBlock | ActionsBlock;

export interface View {
  header?: ViewHeader;
  blocks: ViewBlock[];
  /** Plain one-line text for notifications and previews; defaults to the header. */
  summary?: string;
  /**
   * Localized note a renderer appends when it has to cut something, with a {count}
   * placeholder ("… and {count} more" / "…还有 {count} 项"). Renderers fall back to
   * DEFAULT_MORE_TEMPLATE, which needs no translation.
   */
  moreTemplate?: string;
}

export const DEFAULT_MORE_TEMPLATE = "… +{count}";

export function moreText(view: Pick<View, "moreTemplate">, count: number): string {
  return (view.moreTemplate ?? DEFAULT_MORE_TEMPLATE).replaceAll("{count}", String(count));
}

/** The one-line text used for notifications when the view has no explicit summary. */
export function summaryOf(view: View): string {
  if (view.summary) return view.summary;
  const parts = [view.header?.title, view.header?.tag?.text, view.header?.subtitle].filter(
    (part): part is string => Boolean(part),
  );
  if (parts.length > 0) return parts.join(" · ");
  const firstText = view.blocks.find((block): block is TextBlock => block.kind === "text");
  return firstText ? plainTextOf(firstText.text) : "";
}

// ---------------------------------------------------------------------------------------------
// Markdown-lite: the only markup a builder may use in text, context lines and list items.
//   *bold*        a pair of single asterisks on one line, content not starting or ending with a
//                 space; anything else with an asterisk is literal text
//   line breaks   "\n"
//   bullet lines  a line starting with "- " or "• "
// Everything else is literal: renderers escape it for their platform, so a customer called
// "<A&B>" or "a_b*" shows exactly as typed.

export interface MarkdownSpan {
  text: string;
  bold: boolean;
}

export interface MarkdownLine {
  bullet: boolean;
  spans: MarkdownSpan[];
}

const BULLET = /^\s*[-•]\s+/;

export function parseMarkdownLite(source: string): MarkdownLine[] {
  return source
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((raw) => {
      const bullet = BULLET.test(raw);
      return { bullet, spans: parseSpans(bullet ? raw.replace(BULLET, "") : raw) };
    });
}

function parseSpans(line: string): MarkdownSpan[] {
  const spans: MarkdownSpan[] = [];
  let literal = "";
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "*") {
      const close = line.indexOf("*", i + 1);
      const content = close > i ? line.slice(i + 1, close) : "";
      if (content.length > 0 && content.trim() === content) {
        if (literal) spans.push({ text: literal, bold: false });
        literal = "";
        spans.push({ text: content, bold: true });
        i = close + 1;
        continue;
      }
    }
    literal += ch;
    i += 1;
  }
  if (literal) spans.push({ text: literal, bold: false });
  return spans;
}

/** Markdown-lite without its markup (bold markers dropped, bullets as "• ", references as their labels). */
export function plainTextOf(source: string): string {
  return parseMarkdownLite(source)
    .map((line) => `${line.bullet ? "• " : ""}${refsAsLabels(line.spans.map((span) => span.text).join(""))}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// References to people and channels, inside any text of a view. A builder writes
// personRef(platformUserId, name) where the text names someone who should be notified, or
// channelRef(channelId, name); each renderer turns the reference into its platform's mention
// (Slack <@U…> / <#C…>, Feishu <at id=ou_…></at>) or into its plain label.
// Delimited by private-use characters, which no one types, so typed text cannot forge a mention.

export interface TextRef {
  kind: "user" | "channel";
  id: string;
  label: string;
}

const REF_PATTERN = /\uE000(user|channel):([A-Za-z0-9_.-]{1,80})\|([^\uE000\uE001]*)\uE001/g;
const stripDelimiters = (text: string) => text.replace(/[\uE000\uE001*]/g, "");

/** A mention of a platform user, rendered as a notifying mention where the platform has one. */
export function personRef(platformUserId: string, name: string): string {
  return `\uE000user:${platformUserId}|${stripDelimiters(name)}\uE001`;
}

/** A reference to a channel / group chat, shown as a link (Slack) or its name. */
export function channelRef(channelId: string, name: string): string {
  return `\uE000channel:${channelId}|${stripDelimiters(name)}\uE001`;
}

/** `text` with every reference replaced by what `render` makes of it. */
export function replaceRefs(text: string, render: (ref: TextRef) => string): string {
  if (!text.includes("\uE000")) return text;
  return text.replace(REF_PATTERN, (_, kind: string, id: string, label: string) => render({ kind: kind as TextRef["kind"], id, label })).replace(/[\uE000\uE001]/g, "");
}

/** References as their readable labels (a person's name, a channel's name as the builder gave it). */
export function refsAsLabels(text: string): string {
  return replaceRefs(text, (ref) => ref.label);
}
