import { ZipFile } from 'yazl';

export interface ZipEntryInput {
  name: string;
  data: Uint8Array;
}

/**
 * A fixed timestamp for every entry: the zip's bytes then depend only on the code, so a second
 * `package` of unchanged code has the same SHA-256 and deploy sees there is nothing to update.
 */
const fixedModificationTime = new Date(2000, 0, 1, 0, 0, 0);

/** Zips the entries (deflated, mode 0644) in the given order and resolves the whole archive. */
export async function zipEntries(entries: readonly ZipEntryInput[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addBuffer(Buffer.from(entry.data), entry.name, { mtime: fixedModificationTime, mode: 0o100644, compress: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
