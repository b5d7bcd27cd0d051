import { JdCloudError } from './jdcloud-error.js';

/** No usable access key: nothing was sent. The message names the variables to set, never a value. */
export class MissingCredentialsError extends JdCloudError {
  override name = 'MissingCredentialsError';
  /** The variables or fields that were missing, empty or malformed. */
  readonly fields: string[];

  constructor(message: string, fields: string[]) {
    super(message, { attempts: 0, retryable: false });
    this.fields = fields;
  }
}
