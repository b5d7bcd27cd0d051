/** Thrown by `ConcurrencyLimit.run` when the queue is full or the limit is closed. */
export class ConcurrencyLimitRefused extends Error {
  override name = 'ConcurrencyLimitRefused';
  readonly reason: 'queue-full' | 'closed';

  constructor(reason: 'queue-full' | 'closed') {
    super(reason === 'queue-full' ? 'Too many notifications waiting; try again shortly.' : 'The endpoint is shutting down; try again shortly.');
    this.reason = reason;
  }
}

interface Waiter {
  start(): void;
  refuse(error: ConcurrencyLimitRefused): void;
}

/**
 * Runs at most `maxActive` tasks at once and lets at most `maxQueued` wait; beyond that a
 * task is refused at once, so a burst of notifications turns into 503s (which senders retry)
 * instead of unbounded memory.
 */
export class ConcurrencyLimit {
  readonly maxActive: number;
  readonly maxQueued: number;
  #active = 0;
  #closed = false;
  readonly #queue: Waiter[] = [];
  readonly #idleWaiters: Array<() => void> = [];

  constructor(maxActive: number, maxQueued: number) {
    this.maxActive = maxActive;
    this.maxQueued = maxQueued;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new ConcurrencyLimitRefused('closed');
    if (this.#active >= this.maxActive) {
      if (this.#queue.length >= this.maxQueued) throw new ConcurrencyLimitRefused('queue-full');
      await new Promise<void>((resolve, reject) => this.#queue.push({ start: resolve, refuse: reject }));
    } else {
      this.#active += 1;
    }
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Refuses every waiting task and any new one; running tasks carry on. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) waiter.refuse(new ConcurrencyLimitRefused('closed'));
    if (this.#active === 0) this.#notifyIdle();
  }

  /** Resolves once no task is running (at once when none is). */
  async idle(): Promise<void> {
    if (this.#active === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next !== undefined) {
      // The slot passes straight to the next waiter, so #active stays the same.
      next.start();
      return;
    }
    this.#active -= 1;
    if (this.#active === 0) this.#notifyIdle();
  }

  #notifyIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
