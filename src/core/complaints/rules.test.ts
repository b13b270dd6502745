import type { ComplaintStatus } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { defaultTenantSettings, parseTenantSettings } from "../tenants/settings.js";
import {
  compareUrgency,
  dueEscalations,
  escalationSteps,
  nextAssignee,
  nextStatus,
  slaDeadlines,
  type SlaState,
} from "./rules.js";
import { parseComplaintInput, registerComplaintSchema, reopenComplaintSchema } from "./schemas.js";

const T0 = new Date("2026-11-23T01:00:00.000Z");
const H = 3_600_000;

describe("slaDeadlines", () => {
  it.each([
    ["CRITICAL", 1, 24],
    ["HIGH", 4, 72],
    ["MEDIUM", 24, 7 * 24],
    ["LOW", 48, 14 * 24],
  ] as const)("gives %s %i h to acknowledge and %i h to resolve by default", (severity, ackH, resolveH) => {
    const d = slaDeadlines(defaultTenantSettings.sla, severity, T0);
    expect(d.ackDueAt.getTime() - T0.getTime()).toBe(ackH * H);
    expect(d.resolveDueAt.getTime() - T0.getTime()).toBe(resolveH * H);
  });

  it("takes a tenant's own SLA minutes", () => {
    const settings = parseTenantSettings({ sla: { HIGH: { ackMinutes: 30, resolveMinutes: 600 } } });
    const d = slaDeadlines(settings.sla, "HIGH", T0);
    expect(d.ackDueAt.toISOString()).toBe("2026-11-23T01:30:00.000Z");
    expect(d.resolveDueAt.toISOString()).toBe("2026-11-23T11:00:00.000Z");
  });

  it("counts absolute hours across a daylight-saving change", () => {
    // 2026-03-08 is the US spring-forward day; an instant-based SLA ignores it.
    const from = new Date("2026-03-08T06:30:00.000Z");
    expect(slaDeadlines(defaultTenantSettings.sla, "CRITICAL", from).resolveDueAt.toISOString()).toBe("2026-03-09T06:30:00.000Z");
  });
});

