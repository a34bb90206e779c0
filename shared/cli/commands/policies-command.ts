import { Command } from 'commander';
import { type ApiOptions, type CliContext, withApiOptions } from '../context.ts';
import {
  addListAndGetCommands,
  printDocument,
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

  addListAndGetCommands(policies, ctx, {
    listPath: '/v1/policies',
    column: 'POLICY',
    listDescription: 'list the environment policies',
    argument: '<env>',
    getDescription: "show the latest (or --version N) version of an environment's policy",
    path,
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
