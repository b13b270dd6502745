// The platform-neutral Command every adapter hands to the conversation layer, validated with zod.
//
// Each command that records something has a "fields" schema with everything the use case
// needs (the Form model validates a submitted form with it) and a command schema where those
// fields are optional: what the user left out on the command line is filled in by a form
// instead of failing (DESIGN §3). missingFields() says which ones a form must ask for.
import { z } from "zod";
import { isLocalDate } from "../../core/shared/time.js";

export const localDateSchema = z.string().refine(isLocalDate, { message: "must be a YYYY-MM-DD date" });
export const nameSchema = z.string().trim().min(1).max(200);
export const textSchema = z.string().trim().min(1).max(4000);
export const userRefSchema = z.object({ platformUserId: z.string().min(1), name: z.string().min(1).optional() });
export const channelRefSchema = z.union([
  z.object({ platformChannelId: z.string().min(1), name: z.string().min(1).optional() }),
  z.object({ current: z.literal(true) }),
]);
export const tierSchema = z.enum(["VIP", "A", "B", "C"]);
export const severitySchema = z.enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"]);
export const complaintCategorySchema = z.enum(["PRODUCT", "SERVICE", "DELIVERY", "BILLING", "OTHER"]);
export const roleSchema = z.enum(["SPECIALIST", "SUPERVISOR", "MANAGER", "ADMIN"]);
export const localeSchema = z.enum(["zh-CN", "en"]);
export const hospitalityKindSchema = z.enum(["MEAL", "BANQUET", "GIFT", "EVENT", "TRAVEL"]);
export const digestKindSchema = z.enum(["CALLBACKS", "CHURN"]);
export const channelPurposeSchema = z.enum(["complaints", "digests"]);
export const reportScopeSchema = z.enum(["me", "team", "tenant"]);
export const fenSchema = z.bigint().nonnegative();

export const helpTopicIds = [
  "help",
  "customer",
  "customer.add",
  "customer.assign",
  "customer.tier",
  "visit",
  "callbacks",
  "callback",
  "complaint",
  "complaints",
  "hospitality",
  "approvals",
  "risk",
  "digest",
  "report",
  "admin",
  "admin.role",
  "admin.supervisor",
  "admin.channel",
  "admin.settings",
  "lang",
  "credit",
  "credit.request",
  "credit.review",
  "away",
  "customers",
  "customer.find",
  "customer.edit",
  "customer.history",
  "customer.handover",
  "contact",
  "admin.deactivate",
  "plan",
  "visit.plan",
  "calendar",
  "admin.calendar",
  "admin.region",
  "survey",
] as const;
export const helpTopicIdSchema = z.enum(helpTopicIds);
export type HelpTopicId = z.infer<typeof helpTopicIdSchema>;

// ---- complete field sets (what a form must end up with) ---------------------------------------

export const customerAddFieldsSchema = z.object({
  name: nameSchema,
  tier: tierSchema.optional(),
  owner: userRefSchema.optional(),
  annualFen: fenSchema.optional(),
});
export const customerAssignFieldsSchema = z.object({ name: nameSchema, owner: userRefSchema, reason: textSchema.optional() });
export const customerTierFieldsSchema = z.object({ name: nameSchema, tier: tierSchema, reason: textSchema });
export const visitFieldsSchema = z.object({ customer: nameSchema, summary: textSchema });
export const callbackFieldsSchema = z.object({ customer: nameSchema, dueDate: localDateSchema, note: textSchema.optional() });
export const complaintFieldsSchema = z.object({
  customer: nameSchema,
  severity: severitySchema,
  description: textSchema,
  category: complaintCategorySchema.optional(),
});
export const hospitalityFieldsSchema = z.object({
  customer: nameSchema,
  amountFen: z.bigint().positive(),
  date: localDateSchema,
  purpose: textSchema,
  /** Named hospitalityKind because `kind` is the command's discriminator. */
  hospitalityKind: hospitalityKindSchema.optional(),
  guests: z.number().int().positive().optional(),
  /** Own staff at the table (陪同 N人), so per-head counts everyone. */
  staff: z.number().int().min(0).optional(),
});
export const creditRequestFieldsSchema = z.object({ customer: nameSchema, amountFen: fenSchema, reason: textSchema });
export const creditReviewFieldsSchema = z.object({ customer: nameSchema, rating: z.string().min(1).max(10), summary: textSchema });
export const awayFieldsSchema = z.object({ from: localDateSchema, to: localDateSchema, delegate: userRefSchema.optional() });
export const adminRoleFieldsSchema = z.object({ user: userRefSchema, role: roleSchema });
/** supervisor null: the member reports to nobody. */
export const adminSupervisorFieldsSchema = z.object({ user: userRefSchema, supervisor: userRefSchema.nullable() });
export const adminChannelFieldsSchema = z.object({ purpose: channelPurposeSchema, channel: channelRefSchema });
export const langFieldsSchema = z.object({ locale: localeSchema });

