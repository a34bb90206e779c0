import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { type ApiOptions, apiClient, type CliContext, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { rawOutput, table, yaml } from '../output.ts';
import { readStdin } from '../read-input.ts';
import { ensureConfirmed, printAccepted } from './requests-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** Why `--value` is refused (issue 13). */
export const VALUE_ARGUMENT_REFUSED =
  '--value is refused: a secret given as an argument lands in shell history and in the process list (ps). Pipe it on stdin (printf %s "$VALUE" | plumb secrets put ...) or use --from-file <file>, or --generate.';

interface Metadata {
  name: string;
  env: string;
  version: number;
  criticality: string;
  category: string;
  owner: string | null;
  rotatedAt: string;
  rotationDueAt: string;
  generated: boolean;
  state: string;
  deletionAt?: string;
}

const path = (env: string, name?: string) =>
  `/v1/secrets/envs/${encodeURIComponent(env)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

/** Adds the hidden `--value` that exists only to be refused with the reason. */
function refuseValue(command: Command): Command {
  return command.addOption(new Option('--value <value>', 'refused: see --from-file').hideHelp());
}

/**
 * Reads the secret value: `--from-file`, or stdin (piped). Never an argument.
 * One trailing newline (from `echo` or an editor) is dropped.
 */
async function readValue(ctx: CliContext, options: Opts, required: boolean): Promise<string | undefined> {
  if (options.value !== undefined) throw new UsageError(VALUE_ARGUMENT_REFUSED);
  let text: string | undefined;
  if (typeof options.fromFile === 'string') {
    try {
      text = await readFile(options.fromFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `Cannot read ${options.fromFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else if (ctx.stdin || !process.stdin.isTTY) {
    text = await (ctx.stdin ?? readStdin)();
  }
  if (text !== undefined) text = text.replace(/\r?\n$/, '');
  if ((text === undefined || text === '') && required) {
    throw new UsageError('Give the value on stdin or with --from-file <file> (or use --generate)');
  }
  return text === '' ? undefined : text;
}

function print(ctx: CliContext, options: Opts, body: unknown, verb: string): void {
  if (options.json) {
    ctx.output.out(JSON.stringify(body, null, 2));
    return;
  }
  const m = body as Metadata;
  ctx.output.out(
    `${verb} secret ${m.name} in ${m.env}: version ${m.version} (${m.criticality}, ${m.state}${m.deletionAt ? `, deleted at ${m.deletionAt}` : ''}; rotation due ${m.rotationDueAt})`,
  );
}

function reasonOf(options: Opts): string {
  if (typeof options.reason !== 'string' || options.reason.trim() === '')
    throw new UsageError('--reason is required');
  return options.reason;
}

function ifMatchOf(options: Opts): Record<string, string> {
  if (options.ifMatch === undefined) return {};
  if (!/^[1-9][0-9]*$/.test(String(options.ifMatch)))
    throw new UsageError('--if-match takes a version number');
  return { 'if-match': `"${options.ifMatch}"` };
}

/** `plumb secrets put|list|show|rotate|delete|restore|reveal|due`. */
export function secretsCommand(ctx: CliContext): Command {
  const secrets = new Command('secrets').description(
    'secrets: envelope-encrypted values that settings reference as {"$secret": name}',
  );

  refuseValue(withApiOptions(secrets.command('put <name>')))
    .description('write a secret: the value from stdin or --from-file (never an argument), or --generate')
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--reason <reason>', 'why')
    .option('--from-file <file>', 'read the value from this file')
    .option('--generate', 'let Plumbline generate the value')
    .option('--length <n>', 'length of a generated value (16-256)', '32')
    .option('--alphabet <alphabet>', 'alphanumeric | base64url | hex | ascii-printable', 'alphanumeric')
    .option('--criticality <criticality>', 'critical | standard | low', 'standard')
    .option(
      '--category <category>',
      'infrastructure | application | data-access | operational',
      'application',
    )
    .option('--description <text>', 'what it is for')
    .option('--owner <email>', 'who to notify when it is due')
    .option('--if-match <version>', 'the version you read (default: the current one)')
    .option('--confirm <env>', 'required for a protected environment: its name')
    .action(async (name: string, options: Opts) => {
      const env = options.env as string;
      const reason = reasonOf(options);
      const value = options.generate ? undefined : await readValue(ctx, options, true);
      if (options.generate && options.value !== undefined) throw new UsageError(VALUE_ARGUMENT_REFUSED);
      await ensureConfirmed(ctx, options, env);
      const client = apiClient(ctx, options);
      let headers = ifMatchOf(options);
      if (!headers['if-match']) {
        const current = await client.request('GET', path(env, name)).catch(() => undefined);
        if (current) headers = { 'if-match': `"${(current.body as Metadata).version}"` };
      }
      const body = {
        ...(value === undefined ? {} : { value }),
        ...(options.generate
          ? { generate: { length: Number(options.length), alphabet: options.alphabet } }
          : {}),
        criticality: options.criticality,
        category: options.category,
        ...(options.description ? { description: options.description } : {}),
        ...(options.owner ? { owner: options.owner } : {}),
        reason,
      };
      const res = await client.request('PUT', path(env, name), { body, headers });
      if (res.status === 202) return printAccepted(ctx, options, res.body);
      print(ctx, options, res.body, res.status === 201 ? 'Created' : 'Updated');
    });

  withApiOptions(secrets.command('list'))
    .description("list an environment's secrets (metadata only)")
    .requiredOption('--env <env>', 'environment')
    .action(async (options: Opts) => {
      const client = apiClient(ctx, options);
      const items: Metadata[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
        const res = await client.request('GET', `${path(options.env as string)}${query}`);
        const page = res.body as { items: Metadata[]; nextCursor: string | null };
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      if (options.json) return ctx.output.out(JSON.stringify(items, null, 2));
      ctx.output.out(
        table(
          ['NAME', 'VERSION', 'CRITICALITY', 'CATEGORY', 'OWNER', 'ROTATION DUE', 'STATE'],
          items.map((m) => [m.name, m.version, m.criticality, m.category, m.owner, m.rotationDueAt, m.state]),
        ),
      );
    });

  withApiOptions(secrets.command('show <name>'))
    .description('metadata and versions with their stages (never the value)')
    .requiredOption('--env <env>', 'environment')
    .action(async (name: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', path(options.env as string, name));
      ctx.output.out(options.json ? JSON.stringify(res.body, null, 2) : yaml(res.body));
    });

  refuseValue(withApiOptions(secrets.command('rotate <name>')))
    .description('rotate: a new generated value, or the new value from stdin or --from-file')
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--reason <reason>', 'why')
    .option('--from-file <file>', 'read the new value from this file')
    .option('--generate', 'generated secrets: make a new value (no input read)')
    .option('--if-match <version>', 'fail with 412 unless this is the current version')
    .option('--confirm <env>', 'required for a protected environment: its name')
    .action(async (name: string, options: Opts) => {
      const env = options.env as string;
      const reason = reasonOf(options);
      const value = options.generate ? undefined : await readValue(ctx, options, false);
      await ensureConfirmed(ctx, options, env);
      const res = await apiClient(ctx, options).request('POST', `${path(env, name)}/rotate`, {
        body: { ...(value === undefined ? {} : { value }), reason },
        headers: ifMatchOf(options),
      });
      if (res.status === 202) return printAccepted(ctx, options, res.body);
      print(ctx, options, res.body, 'Rotated');
    });

  withApiOptions(secrets.command('delete <name>'))
    .description('schedule deletion after a recovery window (refused while settings reference it)')
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--reason <reason>', 'why')
    .option('--recovery-days <days>', 'recovery window, 7-30 days', '30')
    .option('--if-match <version>', 'fail with 412 unless this is the current version')
    .action(async (name: string, options: Opts) => {
      const res = await apiClient(ctx, options).request(
        'DELETE',
        `${path(options.env as string, name)}?recoveryDays=${encodeURIComponent(String(options.recoveryDays))}`,
        { headers: { 'plumbline-reason': reasonOf(options), ...ifMatchOf(options) } },
      );
      print(ctx, options, res.body, 'Scheduled deletion of');
    });

  withApiOptions(secrets.command('restore <name>'))
    .description('undo a scheduled deletion within its recovery window')
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--reason <reason>', 'why')
    .action(async (name: string, options: Opts) => {
      const res = await apiClient(ctx, options).request(
        'POST',
        `${path(options.env as string, name)}/restore`,
        {
          body: { reason: reasonOf(options) },
        },
      );
      print(ctx, options, res.body, 'Restored');
    });

  withApiOptions(secrets.command('reveal <name>'))
    .description('print a secret value (role secret-reader; audited)')
    .requiredOption('--env <env>', 'environment')
    .option('--version <n>', 'a version (current or previous only)')
    .option('--previous', 'the previous version')
    .action(async (name: string, options: Opts) => {
      const query = options.version
        ? `?version=${encodeURIComponent(String(options.version))}`
        : options.previous
          ? '?stage=previous'
          : '';
      const res = await apiClient(ctx, options).request(
        'POST',
        `${path(options.env as string, name)}/value${query}`,
      );
      const body = res.body as { name: string; version: number; value: string };
      // The value is data (for a pipe or a file): byte for byte, never escaped.
      if (options.json) ctx.output.out(JSON.stringify(body));
      else rawOutput(ctx.output).out(body.value);
    });

  withApiOptions(secrets.command('due'))
    .description('secrets past their rotation period (critical 30 d, standard 90, low 365, or the policy)')
    .requiredOption('--env <env>', 'environment')
    .action(async (options: Opts) => {
      const res = await apiClient(ctx, options).request(
        'GET',
        `/v1/secrets/rotation-due?env=${encodeURIComponent(options.env as string)}`,
      );
      const items = (res.body as { items: (Metadata & { dueAt: string; periodDays: number })[] }).items;
      if (options.json) return ctx.output.out(JSON.stringify(items, null, 2));
      ctx.output.out(
        table(
          ['NAME', 'CRITICALITY', 'PERIOD', 'DUE SINCE', 'GENERATED', 'OWNER'],
          items.map((m) => [
            m.name,
            m.criticality,
            `${m.periodDays}d`,
            m.dueAt,
            m.generated ? 'yes' : 'no',
            m.owner,
          ]),
        ),
      );
    });

  return secrets;
}
