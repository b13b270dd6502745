// Reminders belong to the approval engine (every kind of request); hospitality keeps its import path.
export { sweepApprovalReminders, type ReminderSweepResult } from "../approvals/reminders.js";
