// Function Compute ("fc") OpenAPI: what `serverless deploy` and the fc emulator share.
export { createFcApi, isNotFound } from './fc-api.js';
export { invokeFunctionAsync, invokeFunctionInputSchema } from './invoke-function.js';
export type { InvokeFunctionInput, InvokeFunctionResult } from './invoke-function.js';
export type { FcApi } from './fc-api.js';
export { listZipEntries, readZipEntry } from './code-zip.js';
export type { ZipEntryFacts } from './code-zip.js';
export {
  serviceSchema,
  functionSchema,
  triggerSchema,
  environmentSchema,
  logConfigSchema,
} from './fc-models.js';
export type {
  FcService,
  FcFunction,
  FcTrigger,
  FcEnvironment,
  FcServiceSpec,
  FcFunctionSpec,
  FcFunctionUpdate,
  FcTriggerSpec,
  FcTriggerUpdate,
} from './fc-models.js';
