// Names of archive members (tar, zip, OVA). Nothing is ever written to a file system, but a
// member whose name climbs out of the archive (`../x`, `/etc/x`, `C:\x`) or is a link marks an
// archive made to trick an extractor: it is rejected, not guessed at.
import type { Problem } from '../../kernel/index.js';
import { diskExtensionList, formatFromKey } from '../image/index.js';

/** Why a member name is unsafe, or undefined when it is a plain relative path. */
export function unsafeMemberName(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (/[\u0000-\u001f]/.test(name)) return 'it contains control characters';
  if (name.startsWith('/') || name.startsWith('\\')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  // Zip writers on Windows may use "\" as the separator: both count.
  if (name.split(/[\\/]/).some((segment) => segment === '..')) return 'it climbs out of the archive with ".."';
  return undefined;
}

/** The problem for an unsafe member (or one that is a link), naming the member and the archive. */
export function unsafeMemberProblem(key: string, member: string, reason: string): Problem {
  return {
    code: 'archive-unsafe-member',
    field: 'content',
    value: member,
    message: `The archive ${JSON.stringify(key)} holds a member named ${JSON.stringify(member)}: ${reason}. Such archives are made to trick an extractor and are not unpacked; re-create the archive with the disk image alone.`,
  };
}

/** True when two names are the same path: `./a/b` and `a//b` are `a/b` (tar writers differ in that), `x/a/b` is not. */
export function sameMemberName(one: string, other: string): boolean {
  const path = (name: string) => name.split('/').filter((segment) => segment !== '' && segment !== '.').join('/');
  return path(one) === path(other);
}

/** The member's last path segment. */
export function memberBaseName(name: string): string {
  const segments = name.split(/[\\/]/).filter((segment) => segment !== '');
  return segments[segments.length - 1] ?? '';
}

/**
 * True for a member that is a disk image by its name. macOS's resource-fork copies
 * (`__MACOSX/…`, `._disk.vmdk`) are not: Finder adds them to every zip it makes.
 */
export function isDiskMember(name: string): boolean {
  const base = memberBaseName(name);
  if (base.startsWith('._') || name.split(/[\\/]/).includes('__MACOSX')) return false;
  return formatFromKey(base).ok;
}

/** An archive must hold exactly one disk image: JD imports one image per call. */
export function diskCountProblem(key: string, disks: readonly string[], members: readonly string[]): Problem | undefined {
  if (disks.length === 1) return undefined;
  if (disks.length === 0) {
    const shown = members.slice(0, 10).map((name) => JSON.stringify(name)).join(', ');
    return {
      code: 'archive-no-disk',
      field: 'content',
      value: String(members.length),
      message: `The archive ${JSON.stringify(key)} holds no disk image (${diskExtensionList})${members.length > 0 ? `; its members: ${shown}${members.length > 10 ? ', …' : ''}` : ''}. Put the disk image in the archive, or upload the disk image itself.`,
    };
  }
  return {
    code: 'archive-several-disks',
    field: 'content',
    value: disks.join(','),
    message: `The archive ${JSON.stringify(key)} holds ${disks.length} disk images (${disks.map((name) => JSON.stringify(name)).join(', ')}); JD Cloud imports one image per upload. Upload each disk image on its own (or one archive per disk).`,
  };
}
