import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHouseBundle, bundleOutputs, lambdaEntry } from '../../lib/shared/house-bundling.ts';

const packageOf = (input: string): string | undefined =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/** The npm packages in the cold-start outputs of a bundle, and in all of them. */
function packagesOf(metafile: Metafile): { coldStart: string[]; all: string[] } {
  const { coldStart, all } = bundleOutputs(metafile);
  const packages = (names: string[]) =>
    [
      ...new Set(
        names
          .flatMap((name) => Object.keys(metafile.outputs[name]?.inputs ?? {}))
          .map(packageOf)
          .filter((name): name is string => name !== undefined),
      ),
    ].sort();
  return { coldStart: packages(coldStart), all: packages(all) };
}

const sdkClients = (packages: string[]) => packages.filter((p) => p.startsWith('@aws-sdk/client-'));
const bundles = new Map<string, { coldStart: string[]; all: string[] }>();

const outDir = mkdtempSync(join(tmpdir(), 'plumbline-service-accounts-bundles-'));

beforeAll(() => {
  for (const entry of ['http/service-accounts', 'cognito/pre-token-generation']) {
    // Pass 1's split into cold start and first use holds for the written bundle (pass 2 only merges files).
    const { sourceMetafile } = buildHouseBundle(lambdaEntry(entry), join(outDir, entry));
    bundles.set(entry, packagesOf(sourceMetafile));
  }
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('service accounts bundles (issue 15)', () => {
  it('loads the Cognito client of the service-accounts function on first use, not at cold start', () => {
    const bundle = bundles.get('http/service-accounts');
    expect(sdkClients(bundle?.coldStart ?? [])).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sts']);
    expect(bundle?.all).toContain('@aws-sdk/client-cognito-identity-provider');
    expect(bundle?.all).not.toContain('@aws-sdk/client-sns');
  });

  it('starts the pre-token trigger with no SDK client: users need none, machine clients load Cognito and DynamoDB', () => {
    const bundle = bundles.get('cognito/pre-token-generation');
    expect(sdkClients(bundle?.coldStart ?? [])).toEqual([]);
    expect(sdkClients(bundle?.all ?? [])).toEqual([
      '@aws-sdk/client-cognito-identity-provider',
      '@aws-sdk/client-dynamodb',
    ]);
  });
});
