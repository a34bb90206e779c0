import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { ClusterReadError } from '../../domain/drift/cluster-read-error.ts';
import type { ObservedState } from '../../domain/drift/observed-state.ts';
import { addObserved, toObservedObject } from '../../domain/drift/to-observed-state.ts';
import type { Violation } from '../../domain/errors.ts';
import type { ClusterConnection, ClusterReader, ClusterReadOptions } from '../../ports/cluster-reader.ts';

const DEFAULTS = { pageSize: 500, requestTimeoutMs: 10_000, clusterTimeoutMs: 60_000 };

/** A kubeconfig's `certificate-authority-data`: base64 of the PEM, whichever of the two was registered. */
export function caDataBase64(caData: string): string {
  return caData.trimStart().startsWith('-----BEGIN') ? Buffer.from(caData).toString('base64') : caData.trim();
}

/** One page of a list call, as every list method of the client answers. */
interface Page {
  items: unknown[];
  metadata?: { _continue?: string };
}

/**
 * The {@link ClusterReader} on `@kubernetes/client-node`: lists Deployments,
 * StatefulSets (apps/v1) and HorizontalPodAutoscalers (autoscaling/v2) per
 * watched namespace with the label selector, page by page (`limit` /
 * `continue`), each request under its own timeout and the whole read under
 * the cluster's. TLS is verified against `caData` (never skipped); the
 * bearer token is fetched once per read. Client errors become
 * {@link ClusterReadError}s; no client type leaves this file.
 *
 * @example await new KubernetesClusterReader().read({ endpoint, caData, bearerToken: async () => token }, { namespaces: ['shop'] })
 */
export class KubernetesClusterReader implements ClusterReader {
  async read(connection: ClusterConnection, options: ClusterReadOptions): Promise<ObservedState> {
    const settings = { ...DEFAULTS, ...options };
    const clusterSignal = AbortSignal.any([
      AbortSignal.timeout(settings.clusterTimeoutMs),
      ...(options.signal ? [options.signal] : []),
    ]);
    const token = await connection.bearerToken();
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [
        {
          name: 'target',
          server: connection.endpoint,
          skipTLSVerify: false,
          ...(connection.caData ? { caData: caDataBase64(connection.caData) } : {}),
          ...(connection.tlsServerName ? { tlsServerName: connection.tlsServerName } : {}),
        },
      ],
      users: [{ name: 'scanner', token }],
      contexts: [{ name: 'scan', cluster: 'target', user: 'scanner' }],
      currentContext: 'scan',
    });
    const apps = config.makeApiClient(AppsV1Api);
    const autoscaling = config.makeApiClient(AutoscalingV2Api);
    const state: ObservedState = { workloads: [], hpas: [] };
    const violations: Violation[] = [];
    const requestOptions = () => ({
      middleware: [timeoutMiddleware(clusterSignal, settings.requestTimeoutMs)],
      middlewareMergeStrategy: 'append' as const,
    });
    const collect = async (kind: string, list: (cont: string | undefined) => Promise<Page>) => {
      let cont: string | undefined;
      do {
        const page = await this.#call(list, cont, clusterSignal, settings.clusterTimeoutMs);
        for (const [i, item] of page.items.entries()) {
          // Why a JSON round trip: the client returns model class instances; the domain reads plain JSON.
          const object = toObservedObject(
            JSON.parse(JSON.stringify(item)),
            kind,
            `/${kind}/${i}`,
            violations,
          );
          if (object) addObserved(state, object);
        }
        cont = page.metadata?._continue || undefined;
      } while (cont);
    };
    for (const namespace of options.namespaces) {
      const query = (cont: string | undefined) => ({
        namespace,
        limit: settings.pageSize,
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        ...(cont ? { _continue: cont } : {}),
      });
      await collect('Deployment', (c) => apps.listNamespacedDeployment(query(c), requestOptions()));
      await collect('StatefulSet', (c) => apps.listNamespacedStatefulSet(query(c), requestOptions()));
      // HPAs are not labelled like their targets: read them all and keep those that target a watched workload.
      await collect('HorizontalPodAutoscaler', (c) =>
        autoscaling.listNamespacedHorizontalPodAutoscaler(
          { namespace, limit: settings.pageSize, ...(c ? { _continue: c } : {}) },
          requestOptions(),
        ),
      );
    }
    return state;
  }

  async #call(
    list: (cont: string | undefined) => Promise<Page>,
    cont: string | undefined,
    clusterSignal: AbortSignal,
    clusterTimeoutMs: number,
  ): Promise<Page> {
    try {
      return await list(cont);
    } catch (error) {
      throw toClusterReadError(error, clusterSignal, clusterTimeoutMs);
    }
  }
}

/** Sets an abort signal on each request: the cluster's, or this request's own timeout, whichever fires first. */
function timeoutMiddleware(clusterSignal: AbortSignal, requestTimeoutMs: number): ObservableMiddleware {
  return {
    pre: (context) => {
      context.setSignal(AbortSignal.any([clusterSignal, AbortSignal.timeout(requestTimeoutMs)]));
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
}

function toClusterReadError(
  error: unknown,
  clusterSignal: AbortSignal,
  clusterTimeoutMs: number,
): ClusterReadError {
  if (error instanceof ApiException) {
    const code = error.code;
    if (code === 401 || code === 403) {
      return new ClusterReadError(
        'cluster-unauthorized',
        `the API server refused the credentials (${code})`,
        {
          cause: error,
        },
      );
    }
    return new ClusterReadError('cluster-error', `the API server answered ${code}`, { cause: error });
  }
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ClusterReadError(
      'cluster-timeout',
      clusterSignal.aborted
        ? `the cluster did not answer within ${clusterTimeoutMs} ms`
        : 'an API request timed out',
      { cause: error },
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return new ClusterReadError(
    'cluster-unreachable',
    `cannot reach the API server: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    { cause: error },
  );
}