// ---- commands --------------------------------------------------------------------------------

const kind = <K extends string>(k: K) => z.object({ kind: z.literal(k) });

export const helpCommandSchema = kind("help").extend({ topic: helpTopicIdSchema.optional() });
export const customerShowCommandSchema = kind("customer.show").extend({ name: nameSchema.optional() });
export const customerAddCommandSchema = kind("customer.add").extend(customerAddFieldsSchema.partial().shape);
export const customerAssignCommandSchema = kind("customer.assign").extend(customerAssignFieldsSchema.partial().shape);
export const customerTierCommandSchema = kind("customer.tier").extend(customerTierFieldsSchema.partial().shape);
/**
 * `visit <customer> [summary]`. A quoted customer arrives as `customer` (+ `summary`). Several
 * unquoted words arrive as `words`, because only the database knows where the name ends: the
 * caller resolves them with splitCustomerAndText() before anything else.
 */
export const visitCommandSchema = kind("visit.log").extend({
  ...visitFieldsSchema.partial().shape,
  words: z.array(z.string().min(1)).min(2).optional(),
  /** When the visit happened, if not now: a tenant-local day and time ('HH:mm'). */
  occurredOn: localDateSchema.optional(),
  occurredTime: z.string().regex(/^\d{2}:\d{2}$/).optional(),
});
export const planWindowSchema = z.enum(["week", "month", "7d", "30d"]);
export const planScopeSchema = z.enum(["me", "team"]);
/** `plan [week|month|7d|30d] [me|team] [region <name>]`: the contact plan (联络计划). */
export const planCommandSchema = kind("plan.show").extend({
  window: planWindowSchema.optional(),
  scope: planScopeSchema.optional(),
  region: nameSchema.optional(),
});
export const visitPlanFieldsSchema = z.object({ customer: nameSchema, date: localDateSchema, purpose: textSchema.optional() });
export const visitPlanCommandSchema = kind("visit.plan").extend(visitPlanFieldsSchema.partial().shape);
/** `calendar [month]`: the coming holidays and make-up days, or those of one month ('YYYY-MM'). */
export const calendarCommandSchema = kind("calendar.show").extend({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() });
export const adminCalendarCommandSchema = kind("admin.calendar").extend({
  date: localDateSchema.optional(),
  working: z.boolean().optional(),
  name: nameSchema.optional(),
});
/** `admin region [list] | add <name> | remove <name> | assign <@user> [region…]`. */
export const adminRegionCommandSchema = kind("admin.region").extend({
  action: z.enum(["list", "add", "remove", "assign"]),
  name: nameSchema.optional(),
  user: userRefSchema.optional(),
  names: z.array(nameSchema).optional(),
});
export const callbacksListCommandSchema = kind("callbacks.list");
export const callbackScheduleCommandSchema = kind("callback.schedule").extend(callbackFieldsSchema.partial().shape);
export const complaintRegisterCommandSchema = kind("complaint.register").extend(complaintFieldsSchema.partial().shape);
export const complaintsListCommandSchema = kind("complaints.list");
export const hospitalityRequestCommandSchema = kind("hospitality.request").extend(hospitalityFieldsSchema.partial().shape);
export const approvalsListCommandSchema = kind("approvals.list");
export const riskListCommandSchema = kind("risk.list");
export const digestPreviewCommandSchema = kind("digest.preview").extend({ digest: digestKindSchema.optional() });
/** Dates absent: the use case picks its default period. `to` absent: up to today. */
export const reportCommandSchema = kind("report.kpi").extend({
  from: localDateSchema.optional(),
  to: localDateSchema.optional(),
  scope: reportScopeSchema.optional(),
  /** `report … xlsx`: the workbook sent to the requester as a file. */
  file: z.literal(true).optional(),
});
export const adminRoleCommandSchema = kind("admin.role").extend(adminRoleFieldsSchema.partial().shape);
export const adminSupervisorCommandSchema = kind("admin.supervisor").extend(adminSupervisorFieldsSchema.partial().shape);
export const adminChannelCommandSchema = kind("admin.channel").extend(adminChannelFieldsSchema.partial().shape);
/**
 * No key: show every setting. A key without value: show that one. Key and value: change it
 * (the value is raw text; the settings use case validates it against TenantSettings).
 */
