/** `s3:ObjectCreated:Put`, `oss:ObjectCreated:Put` and `ObjectCreated:Put` are one event. */
export function normaliseEventName(name: string): string {
  return name.replace(/^(s3|oss):/i, '');
}

const importingEvents = new Set(['Put', 'Post', 'Copy', 'CompleteMultipartUpload', '*']);

/** Only object creation imports; removals, tagging, restores and test events do not. */
export function isObjectCreated(eventName: string): boolean {
  const [family, kind] = normaliseEventName(eventName).split(':');
  return family === 'ObjectCreated' && kind !== undefined && importingEvents.has(kind);
}
