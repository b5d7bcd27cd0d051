import { randomBytes } from 'node:crypto';
import type { ImportRequest } from './import-rules.js';
import { formatTaskTime } from './task-clock.js';

export type TaskStatus = 'pending' | 'running' | 'failed' | 'finished';

/** How an import advances: pending for one step, running for `runningSteps` steps, then finished. */
export interface TaskLifecycle {
  stepMs: number;
  runningSteps: number;
}

export interface StoredTask {
  taskId: number;
  region: string;
  imageId: string;
  /** The access key that imported it; a seeded task's image belongs to every key. */
  owner?: string;
  request: ImportRequest;
  createdAtMs: number;
  /** Failed from `atMs` on, with this message. */
  failure?: { message: string; atMs: number };
  /** Fails instead of finishing, with this message. */
  failsAtEnd?: string;
  /** A seeded task that stays as it was set. */
  pinned?: { status: TaskStatus; progress: number; message: string };
}

/** One TaskInfo as imageTasks returns it (docs §2.3; `taskId` an integer as documented). */
export interface TaskInfo {
  taskId: number;
  action: 'ImportImage';
  taskStatus: TaskStatus;
  progress: number;
  message: string;
  errorInfo: string;
  createdTime: string;
  finishedTime: string;
  imageId: string;
  imageName: string;
  imageUrl: string;
}

export interface SeedTaskInput {
  region: string;
  status: TaskStatus;
  progress?: number;
  message?: string;
  imageName?: string;
  imageUrl?: string;
  createdAtMs?: number;
  /** The access key that owns the image; default every key. */
  owner?: string;
}

