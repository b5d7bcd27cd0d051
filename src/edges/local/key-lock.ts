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

  /** Resolves with a release function once the lock is held. */
  async acquire(key: string, mode: 'read' | 'write'): Promise<() => void> {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { readers: 0, writer: false, waiters: [] };
      this.states.set(key, state);
    }
    const held = state;
    while (held.writer || (mode === 'write' && held.readers > 0)) {
      await new Promise<void>((resolve) => held.waiters.push(resolve));
    }
    if (mode === 'read') held.readers++;
    else held.writer = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (mode === 'read') held.readers--;
      else held.writer = false;
      // Everyone waiting re-checks; whoever can enter does.
      for (const wake of held.waiters.splice(0)) wake();
      if (held.readers === 0 && !held.writer && held.waiters.length === 0) this.states.delete(key);
    };
  }
}
