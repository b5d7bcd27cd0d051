// Unpacks one packed object into its sibling: GET as a stream → decoder → (tar/OVA members) →
// ImageSink (first bytes checked, multipart upload). Zip is read by range (zip-member.ts).
import {
  archiveFromMagic,
  archiveSiblingKey,
  checkArchiveMagic,
  describePacking,
  ovaDiskMismatchProblem,
  ovaWithoutDescriptorProblem,
  ovfDiskCountProblem,
  type OvfDescriptor,
  ovfFileHrefs,
  ovfUnsafeHrefProblem,
  type Packing,
  readOvfDescriptor,
  sameMemberName,
  unsafeOvfHref,
} from '../../domain/unpacking/index.js';
import { ArchiveMembers } from './archive-members.js';
import { ByteReader } from './byte-reader.js';
import { decode } from './decoders.js';
import type { OpenSink, UnpackSink } from './image-sink.js';
import type { PackedSource } from './packed-source.js';
import { TarReader } from './tar-reader.js';
import { corruptStreamRejection, isNotTheBytesFault, UnpackRejection } from './unpack-rejection.js';

export interface StreamJob {
  source: PackedSource;
  /** The packed upload's key (or file name): named in messages. */
  key: string;
  packing: Packing;
  /** Creates the sink once the sibling's name is known (it checks the sibling may be written). */
  openSink: OpenSink;
  /** The unpacked size when the compressed stream's header says it (zstd). */
  expectedSize?: number;
  /** Told of the OVF descriptor before any disk byte is read; throws UnpackRejection to stop. */
  onOvf?: (descriptor: OvfDescriptor) => void;
}

export interface Unpacked {
  siblingKey: string;
  etag: string;
  size: number;
  member?: string;
  ovf?: OvfDescriptor;
  facts: Awaited<ReturnType<UnpackSink['finish']>>['facts'];
}

/** Runs `work`; a decoder's error (not the store's, not ours) becomes a corrupt-upload rejection. */
async function asRejection<T>(key: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isNotTheBytesFault(error)) throw error;
    throw corruptStreamRejection(key, what, error);
  }
}

/** Stops a byte stream, closing the GET: one not read to its end (a rejection, a sibling already there) would hold its socket. */
async function stop(bytes: AsyncIterable<Uint8Array> | undefined): Promise<void> {
  const stream = bytes as { destroy?: () => void } | undefined;
  if (typeof stream?.destroy === 'function') stream.destroy();
  else await bytes?.[Symbol.asyncIterator]().return?.();
}

/** Streams a compressed single image, or a tar/OVA member, into the sink; returns what was written. */
export async function unpackStream(job: StreamJob, siblingKeyOfCompressed?: string): Promise<Unpacked> {
  const { packing } = job;
  // Opened only once the sink is (a sibling already there stops before any GET).
  const open = () => (packing.codec === undefined ? job.source.read() : decode(packing.codec, job.source.read()));
  let bytes: AsyncIterable<Uint8Array> | undefined;
  let sink: UnpackSink | undefined;
  try {
    const result = await asRejection(job.key, describePacking(packing), async () => {
      if (packing.archive === undefined) {
        const siblingKey = siblingKeyOfCompressed ?? packing.stem;
        sink = await job.openSink(siblingKey, job.expectedSize === undefined ? {} : { size: job.expectedSize });
        bytes = open();
        for await (const chunk of bytes) await sink.write(chunk);
        return { siblingKey, ...(await sink.finish()) };
      }
      bytes = open();
      const reader = new ByteReader(bytes);
      const first = await reader.readExactly(512);
      if (first === undefined || archiveFromMagic(first) !== 'tar') {
        const problem = checkArchiveMagic(job.key, packing, first ?? new Uint8Array(0));
        throw problem === undefined ? corruptStreamRejection(job.key, describePacking(packing), new Error('no tar header')) : new UnpackRejection([problem]);
      }
      reader.unread(first);
      return unpackTar(job, new TarReader(reader), (opened) => {
        sink = opened;
      });
    });
    return result;
  } catch (error) {
    await sink?.abort();
    throw error;
  } finally {
    await stop(bytes);
  }
}

const maxOvfBytes = 4 * 1024 * 1024;

async function unpackTar(job: StreamJob, tar: TarReader, opened: (sink: UnpackSink) => void): Promise<Unpacked> {
  const members = new ArchiveMembers(job.key);
  let ovf: OvfDescriptor | undefined;
  let written: { sink: UnpackSink; siblingKey: string; member: string } | undefined;
  for (let entry = await tar.next(), index = 0; entry !== undefined; entry = await tar.next(), index++) {
    if (job.packing.archive === 'ova' && index === 0) {
      if (!entry.name.toLowerCase().endsWith('.ovf') || entry.size > maxOvfBytes) throw new UnpackRejection([ovaWithoutDescriptorProblem(job.key, entry.name)]);
      members.add(entry.name, entry.kind);
      const body: Uint8Array[] = [];
      for await (const chunk of tar.body()) body.push(chunk);
      ovf = readDescriptor(job.key, new TextDecoder().decode(Buffer.concat(body)));
      job.onOvf?.(ovf);
      continue;
    }
    const isDisk = members.add(entry.name, entry.kind);
    if (!isDisk) continue;
    const described = ovf?.diskFiles[0];
    // An href is a URI reference (DSP0243): `disk%201.vmdk` names the member `disk 1.vmdk` (readDescriptor checked it decodes).
    if (described !== undefined && !sameMemberName(entry.name, described) && !sameMemberName(entry.name, decodeURIComponent(described))) throw new UnpackRejection([ovaDiskMismatchProblem(job.key, entry.name, described)]);
    const siblingKey = archiveSiblingKey(job.packing, entry.name);
    const sink = await job.openSink(siblingKey, { member: entry.name, size: entry.size, ...(ovf !== undefined ? { ovf } : {}) });
    opened(sink);
    for await (const chunk of tar.body()) await sink.write(chunk);
    written = { sink, siblingKey, member: entry.name };
  }
  members.throwUnlessOneDisk();
  if (written === undefined) throw new UnpackRejection([]);
  // Before the upload is completed: the decoder's own check of the data (a CRC) comes at its end.
  await tar.readToEnd();
  const done = await written.sink.finish();
  return { siblingKey: written.siblingKey, member: written.member, ...(ovf !== undefined ? { ovf } : {}), ...done };
}

/** The descriptor, once every href in it names a file in the OVA and it describes one disk. */
function readDescriptor(key: string, xml: string): OvfDescriptor {
  const ovf = readOvfDescriptor(xml);
  for (const href of [...ovfFileHrefs(xml), ...ovf.diskFiles]) {
    const unsafe = unsafeOvfHref(href);
    if (unsafe !== undefined) throw new UnpackRejection([ovfUnsafeHrefProblem(key, href, unsafe)]);
  }
  const problem = ovfDiskCountProblem(key, ovf);
  if (problem !== undefined) throw new UnpackRejection([problem]);
  return ovf;
}
