// Sample views and forms for the renderer tests (golden files and limits). They stand in for
// the view builders, which turn core results into views, until those exist.
import { defineForm, type Form } from "../../views/form.js";
import { encodeButtonPayload } from "../../views/payload.js";
import type { Button, ListItem, View } from "../../views/view.js";

export const NOW = new Date("2026-11-23T01:00:00Z");
export const EXPIRES = new Date("2026-12-07T01:00:00Z");

const MEMBER = "0b7d0c55-5f0e-4bd4-9d43-8a1c6d1f2e01";
const CUSTOMER = "5d6f1c0a-2b7e-4c1d-8f3a-0e9b7c6d5a41";
const STEP = "c2f4e6a8-1b3d-4f5a-9c7e-2d4b6a8c0e13";
const REQUEST = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

export const approvePayload = encodeButtonPayload({ entityId: STEP, version: 3, expiresAt: EXPIRES, memberId: MEMBER });

function callbackButtons(callbackId: string): Button[] {
  const payload = (args?: Record<string, string | number>) =>
    encodeButtonPayload({ entityId: callbackId, version: 1, expiresAt: EXPIRES, memberId: MEMBER, ...(args ? { args } : {}) });
  return [
    { label: "完成", actionId: "callback.done", payload: payload(), style: "primary" },
    { label: "记录拜访", actionId: "visit.log", payload: payload({ customer: CUSTOMER }) },
    { label: "推迟 3 天", actionId: "callback.snooze", payload: payload({ days: 3 }) },
  ];
}

/** Header with a tier badge, fields, text, a list with buttons, context and a divider. */
export const customerCard: View = {
  header: { title: "华东机电有限公司", subtitle: "客户经理 张伟 · 华东区", tag: { text: "VIP", tone: "warning" }, tone: "warning" },
  summary: "华东机电有限公司 · VIP · 风险 78",
  moreTemplate: "…还有 {count} 项",
  blocks: [
    {
      kind: "fields",
      fields: [
        { label: "等级", value: "VIP（战略客户）" },
        { label: "状态", value: "有风险" },
        { label: "年采购额", value: "¥6,200,000" },
        { label: "最近联系", value: "11月1日（22 天前）" },
        { label: "流失风险", value: "高 · 78" },
      ],
    },
    { kind: "text", text: "*风险原因*\n- 22 天未联系（VIP 周期 14 天）\n- 近 90 天采购下降 35%\n- 1 起投诉超时未处理" },
    { kind: "divider" },
    {
      kind: "list",
      title: "待办回访",
      items: [
        { text: "*11月20日 周五* 周期回访 · 已逾期 3 天", fields: [{ label: "负责人", value: "张伟" }], buttons: callbackButtons("7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a60") },
        { text: "*11月25日 周三* 投诉后回访", buttons: callbackButtons("8f2e3d4c-5b6a-4798-8b1c-2d3e4f5a6b71") },
      ],
    },
    { kind: "context", lines: ["更新于 11月23日 09:00 · Accord"] },
  ],
};

/** Markdown-lite with every character a platform could misread. */
export const escapingText: View = {
  header: { title: "Notes on <A&B> *Co*" },
  blocks: [
    {
      kind: "text",
      text: "Customer said: *very* unhappy <script> & \"quotes\" a_b_c ~x~ `code` [link](http://x) #1\n- first: 50% off\n1. not a list\n* not bold * either\n客户*非常*满意",
    },
  ],
};

/** A callback digest: a list whose items each carry buttons, plus an empty list. */
export const callbackDigest: View = {
  header: { title: "Callbacks due today", subtitle: "Mon, Nov 23", tone: "info" },
  moreTemplate: "… and {count} more",
  blocks: [
    {
      kind: "list",
      title: "Overdue",
      items: [
        { text: "*Huadong Machinery* (VIP) — 3 days overdue", buttons: callbackButtons("7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a60") },
        { text: "*Beifang Steel* (A) — 1 day overdue", buttons: callbackButtons("9a3f4e5d-6c7b-48a9-9c2d-3e4f5a6b7c82") },
      ],
      totalCount: 5,
    },
    { kind: "list", title: "Due today", items: [], emptyText: "Nothing due today." },
  ],
};

/** Context lines and dividers only. */
export const contextAndDivider: View = {
  blocks: [
    { kind: "context", lines: ["Sent by Accord", "Digest for *Mon, Nov 23*"] },
    { kind: "divider" },
    { kind: "text", text: "All caught up." },
    { kind: "divider" },
    { kind: "context", lines: ["Reply `help` for commands"] },
  ],
};

