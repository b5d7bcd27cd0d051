export { PortInUseError, startDevStack } from './dev-stack.js';
export type { DevStack, DevStackOptions } from './dev-stack.js';
export { localOssCredentials } from './local-oss.js';
export { packageRoot } from './package-root.js';
export { startVmEmulator, type VmEmulator } from './vm-emulator/vm-emulator.js';
export { signatureHolds, startWebhookReceiver } from './webhook-receiver.js';
export type { ReceivedNotification, WebhookReceiver } from './webhook-receiver.js';
