// The demo's clock: the real one, moved back to a day in the past while history is written.
import type { Clock } from "../core/shared/clock.js";

export const DAY = 24 * 60 * 60 * 1000;

export class ShiftedClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }
  /** `daysAgo` days before now at `hour` o'clock Shanghai time (never in the future). */
  at(daysAgo: number, hour = 10): void {
    const now = this.base.now();
    const target = new Date(now.getTime() - daysAgo * DAY);
    target.setUTCHours(hour - 8, 0, 0, 0);
    this.offset = Math.min(0, target.getTime() - now.getTime());
  }
  reset(): void {
    this.offset = 0;
  }
}
