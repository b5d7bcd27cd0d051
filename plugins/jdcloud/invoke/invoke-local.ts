import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { FunctionConfig, ServiceConfig } from '../config/read-service-config.js';

/**
 * The context object handed to the handler. fc does not document its context; this follows
 * the fields Function Compute platforms of this family pass (request id, function, service,
 * region), enough for a handler that logs them.
 */
export interface LocalInvocationContext {
  requestId: string;
  function: { name: string; handler: string; memory: number | undefined; timeout: number | undefined };
  service: { name: string };
  region: string;
}

type Handler = (event: unknown, context: LocalInvocationContext, callback?: (error: unknown, result?: unknown) => void) => unknown;

export interface InvokeLocalInput {
  config: ServiceConfig;
  fn: FunctionConfig;
  /** The bundled `index.js` (the same file that is zipped). */
  bundleFile: string;
  event: unknown;
  /** Extra variables (`--env NAME=value`) laid over the function's environment. */
  extraEnvironment?: Readonly<Record<string, string>>;
}

/**
 * Runs the bundled handler in this process with the environment the function gets in fc
 * (provider + function `environment`), laid over the current one so that credentials and
 * endpoints from the shell still reach it. Restores the environment afterwards.
 */
export async function invokeLocal(input: InvokeLocalInput): Promise<unknown> {
  const environment = { ...input.fn.environment, ...input.extraEnvironment };
  const saved = new Map(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    const load = createRequire(input.bundleFile);
    delete load.cache[input.bundleFile];
    const exported = (load(input.bundleFile) as Record<string, unknown>)[input.fn.handlerExport];
    if (typeof exported !== 'function') {
      throw new TypeError(`${input.bundleFile} does not export a function "${input.fn.handlerExport}" (functions.${input.fn.key}.handler)`);
    }
    const handler = exported as Handler;
    const context: LocalInvocationContext = {
      requestId: randomUUID(),
      function: { name: input.fn.key, handler: input.fn.fcHandler, memory: input.fn.memorySize, timeout: input.fn.timeout },
      service: { name: input.config.fcServiceName },
      region: input.config.region,
    };
    // Callback-style handlers (event, context, callback) are still allowed by Node runtimes.
    if (handler.length >= 3) {
      return await new Promise((resolve, reject) => {
        const returned = handler(input.event, context, (error, result) => (error ? reject(error) : resolve(result)));
        if (returned instanceof Promise) returned.then(resolve, reject);
      });
    }
    return await handler(input.event, context);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
