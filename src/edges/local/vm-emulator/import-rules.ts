import {
  architectures,
  diskFormats,
  imageNameRule,
  maxClientTokenCharacters,
  maxDescriptionCharacters,
  osTypes,
  ossRegionOfHost,
  platforms,
  systemDiskSizeGb,
} from '../../../domain/jdcloud-rules/index.js';
import type { ApiFailure } from './api-responses.js';

/** A checked importImage body. */
export interface ImportRequest {
  architecture: string;
  osType: string;
  platform: string;
  diskFormat: string;
  systemDiskSizeGB: number;
  imageUrl: string;
  imageName: string;
  osVersion?: string;
  description?: string;
  forceImport?: boolean;
  clientToken?: string;
}

export interface ImportRules {
  architectures: readonly string[];
  osTypes: readonly string[];
  platforms: readonly string[];
  diskFormats: readonly string[];
}

// The emulator shares JD's rules with the client (src/domain/jdcloud-rules): they are the same
// facts, and a test that wants JD to be stricter or looser passes its own ImportRules. What keeps
// the client honest is the official SDK (test/jdcloud/official-sdk.test.ts), not this copy.
export const defaultImportRules: ImportRules = { architectures, osTypes, platforms, diskFormats };

const invalid = (message: string): { ok: false; failure: ApiFailure } => ({
  ok: false,
  failure: { httpStatus: 400, status: 'INVALID_ARGUMENT', message },
});

/** A request body that must be one JSON object, as every VM POST takes. */
export function readJsonObject(body: Buffer): { ok: true; fields: Record<string, unknown> } | { ok: false; failure: ApiFailure } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('request body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return invalid('request body must be a JSON object');
  return { ok: true, fields: json as Record<string, unknown> };
}

/**
 * Checks a body the way the VM service does, with its documented errors: INVALID_ARGUMENT for a
 * missing field or a bad value, OUT_OF_RANGE for the disk size, CONFLICT (HTTP 400) when the
 * object's OSS region is not the request's region.
 */
export function checkImportBody(body: Buffer, region: string, rules: ImportRules): { ok: true; request: ImportRequest } | { ok: false; failure: ApiFailure } {
  const read = readJsonObject(body);
  if (!read.ok) return read;
  const fields = read.fields;

  for (const name of ['architecture', 'osType', 'platform', 'diskFormat', 'systemDiskSizeGB', 'imageUrl', 'imageName']) {
    if (fields[name] === undefined || fields[name] === null || fields[name] === '') return invalid(`${name} is required`);
  }
  const enums: Array<[string, readonly string[]]> = [
    ['architecture', rules.architectures],
    ['osType', rules.osTypes],
    ['platform', rules.platforms],
    ['diskFormat', rules.diskFormats],
  ];
  for (const [name, allowed] of enums) {
    const value = fields[name];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      return invalid(`Invalid ${name} '${String(value)}', must be one of: ${allowed.join(', ')}`);
    }
  }
  const size = fields['systemDiskSizeGB'];
  if (typeof size !== 'number' || !Number.isInteger(size)) return invalid(`Invalid systemDiskSizeGB '${String(size)}', must be an integer`);
  if (size < systemDiskSizeGb.min || size > systemDiskSizeGb.max) {
    return { ok: false, failure: { httpStatus: 400, status: 'OUT_OF_RANGE', message: `SystemDiskSizeGB must be between ${systemDiskSizeGb.min} and ${systemDiskSizeGb.max}` } };
  }
  if (size % systemDiskSizeGb.step !== 0) {
    return { ok: false, failure: { httpStatus: 400, status: 'OUT_OF_RANGE', message: `SystemDiskSizeGB must be multiple of ${systemDiskSizeGb.step}` } };
  }
  const imageName = fields['imageName'];
  if (typeof imageName !== 'string' || [...imageName].length > imageNameRule.maxCharacters || !imageNameRule.allowedCharacters.test(imageName)) {
    return invalid(`Invalid imageName '${String(imageName)}': 1 to 32 Chinese characters, letters, digits, '_' or '-'`);
  }
  // osVersion is free text with no documented length (our 64-character cap is the client's own).
  if (fields['osVersion'] !== undefined && typeof fields['osVersion'] !== 'string') return invalid('Invalid osVersion: must be a string');
  for (const [name, max] of [['description', maxDescriptionCharacters], ['clientToken', maxClientTokenCharacters]] as const) {
    const value = fields[name];
    if (value !== undefined && (typeof value !== 'string' || [...value].length > max)) {
      return invalid(`Invalid ${name}: must be a string of at most ${max} characters`);
    }
  }
  if (fields['forceImport'] !== undefined && typeof fields['forceImport'] !== 'boolean') return invalid('Invalid forceImport: must be a boolean');

  let url: URL;
  try {
    url = new URL(String(fields['imageUrl']));
  } catch {
    return invalid(`Invalid imageUrl '${String(fields['imageUrl'])}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return invalid(`Invalid imageUrl '${String(fields['imageUrl'])}'`);
  const ossRegion = ossRegionOfHost(url.hostname);
  if (ossRegion !== undefined && ossRegion !== region) {
    return { ok: false, failure: { httpStatus: 400, status: 'CONFLICT', message: `OssRegion '${ossRegion}' not match current region '${region}'` } };
  }

  const request: ImportRequest = {
    architecture: fields['architecture'] as string,
    osType: fields['osType'] as string,
    platform: fields['platform'] as string,
    diskFormat: fields['diskFormat'] as string,
    systemDiskSizeGB: size,
    imageUrl: url.href,
    imageName,
  };
  if (typeof fields['osVersion'] === 'string') request.osVersion = fields['osVersion'];
  if (typeof fields['description'] === 'string') request.description = fields['description'];
  if (typeof fields['forceImport'] === 'boolean') request.forceImport = fields['forceImport'];
  if (typeof fields['clientToken'] === 'string' && fields['clientToken'] !== '') request.clientToken = fields['clientToken'];
  return { ok: true, request };
}
