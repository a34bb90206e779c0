import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { type ApiOptions, apiClient, type CliContext, exclusiveOptions, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { rawOutput } from '../output.ts';

type Opts = ApiOptions & { format: string; env?: string; service?: string; at?: string; output?: string };

/** `plumb export`: a snapshot (json, yaml) or flattened effective settings (dotenv, configmap). */
export function exportCommand(ctx: CliContext): Command {
  const command = withApiOptions(new Command('export'))
    .description('export the latest (or --at) state of the tenant, an --env or a --service')
    .option('--format <format>', 'json, yaml, dotenv or configmap', 'yaml')
    .option('--env <env>', 'only this environment')
    .option('--service <service>', 'only this service')
    .option('--at <instant>', 'the state at this ISO-8601 instant, e.g. 2026-01-31T12:00:00Z')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: Opts) => {
      if (!['json', 'yaml', 'dotenv', 'configmap'].includes(options.format))
        throw new UsageError('--format is json, yaml, dotenv or configmap');
      const query = new URLSearchParams({ format: options.format });
      if (options.env) query.set('env', options.env);
      if (options.service) query.set('service', options.service);
      if (options.at) query.set('at', options.at);
      const res = await apiClient(ctx, options).request('GET', `/v1/export?${query}`);
      const text = typeof res.body === 'string' ? res.body : `${JSON.stringify(res.body, null, 2)}\n`;
      if (options.output) {
        await writeFile(options.output, text, 'utf8');
        ctx.output.err(`wrote ${options.output}`);
      } else rawOutput(ctx.output).out(text); // the export is data: byte for byte, never escaped
    });
  // --format already says how the snapshot is written; --json beside it would be silently ignored.
  return exclusiveOptions(command, 'json', 'format');
}
