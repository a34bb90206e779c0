import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlumb } from '../support/run-plumb.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let env: Record<string, string>;

const plumb = (args: string[], stdin?: string) => runPlumb(args, env, stdin);

beforeAll(async () => {
  rt = await startTestRuntime();
  env = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: await rt.token('acme', 'ada', ['admin']) };
});
afterAll(async () => rt.close());

describe('plumb profiles | schemas | policies list and get', () => {
  it('lists and reads back each kind of versioned document, latest and by --version', async () => {
    const writes = [
      ['profiles', 'put', 'tiny', '--reason', 'r1', '-f', '-'],
      ['schemas', 'put', 'api', '--reason', 'r1', '-f', '-'],
      ['policies', 'put', 'dev', '--reason', 'r1', '-f', '-'],
    ];
    const bodies = ['{"replicas": 1}', '{"schema": {"type": "object"}}', '{"requiredLabels": ["team"]}'];
    const first = await plumb(writes[0] as string[], bodies[0]);
    expect(first.code).toBe(0);
    expect((await plumb(writes[1] as string[], bodies[1])).code).toBe(0);
    expect((await plumb(writes[2] as string[], bodies[2])).code).toBe(0);
    expect(
      (await plumb(['profiles', 'put', 'tiny', '--reason', 'r2', '-f', '-'], '{"replicas": 2}')).code,
    ).toBe(0);

    for (const [kind, name, column] of [
      ['profiles', 'tiny', 'PROFILE'],
      ['schemas', 'api', 'SCHEMA'],
      ['policies', 'dev', 'POLICY'],
    ] as const) {
      const list = await plumb([kind, 'list']);
      expect(list.code).toBe(0);
      expect(list.out).toContain(column);
      expect(list.out).toContain(name);
      const got = await plumb([kind, 'get', name, '--json']);
      expect(got.code).toBe(0);
      expect(JSON.parse(got.out).version).toBeGreaterThanOrEqual(1);
    }
    const old = await plumb(['profiles', 'get', 'tiny', '--version', '1', '--json']);
    expect(JSON.parse(old.out)).toMatchObject({ version: 1, content: { replicas: 1 } });
    const latest = await plumb(['profiles', 'get', 'tiny', '--json']);
    expect(JSON.parse(latest.out)).toMatchObject({ version: 2, content: { replicas: 2 } });
    expect((await plumb(['schemas', 'get', 'nope'])).code).toBe(2);
  });
});
