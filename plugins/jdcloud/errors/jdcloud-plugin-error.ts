/**
 * Base of every error the JD Cloud provider plugin raises on purpose. The plugin entry turns
 * these into the framework's own error type, so the CLI prints the message without a stack.
 */
export class JdCloudPluginError extends Error {
  override name = 'JdCloudPluginError';
  /** A stable code the framework prints next to the message, e.g. `JDCLOUD_INVALID_CONFIG`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
