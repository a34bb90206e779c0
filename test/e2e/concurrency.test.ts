import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/domain/hash-chain.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let token: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  token = await rt.token('acme', 'writer', ['editor']);
});
afterAll(async () => rt.close());

describe('concurrent writers on one document', () => {
  it('20 writers x 10 updates: every write lands as its own contiguous version or gets 412; nothing is lost; the chain verifies', async () => {
    const path = '/v1/settings/envs/race/services/api';
    await rt.call('PUT', path, { token, body: { content: { writer: 'seed', n: 0 }, reason: 'seed' } });
    const accepted: { version: number; writer: number; n: number }[] = [];
    let rejected = 0;

    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        for (let n = 1; n <= 10; n++) {
          const current = await rt.call('GET', path, { token });
          const res = await rt.call('PUT', path, {
            token,
            body: { content: { writer, n }, reason: `w${writer}-${n}` },
            headers: { 'if-match': current.headers.get('etag') ?? '' },
          });
          if (res.status === 201) accepted.push({ version: res.body.version, writer, n });
          else {
            expect(res.status).toBe(412);
            expect(res.body.currentVersion).toBeGreaterThan(0);
            rejected++;
          }
        }
      }),
    );

    expect(accepted.length + rejected).toBe(200);
    expect(accepted.length).toBeGreaterThan(0);
    const versions = accepted.map((a) => a.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 2));

    const history: { version: number; reason: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await rt.call('GET', `${path}/versions?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        token,
      });
      history.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(history).toHaveLength(accepted.length + 1);
    for (const a of accepted) {
      expect(history.find((h) => h.version === a.version)?.reason).toBe(`w${a.writer}-${a.n}`);
    }

    const full = [];
    for (let v = 1; v <= history.length; v++)
      full.push((await rt.call('GET', `${path}?version=${v}`, { token })).body);
    expect(verifyChain(full)).toEqual({ ok: true, versions: history.length });
  });
});
