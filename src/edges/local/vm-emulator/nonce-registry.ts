/**
 * Nonces seen within the time window; the gateway rejects a nonce that repeats within "a
 * certain period" (docs §1.11). Entries older than the window are dropped, since a request that
 * old fails the date check anyway.
 */
export class NonceRegistry {
  readonly #seenAt = new Map<string, number>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records the nonce; false when it was already seen inside the window. */
  claim(nonce: string, nowMs: number): boolean {
    this.#forgetOlderThan(nowMs - this.#windowMs);
    if (this.#seenAt.has(nonce)) return false;
    this.#seenAt.set(nonce, nowMs);
    return true;
  }

  get size(): number {
    return this.#seenAt.size;
  }

  // Map iteration is insertion order, so the oldest entries come first.
  #forgetOlderThan(cutoffMs: number): void {
    for (const [nonce, seenAt] of this.#seenAt) {
      if (seenAt >= cutoffMs) break;
      this.#seenAt.delete(nonce);
    }
  }
}
