import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** The inputs esbuild pulls into a bundle of `entry`. */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('drift import graph', () => {
  it.each([
    'shared/domain/drift/detect-drift.ts',
    'shared/domain/drift/parse-observations.ts',
    'shared/domain/drift/report-html.ts',
    'shared/domain/drift/report-sarif.ts',
    'shared/domain/documents/drift-policy-content.ts',
    'shared/ports/cluster-reader.ts',
    'shared/adapters/aws/eks-token.ts',
  ])('%s does not pull in @kubernetes/client-node', async (entry) => {
    const inputs = await bundledInputs(entry);
    expect(inputs.filter((path) => path.includes('@kubernetes'))).toEqual([]);
  });

  it('the Kubernetes adapter does (so the check above can fail)', async () => {
    const inputs = await bundledInputs('shared/adapters/k8s/kubernetes-cluster-reader.ts');
    expect(inputs.some((path) => path.includes('@kubernetes/client-node'))).toBe(true);
  });
});
