// The documented input rules of the VM image API, enforced before anything is sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importImageInputSchema, importImageResultSchema, type ImportImageInput } from '../../src/adapters/jdcloud/vm/import-image.js';
import { describeImageTasksQuerySchema } from '../../src/adapters/jdcloud/vm/describe-image-tasks.js';
import { parseInput } from '../../src/adapters/jdcloud/vm/input-rules.js';
import { JdCloudInputError } from '../../src/adapters/jdcloud/errors.js';

const valid: ImportImageInput = {
  architecture: 'x86_64',
  osType: 'linux',
  platform: 'Ubuntu',
  diskFormat: 'qcow2',
  systemDiskSizeGB: 40,
  imageUrl: 'https://bucket.s3-internal.cn-north-1.jdcloud-oss.com/images/ubuntu.qcow2',
  imageName: 'ubuntu-2204',
};

function importImageIssues(input: unknown): string {
  try {
    parseInput('importImage', importImageInputSchema, input);
  } catch (error) {
    assert.ok(error instanceof JdCloudInputError);
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 0);
    return error.message;
  }
  return 'accepted';
}

describe('importImage input', () => {
  test('the documented example and every optional field are accepted', () => {
    assert.equal(importImageIssues(valid), 'accepted');
    assert.equal(
      importImageIssues({
        ...valid,
        architecture: 'arm64',
        osType: 'windows',
        platform: 'Windows Server',
        diskFormat: 'vhd',
        systemDiskSizeGB: 500,
        imageName: '导入镜像_Win-2022',
        osVersion: '2022',
        description: 'd'.repeat(256),
        forceImport: true,
        clientToken: 't'.repeat(64),
      }),
      'accepted',
    );
  });

  test('disk size: whole GB, 40 to 500, multiple of 10', () => {
    for (const size of [40, 50, 490, 500]) assert.equal(importImageIssues({ ...valid, systemDiskSizeGB: size }), 'accepted');
    assert.equal(importImageIssues({ ...valid, systemDiskSizeGB: 45 }), 'importImage: invalid input: systemDiskSizeGB: must be a multiple of 10; got 45');
    assert.equal(importImageIssues({ ...valid, systemDiskSizeGB: 30 }), 'importImage: invalid input: systemDiskSizeGB: must be between 40 and 500; got 30');
    assert.equal(importImageIssues({ ...valid, systemDiskSizeGB: 510 }), 'importImage: invalid input: systemDiskSizeGB: must be between 40 and 500; got 510');
    assert.equal(importImageIssues({ ...valid, systemDiskSizeGB: 40.5 }), 'importImage: invalid input: systemDiskSizeGB: must be a whole number of GB; got 40.5');
    assert.equal(
      importImageIssues({ ...valid, systemDiskSizeGB: '40' }),
      'importImage: invalid input: systemDiskSizeGB: must be a whole number of GB, 40 to 500, a multiple of 10; got "40"',
    );
  });

  test('name, description and client token limits', () => {
    assert.equal(importImageIssues({ ...valid, imageName: 'n'.repeat(32) }), 'accepted');
    assert.equal(importImageIssues({ ...valid, imageName: 'n'.repeat(33) }), 'importImage: invalid input: imageName: must be at most 32 characters; got 33');
    assert.equal(importImageIssues({ ...valid, imageName: '' }), 'importImage: invalid input: imageName: must not be empty');
    assert.equal(
      importImageIssues({ ...valid, imageName: 'ubuntu 22.04' }),
      'importImage: invalid input: imageName: may contain only Chinese characters, letters, digits, "_" and "-"; got "ubuntu 22.04"',
    );
    assert.equal(importImageIssues({ ...valid, description: 'd'.repeat(257) }), 'importImage: invalid input: description: must be at most 256 characters; got 257');
    assert.equal(importImageIssues({ ...valid, clientToken: 't'.repeat(65) }), 'importImage: invalid input: clientToken: must be at most 64 characters; got 65');
  });

  test('enums name every allowed value; missing fields say required; unknown fields are refused', () => {
    assert.equal(
      importImageIssues({ ...valid, architecture: 'amd64', diskFormat: 'vdi' }),
      'importImage: invalid input: architecture: must be one of "x86_64", "arm64", "i386"; got "amd64"; diskFormat: must be one of "qcow2", "vhd", "vmdk", "raw"; got "vdi"',
    );
    const { imageUrl: _imageUrl, osType: _osType, ...missing } = valid;
    assert.equal(
      importImageIssues(missing),
      'importImage: invalid input: osType: is required: one of "linux", "windows"; imageUrl: is required: an http(s) URL of the OSS object',
    );
    assert.equal(importImageIssues({ ...valid, imageUrl: 'bucket/key.qcow2' }), 'importImage: invalid input: imageUrl: must be an http(s) URL of the OSS object; got "bucket/key.qcow2"');
    assert.equal(importImageIssues({ ...valid, regionId: 'cn-north-1' }), 'importImage: invalid input: (input): Unrecognized key: "regionId"');
  });
});

describe('importImage result', () => {
  test('taskId string or legacy importTaskId integer, normalised to a string', () => {
    assert.deepEqual(importImageResultSchema.parse({ imageId: 'img-1', taskId: 'task-9' }), { imageId: 'img-1', taskId: 'task-9' });
    assert.deepEqual(importImageResultSchema.parse({ imageId: 'img-1', importTaskId: 541 }), { imageId: 'img-1', taskId: '541' });
    assert.equal(importImageResultSchema.safeParse({ imageId: 'img-1' }).error?.issues[0]?.message, 'has neither taskId nor importTaskId');
  });
});

describe('imageTasks query', () => {
  test('defaults: ImportImage, page 1 of 10', () => {
    assert.deepEqual(parseInput('describeImageTasks', describeImageTasksQuerySchema, { taskIds: [709, '794'], taskStatus: 'running' }), {
      taskAction: 'ImportImage',
      taskIds: ['709', '794'],
      taskStatus: 'running',
      pageNumber: 1,
      pageSize: 10,
    });
  });

  test('bad values are listed together', () => {
    assert.throws(
      () =>
        parseInput('describeImageTasks', describeImageTasksQuerySchema, {
          taskAction: 'Import',
          taskIds: ['7 9'],
          taskStatus: 'done',
          startTime: '2020-07-02T17:34:44Z',
          pageNumber: 0,
          pageSize: 200,
        }),
      {
        name: 'JdCloudInputError',
        message:
          'describeImageTasks: invalid input: taskAction: must be one of "ImportImage", "ExportImage"; got "Import"; ' +
          'taskIds.0: must be a task id such as 794; got "7 9"; taskStatus: must be one of "pending", "running", "failed", "finished"; got "done"; ' +
          'startTime: must look like 2020-07-02 17:34:44; got "2020-07-02T17:34:44Z"; pageNumber: must be 1 or more; ' +
          'pageSize: must be 1 to 100 (10 is the only size both documented ranges allow)',
      },
    );
  });
});
