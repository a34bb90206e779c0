/** How the library authenticates to Plumbline: a static token, or a service account's client credentials. */
export type PlumblineAuth =
  | { token: string | (() => string | Promise<string>) }
  | { tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

/** Gives a valid bearer token; `invalidate()` forgets a token the API refused. */
export interface TokenProvider {
  get(): Promise<string>;
  invalidate(): void;
}

/**
 * Bearer tokens for Plumbline. With client credentials it asks the token
 * URL (`grant_type=client_credentials`, HTTP Basic with the client id and
 * secret) and reuses the token until shortly before it expires (a tenth of
 * its lifetime, at most 60 s, early), so requests never carry an expired one.
 *
 * @example const tokens = tokenProvider({ tokenUrl, clientId, clientSecret }, fetch); await tokens.get();
 */
export function tokenProvider(
  auth: PlumblineAuth,
  fetchFn: typeof fetch,
  now: () => number = Date.now,
): TokenProvider {
  if ('token' in auth) {
    const { token } = auth;
    return { get: async () => (typeof token === 'string' ? token : token()), invalidate: () => undefined };
  }
  let current: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const request = async (): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) body.set('scope', auth.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`,
    );
    const response = await fetchFn(auth.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic.toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`the token URL answered ${response.status}`);
    const granted = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof granted.access_token !== 'string')
      throw new Error('the token URL answered without access_token');
    const lifetime = typeof granted.expires_in === 'number' ? granted.expires_in * 1000 : 300_000;
    current = { token: granted.access_token, refreshAt: now() + lifetime - Math.min(60_000, lifetime / 10) };
    return granted.access_token;
  };
  return {
    get: async () => {
      if (current && now() < current.refreshAt) return current.token;
      pending ??= request().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate: () => {
      current = undefined;
    },
  };
}
