import * as v from 'valibot';
import { MAX_OBSERVATION_BYTES } from '../../domain/drift/parse-observations.ts';
import {
  clusterView,
  getScan,
  loadCluster,
  pushObservations,
  removeCluster,
  requestScan,
} from '../../use-cases/clusters/cluster-operations.ts';
import { loopbackClustersAllowed } from '../../use-cases/clusters/loopback-clusters.ts';
import { registerCluster } from '../../use-cases/clusters/register-cluster.ts';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

const Id = v.pipe(v.string(), v.regex(/^c-[0-9a-f]{12}$/, 'must be a cluster id (c-…)'));
const ScanId = v.pipe(v.string(), v.regex(/^s[0-9a-z]{9}[0-9a-f]{8}$/, 'must be a scan id'));
const SecretName = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?$/, 'must be a secret name'),
);

/** Body of `POST /v1/clusters`. */
export const RegisterClusterBody = v.strictObject({
  name: NameSchema,
  env: NameSchema,
  endpoint: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  caData: v.optional(v.pipe(v.string(), v.maxLength(64 * 1024))),
  auth: v.variant('type', [
    v.strictObject({ type: v.literal('token'), secret: SecretName }),
    v.strictObject({
      type: v.literal('eks'),
      clusterName: v.pipe(
        v.string(),
        v.regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'must be an EKS cluster name'),
      ),
      region: v.pipe(
        v.string(),
        v.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1'),
      ),
      roleArn: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN'),
        ),
      ),
    }),
    v.strictObject({ type: v.literal('push') }),
  ]),
  maxObservationAgeMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_080))),
});

const ClusterSchema = v.looseObject({ id: v.string(), name: v.string(), env: v.string() });
const ScanSchema = v.object({
  id: v.string(),
  state: v.picklist(['queued', 'running', 'succeeded', 'failed']),
  requestedAt: v.string(),
  reportId: v.optional(v.string()),
  error: v.optional(v.string()),
});
const tags = ['clusters'];
const notFound = readProblems({ notFound: 'No such cluster' });

/** Routes of the clusters context (issue 14): registration, push observations, scans. */
export const clusterRoutes: Route[] = [
  defineRoute({
    id: 'registerCluster',
    method: 'POST',
    path: '/v1/clusters',
    context: 'clusters',
    permission: 'clusters:manage',
    summary: 'Register a Kubernetes cluster to scan for drift',
    tags,
    body: { 'application/json': RegisterClusterBody },
    responses: { 201: { description: 'The cluster', schema: ClusterSchema }, ...readProblems() },
    handle: async ({ body, principal, rawPath }, deps) => {
      const cluster = await registerCluster(deps, {
        principal,
        name: body.name,
        env: body.env,
        endpoint: body.endpoint,
        caData: body.caData,
        auth: body.auth,
        maxObservationAgeMinutes: body.maxObservationAgeMinutes,
        allowLoopback: loopbackClustersAllowed(),
      });
      return json(201, clusterView(cluster), { location: `${rawPath}/${cluster.id}` });
    },
  }),
  defineRoute({
    id: 'listClusters',
    method: 'GET',
    path: '/v1/clusters',
    context: 'clusters',
    permission: 'settings:read',
    summary: 'List the registered clusters',
    tags,
    responses: {
      200: { description: 'The clusters', schema: v.object({ items: v.array(ClusterSchema) }) },
      ...readProblems(),
    },
    handle: async ({ principal }, deps) =>
      json(200, { items: (await deps.clusters.listClusters(principal.tenantId)).map(clusterView) }),
  }),
  defineRoute({
    id: 'getCluster',
    method: 'GET',
    path: '/v1/clusters/{id}',
    context: 'clusters',
    permission: 'settings:read',
    summary: 'Read a registered cluster',
    tags,
    params: v.object({ id: Id }),
    responses: { 200: { description: 'The cluster', schema: ClusterSchema }, ...notFound },
    handle: async ({ params, principal }, deps) =>
      json(200, clusterView(await loadCluster(deps, principal, params.id))),
  }),
  defineRoute({
    id: 'removeCluster',
    method: 'DELETE',
    path: '/v1/clusters/{id}',
    context: 'clusters',
    permission: 'clusters:manage',
    summary: 'Remove a registered cluster (its reports stay)',
    tags,
    params: v.object({ id: Id }),
    responses: { 204: { description: 'Removed' }, ...notFound },
    handle: async ({ params, principal }, deps) => {
      await removeCluster(deps, principal, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    id: 'pushObservations',
    method: 'POST',
    path: '/v1/clusters/{id}/observations',
    context: 'clusters',
    permission: 'drift:scan',
    summary: 'Push the JSON of `kubectl get deploy,sts,hpa -A -o json` for a push cluster (up to 5 MiB)',
    tags,
    params: v.object({ id: Id }),
    // Why above 5 MiB: a body a little over the limit gets the parser's 400 (`observation.size`), not a 413.
    maxBodyBytes: MAX_OBSERVATION_BYTES + 2 * 1024 * 1024,
    body: { 'application/json': v.unknown() },
    responses: {
      202: {
        description: 'Stored; the next scan uses it',
        schema: v.object({ workloads: v.number(), hpas: v.number(), observedAt: v.string() }),
      },
      ...notFound,
    },
    handle: async ({ params, body, principal }, deps) =>
      json(202, await pushObservations(deps, principal, params.id, JSON.stringify(body))),
  }),
  defineRoute({
    id: 'startScan',
    method: 'POST',
    path: '/v1/clusters/{id}/scans',
    context: 'clusters',
    permission: 'drift:scan',
    summary: 'Scan a cluster now',
    tags,
    params: v.object({ id: Id }),
    responses: {
      202: { description: 'Queued; poll `Location`', schema: v.object({ scanId: v.string() }) },
      ...notFound,
    },
    handle: async ({ params, principal, rawPath }, deps) => {
      const scan = await requestScan(deps, principal, params.id);
      return json(202, { scanId: scan.id }, { location: `${rawPath}/${scan.id}` });
    },
  }),
  defineRoute({
    id: 'getScan',
    method: 'GET',
    path: '/v1/clusters/{id}/scans/{scanId}',
    context: 'clusters',
    permission: 'settings:read',
    summary: "A scan's state and, once done, its report id",
    tags,
    params: v.object({ id: Id, scanId: ScanId }),
    responses: {
      200: { description: 'The scan', schema: ScanSchema },
      ...readProblems({ notFound: 'No such scan' }),
    },
    handle: async ({ params, principal }, deps) =>
      json(200, await getScan(deps, principal, params.id, params.scanId)),
  }),
];
