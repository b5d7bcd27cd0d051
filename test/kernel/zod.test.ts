// The shared zod/mini module: issue messages in classic zod's English, and no schema that reaches
// zod another way (classic zod would add ~60 KB to each function bundle, zod/mini directly would skip the locale).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as z from '../../src/kernel/zod.js';

const repoRoot = new URL('../../', import.meta.url);

describe('src/kernel/zod.ts', () => {
  it('words issues as classic zod does', () => {
    const parsed = z.safeParse(z.object({ key: z.string().check(z.minLength(1)) }), { key: '' });
    assert.equal(parsed.error?.issues[0]?.message, 'Too small: expected string to have >=1 characters');
    assert.equal(z.safeParse(z.string(), undefined).error?.issues[0]?.message, 'Invalid input: expected string, received undefined');
  });

  it('is the only module of src and functions that imports zod', () => {
    const importers = ['src', 'functions'].flatMap((folder) =>
      readdirSync(new URL(folder, repoRoot), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${folder}/${file}`)
        .filter((path) => /from 'zod(\/[^']*)?'/.test(readFileSync(new URL(path, repoRoot), 'utf8'))),
    );
    assert.deepEqual(importers, ['src/kernel/zod.ts']);
  });

  it('lazySchema builds its schema on the first parse, once, and parses as the schema does', () => {
    let builds = 0;
    const keySchema = z.lazySchema(() => {
      builds += 1;
      return z.object({ key: z.string().check(z.minLength(1)) });
    });
    assert.equal(builds, 0, 'nothing built when the module loads');
    assert.deepEqual(keySchema.safeParse({ key: 'a.qcow2', extra: 1 }), { success: true, data: { key: 'a.qcow2' } });
    assert.equal(keySchema.safeParse({ key: '' }).error?.issues[0]?.message, 'Too small: expected string to have >=1 characters');
    assert.throws(() => keySchema.parse({}), { name: '$ZodError', message: /Invalid input: expected string, received undefined/ });
    assert.deepEqual(keySchema.parse({ key: 'b.vhd' }), { key: 'b.vhd' });
    assert.equal(builds, 1);
  });
});
