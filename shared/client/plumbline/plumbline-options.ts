import type { PlumblineAuth } from './token-provider.ts';

/** Where and how to read the effective settings from Plumbline. */
export interface PlumblineOptions {
  /** The API's base URL (`https://plumbline.example.com`, `http://127.0.0.1:8787` locally). */
  url: string;
  env: string;
  service: string;
  instance?: string;
  /** A static token, or a service account's `{tokenUrl, clientId, clientSecret}`. */
  auth: PlumblineAuth;
  /** Seconds between polls with `If-None-Match` once something subscribes; 30 by default. */
  pollSeconds?: number;
  /** The last-known-good file; `.plumbline-cache/<env>.<service>[.<instance>].json` by default. */
  cacheFile?: string;
  /** How old the last-known-good answer may be when Plumbline is unreachable; 86400 (a day) by default. */
  maxStaleSeconds?: number;
  /** Keep secret values in the last-known-good file, encrypted with the key in `cacheKeyEnv`; false by default. */
  cacheSecrets?: boolean;
  /** The environment variable holding the 32-byte base64 cache key; `PLUMBLINE_CACHE_KEY` by default. */
  cacheKeyEnv?: string;
  /** Per-request timeout; 5000 ms by default. */
  timeoutMs?: number;
  /** Retries (with jitter) on network errors, 429 and 5xx; 2 by default. */
  retries?: number;
  /** Base of the retry backoff; 200 ms by default. */
  backoffMs?: number;
  /** The `fetch` to use (tests); the global one by default. */
  fetch?: typeof fetch;
  /** The clock (tests); `Date.now` by default. */
  now?: () => number;
}
