import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root: the nearest folder above this module with our package.json. The same
 * code runs from `src/` (tsx) and from `dist/src/` (built), at different depths.
 */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('oss-image-import: package.json not found above the running module');
    folder = parent;
  }
  return folder;
}
