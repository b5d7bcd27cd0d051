import type { Problem } from '../../kernel/index.js';
import { isAccountPin, isDocumentedRegion, knownRegionIds, maxFollowThroughEntries } from '../jdcloud-rules/index.js';
import { collectRawFields, describeSource } from './raw-fields.js';

/** What to do once the image is ready (issue 13): copy it to these regions, share it with these accounts. */
export interface FollowThrough {
  copyToRegions: string[];
  shareWith: string[];
}

/** One field's value as a layer (tag, metadata, configured default) set it. */
export interface FollowThroughValue {
  value: string;
  /** Where it came from, for messages: "metadata copy-to-regions", "configured default share-with". */
  from: string;
}

/** A comma-separated list: its entries trimmed, and the problems of its shape (empty entries, repeats, too many). */
function listEntries(value: string, noun: string): { entries: string[]; reasons: string[] } {
  const entries = value.split(',').map((entry) => entry.trim());
  const reasons: string[] = [];
  if (entries.some((entry) => entry === '')) reasons.push(`it has an empty entry`);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry !== '' && seen.has(entry)) reasons.push(`"${entry}" is listed twice`);
    seen.add(entry);
  }
  const listed = entries.filter((entry) => entry !== '');
  if (listed.length > maxFollowThroughEntries) reasons.push(`it lists ${listed.length} ${noun}, more than ${maxFollowThroughEntries}`);
  return { entries: [...new Set(listed)], reasons };
}

function problem(field: string, given: FollowThroughValue, reasons: string[], allowed: string): Problem {
  return { code: `invalid-${field}`, field, value: given.value, message: `${field} "${given.value}" (from ${given.from}) is not allowed: ${reasons.join('; ')}. ${allowed}` };
}

/**
 * Reads `copy-to-regions` and `share-with` (docs/reference/jdcloud-api.md §2.7, §2.8): up to 10
 * documented JD regions other than the one the image is imported in, and up to 10 account pins.
 * An empty value means none. Every problem is reported, before any API call.
 */
export function resolveFollowThrough(
  given: { copyToRegions?: FollowThroughValue; shareWith?: FollowThroughValue },
  sourceRegion: string,
): { followThrough: FollowThrough; problems: Problem[] } {
  const problems: Problem[] = [];
  const followThrough: FollowThrough = { copyToRegions: [], shareWith: [] };

  if (given.copyToRegions !== undefined && given.copyToRegions.value.trim() !== '') {
    const { entries, reasons } = listEntries(given.copyToRegions.value, 'regions');
    for (const region of entries) {
      if (!isDocumentedRegion(region)) reasons.push(`"${region}" is not a JD Cloud region the VM API is documented in`);
      else if (region === sourceRegion) reasons.push(`"${region}" is the region the image is imported in`);
    }
    const destinations = knownRegionIds.filter((region) => region !== sourceRegion).join(', ');
    if (reasons.length > 0) problems.push(problem('copy-to-regions', given.copyToRegions, reasons, `Use up to ${maxFollowThroughEntries} comma-separated regions among ${destinations}.`));
    else followThrough.copyToRegions = entries;
  }

  if (given.shareWith !== undefined && given.shareWith.value.trim() !== '') {
    const { entries, reasons } = listEntries(given.shareWith.value, 'pins');
    for (const pin of entries) if (!isAccountPin(pin)) reasons.push(`"${pin}" is not a JD account pin (it has a space)`);
    if (reasons.length > 0) problems.push(problem('share-with', given.shareWith, reasons, `Use up to ${maxFollowThroughEntries} comma-separated JD account pins, e.g. jdpin-alice,jdpin-bob.`));
    else followThrough.shareWith = entries;
  }

  return { followThrough, problems };
}

/** `copy-to-regions` and `share-with` from tags, metadata and configured defaults (names as the OS fields': case, `-`, `_` ignored). */
export function followThroughFields(
  tags: Record<string, string>,
  metadata: Record<string, string>,
  defaults: Record<string, string>,
  sourceRegion: string,
): { followThrough: FollowThrough; problems: Problem[] } {
  // Two spellings of one field in one layer are a conflict resolveOsFields reports; neither is used.
  const { found } = collectRawFields(tags, metadata, defaults);
  const given = (name: string): FollowThroughValue | undefined => {
    const entry = found.get(name);
    return entry === undefined ? undefined : { value: entry.value, from: describeSource(entry) };
  };
  const copyToRegions = given('copytoregions');
  const shareWith = given('sharewith');
  return resolveFollowThrough({ ...(copyToRegions !== undefined ? { copyToRegions } : {}), ...(shareWith !== undefined ? { shareWith } : {}) }, sourceRegion);
}
