import { describe, it } from 'node:test';
import { findRgw, type RgwEndpoint } from './find-rgw.js';

/**
 * A suite that needs RGW. Where RGW is missing it is skipped with a message on stderr and in
 * the reporter, except under CI=true, where a missing RGW is a failure: CI must run it.
 */
export async function describeWithRgw(name: string, suite: (rgw: RgwEndpoint) => void): Promise<void> {
  const found = await findRgw();
  if (found.available) {
    describe(name, () => suite(found.rgw));
    return;
  }
  const howTo = 'Run `npm run test:rgw` (starts RGW when installed), or scripts/rgw/install.sh (as root) then scripts/rgw/start.sh.';
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has Ceph RGW to test against (required when CI=true)', () => {
        throw new Error(`Ceph RGW is not available: ${found.reason}. .ci/run must run scripts/rgw/install.sh and scripts/rgw/start.sh before the tests.`);
      });
    });
    return;
  }
  const message = `SKIPPED "${name}": Ceph RGW is not available: ${found.reason}. ${howTo}`;
  process.stderr.write(`\n*** ${message}\n\n`);
  describe(name, { skip: message }, () => undefined);
}
