import type { Plugin } from 'esbuild';

const whereToChange = 'plugins/jdcloud/package/aws-event-streams-stub.ts';

/**
 * `@aws-sdk/client-s3` sets up the event-stream codec (binary message framing, header
 * marshalling, CRC checks: ~20 KB minified) in every client, for the one S3 operation that
 * streams events, SelectObjectContent. Our functions never call it. This esbuild plugin swaps
 * `@smithy/core/event-streams` for a module with the three names the SDK takes from it: the
 * config resolver, unchanged, and a marshaller and serde that throw a message saying so if an
 * event-stream operation is ever sent. A new name imported by a later SDK fails the build
 * ("No matching export"), so the stub cannot fall silently out of date.
 */
export const awsEventStreamsStub: Plugin = {
  name: 'aws-event-streams-stub',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) => ({ path: args.path, namespace: 'aws-event-streams-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'aws-event-streams-stub' }, () => ({
      loader: 'js',
      contents: `const leftOut = () => {
  throw new Error('S3 event streams (SelectObjectContent) are not in this bundle; see ${whereToChange}.');
};
export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
export const eventStreamSerdeProvider = () => ({ serialize: leftOut, deserialize: leftOut });
export class EventStreamSerde {
  constructor() {
    leftOut();
  }
}
`,
    }));
  },
};
