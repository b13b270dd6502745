import type { ConversationArea } from "../area.js";
import { adminArea } from "./admin.js";
import { customersArea } from "./customers.js";
import { helpArea } from "./help.js";

export const allAreas: readonly ConversationArea[] = [helpArea, customersArea, adminArea];
