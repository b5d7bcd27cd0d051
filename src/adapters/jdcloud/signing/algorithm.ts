/** The names that make JDCLOUD2 differ from AWS SigV4 (docs/reference/jdcloud-api.md §1.1). */
export const signingAlgorithm = 'JDCLOUD2-HMAC-SHA256';
export const keyPrefix = 'JDCLOUD2';
export const scopeTerminator = 'jdcloud2_request';
export const dateHeader = 'x-jdcloud-date';
export const nonceHeader = 'x-jdcloud-nonce';
