import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';
import { UsageError } from './exit-codes.ts';
import type { Output } from './output.ts';

/** What every command gets: where to write and how to reach the API. */
export interface CliContext {
  output: Output;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  stdin?: () => Promise<string>;
}

/** Options every API command accepts. */
export interface ApiOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** Adds `--url`, `--token` and `--json` to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--url <url>', 'API base URL (env PLUMBLINE_URL, default http://127.0.0.1:8787)')
    .option('--token <token>', 'bearer token (env PLUMBLINE_TOKEN)')
    .option('--json', 'machine-readable JSON output');
}

/** Builds the API client from flags and environment. */
export function apiClient(ctx: CliContext, options: ApiOptions): ApiClient {
  return new ApiClient({
    baseUrl: options.url ?? ctx.env.PLUMBLINE_URL ?? 'http://127.0.0.1:8787',
    token: options.token ?? ctx.env.PLUMBLINE_TOKEN,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
}

/** Scope flags. */
export interface ScopeOptions {
  env?: string;
  service?: string;
  instance?: string;
}

/** Adds `--env`, `--service`, `--instance` (none = global). */
export function withScopeOptions(command: Command): Command {
  return command
    .option('--env <env>', 'environment (omit for global)')
    .option('--service <service>', 'service in the environment')
    .option('--instance <instance>', 'instance of the service');
}

/** The settings path of a scope: `/v1/settings/global`, `/v1/settings/envs/dev/services/api` ... */
export function scopePath(options: ScopeOptions): string {
  if (options.instance !== undefined && options.service === undefined)
    throw new UsageError('--instance needs --service');
  if (options.service !== undefined && options.env === undefined)
    throw new UsageError('--service needs --env');
  const e = encodeURIComponent;
  if (options.env === undefined) return '/v1/settings/global';
  let path = `/v1/settings/envs/${e(options.env)}`;
  if (options.service !== undefined) path += `/services/${e(options.service)}`;
  if (options.instance !== undefined) path += `/instances/${e(options.instance)}`;
  return path;
}

/**
 * Declares options of `command` (by attribute name, e.g. `jsonPatch`) that
 * cannot be used together, with commander's `Option.conflicts()`: giving two
 * of them is a usage error (exit code 1) before anything is sent. Options
 * left at their default do not count.
 */
export function exclusiveOptions(command: Command, ...names: string[]): Command {
  for (const name of names) {
    const option = command.options.find((o) => o.attributeName() === name);
    if (option === undefined) throw new Error(`${command.name()} has no option ${name}`);
    option.conflicts(names.filter((other) => other !== name));
  }
  return command;
}

/** Parses a positive integer flag. */
export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${name} must be a positive integer`);
  return Number(value);
}
