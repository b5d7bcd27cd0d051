import type { Problem } from '../../kernel/index.js';

/**
 * Where a field's value came from; tags win over metadata, metadata over an OVA's OVF descriptor
 * (`ovf`: its OS hint, issue 14), that over configured defaults.
 */
export type FieldSource = 'tag' | 'metadata' | 'ovf' | 'default' | 'derived';

/** One field's value as a layer set it. */
export interface RawField {
  value: string;
  source: FieldSource;
  /** The name as the user spelt it, for messages. */
  name: string;
}

/** What the layers say: each field's value, and the fields a layer spells twice with different values. */
export interface RawFields {
  found: Map<string, RawField>;
  conflicts: Map<string, Problem>;
}

/** `os-type`, `osType`, `OS_TYPE` are one name: case and `-`/`_` are ignored. */
export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** The documented names (README, metadata and tags), by normalised name. */
const documentedNames: Record<string, string> = {
  architecture: 'architecture',
  platform: 'platform',
  ostype: 'os-type',
  osversion: 'os-version',
  systemdisksizegb: 'system-disk-size-gb',
  imagename: 'image-name',
  description: 'description',
  forceimport: 'force-import',
  copytoregions: 'copy-to-regions',
  sharewith: 'share-with',
};

const layerNames: Record<FieldSource, string> = { tag: 'tags', metadata: 'metadata', ovf: 'OVF descriptor', default: 'configured defaults', derived: 'derived values' };

/**
 * Picks each field from tags, then metadata, then an OVA's OS hints, then defaults. Within the layer that sets a
 * field, two spellings of it (`platform` and `PLATFORM`) with different values are a
 * conflict: neither is picked, and the problem names both. A lower layer's conflict is not
 * one: the higher layer's value stands.
 */
export function collectRawFields(
  tags: Record<string, string>,
  metadata: Record<string, string>,
  defaults: Record<string, string>,
  hints: Record<string, string> = {},
): RawFields {
  const found = new Map<string, RawField>();
  const conflicts = new Map<string, Problem>();
  const layers: Array<[FieldSource, Record<string, string>]> = [
    ['tag', tags],
    ['metadata', metadata],
    ['ovf', hints],
    ['default', defaults],
  ];
  for (const [source, values] of layers) {
    const spellings = new Map<string, RawField[]>();
    for (const [name, value] of Object.entries(values)) {
      const normalised = normaliseFieldName(name);
      if (!found.has(normalised) && !conflicts.has(normalised)) spellings.set(normalised, [...(spellings.get(normalised) ?? []), { value: value.trim(), source, name }]);
    }
    for (const [normalised, entries] of spellings) {
      const documented = documentedNames[normalised];
      if (documented !== undefined && new Set(entries.map((entry) => entry.value)).size > 1) conflicts.set(normalised, conflictProblem(documented, source, entries));
      else if (entries[0] !== undefined) found.set(normalised, entries[0]);
    }
  }
  return { found, conflicts };
}

function conflictProblem(field: string, source: FieldSource, entries: RawField[]): Problem {
  const named = entries.map((entry) => `"${entry.name}" ("${shownValue(entry.value)}")`);
  const listed = named.length === 2 ? `${named[0]} and ${named[1]} both` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)} all`;
  return {
    code: 'conflicting-field',
    field,
    value: entries.map((entry) => entry.value).join(', '),
    message: `The ${layerNames[source]} ${listed} set ${field}, to different values: keep one of them.`,
  };
}

/** Control characters (C0, DEL, C1): never part of a label, and unreadable in a message. */
export function hasControlCharacters(value: string): boolean {
  return /\p{Cc}/u.test(value);
}

/** A value as a message shows it: control characters escaped. */
export function shownValue(value: string): string {
  return value.replace(/\p{Cc}/gu, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** "tag os-type", "metadata platform", "the OVF descriptor, field platform", "configured default architecture". */
export function describeSource(raw: RawField): string {
  const where = raw.source === 'tag' ? 'tag' : raw.source === 'metadata' ? 'metadata' : raw.source === 'ovf' ? 'the OVF descriptor, field' : 'configured default';
  return `${where} ${raw.name}`;
}
