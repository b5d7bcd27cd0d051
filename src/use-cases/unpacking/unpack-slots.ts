/**
 * At most two unpacks at once per process: each holds up to three multipart parts (52 MiB each
 * under the default 500 GiB limit) and its decoder's window (xz up to 64 MiB), while the function
 * has 1 GiB and `serve` or a backfill may be handed many packed uploads at once. The others wait
 * their turn; the ones that wait in the function still face its deadline.
 *
 * xz-decompress decodes one stream at a time per process (a static mutex in XzReadableStream,
 * held from a stream's start to its end), so a second xz unpack in the other slot would only sit
 * there: xz unpacks also wait for the one xz turn before they take a slot, leaving the other slot
 * to any other codec.
 */
class Turns {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async take(): Promise<void> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next in line, or frees it. */
  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.running--;
  }
}

const slots = new Turns(2);
const xzTurn = new Turns(1);

/** Runs `work` in an unpack slot; `codec` is the packed upload's compressor (xz takes its own turn too). */
export async function withUnpackSlot<T>(work: () => Promise<T>, codec?: string): Promise<T> {
  const exclusive = codec === 'xz' ? xzTurn : undefined;
  await exclusive?.take();
  try {
    await slots.take();
    try {
      return await work();
    } finally {
      slots.give();
    }
  } finally {
    exclusive?.give();
  }
}
