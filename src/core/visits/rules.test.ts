import { describe, expect, it } from "vitest";
import {
  callbacksClosedByVisit,
  checkOccurredAt,
  FUTURE_TOLERANCE_MS,
  laterContact,
  VISIT_SATISFIES_WINDOW_DAYS,
  visitClosesReason,
  visitIdFromOutcome,
  visitOutcome,
  visitSatisfiesCallback,
} from "./rules.js";

describe("visit rules", () => {
  it("a visit satisfies callbacks overdue or due within the window after the visit day, not later", () => {
    expect(VISIT_SATISFIES_WINDOW_DAYS).toBe(7);
    expect(visitSatisfiesCallback("2026-11-23", "2026-01-01")).toBe(true);
    expect(visitSatisfiesCallback("2026-11-23", "2026-11-23")).toBe(true);
    expect(visitSatisfiesCallback("2026-11-23", "2026-11-30")).toBe(true);
    expect(visitSatisfiesCallback("2026-11-23", "2026-12-01")).toBe(false);
    expect(visitSatisfiesCallback("2026-12-28", "2027-01-04")).toBe(true);
    expect(visitSatisfiesCallback("2026-12-28", "2027-01-05")).toBe(false);
    expect(visitSatisfiesCallback("2026-11-23", "2026-11-25", 0)).toBe(false);
  });

  it("does not close AFTER_COMPLAINT callbacks, which wait for a satisfaction score", () => {
    expect(visitClosesReason("AFTER_COMPLAINT")).toBe(false);
    expect(visitClosesReason("CADENCE")).toBe(true);
    expect(visitClosesReason("AFTER_VISIT")).toBe(true);
    expect(visitClosesReason("MANUAL")).toBe(true);
    const open = [
      { id: "a", reason: "CADENCE" as const, dueOn: "2026-11-20" },
      { id: "b", reason: "AFTER_COMPLAINT" as const, dueOn: "2026-11-20" },
      { id: "c", reason: "MANUAL" as const, dueOn: "2026-11-30" },
      { id: "d", reason: "MANUAL" as const, dueOn: "2027-02-23" },
    ];
    expect(callbacksClosedByVisit("2026-11-23", open).map((c) => c.id)).toEqual(["a", "c"]);
  });

  it("accepts a visit up to the clock-skew tolerance in the future and refuses beyond it", () => {
    const now = new Date("2026-11-23T01:00:00Z");
    expect(() => checkOccurredAt(new Date(now.getTime() + FUTURE_TOLERANCE_MS), now)).not.toThrow();
    expect(() => checkOccurredAt(new Date("2020-01-01T00:00:00Z"), now)).not.toThrow();
    expect(() => checkOccurredAt(new Date(now.getTime() + FUTURE_TOLERANCE_MS + 1), now)).toThrow(
      expect.objectContaining({ code: "visit.occurred_in_future" }),
    );
  });

  it("keeps the later contact so a back-dated visit never moves last contact back", () => {
    const older = new Date("2026-11-01T00:00:00Z");
    const newer = new Date("2026-11-20T00:00:00Z");
    expect(laterContact(null, older)).toBe(older);
    expect(laterContact(newer, older)).toBe(newer);
    expect(laterContact(older, newer)).toBe(newer);
  });

  it("references the closing visit in the callback outcome and reads it back", () => {
    const id = "0b6c1b1e-5d8e-4c35-9a43-6f1d2f0e9a11";
    expect(visitIdFromOutcome(visitOutcome(id))).toBe(id);
    expect(visitIdFromOutcome("called, all fine")).toBeNull();
    expect(visitIdFromOutcome(null)).toBeNull();
  });
});
