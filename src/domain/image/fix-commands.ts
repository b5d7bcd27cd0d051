// The commands a problem tells the user to run, named after the object they uploaded (its
// key, or the file `inspect` was given), so they can be copied as they are.

/** A file name as it would be typed in a shell: quoted when it holds anything unusual. */
export function shellWord(name: string): string {
  if (name === '') return "''";
  return /^[A-Za-z0-9._+%@=:,/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** `u/disk.vdi` → `u/disk.qcow2`; a qcow2 rewritten as qcow2 gets a suffix, so the copy never overwrites it. */
export function qcow2NameFor(source: string, suffix = ''): string {
  const stem = source.replace(/\.[^./]*$/, '');
  const name = `${stem}${suffix}.qcow2`;
  return name === source ? `${stem}-converted.qcow2` : name;
}

/** qemu's driver name for a format we detect, when it differs: VHD is "vpc". */
export function qemuFormatOf(format: string): string {
  return format === 'vhd' ? 'vpc' : format;
}

/** The `qemu-img convert` line that makes an importable qcow2 of `source` (read as `qemuFormat`). */
export function convertToQcow2Command(qemuFormat: string, source: string): string {
  return `qemu-img convert -f ${qemuFormat} -O qcow2 ${shellWord(source)} ${shellWord(qcow2NameFor(source))}`;
}
