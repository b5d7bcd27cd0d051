import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type S3rver from 's3rver';

/**
 * s3rver's putObject answers before the object's file is written: it ends the file stream with a
 * Buffer, or pipes a body through a hashing stream, and goes on without waiting for the file to
 * be flushed. A GET right after the PUT's answer (which S3 guarantees to see the new object) then
 * read an empty or partial file, about once in 50 small writes on a busy machine — a status record
 * read back as nothing. This putObject writes the file completely, then the metadata, then answers.
 */
export function applyDurablePut(server: S3rver): void {
  const store = server.store;
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    if (Buffer.isBuffer(object.content)) {
      await writeFile(objectPath, object.content);
      md5.update(object.content);
      size = object.content.length;
    } else {
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(object.content, hashing, createWriteStream(objectPath));
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
