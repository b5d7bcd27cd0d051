/** An environment variable has a value the tool cannot use. Names the variable and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
