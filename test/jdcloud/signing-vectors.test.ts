// Every vector of test/fixtures/jdcloud-signing-vectors.json (outputs of the official SDK
// signers) reproduced byte for byte, then one exact expected value per signing step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as z from '../../src/kernel/zod.js';
import { buildSignedRequest, signCanonicalRequest, signRequest } from '../../src/adapters/jdcloud/signing/sign-request.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  emptyPayloadHash,
  parseQueryPairs,
  payloadHash,
} from '../../src/adapters/jdcloud/signing/canonical-request.js';
import { credentialScope, shortDate, signingKey } from '../../src/adapters/jdcloud/signing/signing-key.js';
import { authorizationHeader, parseAuthorizationHeader, signature, stringToSign } from '../../src/adapters/jdcloud/signing/authorization.js';
import { formatJdCloudDate, parseJdCloudDate } from '../../src/adapters/jdcloud/signing/jdcloud-date.js';

// The vectors come from the official SDKs' signers (each names its source).
const fixtureUrl = new URL('../fixtures/jdcloud-signing-vectors.json', import.meta.url);

const vectorSchema = z.object({
  source: z.string(),
  name: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  region: z.string(),
  service: z.string(),
  xJdcloudDate: z.string(),
  nonce: z.string(),
  method: z.string(),
  wireUrl: z.nullable(z.string()),
  body: z.optional(z.string()),
  signedHeaders: z.record(z.string(), z.string()),
  canonicalUri: z.string(),
  canonicalQueryString: z.string(),
  expectedCanonicalRequest: z.nullable(z.string()),
  expectedStringToSign: z.nullable(z.string()),
  expectedAuthorization: z.string(),
});
const fixture = z
  .object({ algorithm: z.literal('JDCLOUD2-HMAC-SHA256'), vectors: z.array(vectorSchema).check(z.minLength(1)) })
  .parse(JSON.parse(readFileSync(fixtureUrl, 'utf8')));

const addedBySigner = new Set(['host', 'content-type', 'x-jdcloud-date', 'x-jdcloud-nonce']);

describe('signing vectors from the official SDK signers', () => {
  test('the fixture holds vectors from several signers', () => {
    assert.ok(fixture.vectors.length >= 7, `only ${fixture.vectors.length} vectors`);
  });

  for (const vector of fixture.vectors) {
    const credentials = { accessKeyId: vector.accessKeyId, secretAccessKey: vector.secretAccessKey };

    test(`${vector.name} (${vector.source}): steps over the fixture's canonical parts`, () => {
      const steps = signCanonicalRequest({
        method: vector.method,
        canonicalUri: vector.canonicalUri,
        canonicalQuery: vector.canonicalQueryString,
        headers: vector.signedHeaders,
        payloadHash: payloadHash(vector.body),
        jdCloudDate: vector.xJdcloudDate,
        region: vector.region,
        service: vector.service,
        credentials,
      });
      if (vector.expectedCanonicalRequest !== null) assert.equal(steps.canonicalRequest, vector.expectedCanonicalRequest);
      if (vector.expectedStringToSign !== null) assert.equal(steps.stringToSign, vector.expectedStringToSign);
      assert.equal(steps.authorization, vector.expectedAuthorization);
    });

    const wireUrl = vector.wireUrl;
    if (wireUrl === null) continue;

    test(`${vector.name} (${vector.source}): signRequest from the wire URL`, () => {
      const url = new URL(wireUrl);
      assert.equal(canonicalUri(url.pathname), vector.canonicalUri);
      assert.equal(canonicalQuery(parseQueryPairs(url.search)), vector.canonicalQueryString);

      // Give signRequest only the headers it does not add itself (the JS SDK also signs accept).
      const given = Object.fromEntries(Object.entries(vector.signedHeaders).filter(([name]) => !addedBySigner.has(name)));
      const date = parseJdCloudDate(vector.xJdcloudDate);
      assert.ok(date !== undefined);
      const input = {
        method: vector.method,
        url: wireUrl,
        headers: { ...given, 'user-agent': 'JdcloudSdkNode/1.0 vm/1.6.1' },
        body: vector.body ?? '',
        credentials,
        region: vector.region,
        service: vector.service,
        date,
        nonce: vector.nonce,
      };
      const signed = buildSignedRequest(input);
      if (vector.expectedCanonicalRequest !== null) assert.equal(signed.canonicalRequest, vector.expectedCanonicalRequest);
      if (vector.expectedStringToSign !== null) assert.equal(signed.stringToSign, vector.expectedStringToSign);
      assert.equal(signed.authorization, vector.expectedAuthorization);
      assert.deepEqual(signRequest(input), {
        ...vector.signedHeaders,
        'user-agent': 'JdcloudSdkNode/1.0 vm/1.6.1',
        authorization: vector.expectedAuthorization,
      });
      const query = vector.canonicalQueryString;
      assert.equal(signed.pathAndQuery, query === '' ? vector.canonicalUri : `${vector.canonicalUri}?${query}`);
    });
  }
});

