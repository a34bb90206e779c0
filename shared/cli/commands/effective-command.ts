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

/** `plumb effective`: the merged settings of a service or instance. */
export function effectiveCommand(ctx: CliContext): Command {
  return withApiOptions(withScopeOptions(new Command('effective')))
    .description('show the effective settings of a service or instance: its layers deep-merged')
    .action(async (options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', effectivePath(options, false));
      const body = res.body as EffectiveBody;
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
