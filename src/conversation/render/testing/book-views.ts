// The customer book's views as their builders make them (conversation/areas/book), from fixed
// data and a fixed session, for the golden files of every renderer (render/book.test.ts).
import type { CustomerListPage } from "../../../core/customers/list.js";
import type { HistoryPage } from "../../../core/customers/history.js";
import type { SearchResult } from "../../../core/customers/search.js";
import { contactsView } from "../../areas/book/file.js";
import { historyView } from "../../areas/book/history.js";
import { customerListView, searchView } from "../../areas/book/list.js";
import { t, type Locale } from "../../i18n/index.js";
import type { Session } from "../../session.js";
import type { View } from "../../views/view.js";
import { NOW } from "./sample-views.js";

const MEMBER = "0b7d0c55-5f0e-4bd4-9d43-8a1c6d1f2e01";
const id = (n: number) => `5d6f1c0a-2b7e-4c1d-8f3a-${String(n).padStart(12, "0")}`;

/** Only what view builders read: the language, the member, now and the tenant's zone. */
function sessionIn(locale: Locale): Session {
  return {
    locale,
    now: NOW,
    today: "2026-11-23",
    member: { id: MEMBER, displayName: "张伟", role: "SUPERVISOR", supervisorId: null, locale },
    tenant: { timeZone: "Asia/Shanghai" },
    t: (key: string, params?: Record<string, string | number | bigint>) => t(locale, key, params),
  } as unknown as Session;
}

const page: CustomerListPage = {
  offset: 0,
  total: 37,
  byTier: { VIP: 3, A: 9, B: 20, C: 5 },
  riskAsOf: "2026-11-23",
  emptiedBy: null,
  items: [
    { id: id(1), name: "华东机电有限公司", tier: "VIP", status: "AT_RISK", ownerId: MEMBER, ownerName: "张伟", region: "华东", industry: "制造", riskLevel: "HIGH", riskScore: 78, overdueCallbacks: 1 },
    { id: id(2), name: "北方钢铁集团", tier: "VIP", status: "ACTIVE", ownerId: MEMBER, ownerName: "李娜", region: "华北", industry: "钢铁", riskLevel: null, riskScore: null, overdueCallbacks: 0 },
    { id: id(3), name: "Acme <Robotics> & Co", tier: "A", status: "ACTIVE", ownerId: MEMBER, ownerName: "Li Na", region: null, industry: null, riskLevel: "MEDIUM", riskScore: 45, overdueCallbacks: 0 },
  ],
};

const search: SearchResult = {
  total: 2,
  outsideScope: 3,
  hits: [
    { id: id(4), name: "华为技术有限公司", tier: "VIP", ownerId: MEMBER, ownerName: "张伟", rank: 1 },
    { id: id(5), name: "北京华为终端", tier: "A", ownerId: MEMBER, ownerName: "李娜", rank: 3 },
  ],
};

const history: HistoryPage = {
  customer: { id: id(1), name: "华东机电有限公司" },
  offset: 0,
  total: 23,
  entries: [
    { at: new Date("2026-11-22T06:30:00Z"), kind: "visit", actorId: MEMBER, actorName: "张伟", data: { visitKind: "ON_SITE", summary: "讨论 2027 年框架协议" } },
    { at: new Date("2026-11-20T02:00:00Z"), kind: "complaint", actorId: MEMBER, actorName: "李娜", data: { number: 7, event: "RESOLVED", severity: "HIGH" } },
    { at: new Date("2026-11-18T01:00:00Z"), kind: "audit", actorId: MEMBER, actorName: "王经理", data: { action: "customer.tier_overridden", before: { tier: "A" }, after: { tier: "VIP", tierOverrideReason: "战略合作伙伴" } } },
    { at: new Date("2026-11-15T01:00:00Z"), kind: "audit", actorId: MEMBER, actorName: "王经理", data: { action: "customer.handed_over", before: { ownerId: "x" }, after: { ownerId: MEMBER, reason: "岗位调整" } } },
    { at: new Date("2026-11-10T01:00:00Z"), kind: "callback_postponed", actorId: null, actorName: null, data: { after: { dueOn: "2026-11-13" } } },
  ],
};

export function bookViews(): Array<[name: string, view: View]> {
  const zh = sessionIn("zh-CN");
  const en = sessionIn("en");
  return [
    ["book-customer-list", customerListView(zh, { scope: "team", region: "华东" }, page)],
    ["book-customer-list-empty", customerListView(en, { region: "Mars" }, { ...page, items: [], total: 0, byTier: { VIP: 0, A: 0, B: 0, C: 0 }, emptiedBy: "region" })],
    ["book-customer-search", searchView(en, "huawei", search, 0)],
    ["book-customer-history", historyView(zh, history)],
    [
      "book-contacts",
      contactsView(zh, { id: id(1), name: "华东机电有限公司" }, [
        { id: id(6), customerId: id(1), name: "王芳", title: "采购经理", phone: "13800138000", email: "wangfang@hdjd.cn", primary: true },
        { id: id(7), customerId: id(1), name: "赵磊", title: null, phone: null, email: null, primary: false },
      ]),
    ],
  ];
}
