import { describe, expect, it } from 'vitest';
import { tokenProvider } from '../../../shared/client/plumbline/token-provider.ts';

function tokenEndpoint(expiresIn: number) {
  const calls: { authorization: string | null; body: string }[] = [];
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push({ authorization: new Headers(init?.headers).get('authorization'), body: String(init?.body) });
    return Response.json({
      access_token: `token-${calls.length}`,
      token_type: 'Bearer',
      expires_in: expiresIn,
    });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('tokenProvider with client credentials', () => {
  it('asks the token URL with HTTP Basic and grant_type=client_credentials, then reuses the token', async () => {
    // Prepare
    const { fetchFn, calls } = tokenEndpoint(3600);
    const tokens = tokenProvider(
      { tokenUrl: 'https://auth.test/oauth2/token', clientId: 'id', clientSecret: 's:e' },
      fetchFn,
      () => 0,
    );

    // Act
    const first = await tokens.get();
    const second = await tokens.get();

    // Assess
    expect([first, second]).toEqual(['token-1', 'token-1']);
    expect(calls).toEqual([
      {
        authorization: `Basic ${Buffer.from('id:s%3Ae').toString('base64')}`,
        body: 'grant_type=client_credentials',
      },
    ]);
  });

  it('fetches a new token a tenth of its lifetime (at most 60 s) before it expires, and after invalidate()', async () => {
    // Prepare
    const { fetchFn, calls } = tokenEndpoint(300);
    let now = 0;
    const tokens = tokenProvider(
      { tokenUrl: 'https://auth.test/t', clientId: 'id', clientSecret: 's' },
      fetchFn,
      () => now,
    );
    await tokens.get();

    // Act
    now = 269_000;
    const stillFirst = await tokens.get();
    now = 270_000;
    const refreshed = await tokens.get();
    tokens.invalidate();
    const afterInvalidate = await tokens.get();

    // Assess
    expect([stillFirst, refreshed, afterInvalidate]).toEqual(['token-1', 'token-2', 'token-3']);
    expect(calls).toHaveLength(3);
  });
});
