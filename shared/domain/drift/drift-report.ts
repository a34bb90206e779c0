import { contentHash } from '../canonical-hash.ts';
import type { DriftPolicy } from '../documents/drift-policy-content.ts';
import type { JsonObject } from '../json-value.ts';
import type { DriftResult } from './detect-drift.ts';
import type { DriftFinding } from './drift-finding.ts';
import type { SeverityCounts } from './drift-score.ts';

/** Why part of a scan failed (`cluster-timeout`, `observation-stale` ...). */
export interface DriftReportError {
  code: string;
  message: string;
}

/** A scan report in the contract's shape (`GET /v1/drift/reports/{id}`). */
export interface DriftReport {
  id: string;
  /** The cluster id. */
  cluster: string;
  clusterName: string;
  env: string;
  scannedAt: string;
  durationMs: number;
  desiredState: {
    /** The drift policy version compared against. */
    driftPolicy: number;
    /** The version of each settings document that fed the effective settings (`"settings envs/prod"` → 3). */
    layers: Record<string, number>;
    /** The hash of the policy and every service's effective settings. */
    hash: string;
  };
  driftScore: number;
  counts: SeverityCounts;
  workloads: number;
  findings: DriftFinding[];
  errors: DriftReportError[];
}

/** What a report says about the scan besides the engine's result. */
export type DriftReportMeta = Pick<
  DriftReport,
  'id' | 'cluster' | 'clusterName' | 'env' | 'scannedAt' | 'durationMs'
> & {
  driftPolicyVersion: number;
  layers: Record<string, number>;
};

/** The hash of the desired state a scan compared against: the policy and the services' effective settings. */
export function desiredStateHash(
  policy: DriftPolicy,
  services: Readonly<Record<string, JsonObject>>,
): string {
  return contentHash({ policy, services });
}

/**
 * Assembles a report. With no `result` (the cluster could not be read) the
 * report has no findings, a score of 0 and the `errors` that say why.
 *
 * @example buildDriftReport(meta, detectDrift(input), hash, [])
 */
export function buildDriftReport(
  meta: DriftReportMeta,
  result: DriftResult | undefined,
  hash: string,
  errors: DriftReportError[],
): DriftReport {
  return {
    id: meta.id,
    cluster: meta.cluster,
    clusterName: meta.clusterName,
    env: meta.env,
    scannedAt: meta.scannedAt,
    durationMs: meta.durationMs,
    desiredState: { driftPolicy: meta.driftPolicyVersion, layers: meta.layers, hash },
    driftScore: result?.driftScore ?? 0,
    counts: result?.counts ?? { critical: 0, high: 0, medium: 0, low: 0 },
    workloads: result?.workloads ?? 0,
    findings: result?.findings ?? [],
    errors,
  };
}
