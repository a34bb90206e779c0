import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { canonicalJson } from '../../shared/domain/canonical-hash.ts';

/**
 * An aws-sdk-client-mock KMS that behaves like KMS for data keys: the
 * wrapped key only decrypts under the encryption context it was made with
 * (else `InvalidCiphertextException`, as KMS answers).
 */
export function emulateKms(): { kms: ReturnType<typeof mockClient>; client: KMSClient } {
  const master = randomBytes(32);
  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake((input: { EncryptionContext?: Record<string, string> }) => {
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(Buffer.from(canonicalJson(input.EncryptionContext ?? {})));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      Plaintext: new Uint8Array(plaintext),
      CiphertextBlob: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  });
  kms
    .on(DecryptCommand)
    .callsFake((input: { CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
      const blob = Buffer.from(input.CiphertextBlob);
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12));
        decipher.setAAD(Buffer.from(canonicalJson(input.EncryptionContext ?? {})));
        decipher.setAuthTag(blob.subarray(44));
        return {
          Plaintext: new Uint8Array(
            Buffer.concat([decipher.update(blob.subarray(12, 44)), decipher.final()]),
          ),
        };
      } catch {
        throw Object.assign(new Error('invalid ciphertext'), { name: 'InvalidCiphertextException' });
      }
    });
  return { kms, client: new KMSClient({ region: 'eu-west-1' }) };
}
