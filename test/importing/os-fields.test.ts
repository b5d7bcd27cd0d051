import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientTokenFor } from '../../src/domain/import-request/client-token.js';
import { imageNameFromKey } from '../../src/domain/import-request/image-name.js';
import { resolveOsFields } from '../../src/domain/import-request/os-fields.js';

describe('resolveOsFields', () => {
  it('normalises names (case, - and _) and values to the API spelling', () => {
    const resolved = resolveOsFields({}, { platform: 'ubuntu', 'os-version': '22.04', architecture: 'amd64' }, {});
    assert.deepEqual(resolved, {
      fields: { architecture: 'x86_64', platform: 'Ubuntu', osType: 'linux', osVersion: '22.04' },
      sources: { architecture: 'metadata', platform: 'metadata', osType: 'derived', osVersion: 'metadata' },
      problems: [],
    });
    const spelled = resolveOsFields({ OS_TYPE: 'Windows', Platform: 'windows-server', SystemDiskSizeGB: '60', force_import: 'TRUE' }, {}, {});
    assert.deepEqual(spelled.fields, { architecture: 'x86_64', platform: 'Windows Server', osType: 'windows', systemDiskSizeGB: 60, forceImport: true });
    assert.equal(resolveOsFields({}, { platform: 'Rocky_Linux', architecture: 'aarch64' }, {}).fields.platform, 'Rocky Linux');
  });

  it('lets tags win over metadata and metadata over configured defaults', () => {
    const resolved = resolveOsFields({ platform: 'CentOS' }, { platform: 'Ubuntu', 'os-version': '7.9' }, { 'os-version': '1', architecture: 'arm64', platform: 'OpenEuler' });
    assert.equal(resolved.fields.platform, 'CentOS');
    assert.equal(resolved.sources.platform, 'tag');
    assert.equal(resolved.fields.osVersion, '7.9');
    assert.equal(resolved.fields.architecture, 'arm64');
    assert.equal(resolved.sources.architecture, 'default');
  });

  it('reports every problem at once, naming field, value and what is allowed', () => {
    const resolved = resolveOsFields(
      { architecture: 'sparc' },
      { 'os-type': 'beos', 'system-disk-size-gb': '45', 'image-name': 'has space', 'force-import': 'yes' },
      {},
    );
    assert.deepEqual(
      resolved.problems.map((problem) => problem.message),
      [
        'architecture "sparc" (from tag architecture) is not allowed: use x86_64 or arm64 (amd64 and aarch64 are accepted).',
        'platform is missing: set metadata or a tag "platform" to one of Ubuntu, CentOS, Windows Server, OpenEuler, Rocky Linux, Other Linux, Other Windows.',
        'os-type "beos" (from metadata os-type) is not allowed: use linux or windows.',
        'system-disk-size-gb "45" (from metadata system-disk-size-gb) is not allowed: use a whole number of GB from 40 to 500, a multiple of 10.',
        'image-name "has space" (from metadata image-name) is not allowed: use 1 to 32 characters: letters, digits, Chinese characters, "_" and "-".',
        'force-import "yes" (from metadata force-import) is not allowed: use true or false.',
      ],
    );
    assert.deepEqual(resolved.problems.map((problem) => problem.field), ['architecture', 'platform', 'os-type', 'system-disk-size-gb', 'image-name', 'force-import']);
  });

  for (const size of ['45', '30', '510', 'abc', '40.0', '-50', '']) {
    it(`rejects system-disk-size-gb "${size}"`, () => {
      const resolved = resolveOsFields({}, { platform: 'Ubuntu', 'system-disk-size-gb': size }, {});
      assert.equal(resolved.problems.length, 1);
      assert.equal(resolved.problems[0]?.code, 'invalid-system-disk-size-gb');
      assert.equal(resolved.problems[0]?.value, size);
    });
  }

  it('accepts the bounds 40 and 500', () => {
    assert.equal(resolveOsFields({}, { platform: 'Ubuntu', 'system-disk-size-gb': '40' }, {}).fields.systemDiskSizeGB, 40);
    assert.equal(resolveOsFields({}, { platform: 'Ubuntu', 'system-disk-size-gb': '500' }, {}).fields.systemDiskSizeGB, 500);
  });

  it('rejects an os-type that contradicts the platform', () => {
    const resolved = resolveOsFields({}, { platform: 'Windows Server', 'os-type': 'linux' }, {});
    assert.deepEqual(resolved.problems.map((problem) => problem.code), ['os-type-contradicts-platform']);
  });

  it('rejects a description over 256 characters', () => {
    const resolved = resolveOsFields({}, { platform: 'Ubuntu', description: 'x'.repeat(257) }, {});
    assert.deepEqual(resolved.problems.map((problem) => problem.code), ['invalid-description']);
  });

  // Issue 15, D9.
  it('refuses control characters in description and os-version, DEL and C1 controls included', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ description: 'first line\nsecond line' }, 'description "first line\\x0asecond line" (from tag description) is not allowed: use at most 256 characters, none of them control characters (line breaks, tabs, DEL).'],
      [{ description: 'bell\u0007' }, 'description "bell\\x07" (from tag description) is not allowed: use at most 256 characters, none of them control characters (line breaks, tabs, DEL).'],
      [{ 'os-version': '22.04\u007f' }, 'os-version "22.04\\x7f" (from tag os-version) is not allowed: use up to 64 printable characters, e.g. 22.04.'],
      [{ 'os-version': '22.04\u0085' }, 'os-version "22.04\\x85" (from tag os-version) is not allowed: use up to 64 printable characters, e.g. 22.04.'],
      [{ 'os-version': '22.04\tLTS' }, 'os-version "22.04\\x09LTS" (from tag os-version) is not allowed: use up to 64 printable characters, e.g. 22.04.'],
    ];
    for (const [tags, message] of cases) {
      assert.deepEqual(resolveOsFields(tags, { platform: 'Ubuntu' }, {}).problems.map((problem) => problem.message), [message], JSON.stringify(tags));
    }
    assert.equal(resolveOsFields({ description: 'Ubuntu 22.04 — 测试 «image»' }, { platform: 'Ubuntu' }, {}).fields.description, 'Ubuntu 22.04 — 测试 «image»');
  });

  it('takes an empty description as no description, so the default applies', () => {
    const resolved = resolveOsFields({ description: '' }, { platform: 'Ubuntu' }, {});
    assert.equal(resolved.fields.description, undefined);
    assert.deepEqual(resolved.problems, []);
    const spaces = resolveOsFields({}, { platform: 'Ubuntu', description: '   ' }, {});
    assert.equal(spaces.fields.description, undefined);
  });

  // Issue 15, D8.
  it('names both spellings of a field set twice in one layer with different values, and picks neither', () => {
    const resolved = resolveOsFields({ platform: 'Ubuntu', PLATFORM: 'CentOS', Architecture: 'arm64', architecture: 'x86_64' }, {}, {});
    assert.deepEqual(resolved.problems, [
      {
        code: 'conflicting-field',
        field: 'architecture',
        value: 'arm64, x86_64',
        message: 'The tags "Architecture" ("arm64") and "architecture" ("x86_64") both set architecture, to different values: keep one of them.',
      },
      {
        code: 'conflicting-field',
        field: 'platform',
        value: 'Ubuntu, CentOS',
        message: 'The tags "platform" ("Ubuntu") and "PLATFORM" ("CentOS") both set platform, to different values: keep one of them.',
      },
    ]);
    assert.deepEqual(resolved.fields, {});
    const metadata = resolveOsFields({}, { platform: 'Ubuntu', 'os-type': 'linux', os_type: 'windows', ostype: 'linux' }, {});
    assert.deepEqual(metadata.problems.map((problem) => problem.message), [
      'The metadata "os-type" ("linux"), "os_type" ("windows") and "ostype" ("linux") all set os-type, to different values: keep one of them.',
    ]);
  });

  it('accepts two spellings with one value, and a conflict a higher layer overrides', () => {
    assert.deepEqual(resolveOsFields({ platform: 'Ubuntu', Platform: ' Ubuntu ' }, {}, {}).problems, []);
    const overridden = resolveOsFields({ 'os-type': 'linux' }, { platform: 'Ubuntu', 'os-type': 'windows', os_type: 'linux' }, {});
    assert.deepEqual(overridden.problems, []);
    assert.equal(overridden.fields.osType, 'linux');
  });
});

describe('imageNameFromKey', () => {
  it('derives a valid name from the file name', () => {
    assert.equal(imageNameFromKey('images/ubuntu-22.04.qcow2'), 'ubuntu-22-04');
    assert.equal(imageNameFromKey('uploads/Ubuntu 22.04+LTS 测试.qcow2'), 'Ubuntu-22-04-LTS-测试');
    assert.equal(imageNameFromKey('../../etc/passwd..raw'), 'passwd');
    assert.equal(imageNameFromKey('%%%.vhd'), 'imported-image');
    assert.equal(imageNameFromKey(`${'a'.repeat(40)}.vmdk`), 'a'.repeat(32));
  });
});

describe('clientTokenFor', () => {
  it('is deterministic per object version and at most 64 characters', () => {
    const source = { region: 'cn-north-1', bucket: 'images', key: 'a.qcow2', etag: 'abc' };
    const token = clientTokenFor(source);
    assert.equal(token, clientTokenFor({ ...source }));
    assert.ok(token.length <= 64);
    assert.notEqual(token, clientTokenFor({ ...source, etag: 'abd' }));
    assert.notEqual(token, clientTokenFor({ ...source, region: 'cn-east-2' }));
  });
});
