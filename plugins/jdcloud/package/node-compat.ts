/**
 * The compatibility shims the bundle carries for older Node majors, each replacing one API a
 * bundled library calls at load or at run time. esbuild's `target` lowers syntax only; APIs
 * missing on an old runtime are filled here, in a banner that runs before any module. Every shim
 * tests for the API first, so a runtime that has it (a later minor) keeps its own.
 */
interface CompatShim {
  /** What it replaces, for the size report and the docs. */
  replaces: string;
  /** The newest major that can lack it. */
  neededUpTo: number;
  code: string;
}

const shims: readonly CompatShim[] = [
  {
    // pino 10 (lib/tools.js) calls diagnostics_channel.tracingChannel('pino_asJson') at load; it
    // exists from Node 18.19 / 19.9. Without subscribers pino calls its serializer directly, so a
    // channel that never has subscribers behaves exactly like Node's own with none attached.
    replaces: 'diagnostics_channel.tracingChannel (Node < 18.19; pino)',
    neededUpTo: 18,
    code: `var dc=require("node:diagnostics_channel");if(typeof dc.tracingChannel!=="function"){dc.tracingChannel=function(){return{hasSubscribers:false,subscribe:function(){},unsubscribe:function(){return false},traceSync:function(fn,_ctx,self){return fn.apply(self,Array.prototype.slice.call(arguments,3))},tracePromise:function(fn,_ctx,self){return fn.apply(self,Array.prototype.slice.call(arguments,3))},traceCallback:function(fn,_pos,_ctx,self){return fn.apply(self,Array.prototype.slice.call(arguments,4))}}}}`,
  },
  {
    // @smithy/core (the AWS SDK's serde, for the amz-sdk-invocation-id of every request) binds
    // require('node:crypto').getRandomValues at load; Node has it from 17.4. Node 16 has the same
    // function on crypto.webcrypto.
    replaces: "require('node:crypto').getRandomValues (Node < 17.4; the AWS SDK)",
    neededUpTo: 16,
    code: `var c=require("node:crypto");if(typeof c.getRandomValues!=="function"){c.getRandomValues=function(a){return c.webcrypto.getRandomValues(a)}}`,
  },
  {
    // Our JDCLOUD2 signer (src/adapters/jdcloud/signing) hashes with the one-shot crypto.hash,
    // from Node 20.12 / 21.7. Before, the same digest is createHash().update().digest().
    replaces: 'crypto.hash (Node < 20.12; the JDCLOUD2 signer)',
    neededUpTo: 20,
    code: `var c=require("node:crypto");if(typeof c.hash!=="function"){c.hash=function(a,d,e){var h=c.createHash(a).update(d);return e==="buffer"?h.digest():h.digest(e===undefined?"hex":e)}}`,
  },
  {
    // undici 7 (the VM API's connection pool) refers to the global Blob when it writes a request
    // body; Node makes it global from 18, and Node 16 has the same class in node:buffer.
    replaces: 'the global Blob (Node < 18; undici)',
    neededUpTo: 16,
    code: `if(typeof globalThis.Blob==="undefined"){globalThis.Blob=require("node:buffer").Blob}`,
  },
];

/** The shims a bundle for Node `major` carries. */
export function compatShimsFor(major: number): readonly CompatShim[] {
  return shims.filter((shim) => major <= shim.neededUpTo);
}

/**
 * The banner put before the bundle's code, or '' when none is needed. It opens with the
 * "use strict" directive esbuild's CommonJS output starts with: code before it would turn the
 * whole bundle into sloppy mode.
 */
export function compatBanner(major: number): string {
  const needed = compatShimsFor(major);
  if (needed.length === 0) return '';
  return ['"use strict";', ...needed.map((shim) => `/* shim: ${shim.replaces} */(function(){${shim.code}})();`)].join('\n');
}
