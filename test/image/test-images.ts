// Real disk images for the image tests, made at test time by the tools that make them in
// real life (qemu-img, sfdisk, sgdisk, genisoimage, gzip, …), into a temporary directory.
// Only what qemu-img cannot write (a differencing VHD, a streamOptimized VMDK with its
// grain directory at the end) is derived from a qemu-img image by editing documented fields,
// and qemu-img then has to read the result.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Each tool and the Debian package that provides it (what .ci/run installs). */
export const toolPackages: Record<string, string> = {
  'qemu-img': 'qemu-utils',
  sfdisk: 'fdisk',
  sgdisk: 'gdisk',
  genisoimage: 'genisoimage',
  gzip: 'gzip',
  xz: 'xz-utils',
  zstd: 'zstd',
  bzip2: 'bzip2',
  zip: 'zip',
  tar: 'tar',
};

/** Fails (never skips) when a tool is missing, naming the package to install. */
export async function requireTools(tools: string[]): Promise<void> {
  const missing: string[] = [];
  for (const tool of tools) {
    try {
      await run('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` } });
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => toolPackages[tool] ?? tool))];
    throw new Error(
      `The image tests need ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install the Debian package${packages.length === 1 ? '' : 's'}: apt-get install -y ${packages.join(' ')}`,
    );
  }
}

async function tool(command: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  const env = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };
  try {
    if (options.input !== undefined) {
      return await new Promise<string>((resolve, reject) => {
        const child = execFile(command, args, { cwd: options.cwd, env }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
        child.stdin?.end(options.input);
      });
    }
    const { stdout } = await run(command, args, { cwd: options.cwd, env, maxBuffer: 1 << 20 });
    return stdout;
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/**
 * qemu-img. LUKS key setup times PBKDF iterations and, on a loaded machine, can fail with
 * "Unable to get accurate CPU usage": that one failure is retried.
 */
async function qemuImg(dir: string, ...args: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tool('qemu-img', args, { cwd: dir });
    } catch (error) {
      if (attempt >= 5 || !String(error).includes('accurate CPU usage')) throw error;
    }
  }
}

/** `qemu-img info -f <format> --output=json` "virtual-size": the reference for every size. */
export async function qemuVirtualSize(path: string, qemuFormat: string): Promise<number> {
  const info = JSON.parse(await tool('qemu-img', ['info', '-f', qemuFormat, '--output=json', path])) as { 'virtual-size': number };
  return info['virtual-size'];
}

type Recipe = (dir: string, make: (name: string) => Promise<string>) => Promise<void>;

