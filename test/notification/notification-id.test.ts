// Notification ids: the same for every delivery of one event of one import, whichever follower
// sends it, so a receiver that drops ids it has seen gets each event once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationIdFor } from '../../src/domain/notification/index.js';
import type { StatusRecord } from '../../src/domain/status/index.js';

const record: StatusRecord = {
  version: 1,
  state: 'ready',
  source: { region: 'cn-north-1', bucket: 'disk-images', key: 'u/ubuntu.qcow2', etag: 'e1', size: 1024 },
  imageId: 'img-abc123',
  clientToken: 'oii-0123',
  createdAt: '2026-12-05T10:00:00.000Z',
  updatedAt: '2026-12-05T10:05:00.000Z',
};

describe('notificationIdFor', () => {
  it('is the same for one import and event however the record has moved on, and shaped like a UUID', () => {
    const id = notificationIdFor(record, 'ready');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const later = { ...record, updatedAt: '2026-12-05T11:00:00.000Z', notifications: [], follower: { holder: 'other', leaseUntil: '2026-12-05T11:05:00.000Z', startedAt: '2026-12-05T10:00:00.000Z', hop: 7 } };
    assert.equal(notificationIdFor(later, 'ready'), id);
  });

  it('differs between events, imports (clientToken) and, without a clientToken, object versions', () => {
    const ids = [
      notificationIdFor(record, 'ready'),
      notificationIdFor(record, 'copies-finished'),
      notificationIdFor({ ...record, clientToken: 'oii-4567' }, 'ready'),
      notificationIdFor({ ...record, clientToken: undefined }, 'rejected'),
      notificationIdFor({ ...record, clientToken: undefined, source: { ...record.source, etag: 'e2' } }, 'rejected'),
    ];
    assert.equal(new Set(ids).size, ids.length);
  });
});
