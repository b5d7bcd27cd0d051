import { JdCloudError } from './jdcloud-error.js';

/** One rule an API input broke, e.g. `{ path: 'systemDiskSizeGB', message: 'must be a multiple of 10, got 45' }`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** An API input failed its schema before anything was sent; lists every issue. */
export class JdCloudInputError extends JdCloudError {
  override name = 'JdCloudInputError';
  readonly operation: string;
  readonly issues: InputIssue[];

  constructor(operation: string, issues: InputIssue[]) {
    super(`${operation}: invalid input: ${issues.map((issue) => `${issue.path || '(input)'}: ${issue.message}`).join('; ')}`, {
      attempts: 0,
      retryable: false,
    });
    this.operation = operation;
    this.issues = issues;
  }
}
