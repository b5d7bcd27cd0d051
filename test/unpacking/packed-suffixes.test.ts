// One list of packed names (packedSuffixes): every one has a trigger in serverless.yml, so the
// deployed function hears of it, and README lists exactly these.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { packedSuffixes } from '../../src/domain/unpacking/index.js';

const repoRoot = new URL('../../', import.meta.url);

/** importImage's OSS trigger suffixes, as serverless.yml spells them (`filter: { suffix: .zip }`). */
function importImageTriggerSuffixes(): string[] {
  const yml = readFileSync(new URL('serverless.yml', repoRoot), 'utf8');
  const block = yml.slice(yml.indexOf('  importImage:'), yml.indexOf('  refreshStatus:'));
  return [...block.matchAll(/^\s+- oss: \{.*filter: \{ suffix: '?([^'\s}]+)'? \} \}$/gm)].map((match) => match[1] ?? '');
}

it('every packed name ends in one of importImage\'s trigger suffixes (JD matches them case-sensitively, so lower case)', () => {
  const triggers = importImageTriggerSuffixes();
  assert.equal(triggers.length, 10, `serverless.yml has ${triggers.length} importImage triggers`);
  const untriggered = packedSuffixes.filter((suffix) => !triggers.some((trigger) => suffix.endsWith(trigger)));
  assert.deepEqual(untriggered, []);
  // Two suffixes where one ends the other would both match a key: JD fires only one of them.
  const nested = triggers.flatMap((a) => triggers.filter((b) => a !== b && a.endsWith(b)).map((b) => `${a} ends in ${b}`));
  assert.deepEqual(nested, []);
});

it('README lists exactly the packed names', () => {
  const readme = readFileSync(new URL('README.md', repoRoot), 'utf8');
  const start = readme.indexOf('Packed names, matched in any letter case');
  assert.ok(start >= 0, 'README has the list of packed names');
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
  const listed = [...paragraph.matchAll(/`(\.[a-z0-9.]+)`/g)].map((match) => match[1]);
  assert.deepEqual([...listed].sort(), [...packedSuffixes].sort());
});
