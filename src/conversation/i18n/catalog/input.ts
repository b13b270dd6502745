// Messages of the input-hygiene step (src/core/shared/hygiene.ts) and of the value ranges it
// and the settings schema enforce.
import type { Catalog } from "./types.js";

export const inputCatalog: Catalog = {
  en: {
    "input.too_long": "That is too long: at most {max} characters.",
    "settings.out_of_range": "{key} must be between {min} and {max}; “{value}” is outside that range.",
  },
  "zh-CN": {
    "input.too_long": "内容过长，最多 {max} 个字符。",
    "settings.out_of_range": "{key} 的取值范围是 {min} 至 {max}，「{value}」超出了该范围。",
  },
};
