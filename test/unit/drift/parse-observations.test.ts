import { describe, expect, it } from 'vitest';
import { parseObservations } from '../../../shared/domain/drift/parse-observations.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { demoNamespace } from '../../fixtures/k8s/demo-objects.ts';

/** What `kubectl get deploy,sts,hpa -A -o json` prints: a v1 List of mixed kinds. */
const kubectlList = (items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items });

function violationsOf(body: string | Uint8Array) {
  try {
    parseObservations(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map((v) => [v.pointer, v.rule]);
  }
  throw new Error('expected a ValidationError');
}

describe('parsing pushed observations', () => {
  it('reads a kubectl List of Deployments and HPAs into the observed state', () => {
    // Act
    const state = parseObservations(Buffer.from(kubectlList(demoNamespace('shop'))));
    // Assess
    expect(state.workloads).toHaveLength(12);
    expect(state.hpas.map((h) => [h.name, h.minReplicas, h.maxReplicas, h.scaleUpTolerance])).toEqual([
      ['frontend', 2, 10, 0.1],
      ['cartservice', 1, 5, undefined],
    ]);
  });

  it('refuses malformed JSON and anything that is not a v1 List', () => {
    expect(violationsOf('{"apiVersion": "v1", "kind": "List", "items": [')).toEqual([
      ['/body', 'observation.json'],
    ]);
    expect(violationsOf(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [] }))).toEqual([
      ['/body', 'observation.list'],
    ]);
    expect(violationsOf('[]')).toEqual([['/body', 'observation.list']]);
  });

  it('lists every item of a wrong kind, a wrong API version or a broken shape', () => {
    // Prepare
    const [deployment, , hpa] = [demoNamespace('shop')[0], null, demoNamespace('shop').at(-1)] as Record<
      string,
      unknown
    >[];
    const items = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: {} },
      { ...hpa, apiVersion: 'autoscaling/v1' },
      { ...deployment, spec: { template: { spec: {} } } },
      deployment,
    ];
    // Act / Assess
    expect(violationsOf(kubectlList(items))).toEqual([
      ['/body/items/0/kind', 'observation.kind'],
      ['/body/items/1/apiVersion', 'observation.api-version'],
      ['/body/items/2/spec/template/spec/containers', 'observation.shape'],
    ]);
  });

  it('refuses an observation over 5 MiB before parsing it', () => {
    // Prepare
    const big = kubectlList([{ padding: 'x'.repeat(6 * 1024 * 1024) }]);
    // Act / Assess
    expect(violationsOf(big)).toEqual([['/body', 'observation.size']]);
  });
});
