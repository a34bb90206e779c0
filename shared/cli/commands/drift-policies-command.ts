import { Command } from 'commander';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { table } from '../output.ts';
import { printDocument, putDocument, readObject, requireReason } from './profiles-command.ts';
import { ensureConfirmed, printAccepted } from './requests-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

const path = (env: string) => `/v1/drift-policies/envs/${encodeURIComponent(env)}`;

/**
 * `plumb drift-policies get|put|history` (issue 14): the versioned drift
 * policy of an environment (what to watch, workload mapping, tolerances,
 * severities). A write to a protected environment needs `--confirm <env>`
 * and becomes a change request.
 */
export function driftPoliciesCommand(ctx: CliContext): Command {
  const policies = new Command('drift-policies').description(
    "an environment's drift policy: watched namespaces, workload mapping, tolerances, severities",
  );

  withApiOptions(policies.command('get <env>'))
    .description('show the latest (or --version N) version')
    .option('--version <n>', 'a version number')
    .action(async (env: string, options: Opts) => {
      const version = positiveInt('--version', options.version as string | undefined);
      const res = await apiClient(ctx, options).request(
        'GET',
        `${path(env)}${version ? `?version=${version}` : ''}`,
      );
      printDocument(ctx, options, res.body as Parameters<typeof printDocument>[2]);
    });

  withApiOptions(policies.command('put <env>'))
    .description('set the drift policy from a JSON/YAML file: {watch, workloads, tolerances, severity}')
    .option('-f, --file <file>', 'JSON or YAML (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .option('--confirm <env>', 'required for a write to a protected environment: its name')
    .action(async (env: string, options: Opts) => {
      await ensureConfirmed(ctx, options, env);
      const reason = requireReason(options);
      const policy = await readObject(options.file as string | undefined, ctx);
      const body = { policy, reason, ...(options.ticket ? { ticket: options.ticket } : {}) };
      const record = await putDocument(ctx, options, path(env), body);
      // A protected environment answers 202 with the change request instead of a version.
      if ((record as { version?: unknown }).version === undefined) return printAccepted(ctx, options, record);
      printDocument(ctx, options, record, 'created');
    });

  withApiOptions(policies.command('history <env>'))
    .description('list the versions, newest first')
    .option('--limit <n>', 'versions per page (1-100)')
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action(async (env: string, options: Opts) => {
      const limit = positiveInt('--limit', options.limit as string | undefined);
      const query = new URLSearchParams({
        ...(limit === undefined ? {} : { limit: String(limit) }),
        ...(typeof options.cursor === 'string' ? { cursor: options.cursor } : {}),
      }).toString();
      const res = await apiClient(ctx, options).request(
        'GET',
        `${path(env)}/versions${query ? `?${query}` : ''}`,
      );
      const page = res.body as {
        items: { version: number; author: string; createdAt: string; reason: string }[];
        nextCursor: string | null;
      };
      if (options.json) return ctx.output.out(JSON.stringify(page, null, 2));
      ctx.output.out(
        table(
          ['VERSION', 'AUTHOR', 'CREATED', 'REASON'],
          page.items.map((v) => [v.version, v.author, v.createdAt, v.reason]),
        ),
      );
      if (page.nextCursor) ctx.output.out(`more: --cursor ${page.nextCursor}`);
    });

  return policies;
}
