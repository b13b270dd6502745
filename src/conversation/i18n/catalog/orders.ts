// Messages of the orders import / export (core/imports/orders-import.ts, `import orders`).
import type { Catalog } from "./types.js";

export const ordersCatalog: Catalog = {
  en: {
    "import.orders_done": "Orders imported: {created} new, {updated} updated, {unchanged} unchanged (matched by order number).",
    "import.order_in_future": "The order date {value} is after today ({today}).",
    "import.duplicate_order": "Order number “{value}” appears twice in the file (first on line {line}).",
  },
  "zh-CN": {
    "import.orders_done": "订单已导入：新增 {created} 条，更新 {updated} 条，未变 {unchanged} 条（按订单号匹配）。",
    "import.order_in_future": "订单日期 {value} 晚于今天（{today}）。",
    "import.duplicate_order": "订单号“{value}”在文件中出现了两次（首次在第 {line} 行）。",
  },
};
