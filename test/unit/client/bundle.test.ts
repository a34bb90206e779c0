import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClientBundle } from '../../../bench/client-size.ts';

const FORBIDDEN = [
  /node_modules\/@aws-sdk\//,
  /node_modules\/dynalite\//,
  /node_modules\/aws-cdk-lib\//,
  /node_modules\/@middy\//,
  /node_modules\/@kubernetes\//,
];

describe('the plumbline/client bundle', () => {
  it('pulls in no AWS SDK, dynalite, aws-cdk-lib, middy or Kubernetes client', async () => {
    // Act
    const { metafile } = await buildClientBundle();

    // Assess
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)))).toEqual([]);
  });

  it('imports nothing of the server side: only shared/client and shared/domain from this repository', async () => {
    // Act
    const { metafile } = await buildClientBundle();

    // Assess
    const own = Object.keys(metafile.inputs)
      .filter((input) => !input.includes('node_modules/'))
      .map((input) => relative(process.cwd(), input));
    expect(own.filter((path) => !/^shared\/(client|domain)\//.test(path))).toEqual([]);
    expect(own).toContain('shared/client/define-settings.ts');
  });
});
