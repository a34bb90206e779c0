import { Command } from 'commander';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import {
  type DocumentRecord,
  printDocument,
  printListing,
  putDocument,
  readObject,
  requireReason,
} from './profiles-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** `plumb policies list|get|put`. */
export function policiesCommand(ctx: CliContext): Command {
  const policies = new Command('policies').description(
    'environment policies: registries, labels, resource and HPA bounds (admin)',
  );
  const path = (env: string) => `/v1/policies/envs/${encodeURIComponent(env)}`;

  withApiOptions(policies.command('list'))
    .description('list the environment policies')
    .action(async (options: Opts) => printListing(ctx, options, '/v1/policies', 'POLICY'));

  withApiOptions(policies.command('get <env>'))
    .description("show the latest (or --version N) version of an environment's policy")
    .option('--version <n>', 'a specific version')
    .action(async (env: string, options: Opts) => {
      const version = positiveInt('--version', options.version as string | undefined);
      const res = await apiClient(ctx, options).request(
        'GET',
        version ? `${path(env)}?version=${version}` : path(env),
      );
      printDocument(ctx, options, res.body as DocumentRecord);
    });

  withApiOptions(policies.command('put <env>'))
    .description('set a policy from a JSON/YAML file: {allowedRegistries, requiredLabels, resources, hpa}')
    .option('-f, --file <file>', 'JSON or YAML (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .action(async (env: string, options: Opts) => {
      const reason = requireReason(options);
      const policy = await readObject(options.file as string | undefined, ctx);
      const body = { policy, reason, ...(options.ticket ? { ticket: options.ticket } : {}) };
      printDocument(ctx, options, await putDocument(ctx, options, path(env), body), 'created');
    });

  return policies;
}
