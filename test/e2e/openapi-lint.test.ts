import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrlOf, withServer } from '../../shared/http/openapi.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

describe('the OpenAPI document as served', () => {
  it("passes Redocly's recommended lint with no error and no warning", async () => {
    // Prepare: the document exactly as the local runtime serves it.
    const served = await rt.call('GET', '/v1/openapi.json');
    expect(served.status).toBe(200);
    const config = await createConfig({ extends: ['recommended'] });
    // Act
    const problems = await lintFromString({ source: served.text, absoluteRef: '/openapi.json', config });
    // Assess: rule id, message and where, so a failure says what to fix.
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`),
    ).toEqual([]);
  });

  it('names the local runtime as its server, with a license and a 4xx on every operation', async () => {
    const { body } = await rt.call('GET', '/v1/openapi.json');
    expect(body.servers).toEqual([{ url: rt.url, description: 'This Plumbline API' }]);
    expect(body.info.license).toEqual({
      name: 'Proprietary',
      identifier: 'LicenseRef-Plumbline-Proprietary',
    });
    for (const [path, operations] of Object.entries(body.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(operations as Record<string, { responses: object }>)) {
        const codes = Object.keys(operation.responses);
        expect(
          codes.some((c) => c.startsWith('4')),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });
});

describe('the server URL of the served document', () => {
  it('is the configured public URL when there is one, else the host the request came to', () => {
    expect(serverUrlOf({ host: 'ignored' }, () => 'https://api.example.com/')).toBe(
      'https://api.example.com',
    );
    // API Gateway: the API's own domain, over HTTPS.
    expect(
      serverUrlOf(
        { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' },
        undefined,
      ),
    ).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
    expect(serverUrlOf({ host: '127.0.0.1:8787', 'x-forwarded-proto': 'http' }, undefined)).toBe(
      'http://127.0.0.1:8787',
    );
  });

  it('puts servers right after info and leaves the rest of the document as it was', () => {
    const doc = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
    const served = withServer(doc, 'https://api.example.com/');
    expect(Object.keys(served)).toEqual(['openapi', 'info', 'servers', 'paths']);
    expect(served.servers).toEqual([{ url: 'https://api.example.com', description: 'This Plumbline API' }]);
    expect(doc).not.toHaveProperty('servers');
  });
});
