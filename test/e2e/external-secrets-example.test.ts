import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

interface WebhookProvider {
  url: string;
  method: string;
  headers: Record<string, string>;
  result: { jsonPath: string };
  secrets: { name: string; secretRef: { name: string } }[];
}

const EXAMPLE = new URL('../../examples/external-secrets/plumbline-secret-store.yaml', import.meta.url);
const PLACEHOLDER_HOST = 'https://api.plumbline.example.com';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

/** ESO's templating as far as the example uses it: `{{ .remoteRef.key }}` and `{{ .auth.token }}`. */
function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*\.([a-zA-Z.]+)\s*\}\}/g, (_, path: string) => {
    const value = values[path];
    if (value === undefined)
      throw new Error(`the example uses {{ .${path} }}, which this test does not render`);
    return value;
  });
}

describe('the External Secrets Operator example (examples/external-secrets)', () => {
  it('reads a value with exactly the request its SecretStore configures, from a token with secret-reader:prod only', async () => {
    // Prepare
    const docs = parseAllDocuments(await readFile(EXAMPLE, 'utf8')).map((d) => d.toJS());
    const store = docs.find((d) => d.kind === 'SecretStore');
    const external = docs.find((d) => d.kind === 'ExternalSecret');
    const webhook = store.spec.provider.webhook as WebhookProvider;
    const key = external.spec.data[0].remoteRef.key as string;
    const admin = await rt.token('acme', 'root', ['admin']);
    await rt.call('PUT', '/v1/environments/prod', {
      token: admin,
      body: { protected: false, reason: 'example without approvals' },
    });
    const editor = await rt.token('acme', 'alice', ['editor']);
    const put = await rt.call('PUT', `/v1/secrets/envs/prod/${key}`, {
      token: editor,
      body: { value: 'payments-db-pw', criticality: 'critical', category: 'data-access', reason: 'example' },
    });
    const token = await rt.token('acme', 'eso', ['secret-reader:prod']);
    const values = { 'remoteRef.key': key, 'auth.token': token };

    // Act
    const res = await fetch(render(webhook.url, values).replace(PLACEHOLDER_HOST, rt.url), {
      method: webhook.method,
      headers: Object.fromEntries(Object.entries(webhook.headers).map(([k, v]) => [k, render(v, values)])),
    });
    const body = (await res.json()) as Record<string, unknown>;

    // Assess
    expect(put.status).toBe(201);
    expect(webhook.result.jsonPath).toBe('$.value');
    expect(webhook.secrets[0]?.secretRef.name).toBe(docs.find((d) => d.kind === 'Secret')?.metadata.name);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.value).toBe('payments-db-pw');
  });
});
