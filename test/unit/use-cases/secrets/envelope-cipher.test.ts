import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KmsKeyService } from '../../../../shared/adapters/aws/kms-key-service.ts';
import { LocalKeyService } from '../../../../shared/adapters/local/local-key-service.ts';
import { EnvelopeIntegrityError } from '../../../../shared/domain/secrets/secret-errors.ts';
import { secretContext } from '../../../../shared/domain/secrets/secret-model.ts';
import type { KeyService } from '../../../../shared/ports/key-service.ts';
import { openEnvelope, sealEnvelope } from '../../../../shared/use-cases/secrets/envelope-cipher.ts';
import { emulateKms } from '../../../support/kms-emulator.ts';

const emulated = emulateKms();
afterAll(() => emulated.kms.restore());

const services: [string, KeyService][] = [
  ['LocalKeyService', new LocalKeyService(randomBytes(32))],
  [
    'KmsKeyService (emulated KMS)',
    new KmsKeyService({ keyId: 'alias/secrets', clientFor: () => emulated.client }),
  ],
];
const acme = { tenantId: 'acme', env: 'prod', name: 'db-password' };
const globex = { tenantId: 'globex', env: 'prod', name: 'db-password' };

describe.each(services)('envelope encryption with %s', (_name, keys) => {
  it('round-trips a value under its context', async () => {
    // Prepare
    const context = secretContext(acme, 1);

    // Act
    const envelope = await sealEnvelope(keys, context, 'pä55-wörd');

    // Assess
    expect(await openEnvelope(keys, context, envelope)).toBe('pä55-wörd');
    expect(JSON.stringify(envelope)).not.toContain('pä55');
  });

  it('uses a fresh data key and nonce for every version', async () => {
    // Act
    const a = await sealEnvelope(keys, secretContext(acme, 1), 'same');
    const b = await sealEnvelope(keys, secretContext(acme, 1), 'same');

    // Assess
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.nonce).not.toBe(b.nonce);
    expect(Buffer.from(a.nonce, 'base64')).toHaveLength(12);
  });

  it('refuses a ciphertext with one flipped bit', async () => {
    // Prepare
    const context = secretContext(acme, 2);
    const envelope = await sealEnvelope(keys, context, 'value');
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;

    // Act / Assess
    await expect(
      openEnvelope(keys, context, { ...envelope, ciphertext: bytes.toString('base64') }),
    ).rejects.toThrow(EnvelopeIntegrityError);
  });

  it('refuses to open under another version, name or environment', async () => {
    // Prepare
    const envelope = await sealEnvelope(keys, secretContext(acme, 3), 'value');

    // Act / Assess
    for (const other of [
      secretContext(acme, 4),
      secretContext({ ...acme, name: 'api-key' }, 3),
      secretContext({ ...acme, env: 'dev' }, 3),
    ]) {
      await expect(openEnvelope(keys, other, envelope)).rejects.toThrow(/failed authentication/);
    }
  });

  it("refuses two tenants' envelopes swapped, with a clear error instead of garbage", async () => {
    // Prepare
    const ours = await sealEnvelope(keys, secretContext(acme, 1), 'acme-secret');
    const theirs = await sealEnvelope(keys, secretContext(globex, 1), 'globex-secret');

    // Act / Assess
    await expect(openEnvelope(keys, secretContext(acme, 1), theirs)).rejects.toThrow(EnvelopeIntegrityError);
    await expect(openEnvelope(keys, secretContext(globex, 1), ours)).rejects.toThrow(EnvelopeIntegrityError);
  });
});
