import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsKeyService } from '../../../../shared/adapters/aws/kms-key-service.ts';
import { EnvelopeIntegrityError } from '../../../../shared/domain/secrets/secret-errors.ts';
import { openEnvelope, sealEnvelope } from '../../../../shared/use-cases/secrets/envelope-cipher.ts';

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());
const context = { tenant: 'acme', env: 'prod', name: 'db-password', version: '4' };

describe('KmsKeyService', () => {
  it('asks KMS for an AES-256 data key of the secrets key under the canonical context, and zeroes the plaintext key', async () => {
    // Prepare
    const plaintext = new Uint8Array(32).fill(7);
    kms
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: plaintext, CiphertextBlob: new Uint8Array([1, 2, 3]) });
    const keys = new KmsKeyService({
      keyId: 'arn:aws:kms:eu-west-1:1:key/secrets',
      clientFor: () => new KMSClient({}),
    });

    // Act
    await sealEnvelope(keys, context, 'value');

    // Assess
    expect(kms).toHaveReceivedCommandWith(GenerateDataKeyCommand, {
      KeyId: 'arn:aws:kms:eu-west-1:1:key/secrets',
      KeySpec: 'AES_256',
      EncryptionContext: { tenant: 'acme', env: 'prod', name: 'db-password', version: '4' },
    });
    expect([...plaintext].every((b) => b === 0)).toBe(true);
  });

  it('decrypts the wrapped key with the same key id and context', async () => {
    // Prepare
    kms
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: new Uint8Array(32).fill(9), CiphertextBlob: new Uint8Array([5, 6]) });
    kms.on(DecryptCommand).callsFake(() => ({ Plaintext: new Uint8Array(32).fill(9) }));
    const keys = new KmsKeyService({ keyId: 'key-1', clientFor: () => new KMSClient({}) });
    const envelope = await sealEnvelope(keys, context, 'value');

    // Act
    const value = await openEnvelope(keys, context, envelope);

    // Assess
    expect(value).toBe('value');
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, {
      KeyId: 'key-1',
      CiphertextBlob: new Uint8Array([5, 6]),
      EncryptionContext: context,
    });
  });

  it('turns InvalidCiphertextException (wrong context, other tenant) into an EnvelopeIntegrityError', async () => {
    // Prepare
    kms.on(DecryptCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidCiphertextException' }));
    const keys = new KmsKeyService({ keyId: 'key-1', clientFor: () => new KMSClient({}) });

    // Act / Assess
    await expect(keys.decrypt(new Uint8Array([1]), context)).rejects.toThrow(EnvelopeIntegrityError);
  });
});
