/** A variable's value trimmed, or undefined when it is unset or blank: blank means "not set". */
export function nonEmpty(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}
