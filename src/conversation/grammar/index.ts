// The command grammar: text → Command (English and Chinese), value parsers, help.
export * from "./commands.js";
export { customerNameCandidates, parseCommand, settingKeys, splitCustomerAndText } from "./parser.js";
export type { ParseContext, ParseError, ParseResult } from "./parser.js";
export { helpOverview, helpTopic, helpTopics, usageLines } from "./help.js";
export type { HelpExample, HelpOverview, HelpTopic } from "./help.js";
export { tokenize } from "./tokens.js";
export type { Token } from "./tokens.js";
export {
  parseAmount,
  parseChannel,
  parseDate,
  parseMention,
  parseRole,
  parseSeverity,
  parseTier,
} from "./values.js";
export type { ChannelRef, DateLean, MentionTable, Parsed, UserRef } from "./values.js";
