// The insights area: `risk` / 预警 (areas/risk.ts), `digest` / 日报 and the morning digest
// notifications (areas/digests.ts), `report` / 报表 (areas/report.ts), registered as one area.
import type { ConversationArea } from "../area.js";
import { digestsArea } from "./digests.js";
import { reportArea } from "./report.js";
import { riskArea } from "./risk.js";

export const insightsArea: ConversationArea = {
  commands: { ...riskArea.commands, ...digestsArea.commands, ...reportArea.commands },
  intents: { ...digestsArea.intents },
};
