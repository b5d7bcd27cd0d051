import { fcResourceNamePattern } from '../../../domain/jdcloud-rules/index.js';
import { createHash } from 'node:crypto';
import type { ApiFailure } from '../vm-emulator/api-responses.js';
import type { FcRoute } from './fc-routes.js';

/** What an operation answers: a `result`, or the error envelope to send. */
export type FcReply = { ok: true; result: unknown } | { ok: false; failure: ApiFailure };

export interface StoredTrigger {
  triggerName: string;
  triggerType: string;
  triggerConfig: string;
  description: string;
  sourceJrn: string;
  status: 'Enable' | 'Disable';
  createTime: string;
  updateTime: string;
}

export interface StoredFunction {
  functionId: string;
  functionName: string;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  cpu: number;
  diskSize: number;
  description: string;
  envs: Array<{ name: string; value: string }>;
  /** The deployed zip. */
  code: Buffer;
  checkSum: string;
  invocationCount: number;
  createTime: string;
  updateTime: string;
  triggers: Map<string, StoredTrigger>;
}

export interface StoredService {
  serviceId: string;
  serviceName: string;
  description: string;
  createTime: string;
  updateTime: string;
  functions: Map<string, StoredFunction>;
}

/** One asynchronous invocation as received. */
export interface RecordedInvocation {
  region: string;
  serviceName: string;
  functionName: string;
  /** `body` of the request: the event as JSON text. */
  event: string;
  invocationType: string;
}

type Body = Record<string, unknown>;

const namePattern = fcResourceNamePattern;
const jrnPattern = /^jrn:oss:([a-z]{2}-[a-z]+-\d{1,2})::([a-z0-9][a-z0-9-]{1,61}[a-z0-9])$/;

const invalid = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 400, status: 'INVALID_ARGUMENT', message } });
const notFound = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 404, status: 'NOT_FOUND', message } });
const exists = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 409, status: 'ALREADY_EXISTS', message } });
const precondition = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 400, status: 'FAILED_PRECONDITION', message } });
const ok = (result: unknown): FcReply => ({ ok: true, result });

function object(value: unknown): Body | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;
}

function parseTriggerConfig(text: string): { events: string[]; prefix: string; suffix: string } | undefined {
  try {
    const parsed = object(JSON.parse(text));
    const events = parsed?.['events'];
    if (!Array.isArray(events) || events.length === 0 || !events.every((item) => typeof item === 'string')) return undefined;
    const key = object(object(parsed?.['filter'])?.['key']) ?? {};
    const prefix = key['prefix'];
    const suffix = key['suffix'];
    return { events, prefix: typeof prefix === 'string' ? prefix : '', suffix: typeof suffix === 'string' ? suffix : '' };
  } catch {
    return undefined;
  }
}

/**
 * fc's state for one emulator: services → functions → triggers, per region, with the checks
 * the fc docs state (names, runtimes from describeRuntimes, timeout 1–900, ≤ 50 envs, ≤ 10
 * triggers, one binding per bucket/event/prefix+suffix) so a deploy that would fail on JD
 * fails here too.
 */
export class FcStore {
  readonly #services = new Map<string, StoredService>();
  readonly #runtimes: readonly string[];
  readonly #now: () => number;
  readonly invocations: RecordedInvocation[] = [];
  #nextId = 1;

  constructor(options: { runtimes: readonly string[]; now: () => number }) {
    this.#runtimes = options.runtimes;
    this.#now = options.now;
  }

  /** Every service of a region (for test assertions). */
  services(region: string): StoredService[] {
    return [...this.#services.entries()].filter(([key]) => key.startsWith(`${region}/`)).map(([, service]) => service);
  }

  service(region: string, serviceName: string): StoredService | undefined {
    return this.#services.get(`${region}/${serviceName}`);
  }

  #time(): string {
    return new Date(this.#now()).toISOString();
  }

  #id(prefix: string): string {
    const id = `${prefix}-${String(this.#nextId).padStart(8, '0')}`;
    this.#nextId += 1;
    return id;
  }

