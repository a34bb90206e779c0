import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { printJsonOr, table, visible } from '../output.ts';
import { readStdin } from '../read-input.ts';
import { ensureConfirmed } from './requests-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** A registered cluster as the API shows it. */
interface ClusterView {
  id: string;
  name: string;
  env: string;
  endpoint?: string;
  auth: { type: string; secret?: string; clusterName?: string; region?: string; roleArn?: string };
  maxObservationAgeMinutes?: number;
  observedAt?: string;
  createdAt: string;
  createdBy: string;
}

const path = (id: string) => `/v1/clusters/${encodeURIComponent(id)}`;

/** The `auth` of a registration from exactly one of `--token-secret`, `--eks-cluster` or `--push`. */
function authOf(options: Opts): Record<string, string> {
  const chosen = [options.tokenSecret, options.eksCluster, options.push].filter((o) => o !== undefined);
  if (chosen.length !== 1)
    throw new UsageError('Give exactly one of --token-secret, --eks-cluster or --push');
  if (typeof options.tokenSecret === 'string') return { type: 'token', secret: options.tokenSecret };
  if (typeof options.eksCluster === 'string') {
    if (typeof options.region !== 'string') throw new UsageError('--eks-cluster needs --region');
    return {
      type: 'eks',
      clusterName: options.eksCluster,
      region: options.region,
      ...(typeof options.roleArn === 'string' ? { roleArn: options.roleArn } : {}),
    };
  }
  return { type: 'push' };
}

function printCluster(ctx: CliContext, options: Opts, view: ClusterView, verb?: string): void {
  printJsonOr(ctx.output, options.json, view, (view) => {
    const auth =
      view.auth.type === 'token'
        ? `token (secret ${visible(view.auth.secret ?? '')})`
        : view.auth.type === 'eks'
          ? `eks ${visible(view.auth.clusterName ?? '')} in ${visible(view.auth.region ?? '')}${view.auth.roleArn ? ` as ${visible(view.auth.roleArn)}` : ''}`
          : `push (observations older than ${view.maxObservationAgeMinutes ?? 30} min are stale)`;
    return [
      `${verb ? `${verb} ` : ''}cluster ${visible(view.name)} (${view.id})`,
      `env:       ${view.env}`,
      ...(view.endpoint ? [`endpoint:  ${visible(view.endpoint)}`] : []),
      `auth:      ${auth}`,
      ...(view.observedAt ? [`observed:  ${view.observedAt}`] : []),
      `created:   ${view.createdAt} by ${visible(view.createdBy)}`,
    ].join('\n');
  });
}

/**
 * `plumb clusters register|list|show|remove|push` (issue 14): the
 * Kubernetes clusters scanned for drift. `push` sends the output of
 * `kubectl get deploy,sts,hpa -A -o json` read from stdin.
 */
export function clustersCommand(ctx: CliContext): Command {
  const clusters = new Command('clusters').description(
    'Kubernetes clusters scanned for drift (admin registers and removes)',
  );

  withApiOptions(clusters.command('register <name>'))
    .description('register a cluster: its API (bearer token from a secret, or EKS) or push mode')
    .requiredOption('--env <env>', 'the environment whose settings the cluster must match')
    .option('--endpoint <url>', 'the API server (https://...)')
    .option('--ca-file <file>', 'PEM of the API server CA (or base64 of it, as in a kubeconfig)')
    .option('--token-secret <name>', "auth: a bearer token kept as this secret in the cluster's environment")
    .option('--eks-cluster <name>', 'auth: an EKS token for this EKS cluster name (with --region)')
    .option('--region <region>', 'the EKS cluster region')
    .option('--role-arn <arn>', 'sign the EKS token under this role (plumbline-drift-* on AWS)')
    .option('--push', 'auth: none; observations are pushed with plumb clusters push')
    .option(
      '--max-observation-age <minutes>',
      'push mode: observations older than this are stale (default 30)',
    )
    .action(async (name: string, options: Opts) => {
      const auth = authOf(options);
      let caData: string | undefined;
      if (typeof options.caFile === 'string') {
        try {
          caData = await readFile(options.caFile, 'utf8');
        } catch (error) {
          throw new UsageError(`Cannot read ${options.caFile}: ${(error as Error).message}`);
        }
      }
      const maxAge = positiveInt('--max-observation-age', options.maxObservationAge as string | undefined);
      const res = await apiClient(ctx, options).request('POST', '/v1/clusters', {
        body: {
          name,
          env: options.env,
          auth,
          ...(typeof options.endpoint === 'string' ? { endpoint: options.endpoint } : {}),
          ...(caData === undefined ? {} : { caData }),
          ...(maxAge === undefined ? {} : { maxObservationAgeMinutes: maxAge }),
        },
      });
      printCluster(ctx, options, res.body as ClusterView, 'registered');
    });

  withApiOptions(clusters.command('list'))
    .description('list the registered clusters')
    .action(async (options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', '/v1/clusters');
      printJsonOr(ctx.output, options.json, res.body as { items: ClusterView[] }, ({ items }) =>
        table(
          ['ID', 'NAME', 'ENV', 'AUTH', 'ENDPOINT'],
          items.map((c) => [c.id, c.name, c.env, c.auth.type, c.endpoint]),
        ),
      );
    });

  withApiOptions(clusters.command('show <id>'))
    .description('show a registered cluster')
    .action(async (id: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', path(id));
      printCluster(ctx, options, res.body as ClusterView);
    });

  withApiOptions(clusters.command('remove <id>'))
    .description('remove a registered cluster (its reports stay)')
    .option('--confirm <env>', "required when the cluster's environment is protected: its name")
    .action(async (id: string, options: Opts) => {
      const cluster = (await apiClient(ctx, options).request('GET', path(id))).body as ClusterView;
      await ensureConfirmed(ctx, options, cluster.env);
      await apiClient(ctx, options).request('DELETE', path(id));
      if (options.json) return ctx.output.out(JSON.stringify({ removed: id }));
      ctx.output.out(`removed cluster ${visible(cluster.name)} (${id})`);
    });

  withApiOptions(clusters.command('push <id>'))
    .description('push observations: kubectl get deploy,sts,hpa -A -o json | plumb clusters push <id>')
    .action(async (id: string, options: Opts) => {
      const text = await (ctx.stdin ?? readStdin)();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new UsageError(
          `stdin is not JSON (kubectl get deploy,sts,hpa -A -o json): ${(error as Error).message}`,
        );
      }
      const res = await apiClient(ctx, options).request('POST', `${path(id)}/observations`, { body });
      printJsonOr(
        ctx.output,
        options.json,
        res.body as { observedAt?: string; workloads?: number },
        (accepted) =>
          `pushed observations of cluster ${id}${accepted.workloads === undefined ? '' : ` (${accepted.workloads} workloads)`}${accepted.observedAt ? ` at ${accepted.observedAt}` : ''}`,
      );
    });

  return clusters;
}
