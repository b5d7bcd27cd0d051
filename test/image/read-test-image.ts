import { basename } from 'node:path';
import { checkImageAgainstKey } from '../../src/domain/image/check-against-key.js';
import { inspectImage } from '../../src/domain/image/inspect-image.js';
import type { ImageFacts } from '../../src/domain/image/image-facts.js';
import { readLocalImageFile } from '../../src/edges/cli/commands/inspect-sources.js';

/** Inspects a file exactly as the function does an object: head and tail ranges only, named by its file name. */
export async function inspectFile(path: string): Promise<ImageFacts & { bytesRead: number }> {
  const bytes = await readLocalImageFile(path);
  return { ...inspectImage({ ...bytes, name: basename(path) }), bytesRead: bytes.bytesRead };
}

/** Inspects a file and checks its content against its own name. */
export async function checkFile(path: string): Promise<ReturnType<typeof checkImageAgainstKey> & { facts: ImageFacts }> {
  const facts = await inspectFile(path);
  return { ...checkImageAgainstKey(basename(path), facts), facts };
}

export function codes(problems: ReadonlyArray<{ code: string }>): string[] {
  return problems.map((problem) => problem.code);
}
