// Presigned-URL secrets are redacted from free text in every form JD might echo them: raw,
// percent-encoded once or more, JSON-escaped, and any mix (issue 15).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactImageUrl, redactSecretsInText } from '../../src/kernel/redact-secrets.js';

const url =
  'https://b.s3-internal.cn-north-1.jdcloud-oss.com/k?X-Amz-Credential=AK123%2F20261128%2Fcn-north-1&X-Amz-Security-Token=IQo%2Bab%3D%3D&X-Amz-Signature=0123abcd';
const redacted =
  'https://b.s3-internal.cn-north-1.jdcloud-oss.com/k?X-Amz-Credential=REDACTED%2F20261128%2Fcn-north-1&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED';

/** The ways an echo may be re-encoded: each applied to the whole text. */
const encodings = {
  percent: (text: string) => encodeURIComponent(text),
  percentLowerHex: (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  // Gson's HTML-safe escaping, as a Java service writes JSON.
  gson: (text: string) => text.replace(/[=&<>']/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
  jsonString: (text: string) => JSON.stringify(text).slice(1, -1),
} as const;
type Encoding = keyof typeof encodings;
const encode = (text: string, chain: readonly Encoding[]) => chain.reduce((current, name) => encodings[name](current), text);

/** Undoes every encoding above, as far as it goes, so a secret is found whatever form it survived in. */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < 8; round += 1) {
    const next = current
      .replace(/\\+u00([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
        try {
          return decodeURIComponent(escapes);
        } catch {
          return escapes;
        }
      });
    if (next === current) return current;
    current = next;
  }
  return current;
}

describe('redactSecretsInText', () => {
  test('a raw echo: key id, token and signature go, the scope stays', () => {
    assert.equal(redactSecretsInText(`Download failed: ${url} (timeout)`), `Download failed: ${redacted} (timeout)`);
  });

  test('an echo percent-encoded once, twice, or in lower-case hex', () => {
    assert.equal(
      redactSecretsInText(`bad url ${encodeURIComponent(url)}`),
      'bad url https%3A%2F%2Fb.s3-internal.cn-north-1.jdcloud-oss.com%2Fk%3FX-Amz-Credential%3DREDACTED%252F20261128%252Fcn-north-1%26X-Amz-Security-Token%3DREDACTED%26X-Amz-Signature%3DREDACTED',
    );
    assert.equal(
      redactSecretsInText(encodeURIComponent(encodeURIComponent(url))),
      'https%253A%252F%252Fb.s3-internal.cn-north-1.jdcloud-oss.com%252Fk%253FX-Amz-Credential%253DREDACTED%25252F20261128%25252Fcn-north-1%2526X-Amz-Security-Token%253DREDACTED%2526X-Amz-Signature%253DREDACTED',
    );
    assert.equal(redactSecretsInText('x-amz-signature%3d0123abcd%26x-amz-credential%3dAK123%252F'), 'x-amz-signature%3dREDACTED%26x-amz-credential%3dREDACTED%252F');
  });

  test('a JSON-escaped echo (\\u003d for =, \\u0026 for &)', () => {
    assert.equal(
      redactSecretsInText(encodings.gson(url)),
      'https://b.s3-internal.cn-north-1.jdcloud-oss.com/k?X-Amz-Credential\\u003dREDACTED%2F20261128%2Fcn-north-1\\u0026X-Amz-Security-Token\\u003dREDACTED\\u0026X-Amz-Signature\\u003dREDACTED',
    );
  });

  test('text without secrets is left as it is', () => {
    assert.equal(redactSecretsInText('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400 100%3D'), 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400 100%3D');
  });

  test('property: no secret survives any mix of encodings, echoed any number of times', () => {
    const secrets = fc.record({
      accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,24}$/),
      signature: fc.stringMatching(/^[0-9a-f]{64}$/),
      token: fc.option(fc.stringMatching(/^[A-Za-z0-9+/]{24,64}={0,2}$/), { nil: undefined }),
    });
    const echo = fc.record({
      before: fc.string({ maxLength: 12 }),
      chain: fc.array(fc.constantFrom<Encoding>('percent', 'percentLowerHex', 'gson', 'jsonString'), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(secrets, fc.array(echo, { minLength: 1, maxLength: 3 }), fc.string({ maxLength: 12 }), fc.boolean(), (secret, echoes, after, signatureFirst) => {
        const params = [
          'X-Amz-Algorithm=AWS4-HMAC-SHA256',
          `X-Amz-Credential=${encodeURIComponent(`${secret.accessKeyId}/20260101/cn-north-1/s3/aws4_request`)}`,
          'X-Amz-Date=20260101T000000Z',
          ...(secret.token !== undefined ? [`X-Amz-Security-Token=${encodeURIComponent(secret.token)}`] : []),
          'X-Amz-SignedHeaders=host',
        ];
        const signature = `X-Amz-Signature=${secret.signature}`;
        const presigned = `https://images.s3-internal.cn-north-1.jdcloud-oss.com/disk.qcow2?${(signatureFirst ? [signature, ...params] : [...params, signature]).join('&')}`;
        const text = echoes.map(({ before, chain }) => `${before} ${encode(presigned, chain)}`).join('') + ` ${after}`;
        const plain = decodeFully(redactSecretsInText(text));
        for (const value of [secret.accessKeyId, secret.signature, secret.token ?? '']) {
          for (let start = 0; start + 8 <= value.length; start += 1) {
            const piece = value.slice(start, start + 8);
            assert.ok(!plain.includes(piece), `${JSON.stringify(piece)} of a secret survived in ${JSON.stringify(plain)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

test('redactImageUrl: the signature, token and key id of a presigned URL', () => {
  assert.equal(redactImageUrl(url), redacted);
});
