import type { StoredFunction, StoredService } from './fc-state.js';

/** A service as describeService and describeServices answer it (docs §3.2 Service). */
export function serviceView(service: StoredService): unknown {
  return {
    serviceId: service.serviceId,
    serviceName: service.serviceName,
    description: service.description,
    logConfig: null,
    invocationCount: [...service.functions.values()].reduce((sum, fn) => sum + fn.invocationCount, 0),
    functionCounts: service.functions.size,
    createTime: service.createTime,
    updateTime: service.updateTime,
  };
}

/** A function as describeFunction and describeFunctions answer it (docs §3.2 Function). */
export function functionView(service: StoredService, fn: StoredFunction): unknown {
  return {
    functionId: fn.functionId,
    functionName: fn.functionName,
    serviceId: service.serviceId,
    serviceName: service.serviceName,
    checkSum: fn.checkSum,
    codeSize: fn.code.length,
    description: fn.description,
    envs: fn.envs.map((env) => ({ ...env })),
    runtime: fn.runtime,
    timeout: fn.timeout,
    handler: fn.handler,
    cpu: fn.cpu,
    memorySize: fn.memorySize,
    diskSize: fn.diskSize,
    invocationCount: fn.invocationCount,
    createTime: fn.createTime,
    updateTime: fn.updateTime,
    status: 'Active',
  };
}
