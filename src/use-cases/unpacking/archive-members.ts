import type { Problem } from '../../kernel/index.js';
import { diskCountProblem, isDiskMember, unsafeMemberName, unsafeMemberProblem } from '../../domain/unpacking/index.js';
import { UnpackRejection } from './unpack-rejection.js';

const shownMembers = 100;

/**
 * Keeps count of an archive's members as they are read: refuses unsafe names and links named
 * like disks at once, a second disk as soon as it appears, and none at the end.
 */
export class ArchiveMembers {
  readonly names: string[] = [];
  readonly disks: string[] = [];

  constructor(private readonly key: string) {}

  /** True when the member is the disk image to unpack. */
  add(name: string, kind: 'file' | 'directory' | 'link' | 'other'): boolean {
    const unsafe = unsafeMemberName(name);
    if (unsafe !== undefined) throw new UnpackRejection([unsafeMemberProblem(this.key, name, unsafe)]);
    if (this.names.length < shownMembers) this.names.push(name);
    if (kind === 'directory' || !isDiskMember(name)) return false;
    if (kind === 'link') throw new UnpackRejection([unsafeMemberProblem(this.key, name, 'it is a link, not the disk image itself')]);
    if (kind !== 'file') throw new UnpackRejection([unsafeMemberProblem(this.key, name, `it is a ${kind} member, which is not unpacked`)]);
    this.disks.push(name);
    this.throwUnlessOneDisk(false);
    return true;
  }

  /** At the end of the archive: exactly one disk. */
  throwUnlessOneDisk(atEnd = true): void {
    const problem: Problem | undefined = diskCountProblem(this.key, this.disks, this.names);
    if (problem !== undefined && (atEnd || this.disks.length > 1)) throw new UnpackRejection([problem]);
  }
}