describe('signing steps, one exact value each', () => {
  test('canonical URI: the documented table (docs §1.4)', () => {
    assert.equal(canonicalUri('/v1/regions/cn-north-1/images:import'), '/v1/regions/cn-north-1/images%3Aimport');
    assert.equal(
      canonicalUri('/v1/regions/cn-north-1/images/img-abc:exportImage'),
      '/v1/regions/cn-north-1/images/img-abc%3AexportImage',
    );
    assert.equal(
      canonicalUri("/v1/regions/cn-north-1/images/img-测试 a:b*c(d)!~'"),
      '/v1/regions/cn-north-1/images/img-%E6%B5%8B%E8%AF%95%20a%3Ab%2Ac%28d%29%21~%27',
    );
  });

  test('canonical URI: encodes once, keeps a lone percent, maps empty to /', () => {
    assert.equal(canonicalUri('/v1/regions/cn-north-1/images%3Aimport'), '/v1/regions/cn-north-1/images%3Aimport');
    assert.equal(canonicalUri('/a/100%/b%2Fc'), '/a/100%25/b%2Fc');
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalUri('/'), '/');
  });

  test('canonical query: sorted by encoded name then value, %20 for space, %2A for *', () => {
    assert.equal(
      canonicalQuery([
        ['taskStatus', 'running'],
        ['taskIds.2', '5678'],
        ['pageSize', '10'],
        ['taskAction', 'ImportImage'],
        ['taskIds.1', '1234'],
        ['pageNumber', '1'],
      ]),
      'pageNumber=1&pageSize=10&taskAction=ImportImage&taskIds.1=1234&taskIds.2=5678&taskStatus=running',
    );
    assert.equal(canonicalQuery([['b', 'x y*~'], ['a', '2'], ['a', '1'], ['empty', '']]), 'a=1&a=2&b=x%20y%2A~&empty=');
    assert.equal(canonicalQuery([]), '');
  });

  test('query parsing: + stays a plus, a name without = has an empty value, colon is encoded', () => {
    assert.deepEqual(parseQueryPairs('?a=1+2&flag&t=2018-04-04T06:01:46Z'), [
      ['a', '1+2'],
      ['flag', ''],
      ['t', '2018-04-04T06:01:46Z'],
    ]);
    assert.equal(canonicalQuery(parseQueryPairs('?t=2018-04-04T06:01:46Z')), 't=2018-04-04T06%3A01%3A46Z');
  });

  test('canonical headers: lower-cased, sorted, trimmed, collapsed; user-agent and authorization never signed', () => {
    assert.deepEqual(
      canonicalHeaders({
        'X-JDCloud-Nonce': ' n ',
        Host: 'vm.jdcloud-api.com',
        'Content-Type': 'application/json',
        'X-Extra': 'a   b\t c',
        'User-Agent': 'curl/8',
        Authorization: 'old',
        'Content-Length': '12',
      }),
      {
        block: 'content-type:application/json\nhost:vm.jdcloud-api.com\nx-extra:a b c\nx-jdcloud-nonce:n\n',
        signedHeaders: 'content-type;host;x-extra;x-jdcloud-nonce',
      },
    );
  });

  test('payload hash: empty body and UTF-8 bytes', () => {
    assert.equal(payloadHash(undefined), emptyPayloadHash);
    assert.equal(payloadHash(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(payloadHash('{"a":"镜像"}'), '05a41f21a1ee190df0074823dc9b7ddc2b76aa39adcc9bb7f129c096536a1503');
    assert.equal(payloadHash(new TextEncoder().encode('{"a":"镜像"}')), payloadHash('{"a":"镜像"}'));
  });

  test('date: formatted without separators or milliseconds, parsed back exactly', () => {
    assert.equal(formatJdCloudDate(new Date('2024-05-06T07:08:09.999Z')), '20240506T070809Z');
    assert.deepEqual(parseJdCloudDate('20240506T070809Z'), new Date('2024-05-06T07:08:09Z'));
    assert.equal(parseJdCloudDate('20240231T000000Z'), undefined);
    assert.equal(parseJdCloudDate('2024-05-06T07:08:09Z'), undefined);
  });

  test('scope', () => {
    assert.equal(shortDate('20240506T070809Z'), '20240506');
    assert.equal(credentialScope('20240506T070809Z', 'cn-north-1', 'vm'), '20240506/cn-north-1/vm/jdcloud2_request');
  });

  test('canonical request: six parts, an empty line after the headers block', () => {
    assert.equal(
      canonicalRequest({
        method: 'get',
        canonicalUri: '/',
        canonicalQuery: '',
        canonicalHeaders: 'host:h\n',
        signedHeaders: 'host',
        payloadHash: emptyPayloadHash,
      }),
      `GET\n/\n\nhost:h\n\nhost\n${emptyPayloadHash}`,
    );
  });

  test('string to sign', () => {
    assert.equal(
      stringToSign('20240506T070809Z', '20240506/cn-north-1/vm/jdcloud2_request', ''),
      `JDCLOUD2-HMAC-SHA256\n20240506T070809Z\n20240506/cn-north-1/vm/jdcloud2_request\n${emptyPayloadHash}`,
    );
  });

  test('signing key and signature (key checked against an independent HMAC chain)', () => {
    const key = signingKey('SKEXAMPLEabcdefghijklmnop0123456789', '20240506', 'cn-north-1', 'vm');
    assert.equal(key.toString('hex'), 'f1b4008b1bf811500542918ae0e81f042358a84ca030aea6a9e1aae81f754c1a');
    const v1 = fixture.vectors.find((vector) => vector.name === 'V1 POST importImage');
    assert.ok(v1?.expectedStringToSign);
    assert.equal(signature(key, v1.expectedStringToSign), 'c00d2e61cd258140c956cf9a1cb7e0c0004121d01e8c27b1c0d6e6a5f404d0a3');
  });

  test('authorization header: built and parsed back', () => {
    const header = authorizationHeader({
      accessKeyId: 'AK',
      scope: '20240506/cn-north-1/vm/jdcloud2_request',
      signedHeaders: 'host;x-jdcloud-date',
      signature: 'ab'.repeat(32),
    });
    assert.equal(
      header,
      `JDCLOUD2-HMAC-SHA256 Credential=AK/20240506/cn-north-1/vm/jdcloud2_request, SignedHeaders=host;x-jdcloud-date, Signature=${'ab'.repeat(32)}`,
    );
    assert.deepEqual(parseAuthorizationHeader(header), {
      accessKeyId: 'AK',
      scope: '20240506/cn-north-1/vm/jdcloud2_request',
      signedHeaders: ['host', 'x-jdcloud-date'],
      signature: 'ab'.repeat(32),
    });
    assert.equal(parseAuthorizationHeader('AWS4-HMAC-SHA256 Credential=x'), undefined);
  });

  test('signRequest: host keeps a non-default port, a fresh nonce each call, the clock is injectable', () => {
    const base = {
      method: 'GET',
      url: 'http://127.0.0.1:9000/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      region: 'cn-north-1',
      service: 'vm',
      date: new Date('2024-05-06T07:08:09Z'),
    };
    const first = signRequest(base);
    const second = signRequest(base);
    assert.equal(first['host'], '127.0.0.1:9000');
    assert.equal(first['x-jdcloud-date'], '20240506T070809Z');
    assert.equal(first['content-type'], 'application/json');
    assert.match(first['x-jdcloud-nonce'] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(first['x-jdcloud-nonce'], second['x-jdcloud-nonce']);
    assert.notEqual(first['authorization'], second['authorization']);
    assert.equal(signRequest({ ...base, url: 'https://vm.jdcloud-api.com:443/' })['host'], 'vm.jdcloud-api.com');
  });
});
