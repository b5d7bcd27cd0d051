interface KeyState {
  readers: number;
  writer: boolean;
  waiters: Array<() => void>;
}

/**
 * A readers-writer lock per key. s3rver overwrites object files in place, so a read that
 * overlaps a write of the same key sees a torn file (S3 itself is atomic per object). Reads
 * share the lock; a write holds it alone. Not fair, which is fine for a local test server.
 */
export class KeyLock {
  private readonly states = new Map<string, KeyState>();

  /** The key's state as it is now: a woken waiter looks again, since an idle state is dropped. */
  private stateOf(key: string): KeyState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { readers: 0, writer: false, waiters: [] };
      this.states.set(key, state);
    }
    return state;
  }

  /** Resolves with a release function once the lock is held. */
  async acquire(key: string, mode: 'read' | 'write'): Promise<() => void> {
    let held = this.stateOf(key);
    while (held.writer || (mode === 'write' && held.readers > 0)) {
      const waiting = held;
      await new Promise<void>((resolve) => waiting.waiters.push(resolve));
      // The state may have been dropped meanwhile (idle, no waiters left) and a new one made by
      // another caller: entering the old one would let a write and a read overlap.
      held = this.stateOf(key);
    }
    if (mode === 'read') held.readers++;
    else held.writer = true;
    const state = held;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (mode === 'read') state.readers--;
      else state.writer = false;
      // Everyone waiting re-checks; whoever can enter does.
      for (const wake of state.waiters.splice(0)) wake();
      if (state.readers === 0 && !state.writer && state.waiters.length === 0 && this.states.get(key) === state) this.states.delete(key);
    };
  }
}
