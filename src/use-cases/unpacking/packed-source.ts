import type { ByteSource } from '../../adapters/oss/index.js';

/** The packed file's bytes, whole or by range: an object in the bucket (UnpackStore.objectBytes), or a local file (`inspect`). */
export type PackedSource = ByteSource;

/** All of a (small) range, e.g. a zip's directory. */
export async function readAll(source: PackedSource, range: { start: number; end: number }): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(range)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
