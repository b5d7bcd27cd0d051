import type S3rver from 's3rver';

/**
 * s3rver 3.7 makes ListObjectsV2 continuation tokens with the DES cipher, which OpenSSL 3
 * (Node 17+) no longer offers: any listing of more than one page fails with a 500. This
 * serves list-type=2 through s3rver's version 1 listing (marker-based) and reshapes the
 * answer as version 2, with the last key of the page (base64url) as the continuation token.
 * It sits just before s3rver's router, inside the middleware that turns bodies into XML.
 */
export function applyListObjectsV2Fix(server: S3rver): void {
  server.middleware.splice(server.middleware.length - 1, 0, async (ctx, next) => {
    const params = new URLSearchParams(ctx.querystring);
    if (ctx.method !== 'GET' || params.get('list-type') !== '2' || !/^\/[^/]+\/?$/.test(ctx.path)) return next();

    const token = params.get('continuation-token');
    const startAfter = token !== null && token !== '' ? Buffer.from(token, 'base64url').toString('utf8') : params.get('start-after');
    for (const name of ['list-type', 'continuation-token', 'start-after', 'fetch-owner']) params.delete(name);
    if (startAfter !== null && startAfter !== '') params.set('marker', startAfter);
    ctx.querystring = params.toString();
    await next();

    const result = (ctx.body as { ListBucketResult?: Record<string, unknown> } | undefined)?.ListBucketResult;
    if (result === undefined) return;
    const contents = (result['Contents'] as Array<{ Key: string; Owner?: unknown }> | undefined) ?? [];
    const last = contents[contents.length - 1];
    delete result['Marker'];
    delete result['NextMarker'];
    for (const object of contents) delete object.Owner;
    if (token !== null && token !== '') result['ContinuationToken'] = token;
    else if (startAfter !== null && startAfter !== '') result['StartAfter'] = startAfter;
    if (result['IsTruncated'] === true && last !== undefined) result['NextContinuationToken'] = Buffer.from(last.Key, 'utf8').toString('base64url');
    result['KeyCount'] = contents.length;
  });
}
