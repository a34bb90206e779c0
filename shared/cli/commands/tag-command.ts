import { Command } from 'commander';
import {
  type ApiOptions,
  apiClient,
  type CliContext,
  positiveInt,
  type ScopeOptions,
  scopePath,
  withApiOptions,
  withScopeOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table } from '../output.ts';

type Opts = ApiOptions & ScopeOptions & { version?: string };

/** `plumb tag [vX.Y.Z] --version N`: tag a settings version, or list a scope's tags. */
export function tagCommand(ctx: CliContext): Command {
  return withApiOptions(withScopeOptions(new Command('tag')))
    .description('tag a settings version of a scope (vX.Y.Z, unique per scope); without a tag, list the tags')
    .argument('[tag]', 'the tag, e.g. v1.2.0')
    .option('--version <n>', 'the version to tag (default: the latest)')
    .action(async (tag: string | undefined, options: Opts) => {
      const path = scopePath(options);
      const api = apiClient(ctx, options);
      if (tag === undefined) {
        const items = (
          (await api.request('GET', `${path}/tags`)).body as {
            items: { tag: string; version: number; taggedBy: string; taggedAt: string }[];
          }
        ).items;
        if (options.json) return ctx.output.out(JSON.stringify(items, null, 2));
        return ctx.output.out(
          table(
            ['TAG', 'VERSION', 'BY', 'AT'],
            items.map((i) => [i.tag, i.version, i.taggedBy, i.taggedAt]),
          ),
        );
      }
      if (!/^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(tag))
        throw new UsageError('a tag looks like v1.2.0');
      const version =
        positiveInt('--version', options.version) ??
        ((await api.request('GET', path)).body as { version: number }).version;
      const res = await api.request('POST', `${path}/tags`, { body: { version, tag } });
      const created = res.body as { tag: string; version: number; scope: string };
      if (options.json) return ctx.output.out(JSON.stringify(created, null, 2));
      ctx.output.out(`tagged ${created.scope} version ${created.version} as ${created.tag}`);
    });
}
