import { JdCloudConfigError } from '../errors.js';

/** A checked OpenAPI base URL. */
export interface Endpoint {
  /** `https://vm.jdcloud-api.com` or `http://127.0.0.1:9000`. */
  origin: string;
  /** A path prefix before `/v1/...`, without a trailing slash; usually `''`. */
  basePath: string;
}

/** Plain http is allowed only where nothing leaves the machine: the emulator, a local proxy. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Checks an endpoint: an absolute https URL (http only for loopback hosts), no user info, no
 * query or fragment. Throws JdCloudConfigError naming the field and the value.
 */
export function parseEndpoint(value: string, field = 'endpoint'): Endpoint {
  const example = 'expected a base URL such as https://vm.jdcloud-api.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new JdCloudConfigError(field, `${field} ${JSON.stringify(value)} is not a URL; ${example}.`, error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new JdCloudConfigError(field, `${field} ${JSON.stringify(value)} uses ${url.protocol.slice(0, -1)}; ${example}.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new JdCloudConfigError(
      field,
      `${field} ${JSON.stringify(value)} uses plain http for a host that is not loopback; use https (http is allowed only for localhost and 127.0.0.1).`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new JdCloudConfigError(field, `${field} must not contain a user name or password; ${example}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new JdCloudConfigError(field, `${field} ${JSON.stringify(value)} has a query or fragment; ${example}.`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}