  apply(route: FcRoute, query: URLSearchParams, body: unknown, invocationType: string | undefined): FcReply {
    const input = object(body) ?? {};
    const region = route.region;
    if (route.operation === 'describeRuntimes') return ok({ runtimes: [...this.#runtimes], totalCount: this.#runtimes.length });
    if (route.operation === 'createService') return this.#createService(region, input);
    if (route.operation === 'describeServices') {
      const services = this.services(region).map((service) => this.#serviceView(service));
      return ok({ services, totalCount: services.length });
    }

    const service = this.service(region, route.serviceName ?? '');
    if (service === undefined) return notFound(`service ${route.serviceName ?? ''} not found`);
    switch (route.operation) {
      case 'describeService':
        return ok({ service: this.#serviceView(service) });
      case 'updateService':
        if (typeof input['description'] === 'string') service.description = input['description'];
        service.updateTime = this.#time();
        return ok({});
      case 'deleteService':
        if (service.functions.size > 0) return precondition(`service ${service.serviceName} still has ${service.functions.size} function(s); delete them first`);
        this.#services.delete(`${region}/${service.serviceName}`);
        return ok({});
      case 'createFunction':
        return this.#createFunction(service, input);
      case 'describeFunctions': {
        const pageNumber = Number(query.get('pageNumber') ?? '1');
        const pageSize = Number(query.get('pageSize') ?? '20');
        if (!(pageSize >= 10 && pageSize <= 100)) return invalid(`pageSize ${pageSize} is out of range [10, 100]`);
        const all = [...service.functions.values()];
        const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((fn) => this.#functionView(service, fn));
        return ok({ functions: page, totalCount: all.length });
      }
      default:
        return this.#onFunction(route, service, query, input, invocationType);
    }
  }

  #onFunction(route: FcRoute, service: StoredService, query: URLSearchParams, input: Body, invocationType: string | undefined): FcReply {
    const fn = service.functions.get(route.functionName ?? '');
    if (fn === undefined) return notFound(`function ${route.functionName ?? ''} not found in service ${service.serviceName}`);
    switch (route.operation) {
      case 'describeFunction':
        return ok({ function: this.#functionView(service, fn) });
      case 'describeFunctionCode':
        return ok({ checkSum: fn.checkSum, url: `https://fc-code.example.invalid/${service.serviceName}/${fn.functionName}.zip` });
      case 'updateFunction':
        return this.#updateFunction(fn, input);
      case 'deleteFunction':
        if (fn.triggers.size > 0 && query.get('deleteTrigger') !== 'true') {
          return precondition(`function ${fn.functionName} has ${fn.triggers.size} trigger(s); delete them first or pass deleteTrigger=true`);
        }
        service.functions.delete(fn.functionName);
        return ok({});
      case 'invokeFunction': {
        const type = invocationType ?? 'Async';
        if (type !== 'Async') return invalid(`x-fc-invocation-type ${type} is not supported; use Async`);
        const event = input['body'] ?? '{}';
        if (typeof event !== 'string') return invalid('body must be a JSON text string');
        fn.invocationCount += 1;
        this.invocations.push({ region: route.region, serviceName: service.serviceName, functionName: fn.functionName, event, invocationType: type });
        return ok({});
      }
      case 'createTrigger':
        return this.#createTrigger(route.region, fn, object(input['triggerSpec']) ?? {});
      case 'describeTriggers': {
        const triggers = [...fn.triggers.values()].map((trigger) => ({ ...trigger }));
        return ok({ triggers, totalCount: triggers.length });
      }
      default:
        return this.#onTrigger(route, fn, input);
    }
  }

  #onTrigger(route: FcRoute, fn: StoredFunction, input: Body): FcReply {
    const trigger = fn.triggers.get(route.triggerName ?? '');
    if (trigger === undefined) return notFound(`trigger ${route.triggerName ?? ''} not found in function ${fn.functionName}`);
    switch (route.operation) {
      case 'describeTrigger':
        return ok({ trigger: { ...trigger } });
      case 'updateTrigger': {
        if (input['triggerConfig'] !== undefined) {
          const config = typeof input['triggerConfig'] === 'string' ? parseTriggerConfig(input['triggerConfig']) : undefined;
          if (config === undefined) return invalid('triggerConfig must be JSON text with a non-empty events array');
          trigger.triggerConfig = input['triggerConfig'] as string;
        }
        if (typeof input['description'] === 'string') trigger.description = input['description'];
        if (typeof input['enable'] === 'boolean') trigger.status = input['enable'] ? 'Enable' : 'Disable';
        trigger.updateTime = this.#time();
        return ok({});
      }
      case 'deleteTrigger':
        fn.triggers.delete(trigger.triggerName);
        return ok({});
      default:
        return notFound(`${route.operation} is not an fc operation`);
    }
  }

  #createService(region: string, input: Body): FcReply {
    const spec = object(input['serviceSpec']);
    const name = spec?.['serviceName'];
    if (typeof name !== 'string' || !namePattern.test(name)) return invalid(`serviceSpec.serviceName ${JSON.stringify(name)} is invalid`);
    if (this.service(region, name) !== undefined) return exists(`service ${name} already exists`);
    const time = this.#time();
    this.#services.set(`${region}/${name}`, {
      serviceId: this.#id('srv'),
      serviceName: name,
      description: typeof spec?.['description'] === 'string' ? spec['description'] : '',
      createTime: time,
      updateTime: time,
      functions: new Map(),
    });
    return ok({ serviceName: name });
  }

  #checkFunctionFields(input: Body): string | undefined {
    const runtime = input['runtime'];
    if (runtime !== undefined && (typeof runtime !== 'string' || !this.#runtimes.includes(runtime))) {
      return `runtime ${JSON.stringify(runtime)} is not supported; supported: ${this.#runtimes.join(', ')}`;
    }
    const timeout = input['timeout'];
    if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= 900)) return `timeout ${String(timeout)} is out of range [1, 900]`;
    const envs = input['envs'];
    if (envs !== undefined && (!Array.isArray(envs) || envs.length > 50)) return 'envs must be an array of at most 50 {name, value}';
    const code = object(input['code']);
    if (code !== undefined) {
      const zip = Buffer.from(String(code['zipFile'] ?? ''), 'base64');
      if (zip.length < 22 || zip.readUInt32LE(0) !== 0x04034b50) return 'code.zipFile is not the base64 of a zip file';
    }
    return undefined;
  }

  #createFunction(service: StoredService, input: Body): FcReply {
    const spec = object(input['functionSpec']) ?? {};
    const name = spec['functionName'];
    if (typeof name !== 'string' || !namePattern.test(name)) return invalid(`functionSpec.functionName ${JSON.stringify(name)} is invalid`);
    if (service.functions.has(name)) return exists(`function ${name} already exists in service ${service.serviceName}`);
    if (typeof spec['runtime'] !== 'string') return invalid('functionSpec.runtime is required');
    if (typeof spec['handler'] !== 'string' || spec['handler'] === '') return invalid('functionSpec.handler is required');
    if (object(spec['code']) === undefined) return invalid('functionSpec.code is required');
    const problem = this.#checkFunctionFields(spec);
    if (problem !== undefined) return invalid(problem);
    const code = Buffer.from(String(object(spec['code'])?.['zipFile']), 'base64');
    const time = this.#time();
    service.functions.set(name, {
      functionId: this.#id('fn'),
      functionName: name,
      runtime: spec['runtime'],
      handler: spec['handler'],
      timeout: typeof spec['timeout'] === 'number' ? spec['timeout'] : 60,
      memorySize: typeof spec['memorySize'] === 'number' ? spec['memorySize'] : 1024,
      cpu: typeof spec['cpu'] === 'number' ? spec['cpu'] : 1,
      diskSize: 512,
      description: typeof spec['description'] === 'string' ? spec['description'] : '',
      envs: Array.isArray(spec['envs']) ? (spec['envs'] as Array<{ name: string; value?: string }>).map((env) => ({ name: env.name, value: env.value ?? '' })) : [],
      code,
      checkSum: createHash('sha256').update(code).digest('hex'),
      invocationCount: 0,
      createTime: time,
      updateTime: time,
      triggers: new Map(),
    });
    return ok({ functionName: name });
  }

  #updateFunction(fn: StoredFunction, input: Body): FcReply {
    const problem = this.#checkFunctionFields(input);
    if (problem !== undefined) return invalid(problem);
    if (typeof input['runtime'] === 'string') fn.runtime = input['runtime'];
    if (typeof input['handler'] === 'string') fn.handler = input['handler'];
    if (typeof input['timeout'] === 'number') fn.timeout = input['timeout'];
    if (typeof input['memorySize'] === 'number') fn.memorySize = input['memorySize'];
    if (typeof input['description'] === 'string') fn.description = input['description'];
    if (Array.isArray(input['envs'])) fn.envs = (input['envs'] as Array<{ name: string; value?: string }>).map((env) => ({ name: env.name, value: env.value ?? '' }));
    const code = object(input['code']);
    if (code !== undefined) {
      fn.code = Buffer.from(String(code['zipFile']), 'base64');
      fn.checkSum = createHash('sha256').update(fn.code).digest('hex');
    }
    fn.updateTime = this.#time();
    return ok({});
  }

