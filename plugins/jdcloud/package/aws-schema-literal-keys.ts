import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The generated schema modules of AWS SDK clients, e.g. client-s3/dist-es/schemas/schemas_0.js. */
const schemaModule = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** `const _hH = "httpHeader";`: the generated module's string constants, one per line. */
const stringConstant = /^const (_[A-Za-z0-9_]+) = ("(?:[^"\\\n]|\\.)*");$/gm;

/**
 * A computed key naming one of those constants, as an object literal's property: after `{` or
 * `,`, so a conditional like `a ? [_x] : b` (an array, not a key) never matches.
 */
const computedKey = /([{,]\s*)\[(_[A-Za-z0-9_]+)\](\s*:)/g;

/**
 * Rewrites `{ [_hH]: "x-amz-meta-" }` as `{ "httpHeader": "x-amz-meta-" }` wherever `_hH` is one
 * of the module's own top-level string constants. The two mean the same; returns the source
 * unchanged when the module has no such constants (an SDK that changed its layout).
 */
export function inlineSchemaKeys(source: string): { source: string; inlined: number } {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(stringConstant)) {
    if (name !== undefined && literal !== undefined) constants.set(name, literal);
  }
  let inlined = 0;
  const rewritten = source.replace(computedKey, (whole: string, before: string, name: string, colon: string) => {
    const literal = constants.get(name);
    // `{ ["__proto__"]: v }` makes a property; `{ "__proto__": v }` would set the prototype.
    if (literal === undefined || literal === '"__proto__"') return whole;
    inlined += 1;
    return `${before}${literal}${colon}`;
  });
  return { source: rewritten, inlined };
}

/**
 * An AWS SDK client's schemas (every shape of every operation: 485 of them in client-s3) sit in
 * one generated module whose object literals use computed keys naming string constants,
 * `{ [_hH]: "x-amz-meta-" }`. esbuild cannot prove a computed key free of side effects, so it
 * keeps every schema, used or not: 67 KB of client-s3 in a bundle that runs six operations.
 * With the keys written as the literals they stand for, unused schemas are tree-shaken (13 KB
 * remain) and V8 has less top-level code to compile at cold start.
 */
export const awsSchemaLiteralKeys: Plugin = {
  name: 'aws-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: schemaModule }, async (args) => ({
      loader: 'js',
      contents: inlineSchemaKeys(await readFile(args.path, 'utf8')).source,
    }));
  },
};
