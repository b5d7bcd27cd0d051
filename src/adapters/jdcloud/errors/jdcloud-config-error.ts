import { JdCloudError } from './jdcloud-error.js';

/** The client was set up wrongly (endpoint, region, options); nothing was sent. */
export class JdCloudConfigError extends JdCloudError {
  override name = 'JdCloudConfigError';
  /** The option or variable at fault, e.g. `endpoint`, `regionId`, `JDCLOUD_VM_ENDPOINT`. */
  readonly field: string;

  constructor(field: string, message: string, cause?: unknown) {
    super(message, { attempts: 0, retryable: false, cause });
    this.field = field;
  }
}
