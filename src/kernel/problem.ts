/**
 * One reason an upload cannot be imported as it is. Every check in the pipeline reports
 * problems instead of throwing, so a user sees all of them at once in the status record.
 */
export interface Problem {
  /** Stable machine-readable code, e.g. `unknown-extension`, `qcow2-backing-file`. */
  code: string;
  /** The field the problem is about: a metadata name (`os-type`), `key`, or `content`. */
  field: string;
  /** The offending value as given, when there is one (never a secret). */
  value?: string;
  /** A sentence that names the field, the value and what is allowed or what to do. */
  message: string;
}
