import type { ImageImporter } from '../importing/index.js';
import type { RateLimiter } from './rate-limiter.js';

/** The pipeline's importer, each call waiting for a slot of the limiter first. */
export function rateLimitedImporter(importer: ImageImporter, limiter: RateLimiter): ImageImporter {
  return {
    async importImage(regionId, input) {
      await limiter.acquire();
      return importer.importImage(regionId, input);
    },
  };
}