export function newImageId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `img-${[...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

/** The emulator's images and import tasks, their clientTokens, and how tasks move on over time. */
export class ImageRegistry {
  readonly #tasks = new Map<number, StoredTask>();
  readonly #byImageId = new Map<string, StoredTask>();
  readonly #byClientToken = new Map<string, StoredTask>();
  readonly #lifecycle: TaskLifecycle;
  #nextTaskId = 1001;
  #failNext: string[] = [];

  constructor(lifecycle: TaskLifecycle) {
    this.#lifecycle = lifecycle;
  }

  /**
   * Starts an import, or returns the earlier one for the same clientToken (same account and
   * region): "the same token returns the same result" (docs §2.2). `created` is false then.
   */
  importImage(input: { accessKeyId: string; region: string; request: ImportRequest; nowMs: number; failsAtEnd?: string }): {
    task: StoredTask;
    created: boolean;
  } {
    const tokenKey =
      input.request.clientToken === undefined ? undefined : `${input.accessKeyId}\n${input.region}\n${input.request.clientToken}`;
    const earlier = tokenKey === undefined ? undefined : this.#byClientToken.get(tokenKey);
    if (earlier !== undefined) return { task: earlier, created: false };
    const task: StoredTask = {
      taskId: this.#nextTaskId++,
      region: input.region,
      imageId: newImageId(),
      owner: input.accessKeyId,
      request: input.request,
      createdAtMs: input.nowMs,
    };
    const failsAtEnd = this.#failNext.shift() ?? input.failsAtEnd;
    if (failsAtEnd !== undefined) task.failsAtEnd = failsAtEnd;
    this.#tasks.set(task.taskId, task);
    this.#byImageId.set(task.imageId, task);
    if (tokenKey !== undefined) this.#byClientToken.set(tokenKey, task);
    return { task, created: true };
  }

  /** Adds a task in a fixed state, e.g. to list tasks of another region. */
  seedTask(input: SeedTaskInput, nowMs: number): { taskId: string; imageId: string } {
    const imageName = input.imageName ?? `seeded-${this.#nextTaskId}`;
    const progress = input.progress ?? (input.status === 'finished' ? 100 : input.status === 'pending' ? 0 : 50);
    const task: StoredTask = {
      taskId: this.#nextTaskId++,
      region: input.region,
      imageId: newImageId(),
      request: {
        architecture: 'x86_64',
        osType: 'linux',
        platform: 'Ubuntu',
        diskFormat: 'qcow2',
        systemDiskSizeGB: 40,
        imageUrl: input.imageUrl ?? `https://seed.s3-internal.${input.region}.jdcloud-oss.com/${imageName}.qcow2`,
        imageName,
      },
      createdAtMs: input.createdAtMs ?? nowMs,
      pinned: { status: input.status, progress, message: input.message ?? '' },
      ...(input.owner !== undefined ? { owner: input.owner } : {}),
    };
    this.#tasks.set(task.taskId, task);
    this.#byImageId.set(task.imageId, task);
    return { taskId: String(task.taskId), imageId: task.imageId };
  }

  /** The next imports fail (each takes one message) when they would finish. */
  failNextImport(message: string): void {
    this.#failNext.push(message);
  }

  /** Makes a task fail now with this message; a finished task cannot fail any more. */
  failTask(taskId: string, message: string, nowMs: number): void {
    const task = this.#tasks.get(Number(taskId));
    if (task === undefined) throw new Error(`No emulated task ${taskId}.`);
    const status = this.taskInfo(task, nowMs).taskStatus;
    if (status === 'finished' || status === 'failed') throw new Error(`Task ${taskId} is already ${status}.`);
    if (task.pinned !== undefined) task.pinned = { ...task.pinned, status: 'failed', message };
    else task.failure = { message, atMs: nowMs };
  }

  tasksIn(region: string): StoredTask[] {
    return [...this.#tasks.values()].filter((task) => task.region === region);
  }

  allTasks(): StoredTask[] {
    return [...this.#tasks.values()];
  }

  image(region: string, imageId: string): StoredTask | undefined {
    const task = this.#byImageId.get(imageId);
    return task?.region === region ? task : undefined;
  }

  /** Progress in percent of work started at `startedAtMs` (an import, a copy): 0 while pending, 100 once done. */
  progressAt(startedAtMs: number, atMs: number): number {
    const { stepMs, runningSteps } = this.#lifecycle;
    const runningFrom = startedAtMs + stepMs;
    const runningFor = stepMs * runningSteps;
    if (atMs < runningFrom) return 0;
    if (runningFor <= 0 || atMs >= runningFrom + runningFor) return 100;
    return Math.min(99, Math.max(1, Math.floor(((atMs - runningFrom) / runningFor) * 100)));
  }

  /** The task as imageTasks reports it at `nowMs`. */
  taskInfo(task: StoredTask, nowMs: number): TaskInfo {
    const base = {
      taskId: task.taskId,
      action: 'ImportImage' as const,
      createdTime: formatTaskTime(task.createdAtMs),
      imageId: task.imageId,
      imageName: task.request.imageName,
      imageUrl: task.request.imageUrl,
    };
    const view = (taskStatus: TaskStatus, progress: number, message: string, finishedAtMs?: number): TaskInfo => ({
      ...base,
      taskStatus,
      progress,
      message,
      errorInfo: taskStatus === 'failed' ? message : '',
      finishedTime: finishedAtMs === undefined ? '' : formatTaskTime(finishedAtMs),
    });
    if (task.pinned !== undefined) {
      const { status, progress, message } = task.pinned;
      return view(status, progress, message, status === 'finished' || status === 'failed' ? task.createdAtMs : undefined);
    }
    if (task.failure !== undefined && nowMs >= task.failure.atMs) {
      return view('failed', Math.min(99, this.progressAt(task.createdAtMs, task.failure.atMs)), task.failure.message, task.failure.atMs);
    }
    const { stepMs, runningSteps } = this.#lifecycle;
    const endsAt = task.createdAtMs + stepMs * (1 + runningSteps);
    if (nowMs < task.createdAtMs + stepMs && stepMs > 0) return view('pending', 0, '');
    if (nowMs < endsAt) return view('running', this.progressAt(task.createdAtMs, nowMs), '');
    if (task.failsAtEnd !== undefined) return view('failed', 99, task.failsAtEnd, endsAt);
    return view('finished', 100, '', endsAt);
  }

  /** Image status follows its task: pending while importing, ready when finished, error when failed. */
  imageStatus(task: StoredTask, nowMs: number): 'pending' | 'ready' | 'error' {
    const status = this.taskInfo(task, nowMs).taskStatus;
    return status === 'finished' ? 'ready' : status === 'failed' ? 'error' : 'pending';
  }
}