/** name → how to make it; every file is written to `<dir>/<name>`. Virtual sizes are small. */
const recipes: Record<string, Recipe> = {
  'v2.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'compat=0.10', 'v2.qcow2', '64M').then(() => {}),
  'v3.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'compat=1.1', 'v3.qcow2', '64M').then(() => {}),
  'big-cluster.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'cluster_size=2M', 'big-cluster.qcow2', '1G').then(() => {}),
  'odd-size.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', 'odd-size.qcow2', '100000K').then(() => {}),
  'zstd.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'compression_type=zstd', 'zstd.qcow2', '64M').then(() => {}),
  'extended-l2.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on', 'extended-l2.qcow2', '64M').then(() => {}),
  'with-data.qcow2': async (dir, make) => {
    await make('mbr.raw');
    await qemuImg(dir, 'convert', '-f', 'raw', '-O', 'qcow2', 'mbr.raw', 'with-data.qcow2');
  },
  'overlay.qcow2': async (dir, make) => {
    await make('v3.qcow2');
    await qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-b', 'v3.qcow2', '-F', 'qcow2', 'overlay.qcow2');
  },
  'data-file.qcow2': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qcow2', '-o', 'data_file=data-file.bin', 'data-file.qcow2', '64M').then(() => {}),
  'encrypted.qcow2': (dir) =>
    qemuImg(dir, 'create', '-q', '--object', 'secret,id=sec0,data=test-passphrase', '-f', 'qcow2', '-o', 'encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10', 'encrypted.qcow2', '64M').then(() => {}),
  'dynamic.vhd': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vpc', 'dynamic.vhd', '64M').then(() => {}),
  'dynamic-force-size.vhd': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vpc', '-o', 'force_size=on', 'dynamic-force-size.vhd', '100000K').then(() => {}),
  'fixed.vhd': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vpc', '-o', 'subformat=fixed', 'fixed.vhd', '64M').then(() => {}),
  'fixed-force-size.vhd': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vpc', '-o', 'subformat=fixed,force_size=on', 'fixed-force-size.vhd', '64M').then(() => {}),
  'fixed-mbr.vhd': async (dir, make) => {
    await make('mbr.raw');
    await qemuImg(dir, 'convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=fixed,force_size=on', 'mbr.raw', 'fixed-mbr.vhd');
  },
  'differencing.vhd': async (dir, make) => {
    // qemu-img cannot create a differencing VHD: take a dynamic one and set disk type 4.
    await patchVhdFooters(dir, await make('dynamic.vhd'), 'differencing.vhd', (footer) => footer.writeUInt32BE(4, 60));
  },
  'huge-current-size.vhd': async (dir, make) => {
    // current_size 2^60 bytes, beyond what a JS number holds exactly; a creator other than qemu
    // or Virtual PC makes current_size (not the geometry) the virtual size, as qemu reads it.
    await patchVhdFooters(dir, await make('dynamic.vhd'), 'huge-current-size.vhd', (footer) => {
      footer.write('win ', 28, 'latin1');
      footer.writeBigUInt64BE(2n ** 60n, 48);
    });
  },
  'huge-capacity.vmdk': async (dir, make) => {
    // capacity 2^45 sectors (2^54 bytes; the sparse header's u64 at 12) in grains of 2^21
    // sectors (u64 at 20), so the grain directory stays within qemu's limit: qemu-img opens it (16 PiB).
    const bytes = await readFile(join(dir, await make('monolithicSparse.vmdk')));
    bytes.writeBigUInt64LE(2n ** 45n, 12);
    bytes.writeBigUInt64LE(2n ** 21n, 20);
    await writeFile(join(dir, 'huge-capacity.vmdk'), bytes);
  },
  'bad-checksum.vhd': async (dir, make) => {
    const file = join(dir, 'bad-checksum.vhd');
    await copyFile(join(dir, await make('fixed.vhd')), file);
    const handle = await open(file, 'r+');
    const { size } = await handle.stat();
    await handle.write(Uint8Array.of(0x12, 0x34, 0x56, 0x78), 0, 4, size - 512 + 64);
    await handle.close();
  },
  'monolithicSparse.vmdk': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicSparse', 'monolithicSparse.vmdk', '64M').then(() => {}),
  'streamOptimized.vmdk': async (dir, make) => {
    await make('mbr.raw');
    await qemuImg(dir, 'convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', 'mbr.raw', 'streamOptimized.vmdk');
  },
  'stream-footer.vmdk': async (dir, make) => {
    // VMware tools write streamOptimized disks with the grain directory at the end and a
    // footer (marker, header copy, end-of-stream); qemu-img writes the directory up front.
    // Move the real gdOffset into a footer and put GD_AT_END in the header.
    const source = await readFile(join(dir, await make('streamOptimized.vmdk')));
    const header = Buffer.from(source.subarray(0, 512));
    const body = Buffer.from(source);
    body.writeBigUInt64LE(0xffffffffffffffffn, 56);
    const footerMarker = Buffer.alloc(512);
    footerMarker.writeUInt32LE(3, 12);
    const endOfStream = Buffer.alloc(512);
    await writeFile(join(dir, 'stream-footer.vmdk'), Buffer.concat([body, footerMarker, header, endOfStream]));
  },
  'monolithicFlat.vmdk': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', 'monolithicFlat.vmdk', '64M').then(() => {}),
  'twoGbMaxExtentSparse.vmdk': (dir) =>
    qemuImg(dir, 'create', '-q', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentSparse', 'twoGbMaxExtentSparse.vmdk', '64M').then(() => {}),
  'twoGbMaxExtentFlat.vmdk': (dir) =>
    qemuImg(dir, 'create', '-q', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentFlat', 'twoGbMaxExtentFlat.vmdk', '64M').then(() => {}),
  'disk.vhdx': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vhdx', 'disk.vhdx', '64M').then(() => {}),
  'disk.qed': (dir) => qemuImg(dir, 'create', '-q', '-f', 'qed', 'disk.qed', '64M').then(() => {}),
  'disk.vdi': (dir) => qemuImg(dir, 'create', '-q', '-f', 'vdi', 'disk.vdi', '64M').then(() => {}),
  'disk.luks': (dir) =>
    qemuImg(dir, 'create', '-q', '--object', 'secret,id=sec0,data=test-passphrase', '-f', 'luks', '-o', 'key-secret=sec0,iter-time=10', 'disk.luks', '64M').then(() => {}),
  'blank.raw': (dir) => qemuImg(dir, 'create', '-q', '-f', 'raw', 'blank.raw', '64M').then(() => {}),
  'mbr.raw': async (dir) => {
    await qemuImg(dir, 'create', '-q', '-f', 'raw', 'mbr.raw', '64M');
    await tool('sfdisk', ['--quiet', 'mbr.raw'], { cwd: dir, input: 'label: dos\nstart=2048, size=40960, type=83, bootable\nstart=43008, type=82\n' });
  },
  'gpt.raw': async (dir) => {
    await qemuImg(dir, 'create', '-q', '-f', 'raw', 'gpt.raw', '64M');
    await tool('sgdisk', ['--new=1:2048:+1M', '--typecode=1:EF02', '--new=2:0:+32M', '--typecode=2:EF00', '--new=3:0:0', '--typecode=3:8300', 'gpt.raw'], { cwd: dir });
  },
  'installer.iso': async (dir) => {
    const content = join(dir, 'iso-content');
    await mkdir(content, { recursive: true });
    await writeFile(join(content, 'README.TXT'), 'an installer\n');
    await tool('genisoimage', ['-quiet', '-V', 'TEST_INSTALLER', '-o', 'installer.iso', 'iso-content'], { cwd: dir });
  },
  'v3.qcow2.gz': async (dir, make) => compressWith(dir, await make('v3.qcow2'), 'gzip', ['-k', '-f']),
  'v3.qcow2.xz': async (dir, make) => compressWith(dir, await make('v3.qcow2'), 'xz', ['-k', '-f']),
  'v3.qcow2.zst': async (dir, make) => compressWith(dir, await make('v3.qcow2'), 'zstd', ['-q', '-f', '-k']),
  'v3.qcow2.bz2': async (dir, make) => compressWith(dir, await make('v3.qcow2'), 'bzip2', ['-k', '-f']),
  'v3.qcow2.zip': async (dir, make) => {
    await make('v3.qcow2');
    await tool('zip', ['-q', 'v3.qcow2.zip', 'v3.qcow2'], { cwd: dir });
  },
  'v3.qcow2.tar': async (dir, make) => {
    await make('v3.qcow2');
    await tool('tar', ['-cf', 'v3.qcow2.tar', 'v3.qcow2'], { cwd: dir });
  },
  'appliance.ova': async (dir, make) => {
    await make('streamOptimized.vmdk');
    await writeFile(join(dir, 'appliance.ovf'), '<?xml version="1.0"?><Envelope/>\n');
    await tool('tar', ['--format=ustar', '-cf', 'appliance.ova', 'appliance.ovf', 'streamOptimized.vmdk'], { cwd: dir });
  },
};

/**
 * Copies a VHD and edits both footer copies (the first 512 bytes of a dynamic disk, and the
 * last 512), fixing their checksums (VHD spec: the footer's checksum is the u32 at 64).
 */
async function patchVhdFooters(dir: string, from: string, name: string, patch: (footer: Buffer) => void): Promise<void> {
  const bytes = await readFile(join(dir, from));
  for (const at of [0, bytes.length - 512]) {
    const footer = bytes.subarray(at, at + 512);
    patch(footer);
    footer.writeUInt32BE(0, 64);
    let sum = 0;
    for (const byte of footer) sum += byte;
    footer.writeUInt32BE(~sum >>> 0, 64);
  }
  await writeFile(join(dir, name), bytes);
}

async function compressWith(dir: string, name: string, command: string, args: string[]): Promise<void> {
  await tool(command, [...args, name], { cwd: dir });
}

export interface TestImages {
  dir: string;
  /** Absolute path of a made image. */
  path(name: string): string;
  /** Copies an image under another name (a "renamed" upload). */
  copyAs(name: string, newName: string): Promise<string>;
  /** Copies an image and cuts it to `length` bytes (negative: that many bytes fewer). */
  truncatedCopy(name: string, newName: string, length: number): Promise<string>;
  remove(): Promise<void>;
}

/** Makes the named images (and what they are made from) in a fresh temporary directory. */
export async function makeTestImages(names: string[]): Promise<TestImages> {
  const dir = await mkdtemp(join(tmpdir(), 'oss-image-import-images-'));
  const made = new Map<string, Promise<string>>();
  const make = (name: string): Promise<string> => {
    let pending = made.get(name);
    if (pending === undefined) {
      const recipe = recipes[name];
      if (recipe === undefined) throw new Error(`No recipe for test image "${name}".`);
      pending = recipe(dir, make).then(() => name);
      made.set(name, pending);
    }
    return pending;
  };
  try {
    await Promise.all(names.map(make));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    path: (name) => join(dir, name),
    async copyAs(name, newName) {
      await copyFile(join(dir, name), join(dir, newName));
      return join(dir, newName);
    },
    async truncatedCopy(name, newName, length) {
      const target = join(dir, newName);
      await copyFile(join(dir, name), target);
      const { size } = await stat(target);
      await truncate(target, length < 0 ? size + length : length);
      return target;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
