import { describe, expect, it } from "vitest";
import { climb, ladderBook, ladderOf, MAX_CHAIN_DEPTH, rungAboveIn, type LadderMember } from "./ladder.js";

const member = (id: string, supervisorId: string | null, extra: Partial<LadderMember> = {}): LadderMember => ({
  id,
  supervisorId,
  active: true,
  manager: false,
  ...extra,
});

// Oldest first: m2 joined before m1, so m2 is the first manager to fall back on.
const department = ladderBook([
  member("m2", null, { manager: true }),
  member("m1", null, { manager: true }),
  member("senior", "m1"),
  member("lead", "senior"),
  member("rep", "lead"),
  member("orphanLead", null),
  member("orphanRep", "orphanLead"),
]);

describe("ladderOf", () => {
  it("lists the supervisors nearest first and the managers oldest first", () => {
    expect(ladderOf(department, "rep")).toEqual({
      chain: [
        { id: "lead", active: true },
        { id: "senior", active: true },
        { id: "m1", active: true },
      ],
      managers: [
        { id: "m2", active: true },
        { id: "m1", active: true },
      ],
    });
  });

  it("gives a member unknown to the book no chain, only the managers", () => {
    expect(ladderOf(department, "stranger").chain).toEqual([]);
    expect(ladderOf(department, "stranger").managers.map((m) => m.id)).toEqual(["m2", "m1"]);
  });

  it("stops at a supervisor outside the book (another tenant's member is never loaded)", () => {
    const book = ladderBook([member("rep", "lead"), member("lead", "elsewhere")]);
    expect(ladderOf(book, "rep").chain.map((m) => m.id)).toEqual(["lead"]);
  });

  it(`follows a cycle in the data at most ${MAX_CHAIN_DEPTH} rungs instead of looping forever`, () => {
    const book = ladderBook([member("a", "b"), member("b", "a")]);
    const chain = ladderOf(book, "a").chain;
    expect(chain).toHaveLength(MAX_CHAIN_DEPTH);
    expect(chain.slice(0, 3).map((m) => m.id)).toEqual(["b", "a", "b"]);
  });
});

describe("rungAboveIn and climb", () => {
  it("skips inactive supervisors, and falls back to the oldest other active manager when the chain runs out", () => {
    const book = ladderBook([
      member("m2", null, { manager: true, active: false }),
      member("m1", null, { manager: true }),
      member("lead", null, { active: false }),
      member("rep", "lead"),
    ]);
    expect(rungAboveIn(book, "rep")).toBe("m1");
    expect(rungAboveIn(book, "m1")).toBe("m1");
    expect(rungAboveIn(department, "orphanLead")).toBe("m2");
    expect(rungAboveIn(department, "m2")).toBe("m1");
  });

  it("hands level 1 to the supervisor and level 2 to theirs, saying who had it before each step", () => {
    const steps = climb(department, "rep", [
      { trigger: "ack", fromLevel: 0, toLevel: 1, escalates: true },
      { trigger: "resolve", fromLevel: 1, toLevel: 2, escalates: true },
    ]);
    expect(steps).toEqual([
      { trigger: "ack", fromLevel: 0, toLevel: 1, escalates: true, previousAssigneeId: "rep", assigneeId: "lead" },
      { trigger: "resolve", fromLevel: 1, toLevel: 2, escalates: true, previousAssigneeId: "lead", assigneeId: "senior" },
    ]);
  });

  it("hands level 2 to a manager when the supervisor has no supervisor, and keeps the holder on a top-level breach", () => {
    const steps = climb(department, "orphanRep", [
      { trigger: "ack", fromLevel: 0, toLevel: 1, escalates: true },
      { trigger: "resolve", fromLevel: 1, toLevel: 2, escalates: true },
    ]);
    expect(steps.map((s) => s.assigneeId)).toEqual(["orphanLead", "m2"]);
    expect(climb(department, "m2", [{ trigger: "resolve", fromLevel: 2, toLevel: 2, escalates: false }])).toEqual([
      { trigger: "resolve", fromLevel: 2, toLevel: 2, escalates: false, previousAssigneeId: "m2", assigneeId: "m2" },
    ]);
  });
});
