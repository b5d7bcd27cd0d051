import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followThroughFields, resolveOsFields } from '../../src/domain/import-request/index.js';
import { loadConfig } from '../../src/use-cases/config/index.js';

describe('copy-to-regions and share-with', () => {
  it('reads comma-separated regions and pins, names matched ignoring case, - and _; tags over metadata over defaults', () => {
    assert.deepEqual(followThroughFields({}, { 'copy-to-regions': 'cn-east-2, cn-south-1', share_with: 'jdpin-alice,jdpin-bob' }, {}, 'cn-north-1'), {
      followThrough: { copyToRegions: ['cn-east-2', 'cn-south-1'], shareWith: ['jdpin-alice', 'jdpin-bob'] },
      problems: [],
    });
    assert.deepEqual(
      followThroughFields({ COPY_TO_REGIONS: 'cn-east-1' }, { copyToRegions: 'cn-east-2' }, { 'copy-to-regions': 'cn-south-1', 'share-with': 'jdpin-carol' }, 'cn-north-1').followThrough,
      { copyToRegions: ['cn-east-1'], shareWith: ['jdpin-carol'] },
    );
    // An empty value means none, also over a configured default.
    assert.deepEqual(followThroughFields({}, { 'copy-to-regions': ' ' }, { 'copy-to-regions': 'cn-east-2' }, 'cn-north-1').followThrough, { copyToRegions: [], shareWith: [] });
  });

  it('refuses unknown regions, the source region, repeats, empty entries and more than 10, saying every reason', () => {
    const { problems } = followThroughFields({}, { 'copy-to-regions': 'cn-west-9,cn-north-1,cn-east-2,,cn-east-2' }, {}, 'cn-north-1');
    assert.deepEqual(problems, [
      {
        code: 'invalid-copy-to-regions',
        field: 'copy-to-regions',
        value: 'cn-west-9,cn-north-1,cn-east-2,,cn-east-2',
        message:
          'copy-to-regions "cn-west-9,cn-north-1,cn-east-2,,cn-east-2" (from metadata copy-to-regions) is not allowed: it has an empty entry; "cn-east-2" is listed twice; ' +
          '"cn-west-9" is not a JD Cloud region the VM API is documented in; "cn-north-1" is the region the image is imported in. Use up to 10 comma-separated regions among cn-east-1, cn-east-2, cn-south-1.',
      },
    ]);
    const pins = Array.from({ length: 11 }, (_, index) => `jdpin-${index}`).join(',');
    assert.deepEqual(followThroughFields({ 'share-with': `${pins},jdpin 12,` }, {}, {}, 'cn-east-2').problems, [
      {
        code: 'invalid-share-with',
        field: 'share-with',
        value: `${pins},jdpin 12,`,
        message: `share-with "${pins},jdpin 12," (from tag share-with) is not allowed: it has an empty entry; it lists 12 pins, more than 10; "jdpin 12" is not a JD account pin (it has a space). Use up to 10 comma-separated JD account pins, e.g. jdpin-alice,jdpin-bob.`,
      },
    ]);
  });

  it('two spellings of one field in one layer with different values are a conflict, and neither is used', () => {
    const metadata = { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2', COPY_TO_REGIONS: 'cn-south-1' };
    assert.deepEqual(followThroughFields({}, metadata, {}, 'cn-north-1').followThrough, { copyToRegions: [], shareWith: [] });
    assert.deepEqual(resolveOsFields({}, metadata, {}).problems, [
      {
        code: 'conflicting-field',
        field: 'copy-to-regions',
        value: 'cn-east-2, cn-south-1',
        message: 'The metadata "copy-to-regions" ("cn-east-2") and "COPY_TO_REGIONS" ("cn-south-1") both set copy-to-regions, to different values: keep one of them.',
      },
    ]);
  });

  it('a bad configured default stops the start, naming the variable', () => {
    assert.throws(() => loadConfig({ JDCLOUD_REGION: 'cn-east-2', IMAGE_DEFAULT_COPY_TO_REGIONS: 'cn-east-2' }), {
      name: 'ConfigError',
      message:
        'IMAGE_DEFAULT_COPY_TO_REGIONS: copy-to-regions "cn-east-2" (from configured default copy-to-regions) is not allowed: "cn-east-2" is the region the image is imported in. Use up to 10 comma-separated regions among cn-north-1, cn-east-1, cn-south-1.',
    });
    assert.throws(() => loadConfig({ IMAGE_DEFAULT_SHARE_WITH: 'jdpin-a,jdpin-a' }), {
      name: 'ConfigError',
      message: 'IMAGE_DEFAULT_SHARE_WITH: share-with "jdpin-a,jdpin-a" (from configured default share-with) is not allowed: "jdpin-a" is listed twice. Use up to 10 comma-separated JD account pins, e.g. jdpin-alice,jdpin-bob.',
    });
  });
});
