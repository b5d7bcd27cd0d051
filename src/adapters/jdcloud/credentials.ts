import { MissingCredentialsError } from './errors.js';
import type { JdCloudCredentials } from './signing/sign-request.js';

export const accessKeyIdVariable = 'JDCLOUD_ACCESS_KEY_ID';
export const secretAccessKeyVariable = 'JDCLOUD_SECRET_ACCESS_KEY';

const setBoth = `Set ${accessKeyIdVariable} and ${secretAccessKeyVariable}.`;

// Says what is wrong with a value without ever showing it.
function describeProblem(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return `${name} is not set`;
  if (value === '') return `${name} is empty`;
  if (/\s/.test(value)) return `${name} contains whitespace`;
  return undefined;
}

/**
 * Reads the access key from JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY. Throws
 * MissingCredentialsError naming both variables when either is unset, empty or has whitespace.
 */
export function loadCredentials(env: Readonly<Record<string, string | undefined>>): JdCloudCredentials {
  const accessKeyId = env[accessKeyIdVariable];
  const secretAccessKey = env[secretAccessKeyVariable];
  const problems = [
    describeProblem(accessKeyIdVariable, accessKeyId),
    describeProblem(secretAccessKeyVariable, secretAccessKey),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0 || accessKeyId === undefined || secretAccessKey === undefined) {
    throw new MissingCredentialsError(
      `JD Cloud credentials are missing: ${problems.join(', ')}. ${setBoth}`,
      [accessKeyIdVariable, secretAccessKeyVariable],
    );
  }
  return { accessKeyId, secretAccessKey };
}

/** Checks credentials handed to the client in code, with the same rules as loadCredentials. */
export function checkCredentials(credentials: Partial<JdCloudCredentials> | undefined): JdCloudCredentials {
  const accessKeyId = credentials?.accessKeyId;
  const secretAccessKey = credentials?.secretAccessKey;
  const problems = [
    describeProblem('credentials.accessKeyId', accessKeyId),
    describeProblem('credentials.secretAccessKey', secretAccessKey),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0 || accessKeyId === undefined || secretAccessKey === undefined) {
    throw new MissingCredentialsError(`JD Cloud credentials are missing: ${problems.join(', ')}. ${setBoth}`, [
      'credentials.accessKeyId',
      'credentials.secretAccessKey',
    ]);
  }
  return { accessKeyId, secretAccessKey };
}
