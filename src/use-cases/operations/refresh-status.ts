import { withFollowThroughCancelled } from '../../domain/following/index.js';
import { importInFlight, type StatusRecord } from '../../domain/status/index.js';

/** What refresh needs of JD: task states by id, image states by id, both batched. */
export interface ImportTracker {
  /** Tasks by id for up to 100 ids; ids JD does not know are simply absent. */
  tasks(region: string, taskIds: string[]): Promise<Map<string, { taskStatus: string; progress: number; message: string }>>;
  /** Image status (`pending`, `ready`, `error`, …) by id for up to 100 ids. */
  images(region: string, imageIds: string[]): Promise<Map<string, string>>;
}

const batchSize = 100;

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/**
 * Moves records along from JD's answers: a running task → `importing` with its progress; a
 * finished task whose image is ready → `ready`; a failed task or an image in error → `error`
 * with JD's message. Task ids JD no longer knows are noted, the state is left alone. Returns
 * only the records that changed. Calls are batched: ⌈n/100⌉ per region for tasks and images.
 */
export async function refreshRecords(records: StatusRecord[], tracker: ImportTracker, now: Date): Promise<StatusRecord[]> {
  const changed: StatusRecord[] = [];
  const byRegion = new Map<string, StatusRecord[]>();
  for (const record of records.filter(importInFlight)) {
    const list = byRegion.get(record.source.region) ?? [];
    list.push(record);
    byRegion.set(record.source.region, list);
  }
  for (const [region, regionRecords] of byRegion) {
    const tasks = new Map<string, { taskStatus: string; progress: number; message: string }>();
    for (const batch of chunks(regionRecords.map((record) => record.taskId as string), batchSize)) {
      for (const [id, task] of await tracker.tasks(region, batch)) tasks.set(id, task);
    }
    const finishedImageIds = regionRecords
      .filter((record) => tasks.get(record.taskId as string)?.taskStatus === 'finished' && record.imageId !== undefined)
      .map((record) => record.imageId as string);
    const images = new Map<string, string>();
    for (const batch of chunks(finishedImageIds, batchSize)) {
      for (const [id, status] of await tracker.images(region, batch)) images.set(id, status);
    }
    for (const record of regionRecords) {
      // An import that ended in error takes its pending copies and share with it (they say so).
      const next = withFollowThroughCancelled(nextRecord(record, tasks.get(record.taskId as string), record.imageId === undefined ? undefined : images.get(record.imageId)));
      if (JSON.stringify(next.task) !== JSON.stringify(record.task) || next.state !== record.state) {
        changed.push({ ...next, updatedAt: now.toISOString() });
      }
    }
  }
  return changed;
}

function nextRecord(
  record: StatusRecord,
  task: { taskStatus: string; progress: number; message: string } | undefined,
  imageStatus: string | undefined,
): StatusRecord {
  if (task === undefined) {
    return { ...record, task: { status: 'unknown', message: `JD Cloud does not know task ${record.taskId ?? ''} (any more).` } };
  }
  const taskInfo = { status: task.taskStatus, progress: task.progress, ...(task.message !== '' ? { message: task.message } : {}) };
  switch (task.taskStatus) {
    case 'failed':
      return { ...record, state: 'error', task: { ...taskInfo, message: task.message !== '' ? task.message : 'The import task failed without a message.' } };
    case 'finished':
      if (imageStatus === 'ready') return { ...record, state: 'ready', task: taskInfo };
      if (imageStatus === 'error') return { ...record, state: 'error', task: { ...taskInfo, message: task.message || 'The imported image is in error.' } };
      if (imageStatus === undefined) {
        return { ...record, state: 'error', task: { ...taskInfo, message: `The task finished but JD Cloud reports no image ${record.imageId ?? ''}.` } };
      }
      return { ...record, state: 'importing', task: taskInfo };
    default:
      return { ...record, state: 'importing', task: taskInfo };
  }
}
