import type { Problem } from '../../kernel/index.js';
import {
  type ApiArchitecture,
  isSystemDiskSizeGb,
  isValidImageName,
  maxDescriptionCharacters,
  maxOsVersionCharacters,
  type OsType,
  type Platform,
  platforms,
  systemDiskSizeRule,
} from '../jdcloud-rules/index.js';
import { collectRawFields, describeSource, type FieldSource, hasControlCharacters, type RawField, shownValue } from './raw-fields.js';

export type { OsType, Platform };
export type { FieldSource };
export { normaliseFieldName } from './raw-fields.js';
/** The architectures a user may set: the API also lists the legacy i386, which users may not. */
export type Architecture = Extract<ApiArchitecture, 'x86_64' | 'arm64'>;

/** The user-settable fields, by their documented metadata/tag names (README, "Metadata and tags"). */
export interface OsFields {
  architecture: Architecture;
  osType: OsType;
  platform: Platform;
  osVersion?: string;
  systemDiskSizeGB?: number;
  imageName?: string;
  description?: string;
  forceImport?: boolean;
}

export interface ResolvedOsFields {
  fields: Partial<OsFields>;
  sources: Partial<Record<keyof OsFields, FieldSource>>;
  problems: Problem[];
}

const architectureAliases: Record<string, Architecture> = {
  x8664: 'x86_64',
  amd64: 'x86_64',
  arm64: 'arm64',
  aarch64: 'arm64',
};

const platformByLooseName = new Map(platforms.map((platform) => [looseName(platform), platform]));

/** Platform names match ignoring case, spaces, `-` and `_` (`rocky-linux` is `Rocky Linux`). */
function looseName(text: string): string {
  return text.toLowerCase().replace(/[\s\-_]/g, '');
}

function windowsPlatform(platform: Platform): boolean {
  return platform === 'Windows Server' || platform === 'Other Windows';
}

/** A value read: the field's value, none at all (the field is as if unset), or what is allowed instead. */
type Reading<T> = { kind: 'value'; value: T } | { kind: 'unset' } | { kind: 'invalid'; allowed: string };

/** How each field is read from its text, by normalised name, in the order problems are reported. */
interface FieldRule<K extends keyof OsFields> {
  key: K;
  /** The documented name. */
  name: string;
  read(value: string): Reading<NonNullable<OsFields[K]>>;
}

const fieldRule = <K extends keyof OsFields>(rule: FieldRule<K>) => rule;
const value = <T>(read: T): Reading<T> => ({ kind: 'value', value: read });
const invalidUnless = <T>(read: T | undefined, allowed: string): Reading<T> => (read === undefined ? { kind: 'invalid', allowed } : value(read));

const rules = {
  architecture: fieldRule({
    key: 'architecture',
    name: 'architecture',
    read: (text) => invalidUnless(architectureAliases[text.toLowerCase().replace(/[-_]/g, '')], 'use x86_64 or arm64 (amd64 and aarch64 are accepted)'),
  }),
  platform: fieldRule({ key: 'platform', name: 'platform', read: (text) => invalidUnless(platformByLooseName.get(looseName(text)), `use one of ${platforms.join(', ')}`) }),
  ostype: fieldRule({
    key: 'osType',
    name: 'os-type',
    read: (text) => {
      const lower = text.toLowerCase();
      return lower === 'linux' || lower === 'windows' ? value(lower) : { kind: 'invalid', allowed: 'use linux or windows' };
    },
  }),
  osversion: fieldRule({
    key: 'osVersion',
    name: 'os-version',
    read: (text) =>
      text === '' ? { kind: 'unset' } : text.length > maxOsVersionCharacters || hasControlCharacters(text) ? { kind: 'invalid', allowed: `use up to ${maxOsVersionCharacters} printable characters, e.g. 22.04` } : value(text),
  }),
  systemdisksizegb: fieldRule({
    key: 'systemDiskSizeGB',
    name: 'system-disk-size-gb',
    read: (text) => {
      const size = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      return isSystemDiskSizeGb(size) ? value(size) : { kind: 'invalid', allowed: `use ${systemDiskSizeRule}` };
    },
  }),
  imagename: fieldRule({
    key: 'imageName',
    name: 'image-name',
    read: (text) => (isValidImageName(text) ? value(text) : { kind: 'invalid', allowed: 'use 1 to 32 characters: letters, digits, Chinese characters, "_" and "-"' }),
  }),
  // An empty description is no description: the default one applies.
  description: fieldRule({
    key: 'description',
    name: 'description',
    read: (text) =>
      text === ''
        ? { kind: 'unset' }
        : [...text].length > maxDescriptionCharacters || hasControlCharacters(text)
          ? { kind: 'invalid', allowed: `use at most ${maxDescriptionCharacters} characters, none of them control characters (line breaks, tabs, DEL)` }
          : value(text),
  }),
  forceimport: fieldRule({
    key: 'forceImport',
    name: 'force-import',
    read: (text) => {
      const lower = text.toLowerCase();
      return lower === 'true' || lower === 'false' ? value(lower === 'true') : { kind: 'invalid', allowed: 'use true or false' };
    },
  }),
};

