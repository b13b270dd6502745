import { describe, expect, it } from "vitest";
import { runLimited } from "./concurrency.js";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runLimited", () => {
  it("keeps the tasks' order in the results and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const task = (value: string, ms: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await delay(ms);
      running--;
      return value;
    };
    const results = await runLimited(2, [task("a", 30), task("b", 5), task("c", 5), task("d", 1)] as const);
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(peak).toBe(2);
  });

  it("rejects with the first failure", async () => {
    await expect(
      runLimited(3, [async () => 1, async () => Promise.reject(new Error("boom")), async () => 3] as const),
    ).rejects.toThrow("boom");
  });

  it("runs everything when there are fewer tasks than the limit", async () => {
    expect(await runLimited(8, [async () => 1] as const)).toEqual([1]);
  });
});
