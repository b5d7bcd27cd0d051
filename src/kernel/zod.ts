import { en } from 'zod/locales';
import { config, type ZodMiniType } from 'zod/mini';

// Schemas import zod from here (`import * as z from '…/validation/zod.js'`), never from 'zod' or
// 'zod/mini' directly, so the locale below is set before any schema parses.
//
// Why zod/mini: it keeps the function bundle small (classic zod was ~97 KB of it). Unlike classic
// zod it sets no locale, and every issue would read just "Invalid input"; our issue messages reach
// users (input errors, status records, logs), so the English locale makes them read exactly as
// classic zod wrote them, e.g. "Invalid input: expected string, received undefined".
config(en());

// Named re-exports, not the mini namespace: esbuild tree-shakes `z.object` and friends only when
// `z` is an import namespace; re-exporting zod/mini's namespace object pulled all of it, every
// locale included, into the bundle (~430 KB). A schema that needs another function adds it here.
export {
  _default,
  array,
  boolean,
  enum,
  gte,
  int,
  literal,
  lte,
  maxLength,
  minLength,
  nonnegative,
  nullable,
  nullish,
  number,
  object,
  optional,
  pipe,
  record,
  refine,
  regex,
  safeParse,
  strictObject,
  string,
  transform,
  union,
  unknown,
  url,
} from 'zod/mini';
export type { core, infer, input, output, ZodMiniType } from 'zod/mini';

/** A schema's parse and safeParse; the schema is built on the first call (lazySchema). */
export interface LazySchema<S extends ZodMiniType> {
  parse: S['parse'];
  safeParse: S['safeParse'];
}

/**
 * A schema built when it first parses, not when its module loads. Building a zod schema costs
 * time and allocations at a function's cold start (issue 12); this is for the schemas a plain
 * import never parses with, such as the status record's (read only when a record exists). It
 * parses exactly as the built schema does.
 */
export function lazySchema<S extends ZodMiniType>(build: () => S): LazySchema<S> {
  let schema: S | undefined;
  const built = (): S => (schema ??= build());
  return {
    parse: (data, params) => built().parse(data, params),
    safeParse: (data, params) => built().safeParse(data, params),
  };
}