/**
 * Reads the OS fields from an object's tags and metadata, normalised to the API's spelling.
 * Reports every problem at once; never throws. A field set twice in one layer with different
 * values is a problem, and no default stands in for it.
 */
export function resolveOsFields(
  tags: Record<string, string>,
  metadata: Record<string, string>,
  defaults: Record<string, string>,
  /** Hints read from the image itself (an OVA's OS section), by metadata name. */
  hints: Record<string, string> = {},
): ResolvedOsFields {
  const { found, conflicts } = collectRawFields(tags, metadata, defaults, hints);
  const fields: Partial<OsFields> = {};
  const sources: ResolvedOsFields['sources'] = {};
  const problems: Problem[] = [...conflicts.values()].sort((a, b) => a.field.localeCompare(b.field));
  /** Reads one field into `fields`; says whether the user left it out altogether. */
  const resolve = <K extends keyof OsFields>(normalised: string, rule: FieldRule<K>): 'absent' | 'set' => {
    const raw: RawField | undefined = found.get(normalised);
    if (raw === undefined) return conflicts.has(normalised) ? 'set' : 'absent';
    const reading = rule.read(raw.value);
    if (reading.kind === 'unset') return 'absent';
    if (reading.kind === 'invalid') {
      problems.push({ code: `invalid-${rule.name}`, field: rule.name, value: raw.value, message: `${rule.name} "${shownValue(raw.value)}" (from ${describeSource(raw)}) is not allowed: ${reading.allowed}.` });
    } else {
      fields[rule.key] = reading.value;
      sources[rule.key] = raw.source;
    }
    return 'set';
  };

  // The documented example upload sets no architecture: x86_64 is what nearly every image is.
  if (resolve('architecture', rules.architecture) === 'absent') {
    fields.architecture = 'x86_64';
    sources.architecture = 'derived';
  }
  if (resolve('platform', rules.platform) === 'absent') {
    problems.push({ code: 'missing-platform', field: 'platform', message: `platform is missing: set metadata or a tag "platform" to one of ${platforms.join(', ')}.` });
  }
  if (resolve('ostype', rules.ostype) === 'absent' && fields.platform !== undefined) {
    fields.osType = windowsPlatform(fields.platform) ? 'windows' : 'linux';
    sources.osType = 'derived';
  } else if (fields.osType !== undefined && fields.platform !== undefined && windowsPlatform(fields.platform) !== (fields.osType === 'windows')) {
    const given = found.get('ostype')?.value ?? fields.osType;
    problems.push({
      code: 'os-type-contradicts-platform',
      field: 'os-type',
      value: given,
      message: `os-type "${given}" contradicts platform "${fields.platform}": remove os-type or make them agree.`,
    });
  }
  for (const [normalised, rule] of [
    ['osversion', rules.osversion],
    ['systemdisksizegb', rules.systemdisksizegb],
    ['imagename', rules.imagename],
    ['description', rules.description],
    ['forceimport', rules.forceimport],
  ] as const) {
    resolve(normalised, rule);
  }
  return { fields, sources, problems };
}
