import type { EncryptedBlob } from '../domain/approvals/change-request.ts';

/**
 * Encrypts small secrets at rest (the Step Functions task token): AES-256-GCM
 * with a data-dir key locally, a KMS data key on AWS. `context` is bound to
 * the ciphertext (AAD / KMS encryption context), so a blob moved to another
 * tenant's request does not decrypt.
 */
export interface TokenCipher {
  encrypt(plaintext: string, context: Record<string, string>): Promise<EncryptedBlob>;
  decrypt(blob: EncryptedBlob, context: Record<string, string>): Promise<string>;
}
