import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let otherTenant: string;

/** `pairs` profiles and as many instance layers that each pull in one of them. */
function profilesAndInstances(pairs: number, env: string) {
  return Array.from({ length: pairs }, (_, i) => [
    {
      collection: 'profiles',
      key: `p${i}`,
      content: { replicas: 2, resources: { requests: { cpu: '100m' } } },
    },
    {
      collection: 'settings',
      key: `envs/${env}/services/s${i % 10}/instances/i${i}`,
      content: { $profile: `p${i}`, x: i },
    },
  ]).flat();
}

beforeAll(async () => {
  rt = await startTestRuntime();
  editor = await rt.token('wide', 'erin', ['editor']);
  otherTenant = await rt.token('calm', 'gus', ['admin']);
  const put = await rt.call('PUT', '/v1/settings/global', {
    token: otherTenant,
    body: { content: { log: { level: 'info' } }, reason: 'defaults' },
  });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await rt.close();
});

describe('import fan-out (issue 9, reproduction 5)', () => {
  it("plans 1000 documents with a 200, and another tenant's GET issued meanwhile answers 200 first", async () => {
    // Prepare
    const finished: string[] = [];
    // Act
    const plan = rt
      .call('POST', '/v1/import', { token: editor, body: { documents: profilesAndInstances(500, 'dev') } })
      .then((res) => {
        finished.push('plan');
        return res;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const get = await rt.call('GET', '/v1/settings/global', { token: otherTenant });
    finished.push('get');
    const planned = await plan;
    // Assess
    expect(get.status).toBe(200);
    expect(get.body.content).toEqual({ log: { level: 'info' } });
    expect(planned.status).toBe(200);
    expect(planned.body.summary).toMatchObject({ create: 1000, invalid: 0, written: 0 });
    expect(finished).toEqual(['get', 'plan']);
  }, 30_000); // a ceiling, not a measure: the plan is CPU-bound (about 1 s here, 13-26 s before issue 11) and this machine is shared

  it('plans and applies the reproduction-5 snapshot (80 profiles and 80 instance layers)', async () => {
    const documents = profilesAndInstances(80, 'qa');
    const plan = await rt.call('POST', '/v1/import', { token: editor, body: { documents } });
    expect(plan.status).toBe(200);
    expect(plan.body.summary).toMatchObject({ create: 160, invalid: 0 });
    const applied = await rt.call('POST', '/v1/import?mode=apply', {
      token: editor,
      body: { documents },
      headers: { 'plumbline-reason': 'restore' },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.summary).toMatchObject({ written: 160, skipped: 0 });
    const effective = await rt.call('GET', '/v1/effective/envs/qa/services/s3/instances/i13', {
      token: editor,
    });
    expect(effective.body.content).toMatchObject({ replicas: 2, x: 13 });
  });

  it('refuses more than 1000 documents with a 400 naming the list', async () => {
    const res = await rt.call('POST', '/v1/import', {
      token: editor,
      body: { documents: profilesAndInstances(501, 'dev') },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/body/documents']);
  });
});
