// Views and forms as their real builders make them, in both languages, for golden files a member
// would read (render/member-views.test.ts): the customer card, the new-customer, visit and
// complaint forms — labels, enum values and money as the catalog and glossary say them.
import type { CustomerCard } from "../../../core/customers/card.js";
import { defaultTenantSettings } from "../../../core/tenants/settings.js";
import { registerForm } from "../../areas/complaints.js";
import { addForm, customerCardView } from "../../areas/customers.js";
import { visitForm } from "../../areas/visits.js";
import { t, type Locale } from "../../i18n/index.js";
import type { Session } from "../../session.js";
import { AmbiguousCustomerError } from "../../../core/customers/errors.js";
import { customerChoicesOf } from "../../customer-field.js";
import { formWithChoices, type Form } from "../../views/form.js";
import type { View } from "../../views/view.js";
import { NOW } from "./sample-views.js";

const MEMBER = "0b7d0c55-5f0e-4bd4-9d43-8a1c6d1f2e01";
const CUSTOMER = "5d6f1c0a-2b7e-4c1d-8f3a-000000000001";

function sessionIn(locale: Locale): Session {
  return {
    locale,
    now: NOW,
    today: "2026-11-23",
    member: { id: MEMBER, displayName: "张伟", role: "SPECIALIST", supervisorId: null, locale },
    tenant: { timeZone: "Asia/Shanghai", settings: defaultTenantSettings },
    t: (key: string, params?: Record<string, string | number | bigint>) => t(locale, key, params),
  } as unknown as Session;
}

function card(locale: Locale): CustomerCard {
  const en = locale === "en";
  return {
    id: CUSTOMER,
    tenantId: "t",
    name: en ? "Huadong Machinery Co." : "华东机电有限公司",
    tier: "VIP",
    tierOverridden: true,
    tierOverrideReason: en ? "Strategic partner" : "战略合作伙伴",
    strategic: true,
    status: "AT_RISK",
    ownerId: MEMBER,
    industry: en ? "Manufacturing" : "制造业",
    region: en ? "East" : "华东",
    annualPurchaseFen: 620_000_000n,
    cooperationStart: "2019-03-01",
    creditRating: "AA",
    creditLimitFen: 50_000_000n,
    lostReason: null,
    lastContactAt: new Date("2026-11-01T02:00:00Z"),
    createdAt: new Date("2019-03-01T00:00:00Z"),
    owner: { id: MEMBER, name: en ? "Wei Zhang" : "张伟" },
    lastContactOn: "2026-11-01",
    openCallbacks: {
      total: 2,
      next: [
        { id: "cb-1", dueOn: "2026-11-20", reason: "CADENCE", assigneeId: MEMBER, overdue: true },
        { id: "cb-2", dueOn: "2026-11-25", reason: "AFTER_COMPLAINT", assigneeId: MEMBER, overdue: false },
      ],
    },
    complaints: {
      openCount: 1,
      latestOpen: {
        id: "co-1", number: 7, severity: "HIGH", category: "DELIVERY", status: "OPEN", escalationLevel: 0,
        description: en ? "Shipment two weeks late" : "整批货物延迟两周到货", createdAt: new Date("2026-11-20T02:00:00Z"),
      },
    },
    contacts: [{ id: "ct-1", customerId: CUSTOMER, name: en ? "Fang Wang" : "王芳", title: en ? "Purchasing Manager" : "采购经理", phone: "13800138000", email: "wangfang@hdjd.cn" }],
    recentVisits: [
      { id: "v-1", occurredAt: new Date("2026-11-01T02:00:00Z"), kind: "ON_SITE", summary: en ? "Discussed the 2027 framework agreement." : "讨论 2027 年框架协议。", visitorId: MEMBER, visitorName: en ? "Wei Zhang" : "张伟" },
    ],
  } as CustomerCard;
}

/** Views by golden file name, each in both languages (<name>.<locale>). */
export function memberViews(): Array<[name: string, view: View]> {
  return (["zh-CN", "en"] as const).map((locale) => [`customer-card-real.${locale}`, customerCardView(sessionIn(locale), card(locale))]);
}

function chooser(session: Session) {
  const ambiguous = new AmbiguousCustomerError(
    "华",
    [
      { id: "5d6f1c0a-2b7e-4c1d-8f3a-000000000011", name: "华为技术有限公司" },
      { id: "5d6f1c0a-2b7e-4c1d-8f3a-000000000012", name: "华润万家" },
    ],
    false,
    3,
  );
  return customerChoicesOf(session, ambiguous)!;
}

/** Forms by golden file name, each in both languages, with defaults on the select fields. */
export function memberForms(): Array<[name: string, form: Form]> {
  return (["zh-CN", "en"] as const).flatMap((locale): Array<[string, Form]> => {
    const session = sessionIn(locale);
    return [
      [`customer-add-form.${locale}`, addForm(session, { name: locale === "en" ? "Acme Trading" : "华为技术", tier: "A", annualYuan: "1,500,000.00" })],
      [`visit-form.${locale}`, visitForm(session, { customer: locale === "en" ? "Acme Trading" : "华为技术" })],
      [`complaint-form.${locale}`, registerForm(session, { severity: "HIGH", category: "OTHER" })],
      // Submitted with an ambiguous name: the customer field redrawn as a choice (Feishu form cards).
      [`complaint-form-chooser.${locale}`, formWithChoices(registerForm(session, { customer: "华", severity: "HIGH", category: "OTHER" }), { customer: chooser(session) })],
    ];
  });
}
