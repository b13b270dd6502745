import type { ConversationArea } from "../area.js";
import { adminArea } from "./admin.js";
import { callbacksArea } from "./callbacks.js";
import { complaintsArea } from "./complaints.js";
import { approvalsArea } from "./approvals.js";
import { creditArea } from "./credit.js";
import { customersArea } from "./customers.js";
import { helpArea } from "./help.js";
import { hospitalityArea } from "./hospitality/index.js";
import { insightsArea } from "./insights.js";
import { planArea } from "./plan.js";
import { surveysArea } from "./surveys.js";
import { visitsArea } from "./visits.js";
import { customerBookArea } from "./book/index.js";

export const allAreas: readonly ConversationArea[] = [helpArea, customersArea, adminArea, hospitalityArea, visitsArea, callbacksArea, complaintsArea, insightsArea, creditArea, customerBookArea, planArea, surveysArea, approvalsArea];
