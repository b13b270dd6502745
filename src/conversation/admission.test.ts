import { describe, expect, it } from "vitest";
import { BusyError, createAdmission } from "./admission.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("admission", () => {
  it("works on at most maxInFlight requests at once and starts the others in arrival order", async () => {
    const admission = createAdmission({ maxInFlight: 2, maxWaitMs: 10_000, maxQueued: 10 });
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const runs = gates.map((g, i) =>
      admission.run(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(admission.load()).toEqual({ inFlight: 2, queued: 2 });
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(admission.load()).toEqual({ inFlight: 0, queued: 0 });
  });

  it("answers 'busy' to a request that waited maxWaitMs, and never runs it", async () => {
    const admission = createAdmission({ maxInFlight: 1, maxWaitMs: 50, maxQueued: 10 });
    const hold = gate();
    const first = admission.run(() => hold.opened.then(() => "first"));
    let ranLate = false;
    const waited = admission.run(async () => {
      ranLate = true;
      return "late";
    });
    await expect(waited).rejects.toBeInstanceOf(BusyError);
    await expect(waited).rejects.toMatchObject({ code: "system.busy" });
    expect(admission.load()).toEqual({ inFlight: 1, queued: 0 });
    hold.open();
    expect(await first).toBe("first");
    await tick();
    expect(ranLate).toBe(false);
    // The slot is free again: the next request runs at once.
    expect(await admission.run(async () => "next")).toBe("next");
  });

  it("answers 'busy' at once when the queue is full", async () => {
    const admission = createAdmission({ maxInFlight: 1, maxWaitMs: 10_000, maxQueued: 1 });
    const hold = gate();
    const first = admission.run(() => hold.opened);
    const queued = admission.run(async () => "queued");
    const started = Date.now();
    await expect(admission.run(async () => "overflow")).rejects.toBeInstanceOf(BusyError);
    expect(Date.now() - started).toBeLessThan(1_000);
    hold.open();
    await first;
    expect(await queued).toBe("queued");
  });

  it("frees the slot of work that fails, synchronously or not", async () => {
    const admission = createAdmission({ maxInFlight: 1, maxWaitMs: 1_000, maxQueued: 10 });
    await expect(admission.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(
      admission.run(() => {
        throw new Error("sync boom");
      }),
    ).rejects.toThrow("sync boom");
    expect(await admission.run(async () => 42)).toBe(42);
    expect(admission.load()).toEqual({ inFlight: 0, queued: 0 });
  });

  it("refuses limits that cannot work", () => {
    expect(() => createAdmission({ maxInFlight: 0, maxWaitMs: 1, maxQueued: 1 })).toThrow(/bad limits/);
  });
});
