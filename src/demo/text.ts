// Everything the demo department says, per language: the English demo is English throughout
// (people, companies, industries, notes) and the Chinese one Chinese, so a member trying Accord
// never meets the other language in a card, a list or a report.
import type { Locale } from "../conversation/i18n/index.js";

export interface DemoText {
  tenantName: string;
  /** Display names by member key (see MEMBERS in seed.ts). */
  members: Record<string, string>;
  companyPrefixes: readonly string[];
  /** The first eight make the first 160 names; the last two the other 40. */
  companySuffixes: readonly string[];
  /** Joins a prefix and a suffix ("Acme Robotics", "华信科技有限公司"). */
  joiner: string;
  industries: readonly string[];
  regions: readonly string[];
  contacts: readonly string[];
  contactTitles: readonly string[];
  visitPurpose: readonly string[];
  visitSummaries: readonly string[];
  visitFeedback: string;
  callbackNotes: readonly string[];
  callbackOutcomes: readonly string[];
  complaints: readonly string[];
  resolutions: readonly string[];
  venue: string;
  hospitalityPurpose: string;
  giftPurpose: string;
  rejectReason: string;
  surveyName: string;
  surveyComments: readonly string[];
}

const en: DemoText = {
  tenantName: "Demo Co. — Customer Management",
  members: {
    admin: "Admin",
    wang: "Grace Wang",
    lina: "Lina Li",
    zhangwei: "David Zhang",
    emily: "Emily Chen",
    liuyang: "Leo Liu",
    chenjing: "Jenny Chen",
    yangfan: "Frank Yang",
    zhaolei: "Ray Zhao",
    huangli: "Lily Huang",
    zhoujie: "Jay Zhou",
    tom: "Tom Baker",
    sarah: "Sarah Lin",
    wuhao: "Howard Wu",
  },
  companyPrefixes: [
    "Acme", "Northwind", "Blue Harbor", "Summit", "Evergreen", "Pioneer", "Silverline", "Orion", "Atlas", "Crescent",
    "Redwood", "Granite", "Harbor Point", "Maple", "Lakeside", "Westfield", "Ironbridge", "Sunrise", "Keystone", "Brightwater",
  ],
  companySuffixes: ["Robotics", "Trading Ltd", "Logistics", "Foods", "Medical", "Energy", "Semiconductors", "Electronics", "Construction", "Auto Parts"],
  joiner: " ",
  industries: ["Manufacturing", "Retail", "Logistics", "Healthcare", "Energy", "Technology", "Finance"],
  regions: ["East", "South", "North", "Southwest", "Overseas"],
  contacts: ["Michael Zhang", "Anna Li", "Robert Wang", "John Smith"],
  contactTitles: ["Purchasing Manager", "Buyer", "General Manager", "CFO"],
  visitPurpose: ["Quarterly review", "Contract renewal", "New product presentation"],
  visitSummaries: [
    "Happy with delivery times; asked about next year's pricing.",
    "Reviewed the framework agreement; they want a volume discount.",
    "Showed the new product line; a trial order is likely next month.",
    "Met the new purchasing manager; introduced our service team.",
  ],
  visitFeedback: "Would like faster after-sales response.",
  callbackNotes: ["Confirm next quarter's purchase plan", "Follow up on the quotation", "Check how the last delivery went"],
  callbackOutcomes: [
    "Confirmed the purchase plan for next quarter.",
    "They accepted the quotation; the order follows next week.",
    "Delivery arrived on time; no issues.",
    "Asked us to call back after their budget meeting.",
    "No answer on the office line; sent an e-mail instead.",
  ],
  complaints: [
    "A whole shipment arrived two weeks late and stopped the customer's line.",
    "Batch 2311 shows a 3% defect rate.",
    "The service engineer did not come at the agreed time.",
    "The invoice amount differs from the contract.",
    "Nobody answered the service hotline several times.",
    "Wrong items in the last shipment.",
    "Packaging damaged on arrival; two cartons unusable.",
    "Spare parts promised for last week have not arrived.",
    "The installation manual is missing from the delivery.",
    "Charged twice for the same order.",
    "The sales contact changed without notice.",
    "Delivery driver refused to unload at the dock.",
  ],
  resolutions: [
    "Replaced the damaged goods and apologised by phone.",
    "Sent the parts by express and credited the freight.",
    "Issued a corrected invoice and refunded the difference.",
    "Changed the hotline rota and called the customer back.",
  ],
  venue: "Grand Hotel",
  hospitalityPurpose: "Annual partnership talks",
  giftPurpose: "Spring Festival thank-you gifts",
  rejectReason: "The gift is over this quarter's budget.",
  surveyName: "Q4 customer satisfaction survey",
  surveyComments: ["Very responsive team.", "Delivery could be faster.", "Good value for money."],
};

