import { JdCloudApiError } from '../errors.js';
import type { ImageTask } from './describe-image-tasks.js';
import type { VmApi } from './vm-api.js';

/**
 * Remembers the imageTasks page size the API accepts. It is documented as [10,100] (en) and
 * [1,10] (newer cn): 100 is tried first, so 100 tasks cost one call, and 10 is used for good
 * once the API answers OUT_OF_RANGE.
 */
export interface TaskPageSize {
  value: number;
}

export function taskPageSize(): TaskPageSize {
  return { value: 100 };
}

export interface ListImageTasksOptions {
  taskIds?: string[];
  pageSize?: TaskPageSize;
  /** A bound on pages, so a listing that never ends cannot loop forever. */
  maxPages?: number;
  /** Told before each API call (for call counts). */
  onCall?: () => void;
}

/** Every import task (or the given ids), page after page, with the page-size fallback. */
export async function listImageTasks(
  vm: Pick<VmApi, 'describeImageTasks'>,
  region: string,
  options: ListImageTasksOptions = {},
): Promise<{ tasks: ImageTask[]; totalCount: number }> {
  const pageSize = options.pageSize ?? taskPageSize();
  const tasks: ImageTask[] = [];
  let totalCount = 0;
  for (let pageNumber = 1; pageNumber <= (options.maxPages ?? Number.POSITIVE_INFINITY); pageNumber++) {
    let page;
    for (;;) {
      options.onCall?.();
      try {
        page = await vm.describeImageTasks(region, {
          taskAction: 'ImportImage',
          ...(options.taskIds !== undefined && options.taskIds.length > 0 ? { taskIds: options.taskIds } : {}),
          pageNumber,
          pageSize: pageSize.value,
        });
        break;
      } catch (error) {
        if (pageSize.value > 10 && error instanceof JdCloudApiError && error.status === 'OUT_OF_RANGE') {
          pageSize.value = 10;
          continue;
        }
        throw error;
      }
    }
    tasks.push(...page.tasks);
    totalCount = page.totalCount;
    if (page.tasks.length === 0 || tasks.length >= page.totalCount) break;
  }
  return { tasks, totalCount };
}
