import { Command } from 'commander';
import {
  type ApiOptions,
  apiClient,
  type CliContext,
  type ScopeOptions,
  withApiOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { type ViolationView, warningLines } from '../output.ts';
import { readObject } from './profiles-command.ts';

type Opts = ApiOptions & ScopeOptions & { file?: string };

/**
 * `plumb validate -f file --env --service [--instance]`: validates a proposed
 * service (or instance) layer without writing it. Exit 0 when valid
 * (warnings printed), 2 with every violation listed when not: for CI.
 */
export function validateCommand(ctx: CliContext): Command {
  return withApiOptions(new Command('validate'))
    .description(
      'validate a proposed service (or --instance) layer against every configuration it would change; writes nothing',
    )
    .requiredOption(
      '-f, --file <file>',
      'the proposed content of the service layer (or --instance layer), JSON or YAML (- for stdin): the same document you would give `plumb settings put`',
    )
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--service <service>', 'service')
    .option('--instance <instance>', 'validate it as this instance layer instead')
    .addHelpText(
      'after',
      `
The file holds the settings you propose for the service (or instance) layer, not
a whole effective configuration: the API merges it over the global and
environment layers, then checks the result against the environment's policy,
the service's schema and the built-in rules. For example, candidate.yaml:

  image: registry.example.com/api:1.6.0
  replicas: 4
  hpa: { minReplicas: 2, maxReplicas: 8 }

Exit code 0 when valid (warnings printed), 2 with every violation listed when not.`,
    )
    .action(async (options: Opts) => {
      if (!options.env || !options.service) throw new UsageError('--env and --service are required');
      const content = await readObject(options.file, ctx);
      const path = `/v1/validate/envs/${encodeURIComponent(options.env)}/services/${encodeURIComponent(options.service)}`;
      const res = await apiClient(ctx, options).request('POST', path, {
        body: { content, ...(options.instance ? { instance: options.instance } : {}) },
      });
      const body = res.body as {
        valid: boolean;
        warnings: ViolationView[];
        targets: string[];
      };
      if (options.json) return ctx.output.out(JSON.stringify(body, null, 2));
      const lines = [`valid: checked ${body.targets.length} configuration(s): ${body.targets.join(', ')}`];
      for (const line of warningLines(body.warnings)) lines.push(`  ${line}`);
      ctx.output.out(lines.join('\n'));
    });
}
