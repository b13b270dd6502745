// Who may approve lives in the approval engine; hospitality keeps its import path.
export { loadApproverPool, nearestActiveSupervisor } from "../approvals/pool.js";
