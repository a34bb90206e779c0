import { createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads secret strings from Secrets Manager, caching each for `ttlMs` (one
 * call per cold start and rotation window, not per request). Values never
 * reach logs or errors.
 *
 * @example const values = new SecretsManagerValues(); await values.get('plumbline-slack/acme/prod')
 */
export class SecretsManagerValues {
  readonly #client: SecretsManagerClient;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; value: Promise<string | undefined> }>();

  constructor(options: { client?: SecretsManagerClient; ttlMs?: number } = {}) {
    this.#client = options.client ?? new SecretsManagerClient({ maxAttempts: 3 });
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  /** The secret's string value, or `undefined` when it does not exist. */
  get(secretId: string): Promise<string | undefined> {
    const hit = this.#cache.get(secretId);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.value;
    const value = this.#client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => out.SecretString)
      .catch((error: unknown) => {
        this.#cache.delete(secretId);
        const name = (error as Error).name;
        if (name === 'ResourceNotFoundException' || name === 'AccessDeniedException') return undefined;
        throw new Error(`could not read secret '${secretId}' (${(error as Error).name})`);
      });
    this.#cache.set(secretId, { at: Date.now(), value });
    return value;
  }

  /** A 32-byte HMAC key from a secret string (SHA-256 of it: any generated secret string works). */
  async hmacKey(secretId: string): Promise<Uint8Array> {
    const value = await this.get(secretId);
    if (!value) throw new Error(`the link-signing secret '${secretId}' is empty or missing`);
    return createHash('sha256').update(value, 'utf8').digest();
  }

  /** A webhook URL from a secret: the raw URL, or JSON `{"url": "..."}`. */
  async webhookUrl(secretId: string): Promise<string | undefined> {
    const value = (await this.get(secretId))?.trim();
    if (!value) return undefined;
    if (value.startsWith('{')) {
      const url = (JSON.parse(value) as { url?: unknown }).url;
      return typeof url === 'string' ? url : undefined;
    }
    return value;
  }
}
