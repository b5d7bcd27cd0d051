import { setTimeout as sleep } from 'node:timers/promises';
import type { DevStack } from '../../local/index.js';
import type { EventSummary } from '../../../use-cases/importing/index.js';

type Outcome = EventSummary['outcomes'][number];

/** One line for an upload the local OSS delivered: what the pipeline did with it. */
export function importLine(outcome: Outcome): string {
  const detail =
    outcome.outcome === 'submitted' || outcome.outcome === 'duplicate'
      ? `image ${outcome.imageId ?? '?'}, task ${outcome.taskId ?? '?'}`
      : outcome.outcome === 'rejected'
        ? outcome.problems.map((problem) => problem.message).join(' ')
        : outcome.outcome === 'not-found'
          ? 'the object does not exist'
          : outcome.error;
  return `[import] s3://${outcome.bucket}/${outcome.key}: ${outcome.outcome} — ${detail}\n`;
}

/**
 * Follows the import task of every upload the stack submits, printing a line when its status
 * changes or its progress passes a quarter (a demo, not a flood), until it ends or `signal` aborts.
 */
export class TaskProgress {
  readonly #stack: DevStack;
  readonly #print: (text: string) => void;
  readonly #signal: AbortSignal;
  readonly #following = new Map<string, Promise<string>>();

  constructor(stack: DevStack, print: (text: string) => void, signal: AbortSignal) {
    this.#stack = stack;
    this.#print = print;
    this.#signal = signal;
  }

  /** Starts following the task of a submitted upload (once per task); resolves with how it ended. */
  follow(taskId: string, where: string): Promise<string> {
    let following = this.#following.get(taskId);
    if (following === undefined) {
      following = this.#poll(taskId, where).catch((error: unknown) => {
        this.#print(`[task ${taskId}] ${where}: not followed any more — ${error instanceof Error ? error.message : String(error)}\n`);
        return 'unfollowed';
      });
      this.#following.set(taskId, following);
    }
    return following;
  }

  /** Resolves once every task followed so far has ended (or the signal stopped the following). */
  async settled(): Promise<void> {
    await Promise.all(this.#following.values());
  }

  async #poll(taskId: string, where: string): Promise<string> {
    let last = '';
    // 120 polls of 250 ms: the emulator's tasks end within seconds.
    for (let polls = 0; polls < 120 && !this.#signal.aborted; polls++) {
      const { tasks } = await this.#stack.vm.describeImageTasks(this.#stack.region, { taskIds: [taskId] });
      const task = tasks[0];
      if (task !== undefined) {
        const key = `${task.taskStatus}/${Math.floor(task.progress / 25)}`;
        if (key !== last) this.#print(`[task ${taskId}] ${where}: ${task.taskStatus} ${task.progress}%${task.message !== '' ? ` — ${task.message}` : ''}\n`);
        last = key;
        if (task.taskStatus === 'finished' || task.taskStatus === 'failed') return task.taskStatus;
      }
      await sleep(250, undefined, { signal: this.#signal }).catch(() => undefined);
    }
    return 'unfinished';
  }
}
