import { systemDiskSizeGb } from '../jdcloud-rules/index.js';
import type { Problem } from '../../kernel/index.js';
import { describeByteSize } from './byte-size-text.js';
import { convertToQcow2Command, qemuFormatOf } from './fix-commands.js';

const GiB = 2 ** 30;
const minSystemDiskSizeGb = systemDiskSizeGb.min;
const maxSystemDiskSizeGb = systemDiskSizeGb.max;

export type SystemDiskSize = { ok: true; gb: number } | { ok: false; problem: Problem };

/**
 * `systemDiskSizeGB` for an image of `virtualSizeBytes`: rounded up to a multiple of 10 GiB,
 * at least 40 (JD accepts 40–500 in steps of 10, ≥ the virtual size). GiB rather than GB is
 * the conservative reading whichever unit JD means.
 */
export function systemDiskSizeFromVirtualSize(virtualSizeBytes: number): SystemDiskSize {
  if (!Number.isFinite(virtualSizeBytes) || virtualSizeBytes < 0) {
    return {
      ok: false,
      problem: {
        code: 'virtual-size-invalid',
        field: 'content',
        value: String(virtualSizeBytes),
        message: `The image's virtual size ${virtualSizeBytes} is not a byte count, so no system disk size can be derived from it. Set system-disk-size-gb (40–500, a multiple of 10) or fix the image.`,
      },
    };
  }
  const gb = Math.max(minSystemDiskSizeGb, Math.ceil(virtualSizeBytes / GiB / 10) * 10);
  if (virtualSizeBytes > maxSystemDiskSizeGb * GiB) {
    return {
      ok: false,
      problem: {
        code: 'virtual-size-too-large',
        field: 'content',
        value: String(virtualSizeBytes),
        message: `The image's virtual size is ${describeByteSize(virtualSizeBytes)}; JD Cloud imports system disks of at most 500 GiB. Shrink the file system and then the disk (qemu-img resize --shrink) to 500 GiB or less.`,
      },
    };
  }
  return { ok: true, gb };
}

/** A user-given `system-disk-size-gb` must hold the whole image. */
export function checkSystemDiskSizeCoversImage(
  givenGb: number,
  virtualSizeBytes: number,
): { ok: true } | { ok: false; problem: Problem } {
  if (givenGb * GiB >= virtualSizeBytes) return { ok: true };
  const needed = systemDiskSizeFromVirtualSize(virtualSizeBytes);
  const advice = needed.ok
    ? `Set system-disk-size-gb to at least ${needed.gb}, or leave it out to derive it from the image.`
    : 'The image is larger than JD Cloud\'s 500 GiB limit for system disks.';
  return {
    ok: false,
    problem: {
      code: 'system-disk-size-too-small',
      field: 'system-disk-size-gb',
      value: String(givenGb),
      message: `system-disk-size-gb is ${givenGb}, but the image's virtual size is ${describeByteSize(virtualSizeBytes)}, which does not fit in ${givenGb} GiB. ${advice}`,
    },
  };
}

/**
 * The image's header gives no virtual size, or one no number holds exactly (a VMDK of 2^45
 * sectors, a VHD of 2^60 bytes): nothing to size the disk by, nor to check a given size against.
 * `name` is the object's key (or file), for the command to run.
 */
export function virtualSizeUnknownProblem(format: string, name: string): Problem {
  return {
    code: 'virtual-size-unknown',
    field: 'content',
    message:
      "The image's virtual size could not be read (the header gives none, or one beyond 2^53 bytes), so it can neither size the system disk nor be checked against system-disk-size-gb. " +
      `Convert the image to qcow2 and upload that: ${convertToQcow2Command(qemuFormatOf(format), name)}`,
  };
}
