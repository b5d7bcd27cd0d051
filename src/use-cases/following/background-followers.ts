import type { FollowRequest } from '../../domain/following/index.js';
import { redactSecretsInText } from '../../kernel/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import type { FollowDeps } from './follow-deps.js';
import { followImport, processHolder } from './follow-import.js';
import type { FollowResult } from './follow-slice.js';

/**
 * Followers running in this process, for a long-running edge (serve, the local stack): each
 * import it submitted is followed to its end in the background. `stop` ends them at their next
 * wait and lets go of their leases, so another follower (`status --follow`) can take over.
 */
export class BackgroundFollowers {
  readonly #deps: FollowDeps;
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<unknown>>();
  readonly #onProgress: ((request: FollowRequest, record: StatusRecord) => void) | undefined;

  /** `onProgress` is told of each record after each step (the local stack prints it). */
  constructor(deps: FollowDeps, onProgress?: (request: FollowRequest, record: StatusRecord) => void) {
    this.#deps = deps;
    this.#onProgress = onProgress;
  }

  /**
   * Follows the import in the background; the promise (which never rejects) says how it ended,
   * undefined if the follower itself failed. serve and the local stack need not wait for it.
   */
  start(request: FollowRequest): Promise<FollowResult | undefined> {
    const onProgress = this.#onProgress;
    const where = { bucket: request.bucket, key: request.key };
    const running = followImport(request, this.#deps, {
      // Each follower its own holder: a second one of the same import (a redelivered event) then
      // finds the lease held and stops, rather than pass for its owner.
      holder: processHolder(),
      signal: this.#abort.signal,
      whileHeldElsewhere: 'stop',
      ...(onProgress !== undefined ? { onProgress: (record: StatusRecord) => onProgress(request, record) } : {}),
    }).then(
      (result) => {
        this.#deps.logger.info({ ...where, outcome: result.outcome, state: result.record?.state, steps: result.steps }, 'follow-through ended');
        return result;
      },
      (error: unknown) => {
        this.#deps.logger.error({ ...where, error: redactSecretsInText(String(error)) }, 'follow-through failed');
        return undefined;
      },
    );
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
    return running;
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
