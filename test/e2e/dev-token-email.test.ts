import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlumb } from '../support/run-plumb.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

describe('plumb dev token --email (issue 16)', () => {
  it('puts the address in the email claim of the token the local runtime signs', async () => {
    // Act
    const run = await runPlumb(
      [
        'dev',
        'token',
        '--tenant',
        'acme',
        '--user',
        'ana',
        '--roles',
        'editor',
        '--email',
        'ana@example.com',
      ],
      { PLUMBLINE_URL: rt.url },
    );

    // Assess
    expect(run.code).toBe(0);
    const token = run.out.trim();
    expect(payloadOf(token)).toMatchObject({ sub: 'ana', tenant_id: 'acme', email: 'ana@example.com' });
    expect(await rt.tokens.verify(token)).toMatchObject({ email: 'ana@example.com' });
  });

  it('refuses an address that is not one with a 400 naming the field', async () => {
    // Act
    const res = await fetch(`${rt.url}/local/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'acme', userId: 'ana', roles: [], ttlSeconds: 60, email: 'nope' }),
    });
    const body = (await res.json()) as { errors: { pointer: string }[] };

    // Assess
    expect(res.status).toBe(400);
    expect(body.errors.map((e) => e.pointer)).toEqual(['/body/email']);
  });
});
