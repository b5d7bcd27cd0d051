import { createHash } from 'node:crypto';
import { fcFunctionDefaults, fcInstanceTypes, instanceTypesText, type FcInstanceType } from '../../../domain/jdcloud-rules/index.js';
import {
  createFunctionBody,
  createServiceBody,
  invokeBody,
  parseBody,
  parseTriggerConfig,
  updateFunctionBody,
  updateServiceBody,
  updateTriggerBody,
  type FunctionFields,
} from './fc-inputs.js';
import type { FcOperation, FcRoute } from './fc-routes.js';
import { exists, invalid, notFound, ok, precondition, type FcReply, type StoredFunction, type StoredService, type StoredTrigger } from './fc-state.js';
import { createTrigger } from './fc-triggers.js';
import { functionView, serviceView } from './fc-views.js';

/** One request, with the service, function and trigger its path names already found. */
interface Scope {
  route: FcRoute;
  query: URLSearchParams;
  body: unknown;
  requestId: string;
  invocationType: string | undefined;
  service: StoredService;
  fn: StoredFunction;
  trigger: StoredTrigger;
}

type Level = 'region' | 'service' | 'function' | 'trigger';
type Operation<L extends Level> = (
  scope: L extends 'region' ? Pick<Scope, 'route' | 'query' | 'body'> : L extends 'service' ? Omit<Scope, 'fn' | 'trigger'> : L extends 'function' ? Omit<Scope, 'trigger'> : Scope,
) => FcReply;


export interface FcStoreOptions {
  runtimes: readonly string[];
  instanceTypes?: readonly FcInstanceType[];
  now: () => number;
  /** Starts an asynchronous invocation of a function (fc-emulator.ts runs its bundle). */
  invoke: (input: { requestId: string; region: string; service: StoredService; fn: StoredFunction; event: string; invocationType: string }) => void;
}

/**
 * fc's state for one emulator: services → functions → triggers, per region, with the checks
 * the fc docs state (names, runtimes from describeRuntimes, cpu/memory pairs, timeout 1–900,
 * ≤ 50 envs, ≤ 10 triggers, one binding per bucket/event/prefix+suffix) so a deploy that would
 * fail on JD fails here too. Each operation is one entry of a table, keyed by the deepest
 * resource its path names.
 */
export class FcStore {
  readonly #services = new Map<string, StoredService>();
  readonly #options: FcStoreOptions;
  readonly #instanceTypes: readonly FcInstanceType[];
  #nextId = 1;

  constructor(options: FcStoreOptions) {
    this.#options = options;
    this.#instanceTypes = options.instanceTypes ?? fcInstanceTypes;
  }

  /** Every service of a region (for test assertions). */
  services(region: string): StoredService[] {
    return [...this.#services.entries()].filter(([key]) => key.startsWith(`${region}/`)).map(([, service]) => service);
  }

  service(region: string, serviceName: string): StoredService | undefined {
    return this.#services.get(`${region}/${serviceName}`);
  }

  #time(): string {
    return new Date(this.#options.now()).toISOString();
  }

  #id(prefix: string): string {
    const id = `${prefix}-${String(this.#nextId).padStart(8, '0')}`;
    this.#nextId += 1;
    return id;
  }

  apply(route: FcRoute, query: URLSearchParams, body: unknown, invocationType: string | undefined, requestId: string): FcReply {
    const entry = this.#table[route.operation];
    if (entry === undefined) return notFound(`${route.operation} is not an fc operation`);
    if (entry.level === 'region') return entry.run({ route, query, body });
    const service = this.service(route.region, route.serviceName ?? '');
    if (service === undefined) return notFound(`service ${route.serviceName ?? ''} not found`);
    if (entry.level === 'service') return entry.run({ route, query, body, requestId, invocationType, service });
    const fn = service.functions.get(route.functionName ?? '');
    if (fn === undefined) return notFound(`function ${route.functionName ?? ''} not found in service ${service.serviceName}`);
    if (entry.level === 'function') return entry.run({ route, query, body, requestId, invocationType, service, fn });
    const trigger = fn.triggers.get(route.triggerName ?? '');
    if (trigger === undefined) return notFound(`trigger ${route.triggerName ?? ''} not found in function ${fn.functionName}`);
    return entry.run({ route, query, body, requestId, invocationType, service, fn, trigger });
  }

