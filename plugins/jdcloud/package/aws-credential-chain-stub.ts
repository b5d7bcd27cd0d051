import type { Plugin } from 'esbuild';

/**
 * `@aws-sdk/client-s3` imports the whole default AWS credential chain (environment, INI files,
 * SSO, STS web identity, container and instance metadata: ~130 KB minified) even when the
 * client is given credentials, as our OSS client always is: JD keys, never AWS ones. This
 * esbuild plugin swaps the chain for a provider that says so if it is ever reached.
 * `provider.bundle.awsDefaultCredentialChain: true` keeps the real chain.
 */
export const awsCredentialChainStub: Plugin = {
  name: 'aws-credential-chain-stub',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({ path: args.path, namespace: 'aws-credential-chain-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'aws-credential-chain-stub' }, () => ({
      loader: 'js',
      contents: `export const defaultProvider = () => async () => {
  throw new Error('This bundle has no default AWS credential chain: give the S3 client its credentials explicitly, or set provider.bundle.awsDefaultCredentialChain: true in serverless.yml.');
};`,
    }));
  },
};
