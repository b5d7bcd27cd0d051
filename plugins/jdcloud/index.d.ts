// Types of the framework entry (index.js), for the tests that construct it.
export default class JdCloudProviderPlugin {
  static getProviderName(): 'jdcloud';
  constructor(serverless: unknown, options: Record<string, unknown>, logging: unknown);
  hooks: Record<string, () => Promise<void>>;
  asyncInit(): Promise<void>;
}