  readonly #table: Partial<Record<FcOperation, { [L in Level]: { level: L; run: Operation<L> } }[Level]>> = {
    describeRuntimes: { level: 'region', run: () => ok({ runtimes: [...this.#options.runtimes], totalCount: this.#options.runtimes.length }) },
    describeInstanceTypes: {
      level: 'region',
      run: () => ok({ instanceTypes: this.#instanceTypes.map((type) => ({ ...type, instanceType: `fc.c${type.cpu}m${type.memorySize}` })), totalCount: this.#instanceTypes.length }),
    },
    createService: { level: 'region', run: ({ route, body }) => this.#createService(route.region, body) },
    describeServices: {
      level: 'region',
      run: ({ route }) => {
        const services = this.services(route.region).map(serviceView);
        return ok({ services, totalCount: services.length });
      },
    },
    describeService: { level: 'service', run: ({ service }) => ok({ service: serviceView(service) }) },
    updateService: {
      level: 'service',
      run: ({ service, body }) => {
        const parsed = parseBody(updateServiceBody, body);
        if ('reply' in parsed) return parsed.reply;
        if (parsed.data.description !== undefined) service.description = parsed.data.description;
        service.updateTime = this.#time();
        return ok({});
      },
    },
    deleteService: {
      level: 'service',
      run: ({ route, service }) => {
        if (service.functions.size > 0) return precondition(`service ${service.serviceName} still has ${service.functions.size} function(s); delete them first`);
        this.#services.delete(`${route.region}/${service.serviceName}`);
        return ok({});
      },
    },
    createFunction: { level: 'service', run: ({ service, body }) => this.#createFunction(service, body) },
    describeFunctions: {
      level: 'service',
      run: ({ service, query }) => {
        const pageNumber = Number(query.get('pageNumber') ?? '1');
        const pageSize = Number(query.get('pageSize') ?? '20');
        if (!(pageSize >= 10 && pageSize <= 100)) return invalid(`pageSize ${pageSize} is out of range [10, 100]`);
        const all = [...service.functions.values()];
        return ok({ functions: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((fn) => functionView(service, fn)), totalCount: all.length });
      },
    },
    describeFunction: { level: 'function', run: ({ service, fn }) => ok({ function: functionView(service, fn) }) },
    describeFunctionCode: {
      level: 'function',
      run: ({ service, fn }) => ok({ checkSum: fn.checkSum, url: `https://fc-code.example.invalid/${service.serviceName}/${fn.functionName}.zip` }),
    },
    updateFunction: { level: 'function', run: ({ fn, body }) => this.#updateFunction(fn, body) },
    deleteFunction: {
      level: 'function',
      run: ({ service, fn, query }) => {
        if (fn.triggers.size > 0 && query.get('deleteTrigger') !== 'true') {
          return precondition(`function ${fn.functionName} has ${fn.triggers.size} trigger(s); delete them first or pass deleteTrigger=true`);
        }
        service.functions.delete(fn.functionName);
        return ok({});
      },
    },
    invokeFunction: {
      level: 'function',
      run: ({ route, service, fn, body, invocationType, requestId }) => {
        const type = invocationType ?? 'Async';
        if (type !== 'Async') return invalid(`x-fc-invocation-type ${type} is not supported; use Async`);
        const parsed = parseBody(invokeBody, body);
        if ('reply' in parsed) return invalid('body must be a JSON text string');
        const event = parsed.data.body ?? '{}';
        fn.invocationCount += 1;
        this.#options.invoke({ requestId, region: route.region, service, fn, event, invocationType: type });
        return ok({});
      },
    },
    createTrigger: {
      level: 'function',
      run: ({ route, fn, body }) => {
        const bound = this.services(route.region).flatMap((service) => [...service.functions.values()].flatMap((other) => [...other.triggers.values()]));
        return createTrigger({ region: route.region, fn, body, time: this.#time(), bound });
      },
    },
    describeTriggers: {
      level: 'function',
      run: ({ fn }) => {
        const triggers = [...fn.triggers.values()].map((trigger) => ({ ...trigger }));
        return ok({ triggers, totalCount: triggers.length });
      },
    },
    describeTrigger: { level: 'trigger', run: ({ trigger }) => ok({ trigger: { ...trigger } }) },
    updateTrigger: {
      level: 'trigger',
      run: ({ trigger, body }) => {
        const parsed = parseBody(updateTriggerBody, body);
        if ('reply' in parsed) return parsed.reply;
        const { triggerConfig, description, enable } = parsed.data;
        if (triggerConfig !== undefined) {
          if (parseTriggerConfig(triggerConfig) === undefined) return invalid('triggerConfig must be JSON text with a non-empty events array');
          trigger.triggerConfig = triggerConfig;
        }
        if (description !== undefined) trigger.description = description;
        if (enable !== undefined) trigger.status = enable ? 'Enable' : 'Disable';
        trigger.updateTime = this.#time();
        return ok({});
      },
    },
    deleteTrigger: {
      level: 'trigger',
      run: ({ fn, trigger }) => {
        fn.triggers.delete(trigger.triggerName);
        return ok({});
      },
    },
  };

  #createService(region: string, body: unknown): FcReply {
    const parsed = parseBody(createServiceBody, body);
    if ('reply' in parsed) return parsed.reply;
    const { serviceName, description } = parsed.data.serviceSpec;
    if (this.service(region, serviceName) !== undefined) return exists(`service ${serviceName} already exists`);
    const time = this.#time();
    this.#services.set(`${region}/${serviceName}`, {
      serviceId: this.#id('srv'),
      serviceName,
      description: description ?? '',
      createTime: time,
      updateTime: time,
      functions: new Map(),
    });
    return ok({ serviceName });
  }

  /** What zod cannot see: the region's runtimes and cpu/memory pairs. */
  #functionProblem(fields: FunctionFields, current: { cpu: number; memorySize: number }): string | undefined {
    if (fields.runtime !== undefined && !this.#options.runtimes.includes(fields.runtime)) {
      return `runtime ${JSON.stringify(fields.runtime)} is not supported; supported: ${this.#options.runtimes.join(', ')}`;
    }
    const cpu = fields.cpu ?? current.cpu;
    const memorySize = fields.memorySize ?? current.memorySize;
    if (!this.#instanceTypes.some((type) => type.cpu === cpu && type.memorySize === memorySize)) {
      return `cpu ${cpu} with memorySize ${memorySize} is not an instance type; offered: ${instanceTypesText(this.#instanceTypes)}`;
    }
    return undefined;
  }

  #createFunction(service: StoredService, body: unknown): FcReply {
    const parsed = parseBody(createFunctionBody, body);
    if ('reply' in parsed) return parsed.reply;
    const spec = parsed.data.functionSpec;
    if (service.functions.has(spec.functionName)) return exists(`function ${spec.functionName} already exists in service ${service.serviceName}`);
    const problem = this.#functionProblem(spec, fcFunctionDefaults);
    if (problem !== undefined) return invalid(problem);
    const time = this.#time();
    service.functions.set(spec.functionName, {
      functionId: this.#id('fn'),
      functionName: spec.functionName,
      runtime: spec.runtime,
      handler: spec.handler,
      timeout: spec.timeout ?? fcFunctionDefaults.timeout,
      memorySize: spec.memorySize ?? fcFunctionDefaults.memorySize,
      cpu: spec.cpu ?? fcFunctionDefaults.cpu,
      diskSize: fcFunctionDefaults.diskSize,
      description: spec.description ?? '',
      envs: (spec.envs ?? []).map((env) => ({ name: env.name, value: env.value ?? '' })),
      code: spec.code.zipFile,
      checkSum: createHash('sha256').update(spec.code.zipFile).digest('hex'),
      invocationCount: 0,
      createTime: time,
      updateTime: time,
      triggers: new Map(),
    });
    return ok({ functionName: spec.functionName });
  }

  #updateFunction(fn: StoredFunction, body: unknown): FcReply {
    const parsed = parseBody(updateFunctionBody, body);
    if ('reply' in parsed) return parsed.reply;
    const update = parsed.data;
    const problem = this.#functionProblem(update, fn);
    if (problem !== undefined) return invalid(problem);
    if (update.runtime !== undefined) fn.runtime = update.runtime;
    if (update.handler !== undefined) fn.handler = update.handler;
    if (update.timeout !== undefined) fn.timeout = update.timeout;
    if (update.cpu !== undefined) fn.cpu = update.cpu;
    if (update.memorySize !== undefined) fn.memorySize = update.memorySize;
    if (update.description !== undefined) fn.description = update.description;
    if (update.envs !== undefined) fn.envs = update.envs.map((env) => ({ name: env.name, value: env.value ?? '' }));
    if (update.code !== undefined) {
      fn.code = update.code.zipFile;
      fn.checkSum = createHash('sha256').update(fn.code).digest('hex');
    }
    fn.updateTime = this.#time();
    return ok({});
  }
}
