// The local Function Compute OpenAPI, for `serverless deploy` tests and local runs.
export { startFcEmulator } from './fc-emulator.js';
export type { FcEmulator, FcEmulatorOptions, RecordedCall } from './fc-emulator.js';
export type { FcOperation } from './fc-routes.js';
export { ossTriggerEvent } from './fc-triggers.js';
export type { OssUpload } from './fc-triggers.js';
export type { InvocationOutcome, RecordedInvocation, StoredFunction, StoredService, StoredTrigger } from './fc-state.js';
