// XXH64 (seed 0), streaming: a zstd frame's content checksum is its low 32 bits (RFC 8878
// §3.1.1, Content_Checksum). fzstd, our zstd decoder on Node majors without zlib's, skips that
// checksum; this checks it. 64-bit arithmetic on pairs of 32-bit halves: BigInt allocates on
// every operation and would be slower than the decoder it checks.

const prime1 = [0x9e3779b1, 0x85ebca87] as const;
const prime2 = [0xc2b2ae3d, 0x27d4eb4f] as const;
const prime3 = [0x165667b1, 0x9e3779f9] as const;
const prime4 = [0x85ebca77, 0xc2b2ae63] as const;
const prime5 = [0x27d4eb2f, 0x165667c5] as const;

/** The result of the last operation, high and low halves (no allocation per step). */
let hi = 0;
let lo = 0;

/** (ah:al) × (bh:bl) mod 2^64 into hi:lo. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  lo = (((middle & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 into hi:lo. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const sum = al + bl;
  lo = sum >>> 0;
  hi = (ah + bh + (sum > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotates hi:lo left by `bits` (1–31). */
function rotl(bits: number): void {
  const h = hi;
  hi = ((h << bits) | (lo >>> (32 - bits))) >>> 0;
  lo = ((lo << bits) | (h >>> (32 - bits))) >>> 0;
}

/** acc = rotl(acc + input × prime2, 31) × prime1, into hi:lo. */
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, prime2[0], prime2[1]);
  add(acch, accl, hi, lo);
  rotl(31);
  mul(hi, lo, prime1[0], prime1[1]);
}

function readLow(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

export class Xxh64 {
  /** The four lanes, high and low halves interleaved. */
  private readonly lanes = new Uint32Array(8);
  private readonly pending = new Uint8Array(32);
  private pendingLength = 0;
  private total = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    add(prime1[0], prime1[1], prime2[0], prime2[1]);
    this.lanes.set([hi, lo, prime2[0], prime2[1], 0, 0, (0x100000000 - prime1[0] - 1) >>> 0, (0x100000000 - prime1[1]) >>> 0]);
    this.pendingLength = 0;
    this.total = 0;
  }

  update(bytes: Uint8Array): void {
    this.total += bytes.length;
    let at = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(32 - this.pendingLength, bytes.length);
      this.pending.set(bytes.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      at = take;
      if (this.pendingLength < 32) return;
      this.stripe(this.pending, 0);
      this.pendingLength = 0;
    }
    for (; at + 32 <= bytes.length; at += 32) this.stripe(bytes, at);
    this.pending.set(bytes.subarray(at), 0);
    this.pendingLength = bytes.length - at;
  }

  /** One 32-byte stripe into the four lanes: round() inlined, the hot loop of the checksum. */
  private stripe(bytes: Uint8Array, at: number): void {
    const lanes = this.lanes;
    for (let lane = 0; lane < 8; lane += 2, at += 8) {
      // input × prime2
      const il = ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>> 0;
      const ih = ((bytes[at + 4] as number) | ((bytes[at + 5] as number) << 8) | ((bytes[at + 6] as number) << 16) | ((bytes[at + 7] as number) << 24)) >>> 0;
      let a0 = il & 0xffff;
      let a1 = il >>> 16;
      let p00 = a0 * 0xeb4f;
      let p01 = a0 * 0x27d4;
      let p10 = a1 * 0xeb4f;
      let middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      let pl = (((middle & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
      let ph = (a1 * 0x27d4 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16) + Math.imul(ih, 0x27d4eb4f) + Math.imul(il, 0xc2b2ae3d)) >>> 0;
      // + acc
      const sum = (lanes[lane + 1] as number) + pl;
      pl = sum >>> 0;
      ph = ((lanes[lane] as number) + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      // rotl 31
      const rh = ((ph << 31) | (pl >>> 1)) >>> 0;
      const rl = ((pl << 31) | (ph >>> 1)) >>> 0;
      // × prime1
      a0 = rl & 0xffff;
      a1 = rl >>> 16;
      p00 = a0 * 0xca87;
      p01 = a0 * 0x85eb;
      p10 = a1 * 0xca87;
      middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      lanes[lane + 1] = ((middle & 0xffff) << 16) | (p00 & 0xffff);
      lanes[lane] = a1 * 0x85eb + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16) + Math.imul(rh, 0x85ebca87) + Math.imul(rl, 0x9e3779b1);
    }
  }

  /** The low 32 bits of the digest of everything so far (what a zstd frame stores). */
  digestLow32(): number {
    const lanes = this.lanes;
    let h: number;
    let l: number;
    if (this.total >= 32) {
      const rotations = [1, 7, 12, 18];
      h = 0;
      l = 0;
      for (let lane = 0; lane < 4; lane++) {
        hi = lanes[lane * 2] ?? 0;
        lo = lanes[lane * 2 + 1] ?? 0;
        rotl(rotations[lane] ?? 1);
        add(h, l, hi, lo);
        [h, l] = [hi, lo];
      }
      for (let lane = 0; lane < 4; lane++) {
        round(0, 0, lanes[lane * 2] ?? 0, lanes[lane * 2 + 1] ?? 0);
        mul((h ^ hi) >>> 0, (l ^ lo) >>> 0, prime1[0], prime1[1]);
        add(hi, lo, prime4[0], prime4[1]);
        [h, l] = [hi, lo];
      }
    } else {
      [h, l] = [prime5[0], prime5[1]];
    }
    add(h, l, Math.floor(this.total / 0x100000000), this.total >>> 0);
    [h, l] = [hi, lo];
    const rest = this.pending;
    let at = 0;
    for (; at + 8 <= this.pendingLength; at += 8) {
      round(0, 0, readLow(rest, at + 4), readLow(rest, at));
      [hi, lo] = [(h ^ hi) >>> 0, (l ^ lo) >>> 0];
      rotl(27);
      mul(hi, lo, prime1[0], prime1[1]);
      add(hi, lo, prime4[0], prime4[1]);
      [h, l] = [hi, lo];
    }
    if (at + 4 <= this.pendingLength) {
      mul(0, readLow(rest, at), prime1[0], prime1[1]);
      [hi, lo] = [(h ^ hi) >>> 0, (l ^ lo) >>> 0];
      rotl(23);
      mul(hi, lo, prime2[0], prime2[1]);
      add(hi, lo, prime3[0], prime3[1]);
      [h, l] = [hi, lo];
      at += 4;
    }
    for (; at < this.pendingLength; at++) {
      mul(0, rest[at] ?? 0, prime5[0], prime5[1]);
      [hi, lo] = [(h ^ hi) >>> 0, (l ^ lo) >>> 0];
      rotl(11);
      mul(hi, lo, prime1[0], prime1[1]);
      [h, l] = [hi, lo];
    }
    // Avalanche: h ^= h >> 33; h *= prime2; h ^= h >> 29; h *= prime3; h ^= h >> 32.
    l = (l ^ (h >>> 1)) >>> 0;
    mul(h, l, prime2[0], prime2[1]);
    [h, l] = [hi, lo];
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0;
    h = (h ^ (h >>> 29)) >>> 0;
    mul(h, l, prime3[0], prime3[1]);
    return (lo ^ hi) >>> 0;
  }
}
