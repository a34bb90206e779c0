import type { SecretRef } from '../../shared/domain/secrets/secret-model.ts';
import type { SecretWrite } from '../../shared/ports/secret-store.ts';

/** A version write with a dummy envelope (no real key involved), for store tests. */
export function secretWriteFixture(
  ref: SecretRef,
  version: number,
  at = '2026-11-01T00:00:00.000Z',
): SecretWrite {
  return {
    metadata: {
      name: ref.name,
      env: ref.env,
      version,
      criticality: 'critical',
      category: 'data-access',
      description: null,
      owner: 'ann@example.com',
      createdAt: at,
      createdBy: 'ann',
      rotatedAt: at,
      rotationDueAt: '2026-12-01T00:00:00.000Z',
      generated: false,
      generator: null,
      state: 'active',
      deletionAt: null,
    },
    version: { version, createdAt: at, createdBy: 'ann', reason: `write ${version}` },
    envelope: {
      scheme: 'plumbline-envelope-v1',
      wrappedKey: Buffer.from(`key-${version}`).toString('base64'),
      nonce: Buffer.from(`nonce-${version}`).toString('base64'),
      ciphertext: Buffer.from(`ct-${version}`).toString('base64'),
      tag: Buffer.from('tag').toString('base64'),
    },
  };
}