export const adminSettingsCommandSchema = kind("admin.settings").extend({
  key: z.string().min(1).optional(),
  value: z.string().min(1).optional(),
  /** For a setting that names a member (…ApproverId): the mentioned member. */
  member: userRefSchema.optional(),
});
export const creditShowCommandSchema = kind("credit.show").extend({ customer: nameSchema.optional() });
export const creditRequestCommandSchema = kind("credit.request").extend(creditRequestFieldsSchema.partial().shape);
export const creditReviewCommandSchema = kind("credit.review").extend(creditReviewFieldsSchema.partial().shape);
export const awayCommandSchema = kind("member.away").extend(awayFieldsSchema.partial().shape);
// ---- the customer book (grammar/book.ts) -----------------------------------------------------

export const customerStatusSchema = z.enum(["PROSPECT", "ACTIVE", "AT_RISK", "CHURNED", "LOST"]);
export const listScopeSchema = z.enum(["mine", "team", "all"]);
const filterTextSchema = z.string().trim().min(1).max(100);

export const customersListCommandSchema = kind("customers.list").extend({
  scope: listScopeSchema.optional(),
  tiers: z.array(tierSchema).min(1).max(4).optional(),
  region: filterTextSchema.optional(),
  industry: filterTextSchema.optional(),
  statuses: z.array(customerStatusSchema).min(1).max(5).optional(),
  risk: z.enum(["HIGH", "MEDIUM"]).optional(),
  owner: userRefSchema.optional(),
  overdue: z.literal(true).optional(),
});
export const customerFindCommandSchema = kind("customer.find").extend({ query: nameSchema.optional() });
export const customerEditCommandSchema = kind("customer.edit").extend({ name: nameSchema.optional() });
export const customerTierAutoCommandSchema = kind("customer.tier_auto").extend({ name: nameSchema });
export const customerHistoryCommandSchema = kind("customer.history").extend({ name: nameSchema.optional() });
export const handoverSelectorSchema = z.union([
  z.object({ all: z.literal(true) }),
  z.object({ tier: tierSchema }),
  z.object({ region: filterTextSchema }),
]);
export const customerHandoverCommandSchema = kind("customer.handover").extend({
  from: userRefSchema.optional(),
  to: userRefSchema.optional(),
  selector: handoverSelectorSchema.optional(),
  reason: textSchema.optional(),
});
export const contactsListCommandSchema = kind("contacts.list").extend({ customer: nameSchema.optional() });
export const contactAddCommandSchema = kind("contact.add").extend({
  customer: nameSchema.optional(),
  name: z.string().trim().min(1).max(100).optional(),
  title: z.string().trim().min(1).max(100).optional(),
  phone: z.string().trim().min(1).max(30).optional(),
  email: z.string().trim().min(1).max(200).optional(),
});
export const contactEditCommandSchema = kind("contact.edit").extend({ customer: nameSchema.optional(), contact: nameSchema.optional() });
export const contactRemoveCommandSchema = kind("contact.remove").extend({ customer: nameSchema.optional(), contact: nameSchema.optional() });
export const contactPrimaryCommandSchema = kind("contact.primary").extend({ customer: nameSchema.optional(), contact: nameSchema.optional() });
export const complaintShowCommandSchema = kind("complaint.show").extend({ number: z.number().int().positive() });
export const complaintsClosedCommandSchema = kind("complaints.closed").extend({ from: localDateSchema.optional(), to: localDateSchema.optional() });
export const hospitalityShowCommandSchema = kind("hospitality.show").extend({ number: z.number().int().positive() });
export const adminDeactivateCommandSchema = kind("admin.deactivate").extend({ user: userRefSchema.optional(), successor: userRefSchema.optional() });

