import { Command } from 'commander';
import {
  type ApiOptions,
  apiClient,
  type CliContext,
  type ScopeOptions,
  withApiOptions,
  withScopeOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, yaml } from '../output.ts';

type Opts = ApiOptions & ScopeOptions;

/** The effective-settings path of `--env --service [--instance]`. */
export function effectivePath(options: ScopeOptions, explain: boolean): string {
  if (options.env === undefined || options.service === undefined) {
    throw new UsageError(
      'effective settings belong to a service: give --env and --service (and optionally --instance)',
    );
  }
  const e = encodeURIComponent;
  let path = `/v1/effective/envs/${e(options.env)}/services/${e(options.service)}`;
  if (options.instance !== undefined) path += `/instances/${e(options.instance)}`;
  return explain ? `${path}?explain=true` : path;
}

/** An effective settings response. */
export interface EffectiveBody {
  content: Record<string, unknown>;
  layers: { scope: string; version: number }[];
  profiles: { name: string; version: number }[];
  explain?: Record<
    string,
    {
      scope: string;
      version: number;
      author: string;
      createdAt: string;
      profile?: string;
      profileVersion?: number;
    }
  >;
}

/**
 * Says on stderr which layers the effective settings were merged from, and
 * warns for each name that looks mistyped: the environment only when
 * nothing of it was found (no environment layer and no layer of the service
 * or instance in it: an environment may well have no layer of its own when
 * its services have theirs), the service (and instance) when it has no
 * layer. A mistyped `--env nope` otherwise shows the global defaults and
 * exits 0 as if all were well.
 */
export function reportLayers(ctx: CliContext, options: ScopeOptions, body: EffectiveBody): void {
  const found = new Map(body.layers.map((l) => [l.scope, l.version]));
  const expected: [string, string][] = [['global', 'the global defaults']];
  if (options.env !== undefined) {
    const env = `envs/${options.env}`;
    expected.push([env, `environment '${options.env}'`]);
    if (options.service !== undefined) {
      const service = `${env}/services/${options.service}`;
      expected.push([service, `service '${options.service}' in environment '${options.env}'`]);
      if (options.instance !== undefined)
        expected.push([`${service}/instances/${options.instance}`, `instance '${options.instance}'`]);
    }
  }
  const listed = expected.map(([scope]) =>
    found.has(scope) ? `${scope}@v${found.get(scope)}` : `${scope} (none)`,
  );
  ctx.output.err(`layers found: ${listed.join(' < ')}`);
  const envScope = expected[1]?.[0];
  const envHasLayers = body.layers.some((l) => l.scope === envScope || l.scope.startsWith(`${envScope}/`));
  for (const [scope, what] of expected.slice(1)) {
    if (found.has(scope) || (scope === envScope && envHasLayers)) continue;
    ctx.output.err(`warning: ${what} has no settings layer (${scope}); is the name right?`);
  }
}

/** `plumb effective`: the merged settings of a service or instance. */
export function effectiveCommand(ctx: CliContext): Command {
  return withApiOptions(withScopeOptions(new Command('effective')))
    .description('show the effective settings of a service or instance: its layers deep-merged')
    .action(async (options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', effectivePath(options, false));
      const body = res.body as EffectiveBody;
      reportLayers(ctx, options, body);
      if (options.json) return ctx.output.out(JSON.stringify(body, null, 2));
      const layers = body.layers.map((l) => `${l.scope}@v${l.version}`).join(' < ');
      const profiles = body.profiles.map((p) => `${p.name}@v${p.version}`).join(', ');
      ctx.output.out(
        [
          `layers:   ${layers}`,
          ...(profiles ? [`profiles: ${profiles}`] : []),
          `etag:     ${res.headers.get('etag') ?? '-'}`,
          '---',
          yaml(body.content),
        ].join('\n'),
      );
    });
}

/** `plumb explain`: where each effective value came from. */
export function explainCommand(ctx: CliContext): Command {
  return withApiOptions(withScopeOptions(new Command('explain')))
    .description(
      'show for every effective key the layer, version, author and time (and profile) it came from',
    )
    .option('--key <pointer>', 'only keys at or below this JSON pointer, e.g. /hpa')
    .action(async (options: Opts & { key?: string }) => {
      const res = await apiClient(ctx, options).request('GET', effectivePath(options, true));
      const body = res.body as EffectiveBody;
      reportLayers(ctx, options, body);
      const prefix = options.key;
      const rows = Object.entries(body.explain ?? {}).filter(
        ([pointer]) => prefix === undefined || pointer === prefix || pointer.startsWith(`${prefix}/`),
      );
      if (options.json)
        return ctx.output.out(JSON.stringify({ ...body, explain: Object.fromEntries(rows) }, null, 2));
      const valueAt = (pointer: string): unknown =>
        pointer
          .slice(1)
          .split('/')
          .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
          .reduce<unknown>(
            (node, token) =>
              node && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined,
            body.content,
          );
      ctx.output.out(
        table(
          ['KEY', 'VALUE', 'SCOPE', 'VERSION', 'PROFILE', 'AUTHOR', 'CREATED'],
          rows.map(([pointer, p]) => {
            const value = valueAt(pointer);
            return [
              pointer,
              typeof value === 'string' ? value : JSON.stringify(value),
              p.scope,
              p.version,
              p.profile ? `${p.profile}@v${p.profileVersion ?? '?'}` : null,
              p.author,
              p.createdAt,
            ];
          }),
        ),
      );
    });
}
