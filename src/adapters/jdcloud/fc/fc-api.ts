import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { JdCloudApiError } from '../errors.js';
import { invokeFunctionAsync } from './invoke-function.js';
import {
  emptyResultSchema,
  functionCodeResultSchema,
  functionNameResultSchema,
  functionResultSchema,
  functionsResultSchema,
  instanceTypesResultSchema,
  runtimesResultSchema,
  serviceNameResultSchema,
  serviceResultSchema,
  triggerNameResultSchema,
  triggersResultSchema,
  type FcFunction,
  type FcFunctionSpec,
  type FcFunctionUpdate,
  type FcService,
  type FcServiceSpec,
  type FcTrigger,
  type FcTriggerSpec,
  type FcTriggerUpdate,
} from './fc-models.js';

/** fc's largest page (docs §3.1: pageSize in [10, 100]). */
const pageSize = 100;

/** A 404 from a describe call: the resource does not exist (`NOT_FOUND` / `RESOURCE_NOT_EXIST`). */
export function isNotFound(error: unknown): boolean {
  return error instanceof JdCloudApiError && error.httpStatus === 404;
}

async function orUndefinedWhenMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const servicePath = (serviceName: string): string => `/services/${serviceName}`;
const functionPath = (serviceName: string, functionName: string): string => `${servicePath(serviceName)}/functions/${functionName}`;
const triggerPath = (serviceName: string, functionName: string, triggerName: string): string =>
  `${functionPath(serviceName, functionName)}/triggers/${triggerName}`;

/**
 * The Function Compute OpenAPI (`fc.jdcloud-api.com`, docs/reference/jdcloud-api.md §3.1) over a client
 * created with `service: 'fc'`. Each method is one documented call; `find*` methods answer
 * undefined instead of throwing when the resource does not exist.
 */
export function createFcApi(client: JdCloudClient) {
  return {
    async describeRuntimes(regionId: string): Promise<string[]> {
      const { result } = await client.call({ method: 'GET', regionId, path: '/runtimes', schema: runtimesResultSchema });
      return result.runtimes ?? [];
    },

    /** Every cpu/memory pair the region offers, page by page. */
    async describeInstanceTypes(regionId: string): Promise<Array<{ cpu: number; memorySize: number }>> {
      const types: Array<{ cpu: number; memorySize: number }> = [];
      for (let pageNumber = 1; ; pageNumber += 1) {
        const { result } = await client.call({ method: 'GET', regionId, path: '/instanceTypes', query: { pageNumber, pageSize }, schema: instanceTypesResultSchema });
        const page = result.instanceTypes ?? [];
        types.push(...page.map((type) => ({ cpu: type.cpu, memorySize: type.memorySize })));
        if (page.length < pageSize || types.length >= (result.totalCount ?? 0)) return types;
      }
    },

    async findService(regionId: string, serviceName: string): Promise<FcService | undefined> {
      const found = await orUndefinedWhenMissing(client.call({ method: 'GET', regionId, path: servicePath(serviceName), schema: serviceResultSchema }));
      return found?.result.service;
    },

    async createService(regionId: string, serviceSpec: FcServiceSpec): Promise<void> {
      await client.call({ method: 'POST', regionId, path: '/services', body: { serviceSpec }, schema: serviceNameResultSchema });
    },

    async updateService(regionId: string, serviceName: string, update: { description?: string }): Promise<void> {
      await client.call({ method: 'PATCH', regionId, path: servicePath(serviceName), body: update, schema: emptyResultSchema });
    },

    async deleteService(regionId: string, serviceName: string): Promise<void> {
      await client.call({ method: 'DELETE', regionId, path: servicePath(serviceName), schema: emptyResultSchema });
    },

    /** Every function of the service, page by page. */
    async listFunctions(regionId: string, serviceName: string): Promise<FcFunction[]> {
      const functions: FcFunction[] = [];
      for (let pageNumber = 1; ; pageNumber += 1) {
        const { result } = await client.call({
          method: 'GET',
          regionId,
          path: `${servicePath(serviceName)}/functions`,
          query: { pageNumber, pageSize },
          schema: functionsResultSchema,
        });
        const page = result.functions ?? [];
        functions.push(...page);
        if (page.length < pageSize || functions.length >= (result.totalCount ?? 0)) return functions;
      }
    },

    async findFunction(regionId: string, serviceName: string, functionName: string): Promise<FcFunction | undefined> {
      const found = await orUndefinedWhenMissing(
        client.call({ method: 'GET', regionId, path: functionPath(serviceName, functionName), schema: functionResultSchema }),
      );
      return found?.result.function;
    },

    /** The deployed package's checksum (SHA-256) and a download URL. */
    async describeFunctionCode(regionId: string, serviceName: string, functionName: string): Promise<{ checkSum: string; url: string }> {
      const { result } = await client.call({
        method: 'GET',
        regionId,
        path: `${functionPath(serviceName, functionName)}/code`,
        schema: functionCodeResultSchema,
      });
      return { checkSum: result.checkSum ?? '', url: result.url ?? '' };
    },

    async createFunction(regionId: string, serviceName: string, functionSpec: FcFunctionSpec): Promise<void> {
      await client.call({ method: 'POST', regionId, path: `${servicePath(serviceName)}/functions`, body: { functionSpec }, schema: functionNameResultSchema });
    },

    /** The body is flat: only the fields to change. */
    async updateFunction(regionId: string, serviceName: string, functionName: string, update: FcFunctionUpdate): Promise<void> {
      await client.call({ method: 'PATCH', regionId, path: functionPath(serviceName, functionName), body: update, schema: emptyResultSchema });
    },

    async deleteFunction(regionId: string, serviceName: string, functionName: string, options: { deleteTrigger: boolean }): Promise<void> {
      await client.call({
        method: 'DELETE',
        regionId,
        path: functionPath(serviceName, functionName),
        query: { deleteTrigger: options.deleteTrigger },
        schema: emptyResultSchema,
      });
    },

    /** Starts an asynchronous invocation with `event` (JSON text) as the function's event; see invokeFunctionAsync. */
    async invokeFunction(regionId: string, serviceName: string, functionName: string, event: string): Promise<{ requestId: string }> {
      const { requestId } = await invokeFunctionAsync(client, regionId, { serviceName, functionName, event });
      return { requestId };
    },

    async listTriggers(regionId: string, serviceName: string, functionName: string): Promise<FcTrigger[]> {
      const { result } = await client.call({
        method: 'GET',
        regionId,
        path: `${functionPath(serviceName, functionName)}/triggers`,
        schema: triggersResultSchema,
      });
      return result.triggers ?? [];
    },

    async createTrigger(regionId: string, serviceName: string, functionName: string, triggerSpec: FcTriggerSpec): Promise<void> {
      await client.call({
        method: 'POST',
        regionId,
        path: `${functionPath(serviceName, functionName)}/triggers`,
        body: { triggerSpec },
        schema: triggerNameResultSchema,
      });
    },

    async updateTrigger(regionId: string, serviceName: string, functionName: string, triggerName: string, update: FcTriggerUpdate): Promise<void> {
      await client.call({ method: 'PATCH', regionId, path: triggerPath(serviceName, functionName, triggerName), body: update, schema: emptyResultSchema });
    },

    async deleteTrigger(regionId: string, serviceName: string, functionName: string, triggerName: string): Promise<void> {
      await client.call({ method: 'DELETE', regionId, path: triggerPath(serviceName, functionName, triggerName), schema: emptyResultSchema });
    },
  };
}

export type FcApi = ReturnType<typeof createFcApi>;
