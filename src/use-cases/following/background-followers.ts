import type { FollowRequest } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import type { FollowDeps } from './follow-deps.js';
import { followImport, processHolder } from './follow-import.js';

/**
 * Followers running in this process, for a long-running edge (serve, the local stack): each
 * import it submitted is followed to its end in the background. `stop` ends them at their next
 * wait and lets go of their leases, so another follower (`status --follow`) can take over.
 */
export class BackgroundFollowers {
  readonly #deps: FollowDeps;
  readonly #holder = processHolder();
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #onProgress: ((request: FollowRequest, record: StatusRecord) => void) | undefined;

  /** `onProgress` is told of each record after each step (the local stack prints it). */
  constructor(deps: FollowDeps, onProgress?: (request: FollowRequest, record: StatusRecord) => void) {
    this.#deps = deps;
    this.#onProgress = onProgress;
  }

  start(request: FollowRequest): void {
    const onProgress = this.#onProgress;
    const running = followImport(request, this.#deps, {
      holder: `${this.#holder}-${request.key}`,
      signal: this.#abort.signal,
      whileHeldElsewhere: 'stop',
      ...(onProgress !== undefined ? { onProgress: (record: StatusRecord) => onProgress(request, record) } : {}),
    })
      .then((result) => this.#deps.logger.info({ bucket: request.bucket, key: request.key, outcome: result.outcome, state: result.record?.state }, 'follow-through ended'))
      .catch((error: unknown) => this.#deps.logger.error({ bucket: request.bucket, key: request.key, error: String(error) }, 'follow-through failed'));
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  }

  /** Resolves when every follower started so far has ended. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.settled();
  }
}