const zh: DemoText = {
  tenantName: "示例公司 · 客户管理部",
  members: {
    admin: "管理员",
    wang: "王建国",
    lina: "李娜",
    zhangwei: "张伟",
    emily: "陈思雨",
    liuyang: "刘洋",
    chenjing: "陈静",
    yangfan: "杨帆",
    zhaolei: "赵磊",
    huangli: "黄丽",
    zhoujie: "周杰",
    tom: "唐博",
    sarah: "林晓",
    wuhao: "吴昊",
  },
  companyPrefixes: ["华信", "东方", "恒通", "瑞丰", "金桥", "中科", "海川", "远洋", "新城", "长江", "天元", "盛世", "博雅", "嘉禾", "凯达", "隆泰", "宏图", "鑫源", "明德", "锦程"],
  companySuffixes: ["科技有限公司", "实业集团", "电子股份", "物流有限公司", "医疗器械", "建设工程", "食品有限公司", "汽车零部件", "贸易有限公司", "能源科技"],
  joiner: "",
  industries: ["制造业", "零售", "物流", "医疗", "能源", "科技", "金融"],
  regions: ["华东", "华南", "华北", "西南", "海外"],
  contacts: ["张经理", "李女士", "王总", "刘主任"],
  contactTitles: ["采购经理", "采购专员", "总经理", "财务总监"],
  visitPurpose: ["季度业务回顾", "合同续签", "新品介绍"],
  visitSummaries: [
    "客户对交付周期满意，关注明年价格。",
    "回顾框架协议，客户希望获得批量折扣。",
    "介绍新产品线，下月可能试单。",
    "拜会新任采购经理，介绍了我方服务团队。",
  ],
  visitFeedback: "希望加快售后响应。",
  callbackNotes: ["确认下季度采购计划", "跟进报价", "了解上批货物到货情况"],
  callbackOutcomes: [
    "已确认下季度采购计划。",
    "客户接受报价，下周下单。",
    "货物按时到达，无异常。",
    "客户请我们在预算会后再联系。",
    "办公电话无人接听，已改发邮件。",
  ],
  complaints: [
    "整批货物延迟两周到货，影响客户产线。",
    "2311 批次产品不良率达 3%。",
    "售后工程师未按约定时间上门。",
    "发票金额与合同不符。",
    "客服电话多次无人接听。",
    "上一批发货品项有误。",
    "到货包装破损，两箱无法使用。",
    "承诺上周到的备件仍未到货。",
    "到货缺少安装说明书。",
    "同一订单被重复扣款。",
    "销售对接人更换未提前告知。",
    "送货司机拒绝在码头卸货。",
  ],
  resolutions: ["已更换受损货物并电话致歉。", "已加急寄出备件并承担运费。", "已开具更正发票并退还差额。", "已调整客服值班安排并回电致歉。"],
  venue: "国际饭店",
  hospitalityPurpose: "年度合作洽谈",
  giftPurpose: "春节客户答谢",
  rejectReason: "礼品金额超出本季度预算。",
  surveyName: "第四季度客户满意度调查",
  surveyComments: ["团队响应很快。", "交付可以再快一些。", "性价比不错。"],
};

export function demoText(locale: Locale): DemoText {
  return locale === "en" ? en : zh;
}
