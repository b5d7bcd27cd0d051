const GiB = 2 ** 30;
const MiB = 2 ** 20;
const KiB = 2 ** 10;

/** "68719476736 bytes (64 GiB)": exact figure for the record, readable one for people. */
export function describeByteSize(bytes: number): string {
  return bytes < KiB ? `${bytes} bytes` : `${bytes} bytes (${shortByteSize(bytes)})`;
}

export function shortByteSize(bytes: number): string {
  const [unit, name] = bytes >= GiB ? [GiB, 'GiB'] : bytes >= MiB ? [MiB, 'MiB'] : bytes >= KiB ? [KiB, 'KiB'] : [1, 'bytes'];
  const value = bytes / unit;
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${text} ${name}`;
}
