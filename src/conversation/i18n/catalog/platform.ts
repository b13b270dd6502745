// Messages about how Accord behaves on a platform (issue #14): decisions answered in the first
// person, channel membership checks, posts that cannot reach a channel.
import type { Catalog } from "./types.js";

export const platformCatalog: Catalog = {
  en: {
    "hospitality.already_decided_by_you": "Already decided: you {decision} it at {at}.",
  },
  "zh-CN": {
    "hospitality.already_decided_by_you": "你已于 {at} 处理：{decision}。",
  },
};
