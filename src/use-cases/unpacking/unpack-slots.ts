/**
 * At most two unpacks at once per process: each holds up to three multipart parts (52 MiB each
 * under the default 500 GiB limit) and its decoder's window (xz up to 64 MiB), while the function
 * has 1 GiB and `serve` or a backfill may be handed many packed uploads at once. The others wait
 * their turn; the ones that wait in the function still face its deadline.
 */
const maxUnpacks = 2;
let running = 0;
const waiting: Array<() => void> = [];

export async function withUnpackSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= maxUnpacks) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running--;
  }
}