  #createTrigger(region: string, fn: StoredFunction, spec: Body): FcReply {
    const name = spec['triggerName'];
    if (typeof name !== 'string' || !namePattern.test(name)) return invalid(`triggerSpec.triggerName ${JSON.stringify(name)} is invalid`);
    if (spec['triggerType'] !== 'oss') return invalid(`triggerSpec.triggerType ${JSON.stringify(spec['triggerType'])} is not supported; only oss`);
    const jrn = typeof spec['sourceJrn'] === 'string' ? jrnPattern.exec(spec['sourceJrn']) : null;
    if (jrn === null) return invalid(`triggerSpec.sourceJrn ${JSON.stringify(spec['sourceJrn'])} is not jrn:oss:<regionId>::<bucket>`);
    if (jrn[1] !== region) return invalid(`bucket region ${jrn[1] ?? ''} differs from the function's region ${region}`);
    const config = typeof spec['triggerConfig'] === 'string' ? parseTriggerConfig(spec['triggerConfig']) : undefined;
    if (config === undefined) return invalid('triggerSpec.triggerConfig must be JSON text with a non-empty events array');
    if (fn.triggers.has(name)) return exists(`trigger ${name} already exists in function ${fn.functionName}`);
    if (fn.triggers.size >= 10) return precondition(`function ${fn.functionName} already has 10 triggers, the maximum`);
    // JD binds a prefix/suffix combination only once per bucket and event type.
    for (const service of this.services(region)) {
      for (const other of service.functions.values()) {
        for (const existing of other.triggers.values()) {
          const existingConfig = parseTriggerConfig(existing.triggerConfig);
          if (
            existing.sourceJrn === spec['sourceJrn'] &&
            existingConfig !== undefined &&
            existingConfig.prefix === config.prefix &&
            existingConfig.suffix === config.suffix &&
            existingConfig.events.some((event) => config.events.includes(event))
          ) {
            return precondition(`bucket ${jrn[2] ?? ''} already binds prefix "${config.prefix}" suffix "${config.suffix}" for this event (trigger ${existing.triggerName})`);
          }
        }
      }
    }
    const time = this.#time();
    fn.triggers.set(name, {
      triggerName: name,
      triggerType: 'oss',
      triggerConfig: spec['triggerConfig'] as string,
      description: typeof spec['description'] === 'string' ? spec['description'] : '',
      sourceJrn: spec['sourceJrn'] as string,
      status: spec['enable'] === false ? 'Disable' : 'Enable',
      createTime: time,
      updateTime: time,
    });
    return ok({ triggerName: name });
  }

  #serviceView(service: StoredService): unknown {
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

  #functionView(service: StoredService, fn: StoredFunction): unknown {
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
}