/** An approval card: a rejection asks for confirmation first. */
export const approvalCard: View = {
  header: { title: "Hospitality request: ¥8,600", subtitle: "Banquet for Huadong Machinery", tag: { text: "Pending", tone: "warning" }, tone: "warning" },
  blocks: [
    {
      kind: "fields",
      fields: [
        { label: "Requester", value: "Zhang Wei" },
        { label: "Date", value: "Sat, Nov 28" },
        { label: "Guests / staff", value: "6 / 3" },
        { label: "Per head", value: "¥955.56 (guideline ¥500)" },
      ],
    },
    { kind: "text", text: "*Over the VIP guideline* by ¥455.56 per head." },
    {
      kind: "actions",
      buttons: [
        { label: "Approve", actionId: "hospitality.approve", payload: approvePayload, style: "primary" },
        {
          label: "Reject",
          actionId: "hospitality.reject",
          payload: approvePayload,
          style: "danger",
          confirm: { title: "Reject this request?", text: "Zhang Wei will be told at once. You will be asked for a reason.", confirm: "Reject", deny: "Keep it" },
        },
      ],
    },
  ],
};

/** Every field kind once. */
export const hospitalityForm: Form = defineForm({
  formId: "hospitality.request",
  title: "Request hospitality",
  submitLabel: "Submit",
  cancelLabel: "Cancel",
  intro: "Requests over *¥2,000* also go to the department manager.",
  actionId: "hospitality.request.submit",
  payload: encodeButtonPayload({ expiresAt: EXPIRES, memberId: MEMBER, args: { customer: CUSTOMER } }),
  fields: [
    { name: "customer", label: "Customer", kind: "customer", required: true, default: "华东机电" },
    {
      name: "kind",
      label: "Kind",
      kind: "select",
      required: true,
      options: [
        { value: "MEAL", label: "Meal" },
        { value: "BANQUET", label: "Banquet" },
        { value: "GIFT", label: "Gift" },
      ],
      default: "BANQUET",
    },
    { name: "amount", label: "Estimated amount (CNY)", kind: "amount", required: true, placeholder: "e.g. 8600" },
    { name: "date", label: "Date", kind: "date", required: true, default: "2026-11-28", defaultLabel: "Nov 28" },
    { name: "guests", label: "Guests", kind: "number", required: true },
    { name: "approver", label: "Ask first", kind: "member", required: false, hint: "Leave empty to follow the usual chain." },
    { name: "venue", label: "Venue", kind: "text", required: false, maxLength: 100 },
    { name: "purpose", label: "Purpose", kind: "textarea", required: true, maxLength: 500 },
  ],
});

export function manyVisits(count: number): View {
  const items: ListItem[] = Array.from({ length: count }, (_, i) => ({
    text: `*2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}* 上门拜访 · 讨论 2027 年框架协议第 ${i + 1} 轮`,
    fields: [
      { label: "拜访人", value: "张伟" },
      { label: "客户反馈", value: "满意，希望缩短交期" },
    ],
    buttons: [
      {
        label: "查看",
        actionId: "visit.show",
        payload: encodeButtonPayload({ entityId: `visit-${String(i).padStart(4, "0")}`, expiresAt: EXPIRES, memberId: MEMBER }),
      },
    ],
  }));
  return {
    header: { title: "华东机电有限公司 · 拜访记录", tag: { text: "VIP" } },
    moreTemplate: "… and {count} more",
    blocks: [
      { kind: "fields", fields: [{ label: "拜访次数", value: String(count) }] },
      { kind: "list", title: "拜访记录", items },
      {
        kind: "actions",
        buttons: [
          {
            label: "记录拜访",
            actionId: "visit.log",
            payload: encodeButtonPayload({ entityId: REQUEST, expiresAt: EXPIRES, memberId: MEMBER }),
            style: "primary",
          },
        ],
      },
    ],
  };
}

/** The views every renderer has golden files for, by file name (__golden__/<renderer>/<name>.*). */
export const goldenViews = [
  ["customer-card", customerCard],
  ["escaping-text", escapingText],
  ["callback-digest", callbackDigest],
  ["context-divider", contextAndDivider],
  ["approval-confirm", approvalCard],
] as const;

/** A rendered message or card as the text of its golden JSON file. */
export const goldenJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
