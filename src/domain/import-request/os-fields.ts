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

export type { OsType, Platform };
/** The architectures a user may set: the API also lists the legacy i386, which users may not. */
export type Architecture = Extract<ApiArchitecture, 'x86_64' | 'arm64'>;

/**
 * Where a field's value came from; tags win over metadata, metadata over an OVA's OVF descriptor
 * (`ovf`: its OS hint, issue 14), that over configured defaults.
 */
export type FieldSource = 'tag' | 'metadata' | 'ovf' | 'default' | 'derived';

/** The user-settable fields, by their documented metadata/tag names (docs/architecture.md). */
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

/** `os-type`, `osType`, `OS_TYPE` are one name: case and `-`/`_` are ignored. */
export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
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

interface RawField {
  value: string;
  source: FieldSource;
  /** The name as the user spelt it, for messages. */
  name: string;
}

/** Picks each field from tags, then metadata, then defaults. */
function collectRawFields(
  tags: Record<string, string>,
  metadata: Record<string, string>,
  defaults: Record<string, string>,
  hints: Record<string, string>,
): Map<string, RawField> {
  const found = new Map<string, RawField>();
  const layers: Array<[FieldSource, Record<string, string>]> = [
    ['tag', tags],
    ['metadata', metadata],
    ['ovf', hints],
    ['default', defaults],
  ];
  for (const [source, values] of layers) {
    for (const [name, value] of Object.entries(values)) {
      const normalised = normaliseFieldName(name);
      if (!found.has(normalised)) found.set(normalised, { value: value.trim(), source, name });
    }
  }
  return found;
}

function describeSource(raw: RawField): string {
  const where = raw.source === 'tag' ? 'tag' : raw.source === 'metadata' ? 'metadata' : raw.source === 'ovf' ? 'the OVF descriptor, field' : 'configured default';
  return `${where} ${raw.name}`;
}

/**
 * Reads the OS fields from an object's tags and metadata, normalised to the API's spelling.
 * Reports every problem at once; never throws.
 */
export function resolveOsFields(
  tags: Record<string, string>,
  metadata: Record<string, string>,
  defaults: Record<string, string>,
  /** Hints read from the image itself (an OVA's OS section), by metadata name. */
  hints: Record<string, string> = {},
): ResolvedOsFields {
  const raw = collectRawFields(tags, metadata, defaults, hints);
  const fields: Partial<OsFields> = {};
  const sources: ResolvedOsFields['sources'] = {};
  const problems: Problem[] = [];
  const invalid = (field: string, entry: RawField, allowed: string) =>
    problems.push({
      code: `invalid-${field}`,
      field,
      value: entry.value,
      message: `${field} "${entry.value}" (from ${describeSource(entry)}) is not allowed: ${allowed}.`,
    });

  const architecture = raw.get('architecture');
  if (architecture === undefined) {
    // The documented example upload sets no architecture: x86_64 is what nearly every image is.
    fields.architecture = 'x86_64';
    sources.architecture = 'derived';
  } else {
    const value = architectureAliases[architecture.value.toLowerCase().replace(/[-_]/g, '')];
    if (value === undefined) invalid('architecture', architecture, 'use x86_64 or arm64 (amd64 and aarch64 are accepted)');
    else {
      fields.architecture = value;
      sources.architecture = architecture.source;
    }
  }

  const platform = raw.get('platform');
  if (platform === undefined) {
    problems.push({
      code: 'missing-platform',
      field: 'platform',
      message: `platform is missing: set metadata or a tag "platform" to one of ${platforms.join(', ')}.`,
    });
  } else {
    const value = platformByLooseName.get(looseName(platform.value));
    if (value === undefined) invalid('platform', platform, `use one of ${platforms.join(', ')}`);
    else {
      fields.platform = value;
      sources.platform = platform.source;
    }
  }

  const osType = raw.get('ostype');
  if (osType !== undefined) {
    const value = osType.value.toLowerCase();
    if (value !== 'linux' && value !== 'windows') invalid('os-type', osType, 'use linux or windows');
    else {
      fields.osType = value;
      sources.osType = osType.source;
      if (fields.platform !== undefined && windowsPlatform(fields.platform) !== (value === 'windows')) {
        problems.push({
          code: 'os-type-contradicts-platform',
          field: 'os-type',
          value: osType.value,
          message: `os-type "${osType.value}" contradicts platform "${fields.platform}": remove os-type or make them agree.`,
        });
      }
    }
  } else if (fields.platform !== undefined) {
    fields.osType = windowsPlatform(fields.platform) ? 'windows' : 'linux';
    sources.osType = 'derived';
  }

  const osVersion = raw.get('osversion');
  if (osVersion !== undefined && osVersion.value !== '') {
    if (osVersion.value.length > maxOsVersionCharacters || /[\u0000-\u001f]/.test(osVersion.value)) {
      invalid('os-version', osVersion, `use up to ${maxOsVersionCharacters} printable characters, e.g. 22.04`);
    } else {
      fields.osVersion = osVersion.value;
      sources.osVersion = osVersion.source;
    }
  }

  const diskSize = raw.get('systemdisksizegb');
  if (diskSize !== undefined) {
    const value = /^\d+$/.test(diskSize.value) ? Number(diskSize.value) : Number.NaN;
    if (!isSystemDiskSizeGb(value)) {
      invalid('system-disk-size-gb', diskSize, `use ${systemDiskSizeRule}`);
    } else {
      fields.systemDiskSizeGB = value;
      sources.systemDiskSizeGB = diskSize.source;
    }
  }

  const imageName = raw.get('imagename');
  if (imageName !== undefined) {
    if (!isValidImageName(imageName.value)) {
      invalid('image-name', imageName, 'use 1 to 32 characters: letters, digits, Chinese characters, "_" and "-"');
    } else {
      fields.imageName = imageName.value;
      sources.imageName = imageName.source;
    }
  }

  const description = raw.get('description');
  if (description !== undefined) {
    if ([...description.value].length > maxDescriptionCharacters) invalid('description', description, `use at most ${maxDescriptionCharacters} characters`);
    else {
      fields.description = description.value;
      sources.description = description.source;
    }
  }

  const forceImport = raw.get('forceimport');
  if (forceImport !== undefined) {
    const value = forceImport.value.toLowerCase();
    if (value !== 'true' && value !== 'false') invalid('force-import', forceImport, 'use true or false');
    else {
      fields.forceImport = value === 'true';
      sources.forceImport = forceImport.source;
    }
  }

  return { fields, sources, problems };
}
