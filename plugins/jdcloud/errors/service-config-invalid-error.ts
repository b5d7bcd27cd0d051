import type { Problem } from '../../../src/kernel/index.js';
import { JdCloudPluginError } from './jdcloud-plugin-error.js';

/** serverless.yml asks for something JD Cloud will not accept; lists every problem at once. */
export class ServiceConfigInvalidError extends JdCloudPluginError {
  override name = 'ServiceConfigInvalidError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const lines = problems.map((problem) => `  - ${problem.message}`);
    super(
      `serverless.yml has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} to fix before anything is deployed:\n${lines.join('\n')}`,
      'JDCLOUD_INVALID_CONFIG',
    );
    this.problems = problems;
  }
}
