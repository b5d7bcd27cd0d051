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

// docs/reference/jdcloud-api.md §2.2; the platform list follows DESIGN.md (the documented five plus OpenEuler and Rocky Linux).
export const defaultImportRules: ImportRules = {
  architectures: ['x86_64', 'arm64', 'i386'],
  osTypes: ['linux', 'windows'],
  platforms: ['Ubuntu', 'CentOS', 'Windows Server', 'OpenEuler', 'Rocky Linux', 'Other Linux', 'Other Windows'],
  diskFormats: ['qcow2', 'vhd', 'vmdk', 'raw'],
};

const invalid = (message: string): { ok: false; failure: ApiFailure } => ({
  ok: false,
  failure: { httpStatus: 400, status: 'INVALID_ARGUMENT', message },
});

/**
 * The region in a JD OSS host: `<bucket>.s3-internal.<region>.jdcloud-oss.com`,
 * `s3.<region>.jdcloud-oss.com`, and the legacy `…<region>.jcloudcs.com` names.
 */
export function ossRegionOfUrl(url: URL): string | undefined {
  return /(?:^|\.)(?:s3|s3-internal|s3-ipv6|oss)\.([a-z]{2}-[a-z]+-\d+)\.(?:jdcloud-oss|jcloudcs)\.com$/.exec(url.hostname)?.[1];
}

/**
 * Checks a body the way the VM service does, with its documented errors: INVALID_ARGUMENT for a
 * missing field or a bad value, OUT_OF_RANGE for the disk size, CONFLICT (HTTP 400) when the
 * object's OSS region is not the request's region.
 */
export function checkImportBody(body: Buffer, region: string, rules: ImportRules): { ok: true; request: ImportRequest } | { ok: false; failure: ApiFailure } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('request body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return invalid('request body must be a JSON object');
  const fields = json as Record<string, unknown>;

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
  if (size < 40 || size > 500) {
    return { ok: false, failure: { httpStatus: 400, status: 'OUT_OF_RANGE', message: 'SystemDiskSizeGB must be between 40 and 500' } };
  }
  if (size % 10 !== 0) {
    return { ok: false, failure: { httpStatus: 400, status: 'OUT_OF_RANGE', message: 'SystemDiskSizeGB must be multiple of 10' } };
  }
  const imageName = fields['imageName'];
  if (typeof imageName !== 'string' || [...imageName].length > 32 || !/^[\p{Script=Han}A-Za-z0-9_-]+$/u.test(imageName)) {
    return invalid(`Invalid imageName '${String(imageName)}': 1 to 32 Chinese characters, letters, digits, '_' or '-'`);
  }
  for (const [name, max] of [['description', 256], ['osVersion', 256], ['clientToken', 64]] as const) {
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
  const ossRegion = ossRegionOfUrl(url);
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
