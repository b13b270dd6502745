// Overspend is stated as the actual percentage over the approved amount.
import { describe, expect, it } from "vitest";
import { overspendPercentText } from "./hospitality/index.js";

describe("overspendPercentText", () => {
  it("states the actual percentage over, to a tenth, rounded half up", () => {
    expect(overspendPercentText(670_000n, 600_000n)).toBe("11.7");
    expect(overspendPercentText(110_001n, 100_000n)).toBe("10.0");
    expect(overspendPercentText(100_050n, 100_000n)).toBe("0.1");
    expect(overspendPercentText(300_000n, 100_000n)).toBe("200.0");
    expect(overspendPercentText(1n, 0n)).toBe("—");
  });
});
