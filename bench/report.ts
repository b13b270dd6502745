// The step table bench/core.ts and bench/digest.ts print: one row per timed step, its target
// (seconds) when it has one, and whether the step met it.

export interface Row {
  step: string;
  seconds: number;
  target: number | null;
  note: string;
}

/** A one-line title and the rows as an aligned text table, ready to join with newlines. */
export function stepTable(title: string, rows: readonly Row[]): string[] {
  const width = Math.max(...rows.map((r) => r.step.length));
  return [
    title,
    "",
    `${"step".padEnd(width)} | seconds | target | ok | note`,
    `${"-".repeat(width)}-|---------|--------|----|-----`,
    ...rows.map(
      (r) =>
        `${r.step.padEnd(width)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.target === null ? "      " : `≤ ${r.target} s`.padStart(6)} | ${
          r.target === null ? "  " : r.seconds <= r.target ? "✓ " : "✗ "
        } | ${r.note}`,
    ),
  ];
}

/** The headline of both benchmarks: the department they seed. */
export function scaleLine(name: string, scale: { members: number; customers: number; visits: number; callbacks: number; complaints: number; purchaseOrders: number }): string {
  return `Accord ${name} benchmark — ${scale.members} members, ${scale.customers} customers, ${scale.visits} visits, ${scale.callbacks} callbacks, ${scale.complaints} complaints, ${scale.purchaseOrders} orders`;
}
