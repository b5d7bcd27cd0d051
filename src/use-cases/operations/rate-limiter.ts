import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces calls to at most `perSecond`, and slows down when the API says 429: each slowdown
 * halves the rate (down to a floor), and it creeps back up after calm periods.
 */
export class RateLimiter {
  private nextSlot = 0;
  private rate: number;
  private readonly maxRate: number;

  constructor(perSecond: number, private readonly clock: () => number = Date.now) {
    this.rate = perSecond;
    this.maxRate = perSecond;
  }

  get currentRate(): number {
    return this.rate;
  }

  /**
   * Waits until the next call may start. Not cut short by Ctrl-C: an object already under way
   * finishes at the agreed rate; the backfill simply starts no new ones.
   */
  async acquire(): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await sleep(slot - now);
    // Each call made without throttling earns back a little of the rate.
    this.rate = Math.min(this.maxRate, this.rate * 1.02);
  }

  /** The API throttled us: halve the rate (at least one call every 10 s). */
  slowDown(): void {
    this.rate = Math.max(0.1, this.rate / 2);
  }
}