export const surveyListCommandSchema = kind("survey.list");
export const surveyStartCommandSchema = kind("survey.start").extend({
  name: nameSchema,
  tiers: z.array(tierSchema),
  regions: z.array(nameSchema),
  dimensions: z.array(nameSchema),
});
export const surveyResultsCommandSchema = kind("survey.results").extend({ name: nameSchema });
/** No locale: offer the choice. */
export const langCommandSchema = kind("member.lang").extend(langFieldsSchema.partial().shape);

export const commandSchema = z.discriminatedUnion("kind", [
  helpCommandSchema,
  customerShowCommandSchema,
  customerAddCommandSchema,
  customerAssignCommandSchema,
  customerTierCommandSchema,
  visitCommandSchema,
  callbacksListCommandSchema,
  callbackScheduleCommandSchema,
  complaintRegisterCommandSchema,
  complaintsListCommandSchema,
  hospitalityRequestCommandSchema,
  approvalsListCommandSchema,
  riskListCommandSchema,
  digestPreviewCommandSchema,
  reportCommandSchema,
  adminRoleCommandSchema,
  adminSupervisorCommandSchema,
  adminChannelCommandSchema,
  adminSettingsCommandSchema,
  langCommandSchema,
  creditShowCommandSchema,
  creditRequestCommandSchema,
  creditReviewCommandSchema,
  awayCommandSchema,
  customersListCommandSchema,
  customerFindCommandSchema,
  customerEditCommandSchema,
  customerTierAutoCommandSchema,
  customerHistoryCommandSchema,
  customerHandoverCommandSchema,
  contactsListCommandSchema,
  contactAddCommandSchema,
  contactEditCommandSchema,
  contactRemoveCommandSchema,
  contactPrimaryCommandSchema,
  complaintShowCommandSchema,
  complaintsClosedCommandSchema,
  hospitalityShowCommandSchema,
  adminDeactivateCommandSchema,
  planCommandSchema,
  visitPlanCommandSchema,
  calendarCommandSchema,
  adminCalendarCommandSchema,
  adminRegionCommandSchema,
  surveyListCommandSchema,
  surveyStartCommandSchema,
  surveyResultsCommandSchema,
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandKind = Command["kind"];
export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;

/** The complete field set a form must produce for each command that can open one. */
export const formFieldsSchemas = {
  "customer.add": customerAddFieldsSchema,
  "customer.assign": customerAssignFieldsSchema,
  "customer.tier": customerTierFieldsSchema,
  "visit.log": visitFieldsSchema,
  "callback.schedule": callbackFieldsSchema,
  "complaint.register": complaintFieldsSchema,
  "hospitality.request": hospitalityFieldsSchema,
  "admin.role": adminRoleFieldsSchema,
  "admin.supervisor": adminSupervisorFieldsSchema,
  "admin.channel": adminChannelFieldsSchema,
  "member.lang": langFieldsSchema,
  "visit.plan": visitPlanFieldsSchema,
} as const satisfies Partial<Record<CommandKind, z.ZodObject>>;

export type FormCommandKind = keyof typeof formFieldsSchemas;

/**
 * The required fields a command leaves out, in the order a form should ask for them; empty
 * when the use case can run. A visit still carrying unsplit `words` counts its customer as
 * given: split it first (splitCustomerAndText), then ask again.
 */
export function missingFields(command: Command): string[] {
  if (command.kind === "customer.show") return command.name === undefined ? ["name"] : [];
  const schema = (formFieldsSchemas as Partial<Record<CommandKind, z.ZodObject>>)[command.kind];
  if (!schema) return [];
  const values = command as Record<string, unknown>;
  return Object.entries(schema.shape)
    .filter(([key, field]) => values[key] === undefined && !(field as z.ZodType).safeParse(undefined).success)
    .filter(([key]) => !(command.kind === "visit.log" && key === "customer" && command.words))
    .filter(([key]) => !(command.kind === "visit.log" && key === "summary" && command.words))
    .map(([key]) => key);
}
