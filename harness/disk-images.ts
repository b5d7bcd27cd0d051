import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a real disk image with qemu-img and returns its bytes. `options` are qemu-img -o
 * options (e.g. `subformat=fixed`). Small virtual sizes keep the files tiny.
 */
export function makeDiskImage(format: 'qcow2' | 'vpc' | 'vmdk' | 'raw' | 'vhdx', virtualSize: string, options: string[] = []): Buffer {
  const directory = mkdtempSync(join(tmpdir(), 'oss-image-import-img-'));
  try {
    const file = join(directory, `disk.${format}`);
    const args = ['create', '-q', '-f', format, ...(options.length > 0 ? ['-o', options.join(',')] : []), file, virtualSize];
    try {
      execFileSync('qemu-img', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new Error(`qemu-img ${args.join(' ')} failed; install the Debian package qemu-utils (scripts/ci/install-debian-packages.sh)`, { cause: error });
    }
    return readFileSync(file);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
