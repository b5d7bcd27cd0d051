import { isRegionId, knownRegionIds, maxImageIdCharacters } from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import { JdCloudInputError } from '../errors.js';

/** An image id such as `img-m5s0abcd29`: 1 to 64 characters (our cap; JD documents none). */
export const imageIdSchema = z.string({ error: typeError('an image id such as img-m5s0abcd29') }).check(
  z.minLength(1, { error: 'must not be empty' }),
  z.maxLength(maxImageIdCharacters, { error: (issue) => `must be at most ${maxImageIdCharacters} characters; got ${String(issue.input).length}` }),
);

/** A region id such as `cn-north-1`. */
export const regionIdSchema = z.string({ error: typeError('a region id such as cn-north-1') }).check(
  z.refine((value) => isRegionId(value), {
    error: (issue) => `must be a region id such as cn-north-1 (documented: ${knownRegionIds.join(', ')}); got ${JSON.stringify(issue.input)}`,
  }),
);

/** An enum whose rejection names every allowed value and the value given. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      const allowed = values.map((value) => JSON.stringify(value)).join(', ');
      return issue.input === undefined ? `is required: one of ${allowed}` : `must be one of ${allowed}; got ${JSON.stringify(issue.input)}`;
    },
  });
}

/** Parses an API input, or throws JdCloudInputError listing every issue as `path: message`. */
export function parseInput<S extends z.ZodMiniType>(operation: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new JdCloudInputError(
    operation,
    parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

/** The type error of a field: `is required` when absent, else what it must be and what it got. */
export function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `is required: ${expected}` : `must be ${expected}; got ${JSON.stringify(issue.input)}`;
}
