export { createImageUrlSigner, presignImageUrl } from './image-url.js';
export { readObjectFacts } from './object-facts.js';
export type { ObjectFacts } from './object-facts.js';
export { ObjectStoreError, isNotFound } from './object-store-error.js';
export { createOssClient, ossClientFor } from './oss-client.js';
export { readImageBytes } from './read-image-bytes.js';
export { deleteInFlightMarker, readStatusRecord, retagSourceObject, tagSourceObject, writeInFlightMarker, writeStatusRecord } from './status-store.js';
export type { StoredStatus } from './status-store.js';
