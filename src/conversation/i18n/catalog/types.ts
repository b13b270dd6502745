// Message catalogs: one file per area, both languages, keyed by the message key (for errors,
// the DomainError code). Placeholders are written {name}.
export type Locale = "zh-CN" | "en";

export interface Catalog {
  en: Record<string, string>;
  "zh-CN": Record<string, string>;
}
