/** Timeout and retry policy of {@link fetchWithRetry}. */
export interface RetryPolicy {
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  /** Base of the exponential backoff (full jitter). */
  backoffMs: number;
}

/**
 * `fetch` with a timeout per attempt and retries with full jitter
 * (a random wait in `[0, backoffMs * 2^attempt)`) on network errors,
 * timeouts, 429 and 5xx. Resolves the last response (a 5xx after the last
 * retry) or rejects with the last network error.
 *
 * @example const res = await fetchWithRetry(fetch, url, { headers }, { timeoutMs: 5000, retries: 2, backoffMs: 200 });
 */
export async function fetchWithRetry(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  policy: RetryPolicy,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= policy.retries;
    try {
      const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
      if (last || (response.status !== 429 && response.status < 500)) return response;
      await response.body?.cancel();
    } catch (error) {
      if (last) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * policy.backoffMs * 2 ** attempt));
  }
}
