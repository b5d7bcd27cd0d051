// The commands a problem tells the user to run, named after the object they uploaded (its
// key, or the file `inspect` was given), so they can be copied as they are. Where the name is
// not known, placeholders stand in (`image.vdi`, `<file>`).

/** A file name as it would be typed in a shell: quoted when it holds anything unusual. */
export function shellWord(name: string): string {
  if (name === '') return "''";
  return /^[A-Za-z0-9._+%@=:,/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The uploaded file as a command argument, or `placeholder` when its name is unknown. */
export function fileArgument(name: string | undefined, placeholder = '<file>'): string {
  return name === undefined ? placeholder : shellWord(name);
}

/**
 * A file next to the upload for a command's output: `u/disk.vdi` → `u/disk.qcow2`, with
 * `suffix` before the extension; never the upload's own name, so nothing is overwritten.
 */
export function outputArgument(name: string | undefined, extension: string, suffix = ''): string {
  const source = name ?? 'image';
  const stem = source.replace(/\.[^./]*$/, '');
  const output = `${stem}${suffix}.${extension}`;
  return shellWord(output === source ? `${stem}-converted.${extension}` : output);
}

/** qemu's driver name for a format we detect, when it differs: VHD is "vpc". */
export function qemuFormatOf(format: string): string {
  return format === 'vhd' ? 'vpc' : format;
}

/** The `qemu-img convert` line that makes an importable qcow2 of the upload (read as `qemuFormat`). */
export function convertToQcow2Command(qemuFormat: string, name: string | undefined): string {
  return `qemu-img convert -f ${qemuFormat} -O qcow2 ${fileArgument(name, `image.${qemuFormat}`)} ${outputArgument(name, 'qcow2')}`;
}
