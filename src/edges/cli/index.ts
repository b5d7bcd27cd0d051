export { readLocalImageFile } from './commands/inspect-sources.js';
export type { InspectedBytes } from './commands/inspect-sources.js';
export type { CliIo } from './io.js';
