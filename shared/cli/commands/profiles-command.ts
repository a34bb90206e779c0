import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ApiError } from '../api-client.ts';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, type ViolationView, visible, warningLines, yaml } from '../output.ts';
import { readDocument } from '../read-input.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** A version record as the API returns it. */
export interface DocumentRecord {
  version: number;
  content: Record<string, unknown>;
  author: string;
  createdAt: string;
  reason: string;
  warnings?: ViolationView[];
}

/** Where the shipped example profiles live. */
export const EXAMPLE_PROFILES_DIR = fileURLToPath(new URL('../../../examples/profiles/', import.meta.url));

/**
 * The latest version of a document, for writes that default `If-Match` to
 * it: undefined when it does not exist, or when the caller may not read it
 * (then the write itself answers, naming the permission it really needs,
 * instead of this read blaming a read permission).
 */
export async function latestVersionOf(
  ctx: CliContext,
  options: ApiOptions,
  path: string,
): Promise<number | undefined> {
  try {
    return ((await apiClient(ctx, options).request('GET', path)).body as DocumentRecord).version;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

/** Prints a version record (YAML for people, JSON with --json) and its warnings. */
export function printDocument(
  ctx: CliContext,
  options: ApiOptions,
  record: DocumentRecord,
  verb?: string,
): void {
  if (options.json) {
    ctx.output.out(JSON.stringify(record, null, 2));
    return;
  }
  const lines = [
    `${verb ? `${verb} ` : ''}version ${record.version} by ${visible(record.author)} at ${record.createdAt}: ${visible(record.reason)}`,
  ];
  lines.push(...warningLines(record.warnings));
  lines.push('---', yaml(record.content));
  ctx.output.out(lines.join('\n'));
}

/** Lists a collection (`/v1/profiles`, `/v1/schemas`, `/v1/policies`). */
export async function printListing(
  ctx: CliContext,
  options: ApiOptions,
  path: string,
  label: string,
): Promise<void> {
  const res = await apiClient(ctx, options).request('GET', path);
  const items = (
    res.body as {
      items: { key: string; version: number; author: string; createdAt: string; reason: string }[];
    }
  ).items;
  if (options.json) return ctx.output.out(JSON.stringify(items, null, 2));
  ctx.output.out(
    table(
      [label, 'VERSION', 'AUTHOR', 'CREATED', 'REASON'],
      items.map((i) => [i.key, i.version, i.author, i.createdAt, i.reason]),
    ),
  );
}

/** Reads `--reason`; every write needs one. */
export function requireReason(options: Opts): string {
  if (typeof options.reason !== 'string' || options.reason.trim() === '')
    throw new UsageError('--reason is required for every write');
  return options.reason;
}

/** PUTs a document with If-Match = --if-match or the latest version read just before. */
export async function putDocument(
  ctx: CliContext,
  options: Opts,
  path: string,
  body: Record<string, unknown>,
): Promise<DocumentRecord> {
  const ifMatch =
    positiveInt('--if-match', options.ifMatch as string | undefined) ??
    (await latestVersionOf(ctx, options, path));
  const res = await apiClient(ctx, options).request('PUT', path, {
    body,
    headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : {},
  });
  return res.body as DocumentRecord;
}

/** Reads a JSON/YAML object from a file (or stdin). */
export async function readObject(
  file: string | undefined,
  ctx: CliContext,
): Promise<Record<string, unknown>> {
  const content = await readDocument(file, ctx.stdin);
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new UsageError('The file must hold a JSON/YAML object (a mapping of keys to values)');
  }
  return content as Record<string, unknown>;
}

/** `plumb profiles list|get|put|load-examples`. */
export function profilesCommand(ctx: CliContext): Command {
  const profiles = new Command('profiles').description(
    'reusable resource profiles a layer pulls in with {"$profile": "<name>"}',
  );
  const path = (name: string) => `/v1/profiles/${encodeURIComponent(name)}`;

  addListAndGetCommands(profiles, ctx, {
    listPath: '/v1/profiles',
    column: 'PROFILE',
    listDescription: "list the tenant's profiles",
    argument: '<name>',
    getDescription: 'show the latest (or --version N) version of a profile',
    path,
  });

  withApiOptions(profiles.command('put <name>'))
    .description('create or replace a profile from a JSON/YAML file (its content)')
    .option('-f, --file <file>', 'JSON or YAML content (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .action(async (name: string, options: Opts) => {
      const reason = requireReason(options);
      const content = await readObject(options.file as string | undefined, ctx);
      const record = await putDocument(ctx, options, path(name), {
        content,
        reason,
        ...(options.ticket ? { ticket: options.ticket } : {}),
      });
      printDocument(ctx, options, record, 'created');
    });

  withApiOptions(profiles.command('load-examples'))
    .description(
      'create the shipped profiles (minimal, production_like, high_availability) where they do not exist yet',
    )
    .option('--dir <dir>', 'load every <name>.yaml of this directory instead', EXAMPLE_PROFILES_DIR)
    .option('--reason <reason>', 'why', 'load the example profiles')
    .action(async (options: Opts) => {
      const dir = options.dir as string;
      let files: string[];
      try {
        files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
      } catch (error) {
        throw new UsageError(`Cannot read ${dir}: ${(error as Error).message}`);
      }
      const rows: (string | number)[][] = [];
      for (const file of files) {
        const name = basename(file).replace(/\.ya?ml$/, '');
        const existing = await latestVersionOf(ctx, options, path(name));
        if (existing !== undefined) {
          rows.push([name, existing, 'exists, left as is']);
          continue;
        }
        const content = await readObject(join(dir, file), ctx);
        const record = await putDocument(ctx, options, path(name), {
          content,
          reason: options.reason as string,
        });
        rows.push([name, record.version, 'created']);
      }
      if (options.json)
        return ctx.output.out(
          JSON.stringify(
            rows.map(([name, version, result]) => ({ name, version, result })),
            null,
            2,
          ),
        );
      ctx.output.out(table(['PROFILE', 'VERSION', 'RESULT'], rows));
    });

  return profiles;
}

/** What {@link addListAndGetCommands} needs to know about a kind of versioned document. */
export interface DocumentCommandSpec {
  /** The collection's list path, e.g. `/v1/profiles`. */
  listPath: string;
  /** Column header of the listing, e.g. `PROFILE`. */
  column: string;
  listDescription: string;
  /** The positional argument of `get`, e.g. `<name>`. */
  argument: string;
  getDescription: string;
  /** The document's path from the argument. */
  path(name: string): string;
}

/** Adds `list` and `get <arg> [--version N]` to a command for one kind of versioned document. */
export function addListAndGetCommands(parent: Command, ctx: CliContext, spec: DocumentCommandSpec): void {
  withApiOptions(parent.command('list'))
    .description(spec.listDescription)
    .action(async (options: Opts) => printListing(ctx, options, spec.listPath, spec.column));

  withApiOptions(parent.command(`get ${spec.argument}`))
    .description(spec.getDescription)
    .option('--version <n>', 'a specific version')
    .action(async (name: string, options: Opts) => {
      const version = positiveInt('--version', options.version as string | undefined);
      const res = await apiClient(ctx, options).request(
        'GET',
        version ? `${spec.path(name)}?version=${version}` : spec.path(name),
      );
      printDocument(ctx, options, res.body as DocumentRecord);
    });
}