describe("nextStatus", () => {
  it.each([
    ["OPEN", "acknowledge", "ACKNOWLEDGED"],
    ["ACKNOWLEDGED", "resolve", "RESOLVED"],
    ["RESOLVED", "close", "CLOSED"],
    ["RESOLVED", "reopen", "OPEN"],
    ["CLOSED", "reopen", "OPEN"],
  ] as const)("allows %s --%s--> %s", (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it.each([
    ["OPEN", "resolve", "RESOLVED"],
    ["OPEN", "close", "CLOSED"],
    ["ACKNOWLEDGED", "close", "CLOSED"],
    ["RESOLVED", "acknowledge", "ACKNOWLEDGED"],
    ["CLOSED", "resolve", "RESOLVED"],
    ["OPEN", "reopen", "OPEN"],
    ["ACKNOWLEDGED", "reopen", "OPEN"],
  ] as const)("refuses %s --%s--> with complaint.invalid_transition", (from, action, to) => {
    expect(() => nextStatus(from as ComplaintStatus, action)).toThrowError(
      expect.objectContaining({ code: "complaint.invalid_transition", params: { from, to } }),
    );
  });

  it.each([
    ["ACKNOWLEDGED", "acknowledge", "complaint.already_acknowledged"],
    ["RESOLVED", "resolve", "complaint.already_resolved"],
    ["CLOSED", "close", "complaint.already_closed"],
  ] as const)("answers a repeated %s/%s with %s", (from, action, code) => {
    expect(() => nextStatus(from, action, "Alice")).toThrowError(expect.objectContaining({ code, params: { by: "Alice" } }));
  });
});

describe("dueEscalations", () => {
  const open = (over: Partial<SlaState> = {}): SlaState => ({
    status: "OPEN",
    ackDueAt: new Date(T0.getTime() + H),
    resolveDueAt: new Date(T0.getTime() + 24 * H),
    ackBreachedAt: null,
    resolveBreachedAt: null,
    ...over,
  });

  it("owes nothing before and at the deadline, the ack escalation one millisecond after", () => {
    expect(dueEscalations(open(), new Date(T0.getTime() + H - 1000))).toEqual([]);
    expect(dueEscalations(open(), new Date(T0.getTime() + H))).toEqual([]);
    expect(dueEscalations(open(), new Date(T0.getTime() + H + 1))).toEqual(["ack"]);
  });

  it("owes both when both deadlines passed unseen, ack first", () => {
    expect(dueEscalations(open(), new Date(T0.getTime() + 25 * H))).toEqual(["ack", "resolve"]);
  });

  it("owes nothing for a breach already escalated", () => {
    expect(dueEscalations(open({ ackBreachedAt: T0 }), new Date(T0.getTime() + 2 * H))).toEqual([]);
  });

  it("stops the ack clock once acknowledged, and both clocks once resolved or closed", () => {
    expect(dueEscalations(open({ status: "ACKNOWLEDGED" }), new Date(T0.getTime() + 2 * H))).toEqual([]);
    expect(dueEscalations(open({ status: "ACKNOWLEDGED" }), new Date(T0.getTime() + 25 * H))).toEqual(["resolve"]);
    expect(dueEscalations(open({ status: "RESOLVED" }), new Date(T0.getTime() + 25 * H))).toEqual([]);
    expect(dueEscalations(open({ status: "CLOSED" }), new Date(T0.getTime() + 25 * H))).toEqual([]);
  });
});

describe("escalationSteps", () => {
  it("climbs one level per breach and stops at level 2", () => {
    expect(escalationSteps(0, ["ack"])).toEqual([{ breach: "ack", fromLevel: 0, toLevel: 1, escalates: true }]);
    expect(escalationSteps(1, ["ack", "resolve"])).toEqual([
      { breach: "ack", fromLevel: 1, toLevel: 2, escalates: true },
      { breach: "resolve", fromLevel: 2, toLevel: 2, escalates: false },
    ]);
    expect(escalationSteps(2, ["resolve"])).toEqual([{ breach: "resolve", fromLevel: 2, toLevel: 2, escalates: false }]);
  });
});

describe("nextAssignee", () => {
  it("takes the nearest active supervisor, skipping inactive ones", () => {
    expect(nextAssignee("a", [{ id: "s", active: true }, { id: "m", active: true }], [])).toBe("s");
    expect(nextAssignee("a", [{ id: "s", active: false }, { id: "m", active: true }], [])).toBe("m");
  });

  it("falls back to a manager other than the assignee, else keeps the assignee", () => {
    expect(nextAssignee("m1", [], [{ id: "m1", active: true }, { id: "m2", active: true }])).toBe("m2");
    expect(nextAssignee("s", [], [{ id: "m", active: false }])).toBe("s");
  });
});

describe("compareUrgency", () => {
  it("puts severity first, then the nearest pending deadline, then the newest", () => {
    const base = { status: "OPEN" as const, ackDueAt: T0, resolveDueAt: T0, createdAt: T0 };
    const low = { ...base, severity: "LOW" as const };
    const critical = { ...base, severity: "CRITICAL" as const, ackDueAt: new Date(T0.getTime() + 9 * H) };
    const highSoon = { ...base, severity: "HIGH" as const, ackDueAt: new Date(T0.getTime() + H) };
    const highLater = { ...base, severity: "HIGH" as const, ackDueAt: new Date(T0.getTime() + 2 * H) };
    const highLaterNewer = { ...highLater, createdAt: new Date(T0.getTime() + 1) };
    const sorted = [low, highLater, highLaterNewer, critical, highSoon].sort(compareUrgency);
    expect(sorted).toEqual([critical, highSoon, highLaterNewer, highLater, low]);
  });
});

describe("complaint input", () => {
  it("accepts lower-case severity and defaults the category to OTHER", () => {
    expect(parseComplaintInput(registerComplaintSchema, { customerId: "c", severity: "critical", description: " late " })).toEqual({
      customerId: "c",
      severity: "CRITICAL",
      category: "OTHER",
      description: "late",
    });
  });

  it("refuses a blank or missing description with complaint.description_required", () => {
    for (const description of [undefined, "", "   "]) {
      expect(() => parseComplaintInput(registerComplaintSchema, { customerId: "c", severity: "LOW", description })).toThrowError(
        expect.objectContaining({ code: "complaint.description_required" }),
      );
    }
  });

  it("accepts 2000 characters and refuses 2001 with complaint.description_too_long", () => {
    const ok = parseComplaintInput(registerComplaintSchema, { customerId: "c", severity: "LOW", description: "x".repeat(2000) });
    expect(ok.description).toHaveLength(2000);
    expect(() => parseComplaintInput(registerComplaintSchema, { customerId: "c", severity: "LOW", description: "x".repeat(2001) })).toThrowError(
      expect.objectContaining({ code: "complaint.description_too_long", params: { max: 2000 } }),
    );
  });

  it("refuses an unknown severity with complaint.invalid_severity and a missing reason with complaint.reason_required", () => {
    expect(() => parseComplaintInput(registerComplaintSchema, { customerId: "c", severity: "urgent", description: "d" })).toThrowError(
      expect.objectContaining({ code: "complaint.invalid_severity" }),
    );
    expect(() => parseComplaintInput(reopenComplaintSchema, { complaintId: "x" })).toThrowError(
      expect.objectContaining({ code: "complaint.reason_required" }),
    );
  });
});
